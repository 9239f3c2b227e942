/* store.c — the SQLite face store (schema and guarantees in store.h). */
#include "facecluster/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_VERSION "1"

struct fc_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *q_done, *q_del, *q_img, *q_face, *q_label;
};

static const char *SCHEMA =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS images("
    "  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, relpath TEXT NOT NULL, size INTEGER NOT NULL,"
    "  mtime INTEGER NOT NULL, width INTEGER, height INTEGER,"
    "  status TEXT NOT NULL CHECK (status IN ('ok','noface','error')), error TEXT, n_detected INTEGER,"
    "  settings TEXT);"
    "CREATE TABLE IF NOT EXISTS faces("
    "  id INTEGER PRIMARY KEY, image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
    "  face_index INTEGER NOT NULL, x1 REAL, y1 REAL, x2 REAL, y2 REAL, score REAL, landmarks BLOB,"
    "  thumb BLOB, model TEXT NOT NULL, dim INTEGER NOT NULL, embedding BLOB NOT NULL, embedding_flip BLOB);"
    "CREATE INDEX IF NOT EXISTS faces_image ON faces(image_id);"
    "CREATE TABLE IF NOT EXISTS labels(image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,"
    "  identity TEXT NOT NULL);"
    "INSERT OR IGNORE INTO meta VALUES ('schema_version', '" SCHEMA_VERSION "');";

static int db_fail(fc_store *s, const char *what)
{
    return fc_fail(FC_EIO, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int prep(fc_store *s, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) return db_fail(s, "prepare");
    return FC_OK;
}

int fc_store_open(const char *path, fc_store **out)
{
    *out = NULL;
    fc_store *s = calloc(1, sizeof *s);
    if (!s) return fc_fail(FC_ENOMEM, "store: out of memory");
    s->path = strdup(path);
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL)
        != SQLITE_OK) {
        int rc = fc_fail(FC_EIO, "%s: cannot open the face store: %s", path, s->db ? sqlite3_errmsg(s->db) : "?");
        fc_store_close(s);
        return rc;
    }
    sqlite3_busy_timeout(s->db, 10000);
    char *err = NULL;
    /* WAL: readers never block the writer, and a killed writer's half-finished transaction is simply
     * absent on the next open. synchronous=NORMAL is durable against process kills (not power loss of the
     * last transactions), and much faster. */
    if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", NULL,
                     NULL, &err) != SQLITE_OK ||
        sqlite3_exec(s->db, SCHEMA, NULL, NULL, &err) != SQLITE_OK) {
        int rc = fc_fail(FC_EFORMAT, "%s: not a face store (or unwritable): %s", path, err ? err : "?");
        sqlite3_free(err);
        fc_store_close(s);
        return rc;
    }
    int rc = prep(s, "SELECT status FROM images WHERE path=? AND size=? AND mtime=? AND settings IS ?", &s->q_done);
    if (!rc) rc = prep(s, "DELETE FROM images WHERE path=?", &s->q_del);
    if (!rc) rc = prep(s, "INSERT INTO images(path,relpath,size,mtime,width,height,status,error,n_detected,settings)"
                          " VALUES(?,?,?,?,?,?,?,?,?,?)", &s->q_img);
    if (!rc) rc = prep(s, "INSERT INTO faces(image_id,face_index,x1,y1,x2,y2,score,landmarks,thumb,model,dim,"
                          "embedding,embedding_flip) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", &s->q_face);
    if (!rc) rc = prep(s, "INSERT INTO labels(image_id, identity) VALUES(?,?)", &s->q_label);
    if (rc) {
        fc_store_close(s);
        return rc;
    }
    *out = s;
    return FC_OK;
}

void fc_store_close(fc_store *s)
{
    if (!s) return;
    sqlite3_finalize(s->q_done);
    sqlite3_finalize(s->q_del);
    sqlite3_finalize(s->q_img);
    sqlite3_finalize(s->q_face);
    sqlite3_finalize(s->q_label);
    if (s->db) sqlite3_close(s->db);
    free(s->path);
    free(s);
}

int fc_store_begin(fc_store *s)
{
    return sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? FC_OK : db_fail(s, "begin");
}

int fc_store_commit(fc_store *s)
{
    return sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? FC_OK : db_fail(s, "commit");
}

int fc_store_is_done(fc_store *s, const char *path, int64_t size, int64_t mtime, const char *settings)
{
    sqlite3_stmt *q = s->q_done;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, size);
    sqlite3_bind_int64(q, 3, mtime);
    if (settings) sqlite3_bind_text(q, 4, settings, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(q, 4);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const char *st = (const char *)sqlite3_column_text(q, 0);
        return !st || !strcmp(st, "ok") ? 1 : !strcmp(st, "noface") ? 2 : 3;
    }
    if (rc == SQLITE_DONE) return 0;
    return db_fail(s, "lookup");
}

int fc_store_put(fc_store *s, const fc_store_image *im, const fc_store_face *faces, int n, const char *model)
{
    sqlite3_stmt *q = s->q_del;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, im->path, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q) != SQLITE_DONE) return db_fail(s, "delete");
    q = s->q_img;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, im->path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, im->relpath ? im->relpath : im->path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 3, im->size);
    sqlite3_bind_int64(q, 4, im->mtime);
    sqlite3_bind_int(q, 5, im->width);
    sqlite3_bind_int(q, 6, im->height);
    sqlite3_bind_text(q, 7, im->status, -1, SQLITE_TRANSIENT);
    if (im->error) sqlite3_bind_text(q, 8, im->error, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(q, 8);
    sqlite3_bind_int(q, 9, im->n_detected);
    if (im->settings) sqlite3_bind_text(q, 10, im->settings, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(q, 10);
    if (sqlite3_step(q) != SQLITE_DONE) return db_fail(s, "insert image");
    sqlite3_int64 id = sqlite3_last_insert_rowid(s->db);
    if (im->label) {
        q = s->q_label;
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_text(q, 2, im->label, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(q) != SQLITE_DONE) return db_fail(s, "insert label");
    }
    for (int i = 0; i < n; i++) {
        const fc_store_face *f = &faces[i];
        q = s->q_face;
        sqlite3_reset(q);
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_int(q, 2, i);
        for (int c = 0; c < 4; c++) sqlite3_bind_double(q, 3 + c, f->box[c]);
        sqlite3_bind_double(q, 7, f->score);
        sqlite3_bind_blob(q, 8, f->pts, sizeof f->pts, SQLITE_TRANSIENT);
        if (f->thumb) sqlite3_bind_blob(q, 9, f->thumb, (int)f->thumb_len, SQLITE_TRANSIENT);
        else sqlite3_bind_null(q, 9);
        sqlite3_bind_text(q, 10, model, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(q, 11, f->dim);
        sqlite3_bind_blob(q, 12, f->emb, (int)(sizeof(float) * f->dim), SQLITE_TRANSIENT);
        if (f->emb_flip) sqlite3_bind_blob(q, 13, f->emb_flip, (int)(sizeof(float) * f->dim), SQLITE_TRANSIENT);
        else sqlite3_bind_null(q, 13);
        if (sqlite3_step(q) != SQLITE_DONE) return db_fail(s, "insert face");
    }
    return FC_OK;
}

int fc_store_counts(fc_store *s, long *images, long *ok, long *noface, long *errors, long *faces)
{
    sqlite3_stmt *q;
    int rc = prep(s, "SELECT (SELECT count(*) FROM images), (SELECT count(*) FROM images WHERE status='ok'),"
                     " (SELECT count(*) FROM images WHERE status='noface'),"
                     " (SELECT count(*) FROM images WHERE status='error'), (SELECT count(*) FROM faces)", &q);
    if (rc) return rc;
    if (sqlite3_step(q) == SQLITE_ROW) {
        *images = sqlite3_column_int64(q, 0);
        *ok = sqlite3_column_int64(q, 1);
        *noface = sqlite3_column_int64(q, 2);
        *errors = sqlite3_column_int64(q, 3);
        *faces = sqlite3_column_int64(q, 4);
    }
    sqlite3_finalize(q);
    return FC_OK;
}

void fc_store_rows_free(fc_store_rows *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        if (r->relpath) free(r->relpath[i]);
        if (r->path) free(r->path[i]);
        if (r->identity) free(r->identity[i]);
    }
    free(r->relpath);
    free(r->path);
    free(r->identity);
    free(r->face_index);
    free(r->box);
    free(r->score);
    memset(r, 0, sizeof *r);
}

int fc_store_load(const char *db, const char *model, int flags, fc_mat *X, fc_truth *truth, fc_store_rows *rows)
{
    memset(X, 0, sizeof *X);
    if (truth) memset(truth, 0, sizeof *truth);
    if (rows) memset(rows, 0, sizeof *rows);
    sqlite3 *h = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        int rc = fc_fail(FC_EIO, "%s: cannot open the face store: %s", db, h ? sqlite3_errmsg(h) : "?");
        sqlite3_close(h);
        return rc;
    }
    sqlite3_busy_timeout(h, 10000);
    char *models_err = NULL;
    sqlite3_stmt *q = NULL;
    int rc = FC_OK;
    /* Which model: the one asked for, or the only one present. */
    char modelbuf[256] = {0};
    if (!model) {
        if (sqlite3_prepare_v2(h, "SELECT DISTINCT model FROM faces LIMIT 2", -1, &q, NULL) != SQLITE_OK) {
            rc = fc_fail(FC_EFORMAT, "%s: not a face store: %s", db, sqlite3_errmsg(h));
            goto done;
        }
        int k = 0;
        while (sqlite3_step(q) == SQLITE_ROW) {
            if (k++ == 0) snprintf(modelbuf, sizeof modelbuf, "%s", (const char *)sqlite3_column_text(q, 0));
        }
        sqlite3_finalize(q);
        q = NULL;
        if (k > 1) {
            rc = fc_fail(FC_EARG, "%s: the store holds several models; name one", db);
            goto done;
        }
        if (k == 0) {
            rc = fc_fail(FC_EFORMAT, "%s: the store holds no faces", db);
            goto done;
        }
        model = modelbuf;
    }
    const char *sql =
        (flags & FC_STORE_PROMINENT)
            ? "SELECT i.relpath, f.face_index, f.x1, f.y1, f.x2, f.y2, f.score, f.dim, f.embedding, f.embedding_flip,"
              " l.identity, i.path FROM faces f JOIN images i ON i.id=f.image_id LEFT JOIN labels l ON l.image_id=i.id"
              " WHERE f.model=?1 AND f.id = (SELECT g.id FROM faces g WHERE g.image_id=f.image_id AND g.model=?1"
              " ORDER BY (g.x2-g.x1)*(g.y2-g.y1) DESC, g.score DESC LIMIT 1) ORDER BY i.relpath, f.face_index"
            : "SELECT i.relpath, f.face_index, f.x1, f.y1, f.x2, f.y2, f.score, f.dim, f.embedding, f.embedding_flip,"
              " l.identity, i.path FROM faces f JOIN images i ON i.id=f.image_id LEFT JOIN labels l ON l.image_id=i.id"
              " WHERE f.model=?1 ORDER BY i.relpath, f.face_index";
    if (sqlite3_prepare_v2(h, sql, -1, &q, NULL) != SQLITE_OK) {
        rc = fc_fail(FC_EFORMAT, "%s: not a face store: %s", db, sqlite3_errmsg(h));
        goto done;
    }
    sqlite3_bind_text(q, 1, model, -1, SQLITE_TRANSIENT);
    size_t cap = 1024, n = 0;
    int dim = 0, all_labelled = 1;
    double *data = NULL;
    char **paths = NULL, **ids = NULL, **abspaths = NULL;
    int *fidx = NULL;
    double *boxes = NULL, *scores = NULL;
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        int d = sqlite3_column_int(q, 7);
        if (n == 0) {
            dim = d;
            data = malloc(sizeof *data * cap * dim);
            paths = malloc(sizeof *paths * cap);
            abspaths = malloc(sizeof *abspaths * cap);
            ids = malloc(sizeof *ids * cap);
            fidx = malloc(sizeof *fidx * cap);
            boxes = malloc(sizeof *boxes * cap * 4);
            scores = malloc(sizeof *scores * cap);
        } else if (n == cap) {
            cap *= 2;
            data = realloc(data, sizeof *data * cap * dim);
            paths = realloc(paths, sizeof *paths * cap);
            abspaths = realloc(abspaths, sizeof *abspaths * cap);
            ids = realloc(ids, sizeof *ids * cap);
            fidx = realloc(fidx, sizeof *fidx * cap);
            boxes = realloc(boxes, sizeof *boxes * cap * 4);
            scores = realloc(scores, sizeof *scores * cap);
        }
        if (!data || !paths || !abspaths || !ids || !fidx || !boxes || !scores) {
            rc = fc_fail(FC_ENOMEM, "%s: out of memory loading embeddings", db);
            break;
        }
        const float *e = sqlite3_column_blob(q, 8);
        const float *ef = sqlite3_column_blob(q, 9);
        if (d != dim || sqlite3_column_bytes(q, 8) != (int)(sizeof(float) * dim) ||
            ((flags & FC_STORE_FLIP) && (!ef || sqlite3_column_bytes(q, 9) != (int)(sizeof(float) * dim)))) {
            rc = fc_fail(FC_EFORMAT, "%s: face %zu has a %s embedding", db, n,
                         (flags & FC_STORE_FLIP) && !ef ? "missing mirrored (run embed with --flip)" : "malformed");
            break;
        }
        double *row = data + n * dim, norm = 0;
        for (int j = 0; j < dim; j++) {
            float a, b = 0;
            memcpy(&a, (const char *)e + 4 * j, 4);
            if (flags & FC_STORE_FLIP) memcpy(&b, (const char *)ef + 4 * j, 4);
            row[j] = (double)a + (double)b;
            norm += row[j] * row[j];
        }
        norm = sqrt(norm);
        for (int j = 0; j < dim && norm > 0; j++) row[j] /= norm;
        paths[n] = strdup((const char *)sqlite3_column_text(q, 0));
        abspaths[n] = strdup((const char *)sqlite3_column_text(q, 11));
        fidx[n] = sqlite3_column_int(q, 1);
        for (int c = 0; c < 4; c++) boxes[n * 4 + c] = sqlite3_column_double(q, 2 + c);
        scores[n] = sqlite3_column_double(q, 6);
        const unsigned char *id = sqlite3_column_text(q, 10);
        ids[n] = id ? strdup((const char *)id) : NULL;
        if (!id) all_labelled = 0;
        n++;
    }
    if (!rc && step != SQLITE_DONE) rc = fc_fail(FC_EIO, "%s: read error: %s", db, sqlite3_errmsg(h));
    if (!rc && n == 0) rc = fc_fail(FC_EFORMAT, "%s: no faces for model '%s'", db, model);
    if (!rc && truth && all_labelled) rc = fc_truth_from_strings((const char *const *)ids, n, truth);
    if (!rc) {
        X->rows = n;
        X->cols = (size_t)dim;
        X->data = data;
        data = NULL;
        if (rows) {
            rows->n = n;
            rows->relpath = paths;
            rows->path = abspaths;
            rows->identity = ids;
            rows->face_index = fidx;
            rows->box = boxes;
            rows->score = scores;
            paths = ids = abspaths = NULL;
            fidx = NULL;
            boxes = scores = NULL;
        }
    }
    for (size_t i = 0; paths && i < n; i++) free(paths[i]);
    for (size_t i = 0; abspaths && i < n; i++) free(abspaths[i]);
    for (size_t i = 0; ids && i < n; i++) free(ids[i]);
    free(paths); free(abspaths); free(ids); free(fidx); free(boxes); free(scores); free(data);
done:
    sqlite3_free(models_err);
    sqlite3_finalize(q);
    sqlite3_close(h);
    return rc;
}

int fc_store_load_embeddings(const char *db, const char *model, fc_mat *X, fc_truth *truth)
{
    return fc_store_load(db, model, 0, X, truth, NULL);
}
