/* people_ops.c — `facecluster people`: list, name and merge people in the store; the faces TSV used for
 * scoring. */
#include "group_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void fc_people_free(fc_person *v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i].name);
    free(v);
}

int fc_people_list(const char *db, fc_person **out, size_t *nout)
{
    *out = NULL, *nout = 0;
    sqlite3 *h;
    int rc = gc_open(db, &h);
    if (rc) return rc;
    gc_coll c;
    if ((rc = gc_load(h, 0, &c))) {
        sqlite3_close(h);
        return rc;
    }
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(h, "SELECT id, name FROM people ORDER BY id", -1, &q, NULL)) {
        rc = fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(h));
    } else {
        size_t cap = 16, n = 0;
        fc_person *v = calloc(cap, sizeof *v);
        while (v && sqlite3_step(q) == SQLITE_ROW) {
            if (n == cap) {
                fc_person *t = realloc(v, 2 * cap * sizeof *t);
                if (!t) break;
                v = t, cap *= 2;
            }
            fc_person *p = &v[n++];
            memset(p, 0, sizeof *p);
            p->id = sqlite3_column_int64(q, 0);
            const char *nm = (const char *)sqlite3_column_text(q, 1);
            p->name = nm && nm[0] ? strdup(nm) : NULL;
            long last = -1;
            for (size_t i = 0; i < c.nf; i++)
                if (c.f[i].person == p->id) {
                    p->faces++;
                    if (c.f[i].img != last) p->photos++, last = c.f[i].img;
                }
        }
        sqlite3_finalize(q);
        *out = v, *nout = n;
    }
    gc_free(&c);
    sqlite3_close(h);
    return rc;
}

static int person_exists(sqlite3 *h, int64_t id)
{
    sqlite3_stmt *q;
    int ok = 0;
    if (sqlite3_prepare_v2(h, "SELECT 1 FROM people WHERE id=?", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, id);
        ok = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
    }
    return ok;
}

int fc_people_name(const char *db, int64_t id, const char *name)
{
    sqlite3 *h;
    int rc = gc_open(db, &h);
    if (rc) return rc;
    if (!person_exists(h, id)) {
        sqlite3_close(h);
        return fc_fail(FC_EARG, "no person %lld in %s", (long long)id, db);
    }
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(h, "UPDATE people SET name=? WHERE id=?", -1, &q, NULL)) {
        rc = fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(h));
    } else {
        if (name && name[0]) sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        else sqlite3_bind_null(q, 1);
        sqlite3_bind_int64(q, 2, id);
        if (sqlite3_step(q) != SQLITE_DONE) rc = fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(h));
        sqlite3_finalize(q);
    }
    sqlite3_close(h);
    return rc;
}

int fc_people_merge(const char *db, int64_t into, int64_t from, long *dropped)
{
    *dropped = 0;
    if (into == from) return fc_fail(FC_EARG, "merge: a person cannot be merged into itself");
    sqlite3 *h;
    int rc = gc_open(db, &h);
    if (rc) return rc;
    /* which one is missing is decided while the store is open (it used to be asked after closing it) */
    int64_t missing = !person_exists(h, into) ? into : !person_exists(h, from) ? from : 0;
    if (missing) {
        sqlite3_close(h);
        return fc_fail(FC_EARG, "no person %lld in %s", (long long)missing, db);
    }
    char sql[512];
    rc = gc_exec(h, "BEGIN");
    /* cannot-link: faces of `from` on a photo where `into` has a face stay out (unknown) */
    snprintf(sql, sizeof sql,
             "DELETE FROM person_faces WHERE person_id=%lld AND path IN "
             "(SELECT path FROM person_faces WHERE person_id=%lld)",
             (long long)from, (long long)into);
    if (!rc) rc = gc_exec(h, sql);
    *dropped = sqlite3_changes(h);
    snprintf(sql, sizeof sql, "UPDATE person_faces SET person_id=%lld WHERE person_id=%lld", (long long)into,
             (long long)from);
    if (!rc) rc = gc_exec(h, sql);
    /* the merged person keeps a name: its own, else the other's */
    snprintf(sql, sizeof sql,
             "UPDATE people SET name=(SELECT name FROM people WHERE id=%lld) WHERE id=%lld AND "
             "(name IS NULL OR name='')",
             (long long)from, (long long)into);
    if (!rc) rc = gc_exec(h, sql);
    snprintf(sql, sizeof sql, "DELETE FROM people WHERE id=%lld", (long long)from);
    if (!rc) rc = gc_exec(h, sql);
    gc_exec(h, rc ? "ROLLBACK" : "COMMIT");
    sqlite3_close(h);
    return rc;
}

int fc_group_last_output(const char *db, const char *for_dir, char **out_dir, fc_link_mode *link)
{
    *out_dir = NULL;
    *link = FC_LINK_HARD;
    sqlite3 *h;
    int rc = gc_open(db, &h);
    if (rc) return rc;
    *out_dir = gc_meta_get(h, "out_dir");
    char key[PATH_MAX + 8], abs[PATH_MAX];
    const char *d = for_dir ? (realpath(for_dir, abs) ? abs : for_dir) : *out_dir;
    snprintf(key, sizeof key, "link:%s", d ? d : "");
    char *l = gc_meta_get(h, key);
    if (l) *link = !strcmp(l, "sym") ? FC_LINK_SYM : !strcmp(l, "copy") ? FC_LINK_COPY : FC_LINK_HARD;
    free(l);
    sqlite3_close(h);
    return FC_OK;
}

int fc_group_faces_tsv(const char *db, const char *out_path)
{
    sqlite3 *h;
    int rc = gc_open(db, &h);
    if (rc) return rc;
    gc_coll c;
    if ((rc = gc_load(h, 0, &c))) {
        sqlite3_close(h);
        return rc;
    }
    FILE *f = strcmp(out_path, "-") ? fopen(out_path, "w") : stdout;
    if (!f) {
        rc = fc_fail(FC_EIO, "%s: cannot write", out_path);
    } else {
        fprintf(f, "path\tface_index\tx1\ty1\tx2\ty2\tperson\n");
        for (size_t i = 0; i < c.nf; i++) {
            const gc_face *x = &c.f[i];
            fprintf(f, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%lld\n", c.img[x->img].path, x->face_index, x->box[0],
                    x->box[1], x->box[2], x->box[3], (long long)x->person);
        }
        if (f != stdout && fclose(f)) rc = fc_fail(FC_EIO, "%s: write failed", out_path);
    }
    gc_free(&c);
    sqlite3_close(h);
    return rc;
}
