/* people.h — the people of a photo collection, kept in the face store file next to store.h's tables, and
 * the `group` pipeline that fills them: photos → faces (embed.h) → people → one folder per person.
 *
 * Contract:
 *  - Tables (created on open, in the same SQLite file as the face store, own connection):
 *    people(id INTEGER PRIMARY KEY AUTOINCREMENT, name) — ids are never reused, so person_007 stays 7;
 *    person_faces(path, face_index, person_id) — a face is identified by its photo's absolute path and its
 *    index in the photo, which survive re-runs; file_hashes(path, size, mtime, hash) caches content hashes
 *    for duplicate detection; group_meta(key, value) remembers the last run's settings (method, threshold,
 *    model, link mode, output folder) so that `people name/merge` can rewrite the output.
 *  - fc_group_run: embeds every photo under opts.dirs (fc_embed_run, all faces, no labels; resumable),
 *    drops byte-identical duplicates (content hash, confirmed byte by byte; the photo stored first is
 *    kept and the others are reported), attaches faces that belong to no person yet to the nearest existing
 *    person within the threshold (fc_group_assign), clusters the rest (fc_group_cluster, cannot-link per
 *    photo) and makes a new person of every cluster with at least opts.min_faces faces (ids allocated by
 *    cluster size, largest first); the other faces are "unknown" and are reconsidered on the next run.
 *    Existing people are never renumbered. Then it writes the output folder (fc_group_write).
 *  - fc_group_write lays out out_dir from the store: one folder per person (person_NNN, or the person's
 *    sanitised name), holding every photo with one of its faces, plus unknown/ for photos with a face in
 *    no person, .facecluster/thumbs/ and index.html. Links are hard links (falling back to a copy with a
 *    warning when the photo is on another file system), symbolic links or copies; originals are never
 *    moved, modified or removed. Folders the tool made before are emptied and rebuilt; anything else in
 *    out_dir is left alone. dry_run prints the plan on stdout and writes nothing at all (the store work is
 *    done on a temporary copy).
 */
#ifndef FACECLUSTER_PEOPLE_H
#define FACECLUSTER_PEOPLE_H

#include "facecluster/cluster.h"
#include "facecluster/face.h"

#include <stdint.h>

typedef enum { FC_LINK_HARD = 0, FC_LINK_SYM, FC_LINK_COPY } fc_link_mode;

typedef struct fc_group_opts {
    const char *const *dirs;
    int ndirs;
    const char *out_dir;
    const char *db;            /* NULL = out_dir/.facecluster/faces.db */
    fc_link_mode link;
    int dry_run;
    int have_method;           /* 1: use `linkage` instead of the model's default */
    fc_linkage linkage;
    double threshold;          /* > 0 overrides the model's default */
    int min_faces;             /* a new person needs this many faces (default 2) */
    const char *models_dir;
    int threads, max_side;
    fc_mtcnn_opts det;
} fc_group_opts;

typedef struct fc_group_summary {
    long photos, photos_with_faces, noface, unusable, duplicates, faces;
    long unusable_earlier; /* unusable files of this input stored by earlier runs (skipped as unchanged) */
    long people, new_people, attached, unknown_faces;
    long links, copies_fallback;
    double threshold;
    const char *method;
    double wall;
} fc_group_summary;

fc_group_opts fc_group_opts_default(void);
int fc_group_run(const fc_group_opts *o, fc_group_summary *sum);
/* Rewrites out_dir from the store db (after naming or merging). */
int fc_group_write(const char *db, const char *out_dir, fc_link_mode link, int dry_run, fc_group_summary *sum);

typedef struct fc_person {
    int64_t id;
    char *name;     /* NULL when unnamed */
    long faces, photos;
} fc_person;

int fc_people_list(const char *db, fc_person **v, size_t *n);
void fc_people_free(fc_person *v, size_t n);
/* name NULL or "" removes the name. */
int fc_people_name(const char *db, int64_t id, const char *name);
/* Moves every face of `from` into `into` and deletes `from`; faces of `from` on a photo where `into` already
 * has a face become unknown (cannot-link); *dropped counts them. */
int fc_people_merge(const char *db, int64_t into, int64_t from, long *dropped);
/* The folder name of a person: the sanitised name, or person_NNN. */
void fc_person_folder(int64_t id, const char *name, char *buf, size_t len);
/* The last output folder recorded in the store (*out_dir NULL when never written), and the link mode
 * `for_dir` (or, when NULL, that last folder) was written with (hard when unknown). */
int fc_group_last_output(const char *db, const char *for_dir, char **out_dir, fc_link_mode *link);
/* TSV of every face: path, face_index, x1, y1, x2, y2, person id (0 = unknown), duplicate flag. */
int fc_group_faces_tsv(const char *db, const char *out_path);

#endif
