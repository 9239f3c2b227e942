/* embed_run.c — the `embed` pipeline: walk folders, skip what the store already has, then per batch of
 * photos: each worker thread decodes, detects, aligns and embeds whole photos with its own single-threaded
 * nets (no synchronisation inside a photo: this scales best, and stays fast when the machine is busy);
 * the main thread writes the batch in one transaction. */
#include "facecluster/embed.h"
#include "facecluster/embedder.h"
#include "facecluster/image.h"
#include "facecluster/nn.h"
#include "facecluster/progress.h"
#include "facecluster/resample.h"
#include "facecluster/store.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define CROP 112
#define THUMB 56

fc_embed_opts fc_embed_opts_default(void)
{
    fc_embed_opts o;
    memset(&o, 0, sizeof o);
    o.det = fc_mtcnn_opts_default();
    return o;
}

/* ---- walking the folders ---- */

typedef struct file_ent {
    char *path, *rel, *label;
    int64_t size, mtime;
    int dir;
} file_ent;

typedef struct file_list {
    file_ent *v;
    size_t n, cap;
    struct dir_id { dev_t dev; ino_t ino; } *seen; /* folders walked so far: a link back is not walked again */
    size_t nseen, capseen;
} file_list;

/* 1 when folder `st` was walked before (a symbolic link loop, or two links to one folder), else records it. */
static int seen_before(file_list *fl, const struct stat *st)
{
    for (size_t i = 0; i < fl->nseen; i++)
        if (fl->seen[i].dev == st->st_dev && fl->seen[i].ino == st->st_ino)
            return 1;
    if (fl->nseen == fl->capseen) {
        size_t cap = fl->capseen ? 2 * fl->capseen : 64;
        struct dir_id *t = realloc(fl->seen, cap * sizeof *t);
        if (!t)
            return 0; /* out of memory: walk it; at worst a file is listed twice */
        fl->seen = t, fl->capseen = cap;
    }
    fl->seen[fl->nseen++] = (struct dir_id){st->st_dev, st->st_ino};
    return 0;
}

static int ignored_name(const char *name)
{
    static const char *skip[] = {".txt", ".md", ".json", ".tsv", ".csv", ".xml", ".npy", ".db", ".db-wal",
                                 ".db-shm", ".html", ".py", ".sh", ".c", ".h", ".zip", ".gz", ".tar", ".pdf"};
    if (name[0] == '.') return 1;
    const char *dot = strrchr(name, '.');
    if (!dot) return 0;
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (!strcasecmp(dot, skip[i])) return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int walk(const char *dir, const char *rel, int di, file_list *fl)
{
    struct stat self;
    if (stat(dir, &self) == 0 && seen_before(fl, &self)) {
        fc_warn("%s: not scanned again: it is a folder already scanned (a symbolic link loop or a second link)",
                dir);
        return FC_OK;
    }
    DIR *d = opendir(dir);
    if (!d) return fc_fail(FC_EIO, "%s: cannot read the folder: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (ignored_name(e->d_name)) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **t = realloc(names, sizeof *names * cap);
            if (!t) break;
            names = t;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    int rc = FC_OK;
    for (size_t i = 0; i < n; i++) {
        size_t lp = strlen(dir) + strlen(names[i]) + 2, lr = strlen(rel) + strlen(names[i]) + 2;
        char *p = malloc(lp), *r = malloc(lr);
        snprintf(p, lp, "%s/%s", dir, names[i]);
        snprintf(r, lr, "%s%s%s", rel, rel[0] ? "/" : "", names[i]);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (!rc) rc = walk(p, r, di, fl);
            free(p);
            free(r);
        } else {
            if (fl->n == fl->cap) {
                fl->cap = fl->cap ? 2 * fl->cap : 1024;
                fl->v = realloc(fl->v, sizeof *fl->v * fl->cap);
            }
            file_ent *f = &fl->v[fl->n++];
            memset(f, 0, sizeof *f);
            f->path = p, f->rel = r, f->dir = di;
            if (stat(p, &st) == 0) {
                f->size = st.st_size;
                f->mtime = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
            } else {
                f->size = f->mtime = -1;
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

char *fc_label_from_path(int mode, const void *regex, const char *dir, const char *relpath)
{
    if (mode == FC_LABEL_FOLDER) {
        const char *slash = strrchr(relpath, '/');
        if (slash) {
            const char *start = slash;
            while (start > relpath && start[-1] != '/') start--;
            return strndup(start, (size_t)(slash - start));
        }
        /* a photo at the top of DIR: the folder itself names the person */
        char buf[PATH_MAX];
        if (!realpath(dir, buf)) snprintf(buf, sizeof buf, "%s", dir);
        const char *b = strrchr(buf, '/');
        return strdup(b && b[1] ? b + 1 : buf);
    }
    if (mode == FC_LABEL_PATTERN) {
        const char *name = strrchr(relpath, '/');
        name = name ? name + 1 : relpath;
        regmatch_t m[2];
        if (regexec((const regex_t *)regex, name, 2, m, 0) != 0) return NULL;
        int g = m[1].rm_so >= 0 ? 1 : 0;
        return strndup(name + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
    }
    return NULL;
}

/* POSIX ERE has no \d: accept it for [0-9], since users write MUCT's pattern as i(\d{3}). */
static char *translate_regex(const char *re)
{
    size_t n = strlen(re);
    char *out = malloc(n * 5 + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (re[i] == '\\' && re[i + 1] == 'd') {
            memcpy(o, "[0-9]", 5);
            o += 5;
            i++;
        } else {
            *o++ = re[i];
        }
    }
    *o = 0;
    return out;
}

/* ---- one photo ---- */

typedef struct img_res {
    int status; /* 0 ok, 1 noface, 2 error */
    char *err;
    int w, h, n_det, nf;
    fc_face_det *faces;  /* kept faces, ORIGINAL coordinates */
    uint8_t *crops;      /* nf × 112×112×3 */
    void **thumbs;
    size_t *thumb_len;
    float *emb, *emb_flip; /* nf × dim */
} img_res;

static void res_free(img_res *r)
{
    free(r->err);
    free(r->faces);
    free(r->crops);
    free(r->emb);
    free(r->emb_flip);
    for (int i = 0; r->thumbs && i < r->nf; i++)
        fc_image_free_buffer(r->thumbs[i]);
    free(r->thumbs);
    free(r->thumb_len);
    memset(r, 0, sizeof *r);
}

/* CPU time of the calling thread: the split of the work stays meaningful when the machine is busy. */
static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double box_area(const fc_face_det *f) { return (f->box[2] - f->box[0]) * (f->box[3] - f->box[1]); }

static double centre_dist(const fc_face_det *f, const fc_image *im)
{
    double dx = 0.5 * (f->box[0] + f->box[2]) - 0.5 * im->w, dy = 0.5 * (f->box[1] + f->box[3]) - 0.5 * im->h;
    return dx * dx + dy * dy;
}

static void process_one(fc_mtcnn *det, fc_embedder *emb, const fc_embed_opts *o, int keep_all, const file_ent *f,
                        img_res *r, double *t)
{
    double t0 = thread_cpu();
    fc_image im;
    int max_side = o->max_side == 0 ? FC_IMAGE_DEFAULT_MAX_SIDE : o->max_side < 0 ? 0 : o->max_side;
    int rc = fc_image_load(f->path, max_side, &im);
    double t1 = thread_cpu();
    t[0] += t1 - t0;
    if (rc) {
        r->status = 2;
        r->err = strdup(fc_last_error());
        return;
    }
    r->w = im.orig_w, r->h = im.orig_h; /* before any retry border */
    if ((im.w < im.h ? im.w : im.h) < o->det.min_size) {
        r->status = 1;
        char b[256];
        snprintf(b, sizeof b, "%s: face too small: the photo (%dx%d) is smaller than the minimum face size %g",
                 f->path, im.w, im.h, o->det.min_size);
        r->err = strdup(b);
        fc_image_free(&im);
        return;
    }
    fc_face_det *faces = NULL;
    int n = 0, padded = 0;
    rc = fc_mtcnn_detect(det, im.rgb, im.w, im.h, &o->det, &faces, &n);
    double t2 = thread_cpu();
    t[1] += t2 - t1;
    if (rc) {
        r->status = 2;
        char b[512];
        snprintf(b, sizeof b, "%s: detector failed: %s", f->path, fc_last_error());
        r->err = strdup(b);
        fc_image_free(&im);
        return;
    }
    if (n == 0 && o->retry_pad > 0) {
        /* Tight crops that fill the frame defeat MTCNN; a border lets the pyramid see the whole face. */
        int P = o->retry_pad, W = im.w + 2 * P, H = im.h + 2 * P;
        uint8_t *big = malloc((size_t)W * H * 3);
        if (big) {
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    int sx = x - P < 0 ? 0 : x - P >= im.w ? im.w - 1 : x - P; /* replicate the edge */
                    int sy = y - P < 0 ? 0 : y - P >= im.h ? im.h - 1 : y - P;
                    memcpy(big + ((size_t)y * W + x) * 3, im.rgb + ((size_t)sy * im.w + sx) * 3, 3);
                }
            if (fc_mtcnn_detect(det, big, W, H, &o->det, &faces, &n) == 0 && n > 0) {
                /* back to the unpadded photo: shift boxes and landmarks; align on the padded pixels */
                fc_image keep = im;
                free(im.rgb);
                im.rgb = big, im.w = W, im.h = H, im.scale = keep.scale;
                padded = P;
                big = NULL;
            }
            free(big);
        }
    }
    r->n_det = n;
    if (n == 0) {
        r->status = 1;
        char b[512];
        snprintf(b, sizeof b, "%s: no face found", f->path);
        r->err = strdup(b);
        fc_image_free(&im);
        return;
    }
    if (!keep_all) { /* the most prominent face: the largest box, or the one nearest the centre */
        int best = 0;
        for (int i = 1; i < n; i++)
            if (o->keep_central ? centre_dist(&faces[i], &im) < centre_dist(&faces[best], &im)
                                : box_area(&faces[i]) > box_area(&faces[best]))
                best = i;
        faces[0] = faces[best];
        n = 1;
    }
    r->nf = n;
    r->crops = malloc((size_t)n * CROP * CROP * 3);
    r->thumbs = calloc((size_t)n, sizeof *r->thumbs);
    r->thumb_len = calloc((size_t)n, sizeof *r->thumb_len);
    uint8_t small[THUMB * THUMB * 3];
    for (int i = 0; i < n; i++) {
        uint8_t *crop = r->crops + (size_t)i * CROP * CROP * 3;
        if (fc_align_face(im.rgb, im.w, im.h, faces[i].pts, crop)) memset(crop, 0, CROP * CROP * 3);
        if (fc_resize_area_u8(crop, CROP, CROP, 3, small, THUMB, THUMB) == 0)
            fc_image_encode_jpeg(small, THUMB, THUMB, 85, &r->thumbs[i], &r->thumb_len[i]);
        /* back to the original photo's coordinates (minus the retry border, if any) */
        for (int c = 0; c < 4; c++) faces[i].box[c] = (faces[i].box[c] - padded) * im.scale;
        for (int c = 0; c < 10; c++) faces[i].pts[c] = (faces[i].pts[c] - padded) * im.scale;
    }
    r->faces = faces;
    double t3 = thread_cpu();
    t[2] += t3 - t2;
    fc_image_free(&im);
    int dim = fc_embedder_dim(emb);
    r->emb = malloc(sizeof(float) * (size_t)n * dim);
    if (o->flip) r->emb_flip = malloc(sizeof(float) * (size_t)n * dim);
    rc = r->emb ? fc_embedder_embed(emb, r->crops, (size_t)n, r->emb, NULL) : FC_ENOMEM;
    if (!rc && o->flip) {
        for (int i = 0; i < n; i++) fc_flip_lr_rgb(r->crops + (size_t)i * CROP * CROP * 3, CROP, CROP);
        rc = r->emb_flip ? fc_embedder_embed(emb, r->crops, (size_t)n, r->emb_flip, NULL) : FC_ENOMEM;
    }
    t[3] += thread_cpu() - t3;
    if (rc) {
        char b[512];
        snprintf(b, sizeof b, "%s: embedding failed: %s", f->path, fc_last_error());
        r->status = 2;
        r->err = strdup(b);
        r->nf = 0;
    }
}

/* ---- the run ---- */

int fc_embed_run(const fc_embed_opts *o, fc_embed_summary *sum)
{
    memset(sum, 0, sizeof *sum);
    double t_start = fc_now();
    int rc = FC_OK;
    regex_t re;
    int have_re = 0;
    int missing = 0;
    for (int i = 0; i < o->ndirs; i++) {
        struct stat st;
        missing += stat(o->dirs[i], &st) != 0;
    }
    if (o->ndirs > 0 && missing == o->ndirs) { /* nothing to work on: a start-up error, not a per-photo one */
        struct stat st;
        stat(o->dirs[0], &st);
        return fc_fail(FC_EIO, "%s: %s", o->dirs[0], strerror(errno));
    }
    if (o->label_mode == FC_LABEL_PATTERN) {
        char *tr = translate_regex(o->pattern ? o->pattern : "");
        int e = regcomp(&re, tr, REG_EXTENDED);
        free(tr);
        if (e) {
            char msg[256];
            regerror(e, &re, msg, sizeof msg);
            return fc_fail(FC_EARG, "--labels pattern:%s: bad regular expression: %s", o->pattern, msg);
        }
        have_re = 1;
    }
    file_list fl = {0};
    for (int i = 0; i < o->ndirs && !rc; i++) {
        struct stat st;
        if (stat(o->dirs[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = walk(o->dirs[i], "", i, &fl);
        } else { /* a single file given directly; a missing one fails like any unreadable photo, the rest go on */
            if (stat(o->dirs[i], &st) != 0)
                st.st_size = -1, st.st_mtim.tv_sec = -1, st.st_mtim.tv_nsec = 0;
            if (fl.n == fl.cap) {
                fl.cap = fl.cap ? 2 * fl.cap : 16;
                fl.v = realloc(fl.v, sizeof *fl.v * fl.cap);
            }
            const char *b = strrchr(o->dirs[i], '/');
            fl.v[fl.n++] = (file_ent){strdup(o->dirs[i]), strdup(b ? b + 1 : o->dirs[i]), NULL, st.st_size,
                                      (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec, i};
        }
    }
    sum->files = (long)fl.n;
    /* Labels and the minimum-photos filter. */
    int labelled = o->label_mode != FC_LABEL_NONE;
    size_t keep = 0;
    for (size_t i = 0; i < fl.n && !rc; i++) {
        file_ent *f = &fl.v[i];
        if (labelled) {
            f->label = fc_label_from_path(o->label_mode, have_re ? &re : NULL, o->dirs[f->dir], f->rel);
            if (!f->label) {
                fc_warn("%s: no identity in the file name (pattern %s); skipped", f->path, o->pattern);
                sum->unlabelled++;
                free(f->path), free(f->rel);
                continue;
            }
        }
        fl.v[keep++] = *f;
    }
    fl.n = keep;
    if (labelled && o->min_images > 1 && !rc) {
        /* count photos per identity (sorted copy of the labels) */
        char **ls = malloc(sizeof *ls * (fl.n + 1));
        for (size_t i = 0; i < fl.n; i++) ls[i] = fl.v[i].label;
        qsort(ls, fl.n, sizeof *ls, cmp_str);
        keep = 0;
        for (size_t i = 0; i < fl.n; i++) {
            char *key = fl.v[i].label;
            /* binary search the run of equal labels */
            size_t lo = 0, hi = fl.n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (strcmp(ls[mid], key) < 0) lo = mid + 1; else hi = mid;
            }
            size_t cnt = 0;
            while (lo + cnt < fl.n && !strcmp(ls[lo + cnt], key)) cnt++;
            if ((int)cnt >= o->min_images) fl.v[keep++] = fl.v[i];
            else free(fl.v[i].path), free(fl.v[i].rel), fl.v[i].label = (free(key), NULL);
        }
        free(ls);
        fl.n = keep;
    }
    int T = o->threads > 0 ? o->threads : omp_get_num_procs();
    fc_mtcnn **dets = calloc((size_t)T, sizeof *dets);
    fc_embedder **embs = calloc((size_t)T, sizeof *embs);
    fc_embedder_spec spec = fc_embedder_spec_default();
    spec.batch = 2;
    for (int i = 0; i < T && !rc; i++) rc = fc_mtcnn_new(o->models_dir, &dets[i]);
    for (int i = 0; i < T && !rc; i++) rc = fc_embedder_new(&spec, o->models_dir, &embs[i]);
    /* The store is opened (created) only once the models loaded: a failed start leaves no file behind. */
    fc_store *st = NULL;
    if (!rc) rc = fc_store_open(o->db, &st);
    char model[300];
    {
        const char *b = strrchr(spec.model_file, '/');
        snprintf(model, sizeof model, "%s", b ? b + 1 : spec.model_file);
        char *dot = strstr(model, ".tflite");
        if (dot) *dot = 0;
    }
    int keep_all = o->all_faces || !labelled;
    char settings[512], padbuf[32] = "";
    if (o->retry_pad > 0) snprintf(padbuf, sizeof padbuf, " retry_pad=%d", o->retry_pad);
    snprintf(settings, sizeof settings, "mtcnn min=%g factor=%g t=%g/%g/%g%s; keep=%s; flip=%d; max_side=%d; model=%s",
             o->det.min_size, o->det.factor, o->det.thresh[0], o->det.thresh[1], o->det.thresh[2], padbuf,
             keep_all ? "all" : o->keep_central ? "central" : "largest", o->flip ? 1 : 0, o->max_side, model);
    /* What is left to do. */
    size_t *todo = malloc(sizeof *todo * (fl.n + 1));
    size_t ntodo = 0;
    char absbuf[PATH_MAX];
    char **abs = calloc(fl.n + 1, sizeof *abs);
    for (size_t i = 0; i < fl.n && !rc; i++) {
        abs[i] = strdup(realpath(fl.v[i].path, absbuf) ? absbuf : fl.v[i].path);
        int d = fc_store_is_done(st, abs[i], fl.v[i].size, fl.v[i].mtime, settings);
        if (d < 0) rc = d;
        else if (d) {
            sum->skipped++;
            if (d == 2) sum->skipped_noface++;
            if (d == 3) sum->skipped_failed++;
        }
        else todo[ntodo++] = i;
    }
    if (o->limit > 0 && ntodo > (size_t)o->limit) ntodo = (size_t)o->limit;
    int B = o->batch > 0 ? o->batch : 32;
    int dim = !rc && embs[0] ? fc_embedder_dim(embs[0]) : 0;
    fc_nn_set_threads(1); /* the workers are the parallelism: one engine thread each */
    fc_progress *pg = !rc && ntodo ? fc_progress_start("embed", ntodo) : NULL;
    img_res *res = calloc((size_t)B, sizeof *res);
    for (size_t s = 0; s < ntodo && !rc; s += (size_t)B) {
        if (o->stop && *o->stop) break;
        int nb = (int)(ntodo - s < (size_t)B ? ntodo - s : (size_t)B);
        double tp = fc_now();
        double tacc[4] = {0, 0, 0, 0};
#pragma omp parallel num_threads(T)
        {
            double tl[4] = {0, 0, 0, 0};
            int tid = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1)
            for (int k = 0; k < nb; k++)
                process_one(dets[tid], embs[tid], o, keep_all, &fl.v[todo[s + k]], &res[k], tl);
#pragma omp critical
            for (int c = 0; c < 4; c++) tacc[c] += tl[c];
        }
        sum->wall_detect_phase += fc_now() - tp;
        sum->t_decode += tacc[0], sum->t_detect += tacc[1], sum->t_align += tacc[2], sum->t_embed += tacc[3];
        /* One transaction for the batch: photos and their faces appear together or not at all. */
        double tw = fc_now();
        if (!rc) rc = fc_store_begin(st);
        for (int k = 0; k < nb && !rc; k++) {
            img_res *r = &res[k];
            file_ent *f = &fl.v[todo[s + k]];
            if (r->status) fc_warn("%s", r->err);
            fc_store_image im = {abs[todo[s + k]], f->rel, f->size, f->mtime, r->w, r->h,
                                 r->status == 0 ? "ok" : r->status == 1 ? "noface" : "error", r->err, r->n_det,
                                 settings, f->label};
            fc_store_face *sf = calloc((size_t)r->nf + 1, sizeof *sf);
            for (int i = 0; i < r->nf; i++) {
                memcpy(sf[i].box, r->faces[i].box, sizeof sf[i].box);
                sf[i].score = r->faces[i].score;
                memcpy(sf[i].pts, r->faces[i].pts, sizeof sf[i].pts);
                sf[i].thumb = r->thumbs[i];
                sf[i].thumb_len = r->thumb_len[i];
                sf[i].emb = r->emb + (size_t)i * dim;
                sf[i].emb_flip = r->emb_flip ? r->emb_flip + (size_t)i * dim : NULL;
                sf[i].dim = dim;
            }
            rc = fc_store_put(st, &im, sf, r->nf, model);
            free(sf);
            sum->processed++;
            if (r->status == 0) sum->ok++, sum->faces += r->nf;
            else if (r->status == 1) sum->noface++;
            else sum->failed++;
        }
        if (!rc) rc = fc_store_commit(st);
        sum->t_store += fc_now() - tw;
        for (int k = 0; k < nb; k++) res_free(&res[k]);
        if (pg) fc_progress_add(pg, (size_t)nb);
    }
    if (pg) fc_progress_finish(pg);
    free(res);
    free(todo);
    for (size_t i = 0; i < fl.n; i++) free(abs[i]), free(fl.v[i].path), free(fl.v[i].rel), free(fl.v[i].label);
    free(abs);
    free(fl.v);
    free(fl.seen);
    for (int i = 0; i < T && dets; i++) fc_mtcnn_free(dets[i]);
    free(dets);
    for (int i = 0; i < T && embs; i++) fc_embedder_free(embs[i]);
    free(embs);
    fc_nn_set_threads(0);
    fc_store_close(st);
    if (have_re) regfree(&re);
    sum->wall = fc_now() - t_start;
    return rc;
}
