/* group_run.c — `facecluster group`: embed the photos, attach new faces to known people, cluster the rest
 * into new people (cannot-link per photo), remember them, and write the output folder (people.h). */
#include "facecluster/embed.h"
#include "facecluster/group.h"
#include "group_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

fc_group_opts fc_group_opts_default(void)
{
    fc_group_opts o;
    memset(&o, 0, sizeof o);
    o.link = FC_LINK_HARD;
    o.min_faces = 2;
    o.linkage = FC_LINK_AVERAGE;
    o.det = fc_mtcnn_opts_default();
    return o;
}

static const char *link_name(fc_linkage l)
{
    return l == FC_LINK_COMPLETE ? "complete" : l == FC_LINK_SINGLE ? "single" : "average";
}

/* Absolute form of a path that may not exist yet (its parent must, or be creatable later). */
static char *abs_path(const char *p)
{
    char buf[PATH_MAX];
    if (realpath(p, buf)) return strdup(buf);
    char cwd[PATH_MAX];
    if (p[0] == '/') return strdup(p);
    if (!getcwd(cwd, sizeof cwd)) return strdup(p);
    size_t n = strlen(cwd) + strlen(p) + 2;
    char *r = malloc(n);
    snprintf(r, n, "%s/%s", cwd, p);
    return r;
}

/* 1 when `a` is `b` or lies inside it */
static int path_within(const char *a, const char *b)
{
    size_t n = strlen(b);
    while (n > 1 && b[n - 1] == '/') n--;
    return !strncmp(a, b, n) && (a[n] == 0 || a[n] == '/');
}

static int mkdirs(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) && errno != EEXIST) return fc_fail(FC_EIO, "%s: cannot create: %s", buf, strerror(errno));
            *p = '/';
        }
    if (mkdir(buf, 0777) && errno != EEXIST) return fc_fail(FC_EIO, "%s: cannot create: %s", buf, strerror(errno));
    return FC_OK;
}

/* Copies the store (with its WAL content) into a fresh file through SQLite's backup API. */
static int backup_db(const char *src, const char *dst)
{
    sqlite3 *a = NULL, *b = NULL;
    int rc = FC_OK;
    if (sqlite3_open_v2(src, &a, SQLITE_OPEN_READONLY, NULL) || sqlite3_open(dst, &b)) {
        rc = fc_fail(FC_EIO, "%s: cannot copy the store for the dry run", src);
    } else {
        sqlite3_backup *bk = sqlite3_backup_init(b, "main", a, "main");
        if (!bk || sqlite3_backup_step(bk, -1) != SQLITE_DONE) rc = fc_fail(FC_EIO, "%s: backup: %s", src, sqlite3_errmsg(b));
        if (bk) sqlite3_backup_finish(bk);
    }
    sqlite3_close(a);
    sqlite3_close(b);
    return rc;
}

typedef struct clus {
    int label;
    size_t size, first;
} clus;

static int clus_cmp(const void *x, const void *y)
{
    const clus *a = x, *b = y;
    if (a->size != b->size) return a->size > b->size ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

static int put_face(sqlite3_stmt *q, const gc_coll *c, size_t f, int64_t person)
{
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, c->img[c->f[f].img].path, -1, SQLITE_STATIC);
    sqlite3_bind_int(q, 2, c->f[f].face_index);
    sqlite3_bind_int64(q, 3, person);
    return sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
}

/* The grouping step proper, on the loaded collection. */
static int group_faces(sqlite3 *db, gc_coll *c, fc_linkage link, double thr, int min_faces, fc_group_summary *sum)
{
    size_t n = c->nf, nold = 0, nnew = 0;
    for (size_t i = 0; i < n; i++) c->f[i].person ? nold++ : nnew++;
    size_t *oldr = fc_malloc(nold + 1, sizeof *oldr), *newr = fc_malloc(nnew + 1, sizeof *newr);
    int64_t *ophoto = fc_malloc(nold + 1, sizeof *ophoto), *nphoto = fc_malloc(nnew + 1, sizeof *nphoto);
    int *operson = fc_malloc(nold + 1, sizeof *operson), *att = fc_malloc(nnew + 1, sizeof *att);
    int64_t *pid = fc_malloc(nold + 1, sizeof *pid);
    int *lab = fc_malloc(nnew + 1, sizeof *lab);
    clus *cl = NULL;
    fc_mat O = {0}, N = {0}, R = {0};
    sqlite3_stmt *q = NULL;
    int rc = FC_OK, P = 0;
    if (!oldr || !newr || !ophoto || !nphoto || !operson || !att || !pid || !lab) {
        rc = FC_ENOMEM;
        goto out;
    }
    nold = nnew = 0;
    for (size_t i = 0; i < n; i++) {
        if (c->f[i].person) oldr[nold] = i, ophoto[nold++] = c->f[i].img;
        else newr[nnew] = i, nphoto[nnew++] = c->f[i].img;
    }
    /* people index: distinct person ids of the members, ascending */
    for (size_t j = 0; j < nold; j++) {
        int64_t id = c->f[oldr[j]].person;
        int k = 0;
        while (k < P && pid[k] != id) k++;
        if (k == P) pid[P++] = id;
        operson[j] = k;
    }
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO person_faces(path, face_index, person_id) VALUES(?,?,?)", -1,
                           &q, NULL)) {
        rc = fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(db));
        goto out;
    }
    if ((rc = gc_exec(db, "BEGIN"))) goto out;
    size_t nrest = nnew;
    if (nold && nnew) {
        if ((rc = fc_mat_take_rows(&c->X, oldr, nold, &O)) || (rc = fc_mat_take_rows(&c->X, newr, nnew, &N))) goto rollback;
        if ((rc = fc_group_assign(&N, nphoto, &O, operson, ophoto, P, link, thr, att))) goto rollback;
        nrest = 0;
        for (size_t i = 0; i < nnew; i++) {
            if (att[i] >= 0) {
                c->f[newr[i]].person = pid[att[i]];
                if (put_face(q, c, newr[i], pid[att[i]])) rc = fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(db));
                sum->attached++;
            } else {
                newr[nrest] = newr[i], nphoto[nrest++] = nphoto[i];
            }
        }
        if (rc) goto rollback;
    }
    if (nrest) {
        int K = 0;
        if ((rc = fc_mat_take_rows(&c->X, newr, nrest, &R))) goto rollback;
        if ((rc = fc_group_cluster(&R, nphoto, link, thr, lab, &K))) goto rollback;
        cl = fc_calloc((size_t)K, sizeof *cl);
        if (!cl) {
            rc = FC_ENOMEM;
            goto rollback;
        }
        for (int k = 0; k < K; k++) cl[k].label = k, cl[k].first = SIZE_MAX;
        for (size_t i = 0; i < nrest; i++) {
            cl[lab[i]].size++;
            if (i < cl[lab[i]].first) cl[lab[i]].first = i;
        }
        qsort(cl, (size_t)K, sizeof *cl, clus_cmp);
        int64_t *newid = fc_calloc((size_t)K, sizeof *newid);
        for (int k = 0; k < K && !rc; k++) {
            if ((int)cl[k].size < min_faces) continue;
            if ((rc = gc_exec(db, "INSERT INTO people(name) VALUES(NULL)"))) break;
            newid[cl[k].label] = sqlite3_last_insert_rowid(db);
            sum->new_people++;
        }
        for (size_t i = 0; i < nrest && !rc; i++) {
            int64_t id = newid[lab[i]];
            if (!id) continue;
            c->f[newr[i]].person = id;
            if (put_face(q, c, newr[i], id)) rc = fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(db));
        }
        free(newid);
        if (rc) goto rollback;
    }
    rc = gc_exec(db, "COMMIT");
    goto out;
rollback:
    gc_exec(db, "ROLLBACK");
out:
    sqlite3_finalize(q);
    fc_mat_free(&O), fc_mat_free(&N), fc_mat_free(&R);
    free(oldr), free(newr), free(ophoto), free(nphoto), free(operson), free(att), free(pid), free(lab), free(cl);
    return rc;
}

int fc_group_run(const fc_group_opts *o, fc_group_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    double t0 = fc_now();
    if (o->ndirs < 1) return fc_fail(FC_EARG, "group: no photo folder given");
    if (!o->out_dir) return fc_fail(FC_EARG, "group: no output folder given (-o PEOPLE_DIR)");
    int rc = FC_OK;
    char *out = abs_path(o->out_dir), *db = NULL, *tmpdb = NULL;
    char **dirs = calloc((size_t)o->ndirs, sizeof *dirs);
    for (int i = 0; i < o->ndirs && !rc; i++) {
        char buf[PATH_MAX];
        if (!realpath(o->dirs[i], buf)) {
            rc = fc_fail(FC_EIO, "%s: %s", o->dirs[i], strerror(errno));
            break;
        }
        dirs[i] = strdup(buf);
        /* the output must not be scanned (its links would come back as duplicates) nor hold the photos */
        if (path_within(out, buf) || path_within(buf, out))
            rc = fc_fail(FC_EARG, "%s: the output folder must be outside the photo folder %s (and not contain it)",
                         o->out_dir, o->dirs[i]);
    }
    if (rc) goto done;
    if (o->db) {
        db = abs_path(o->db);
    } else {
        size_t n = strlen(out) + 32;
        db = malloc(n);
        snprintf(db, n, "%s/.facecluster/faces.db", out);
    }
    if (o->dry_run) {
        /* all the work happens on a temporary copy: nothing of the user's is written */
        char tmpl[] = "/tmp/facecluster-dryrun-XXXXXX";
        int fd = mkstemp(tmpl);
        if (fd < 0) {
            rc = fc_fail(FC_EIO, "dry run: cannot make a temporary store: %s", strerror(errno));
            goto done;
        }
        close(fd);
        tmpdb = strdup(tmpl);
        struct stat st;
        if (stat(db, &st) == 0 && (rc = backup_db(db, tmpdb))) goto done;
    } else {
        char *slash = strrchr(db, '/');
        *slash = 0;
        rc = mkdirs(db);
        *slash = '/';
        if (!rc) rc = mkdirs(out);
        if (rc) goto done;
    }
    const char *use_db = tmpdb ? tmpdb : db;
    fc_embed_opts eo = fc_embed_opts_default();
    eo.dirs = (const char *const *)dirs;
    eo.ndirs = o->ndirs;
    eo.db = use_db;
    eo.label_mode = FC_LABEL_NONE;
    eo.all_faces = 1;
    eo.models_dir = o->models_dir;
    eo.threads = o->threads;
    eo.max_side = o->max_side;
    eo.det = o->det;
    fc_embed_summary es;
    if ((rc = fc_embed_run(&eo, &es))) goto done;
    sqlite3 *h = NULL;
    gc_coll c;
    memset(&c, 0, sizeof c);
    if ((rc = gc_open(use_db, &h))) goto done;
    if ((rc = gc_load(h, 1, &c))) goto close;
    fc_linkage link = o->linkage;
    double thr = o->threshold;
    if (!o->have_method || !(thr > 0)) {
        fc_linkage dl;
        double dt;
        char mfile[300];
        snprintf(mfile, sizeof mfile, "%s.tflite", c.model ? c.model : "MobileFaceNet");
        rc = fc_group_model_default(mfile, o->models_dir, &dl, &dt, NULL);
        if (rc && !(thr > 0)) goto close;
        rc = FC_OK;
        if (!o->have_method) link = dl;
        if (!(thr > 0)) thr = dt;
    }
    sum->threshold = thr;
    sum->method = link_name(link);
    if ((rc = group_faces(h, &c, link, thr, o->min_faces < 1 ? 1 : o->min_faces, sum))) goto close;
    char tbuf[64];
    snprintf(tbuf, sizeof tbuf, "%.6g", thr);
    gc_meta_set(h, "method", link_name(link));
    gc_meta_set(h, "threshold", tbuf);
    gc_meta_set(h, "model", c.model ? c.model : "");
    if (!o->dry_run) {
        /* each output folder keeps its link mode, for rewrites after `people name/merge` */
        char key[PATH_MAX + 8];
        snprintf(key, sizeof key, "link:%s", out);
        gc_meta_set(h, key, o->link == FC_LINK_SYM ? "sym" : o->link == FC_LINK_COPY ? "copy" : "hard");
        gc_meta_set(h, "out_dir", out);
    }
close:
    gc_free(&c);
    sqlite3_close(h);
    if (!rc) rc = fc_group_write(use_db, out, o->link, o->dry_run, sum);
    sum->unusable = es.failed;
    sum->unusable_earlier = es.skipped_failed;
done:
    if (tmpdb) {
        char b[PATH_MAX];
        unlink(tmpdb);
        snprintf(b, sizeof b, "%s-wal", tmpdb);
        unlink(b);
        snprintf(b, sizeof b, "%s-shm", tmpdb);
        unlink(b);
    }
    for (int i = 0; i < o->ndirs; i++) free(dirs[i]);
    free(dirs), free(out), free(db), free(tmpdb);
    sum->wall = fc_now() - t0;
    return rc;
}
