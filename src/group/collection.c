/* collection.c — the people tables in the face store file, and loading the collection (photos that still
 * exist, duplicates dropped, faces with their person) for the group pipeline. */
#include "group_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *PEOPLE_SCHEMA =
    "CREATE TABLE IF NOT EXISTS people(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);"
    "CREATE TABLE IF NOT EXISTS person_faces(path TEXT NOT NULL, face_index INTEGER NOT NULL,"
    "  person_id INTEGER NOT NULL, PRIMARY KEY(path, face_index));"
    "CREATE INDEX IF NOT EXISTS person_faces_person ON person_faces(person_id);"
    "CREATE TABLE IF NOT EXISTS file_hashes(path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, hash TEXT);"
    "CREATE TABLE IF NOT EXISTS group_meta(key TEXT PRIMARY KEY, value TEXT);";

int gc_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        int rc = fc_fail(FC_EIO, "%s: %s", sqlite3_db_filename(db, "main"), err ? err : "?");
        sqlite3_free(err);
        return rc;
    }
    return FC_OK;
}

int gc_open(const char *path, sqlite3 **out)
{
    sqlite3 *db = NULL;
    *out = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        int rc = fc_fail(FC_EIO, "%s: cannot open the store: %s", path, db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db, 10000);
    int rc = gc_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    if (!rc) rc = gc_exec(db, PEOPLE_SCHEMA);
    if (rc) {
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return FC_OK;
}

int gc_meta_set(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO group_meta(key, value) VALUES(?, ?)", -1, &q, NULL))
        return fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q) == SQLITE_DONE ? FC_OK : fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(db));
    sqlite3_finalize(q);
    return rc;
}

char *gc_meta_get(sqlite3 *db, const char *key)
{
    sqlite3_stmt *q;
    char *v = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM group_meta WHERE key=?", -1, &q, NULL)) return NULL;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)) v = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return v;
}

void gc_free(gc_coll *c)
{
    for (size_t i = 0; i < c->nimg; i++) free(c->img[i].path);
    free(c->img);
    free(c->f);
    fc_mat_free(&c->X);
    free(c->model);
    memset(c, 0, sizeof *c);
}

/* hash of image i, from the cache when size and mtime match, else computed and cached */
static int image_hash(sqlite3 *db, sqlite3_stmt *get, sqlite3_stmt *put, const gc_image *im, char h[33])
{
    sqlite3_reset(get);
    sqlite3_bind_text(get, 1, im->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(get, 2, im->size);
    sqlite3_bind_int64(get, 3, im->mtime);
    if (sqlite3_step(get) == SQLITE_ROW && sqlite3_column_text(get, 0)) {
        snprintf(h, 33, "%s", (const char *)sqlite3_column_text(get, 0));
        return 0;
    }
    if (gc_file_hash(im->path, h)) return -1;
    sqlite3_reset(put);
    sqlite3_bind_text(put, 1, im->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(put, 2, im->size);
    sqlite3_bind_int64(put, 3, im->mtime);
    sqlite3_bind_text(put, 4, h, -1, SQLITE_STATIC);
    sqlite3_step(put);
    (void)db;
    return 0;
}

typedef struct hrec {
    int64_t size;
    char h[33];
    size_t i;
    int64_t id; /* store id: the order photos were first stored in */
} hrec;

static int hrec_cmp(const void *a, const void *b)
{
    const hrec *x = a, *y = b;
    if (x->size != y->size) return x->size < y->size ? -1 : 1;
    int c = strcmp(x->h, y->h);
    if (c) return c;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Marks byte-identical copies: within equal (size, hash) runs, the photo stored first is kept, so a copy
 * added later never takes the place (and the file name in the person's folder) of a grouped photo; in a
 * first run photos are stored in path order, so that is the first path. */
static int dedupe(sqlite3 *db, gc_coll *c)
{
    sqlite3_stmt *get = NULL, *put = NULL;
    if (sqlite3_prepare_v2(db, "SELECT hash FROM file_hashes WHERE path=? AND size=? AND mtime=?", -1, &get, NULL) ||
        sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO file_hashes(path,size,mtime,hash) VALUES(?,?,?,?)", -1, &put,
                           NULL)) {
        sqlite3_finalize(get);
        return fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(db));
    }
    hrec *v = fc_malloc(c->nimg ? c->nimg : 1, sizeof *v);
    if (!v) return FC_ENOMEM;
    size_t n = 0;
    gc_exec(db, "BEGIN");
    for (size_t i = 0; i < c->nimg; i++) {
        if (c->img[i].status == G_ERROR) continue;
        if (image_hash(db, get, put, &c->img[i], v[n].h)) continue;
        v[n].size = c->img[i].size, v[n].i = i, v[n].id = c->img[i].id;
        n++;
    }
    gc_exec(db, "COMMIT");
    sqlite3_finalize(get);
    sqlite3_finalize(put);
    qsort(v, n, sizeof *v, hrec_cmp);
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && v[b].size == v[a].size && !strcmp(v[b].h, v[a].h)) b++;
        /* v[a] has the lowest store id of the run: the copy stored first */
        for (size_t k = a + 1; k < b; k++)
            if (gc_files_equal(c->img[v[a].i].path, c->img[v[k].i].path)) c->img[v[k].i].dup_of = (long)v[a].i;
        a = b;
    }
    free(v);
    return FC_OK;
}

static int cmp_img_id(const void *key, const void *el)
{
    int64_t k = *(const int64_t *)key, id = ((const gc_image *)el)->id;
    return k < id ? -1 : k > id;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = ((const gc_image *)a)->id, y = ((const gc_image *)b)->id;
    return x < y ? -1 : x > y;
}

int gc_load(sqlite3 *db, int with_emb, gc_coll *c)
{
    memset(c, 0, sizeof *c);
    sqlite3_stmt *q = NULL;
    int rc = FC_OK;
    /* photos, by id (for the face join) — path order is restored below */
    if (sqlite3_prepare_v2(db, "SELECT id, path, status, size, mtime FROM images ORDER BY path", -1, &q, NULL))
        return fc_fail(FC_EIO, "store: %s (not a face store?)", sqlite3_errmsg(db));
    size_t cap = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(q, 1);
        struct stat st;
        if (!path || stat(path, &st) != 0) continue; /* gone from disk: not part of the collection */
        if (c->nimg == cap) {
            cap = cap ? 2 * cap : 1024;
            gc_image *t = realloc(c->img, cap * sizeof *t);
            if (!t) {
                rc = fc_fail(FC_ENOMEM, "group: out of memory");
                break;
            }
            c->img = t;
        }
        gc_image *im = &c->img[c->nimg++];
        memset(im, 0, sizeof *im);
        im->id = sqlite3_column_int64(q, 0);
        im->path = strdup(path);
        const char *s = (const char *)sqlite3_column_text(q, 2);
        im->status = !s ? G_ERROR : !strcmp(s, "ok") ? G_OK : !strcmp(s, "noface") ? G_NOFACE : G_ERROR;
        im->size = st.st_size;
        im->mtime = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        im->dup_of = -1;
    }
    sqlite3_finalize(q);
    if (rc) return rc;
    rc = dedupe(db, c);
    if (rc) return rc;
    /* id → image index: a sorted copy of (id, index) */
    gc_image *byid = fc_malloc(c->nimg ? c->nimg : 1, sizeof *byid);
    if (!byid) return FC_ENOMEM;
    for (size_t i = 0; i < c->nimg; i++) byid[i] = c->img[i], byid[i].nfaces = (int)i; /* nfaces: index */
    qsort(byid, c->nimg, sizeof *byid, cmp_id);
    /* the model with the most faces */
    if (sqlite3_prepare_v2(db, "SELECT model FROM faces GROUP BY model ORDER BY count(*) DESC LIMIT 1", -1, &q, NULL) ==
        SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW) c->model = strdup((const char *)sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT f.id, f.image_id, f.face_index, f.x1, f.y1, f.x2, f.y2, f.dim, f.embedding,"
                           " (SELECT pf.person_id FROM person_faces pf JOIN people p ON p.id = pf.person_id"
                           "   WHERE pf.path = i.path AND pf.face_index = f.face_index)"
                           " FROM faces f JOIN images i ON i.id = f.image_id WHERE f.model = ?"
                           " ORDER BY i.path, f.face_index",
                           -1, &q, NULL)) {
        free(byid);
        return fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(db));
    }
    sqlite3_bind_text(q, 1, c->model ? c->model : "", -1, SQLITE_STATIC);
    size_t fcap = 0, dim = 0;
    double *emb = NULL;
    while (sqlite3_step(q) == SQLITE_ROW) {
        int64_t iid = sqlite3_column_int64(q, 1);
        gc_image *hit = bsearch(&iid, byid, c->nimg, sizeof *byid, cmp_img_id);
        if (!hit) continue;
        long ii = hit->nfaces;
        gc_image *im = &c->img[ii];
        if (im->dup_of >= 0 || im->status != G_OK) continue;
        size_t d = (size_t)sqlite3_column_int(q, 7);
        const float *e = sqlite3_column_blob(q, 8);
        if (with_emb && (!e || (size_t)sqlite3_column_bytes(q, 8) != d * sizeof(float) || (dim && d != dim))) {
            rc = fc_fail(FC_EFORMAT, "store: face %lld has a malformed embedding", (long long)sqlite3_column_int64(q, 0));
            break;
        }
        dim = d;
        if (c->nf == fcap) {
            fcap = fcap ? 2 * fcap : 1024;
            gc_face *t = realloc(c->f, fcap * sizeof *t);
            double *te = with_emb ? realloc(emb, fcap * d * sizeof *te) : emb;
            if (!t || (with_emb && !te)) {
                if (t) c->f = t;
                if (te) emb = te;
                rc = fc_fail(FC_ENOMEM, "group: out of memory");
                break;
            }
            c->f = t, emb = te;
        }
        gc_face *f = &c->f[c->nf];
        f->id = sqlite3_column_int64(q, 0);
        f->img = ii;
        f->face_index = sqlite3_column_int(q, 2);
        for (int k = 0; k < 4; k++) f->box[k] = sqlite3_column_double(q, 3 + k);
        f->person = sqlite3_column_int64(q, 9); /* NULL → 0 */
        if (with_emb)
            for (size_t k = 0; k < d; k++) emb[c->nf * d + k] = e[k];
        im->nfaces++;
        c->nf++;
    }
    sqlite3_finalize(q);
    free(byid);
    if (!rc && with_emb) {
        c->X.rows = c->nf, c->X.cols = dim, c->X.data = emb;
        fc_mat_l2_normalize_rows(&c->X);
    } else {
        free(emb);
    }
    return rc;
}

