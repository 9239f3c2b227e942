/* group_internal.h — the photo collection as the group pipeline sees it (shared by src/group/ files). */
#ifndef FC_GROUP_INTERNAL_H
#define FC_GROUP_INTERNAL_H

#include "facecluster/core.h"
#include "facecluster/people.h"

#include <sqlite3.h>
#include <stdint.h>

enum { G_OK = 0, G_NOFACE = 1, G_ERROR = 2 };

typedef struct gc_image {
    int64_t id;
    char *path;
    int status;
    int64_t size, mtime;
    long dup_of;   /* index of the kept copy when byte-identical to it, else -1 */
    int nfaces;
} gc_image;

typedef struct gc_face {
    int64_t id;
    long img;      /* index into images */
    int face_index;
    double box[4];
    int64_t person; /* 0 = in no person */
} gc_face;

typedef struct gc_coll {
    gc_image *img;
    size_t nimg;
    gc_face *f;     /* faces of kept (non-duplicate, existing) photos, in path order */
    size_t nf;
    fc_mat X;      /* embeddings of f (when loaded with embeddings) */
    char *model;
} gc_coll;

/* Opens the store file with the people tables created. */
int gc_open(const char *db, sqlite3 **out);
int gc_exec(sqlite3 *db, const char *sql);
/* Loads photos that still exist on disk, drops duplicates (hash cache in file_hashes), and the faces of the
 * kept photos with their person (0 when none or when the person no longer exists). */
int gc_load(sqlite3 *db, int with_emb, gc_coll *c);
void gc_free(gc_coll *c);
int gc_meta_set(sqlite3 *db, const char *key, const char *value);
char *gc_meta_get(sqlite3 *db, const char *key); /* malloc'ed or NULL */
/* 64-bit content hash of a file (two mixed FNV-1a lanes), as 32 hex digits; -1 on read error. */
int gc_file_hash(const char *path, char out[33]);
/* 1 when the two files have the same bytes. */
int gc_files_equal(const char *a, const char *b);

#endif
