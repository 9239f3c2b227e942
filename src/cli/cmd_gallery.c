/* cmd_gallery.c — `facecluster gallery`: an offline HTML page with one row of face thumbnails per
 * predicted cluster, faces whose identity differs from their cluster's majority framed in red. */
#include "cli/cli.h"
#include "facecluster/html.h"
#include "facecluster/labels.h"
#include "facecluster/npy.h"
#include "facecluster/plot.h"
#include "facecluster/tsne.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(void)
{
    printf("usage: facecluster gallery --emb E.npy --faces faces.tsv --images DIR --pred P.txt -o OUTDIR\n"
           "                           [--max-per-cluster N] [--max-clusters N] [--size PX] [--title TEXT]\n\n"
           "Writes OUTDIR/index.html: one row of face thumbnails per predicted cluster (largest first, noise\n"
           "last), each row ordered from the face nearest the cluster's mean embedding outwards. With the\n"
           "identity column of faces.tsv, faces that differ from their cluster's majority are framed in red.\n"
           "Thumbnails are cut from the photos by the face boxes into OUTDIR/thumbs/ (JPEG). The folder is\n"
           "self-contained: open index.html in any browser, offline.\n\n"
           "  --emb FILE            N×D embeddings (.npy), the rows of faces.tsv and of --pred\n"
           "  --faces FILE          faces.tsv: columns relpath, person, x1, y1, x2, y2 (and img_h, img_w)\n"
           "  --images DIR          folder the relpath column is relative to\n"
           "  --pred FILE           cluster label per row (one integer per line, -1 = noise)\n"
           "  -o DIR                output folder (created)\n"
           "  --max-per-cluster N   thumbnails shown per cluster (48; the rest are counted)\n"
           "  --max-clusters N      clusters shown (1000)\n"
           "  --size PX             thumbnail side in pixels (112)\n"
           "  --map                 also draw a t-SNE map of the faces coloured by cluster (map.png, on top)\n"
           "  --map-npy Y.npy       the same from a map computed before (N×2 .npy, e.g. tsne --npy)\n");
}

typedef struct face_row {
    char *relpath, *person;
    double box[4];
    int img_w, img_h;
} face_row;

static int col_index(char **names, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], want))
            return (int)i;
    return -1;
}

/* Reads faces.tsv (header row names the columns). */
static int read_faces(const char *path, face_row **out, size_t *n_out)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot open", path);
    char *line = NULL;
    size_t cap = 0, n = 0, rcap = 0;
    face_row *rows = NULL;
    int c_rel = -1, c_person = -1, c_box = -1, c_h = -1, c_w = -1, rc = FC_OK, lineno = 0;
    while (getline(&line, &cap, fp) >= 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        char *f[64];
        size_t nf = 0;
        for (char *s = line; nf < 64;) {
            f[nf++] = s;
            char *t = strchr(s, '\t');
            if (!t)
                break;
            *t = 0;
            s = t + 1;
        }
        if (lineno == 1) {
            c_rel = col_index(f, nf, "relpath");
            c_person = col_index(f, nf, "person");
            c_box = col_index(f, nf, "x1");
            c_h = col_index(f, nf, "img_h");
            c_w = col_index(f, nf, "img_w");
            if (c_rel < 0 || c_box < 0 || c_box + 3 >= (int)nf) {
                rc = fc_fail(FC_EFORMAT, "%s: the header needs columns relpath and x1 y1 x2 y2", path);
                break;
            }
            continue;
        }
        if (!line[0])
            continue;
        if ((int)nf <= c_box + 3 || (int)nf <= c_rel) {
            rc = fc_fail(FC_EFORMAT, "%s:%d: too few columns", path, lineno);
            break;
        }
        if (n == rcap) {
            rcap = rcap ? 2 * rcap : 256;
            face_row *nr = realloc(rows, rcap * sizeof *nr);
            if (!nr) {
                rc = fc_fail(FC_ENOMEM, "%s: out of memory", path);
                break;
            }
            rows = nr;
        }
        face_row *r = &rows[n];
        memset(r, 0, sizeof *r);
        r->relpath = strdup(f[c_rel]);
        r->person = c_person >= 0 && c_person < (int)nf ? strdup(f[c_person]) : NULL;
        n++;
        for (int k = 0; k < 4; k++) {
            char *end;
            r->box[k] = strtod(f[c_box + k], &end);
            if (end == f[c_box + k] || *end)
                rc = fc_fail(FC_EFORMAT, "%s:%d: bad box value '%s'", path, lineno, f[c_box + k]);
        }
        if (c_h >= 0 && c_h < (int)nf)
            r->img_h = atoi(f[c_h]);
        if (c_w >= 0 && c_w < (int)nf)
            r->img_w = atoi(f[c_w]);
        if (rc)
            break;
    }
    free(line);
    fclose(fp);
    *out = rows;
    *n_out = n;
    return rc;
}

static void free_faces(face_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rows[i].relpath);
        free(rows[i].person);
    }
    free(rows);
}

static int mkdir_p(const char *dir)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0755) && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

typedef struct cluster {
    int label, canon; /* as given; as renumbered 0..K-1 in order of first appearance (the map's colour) */
    size_t n;
    size_t *members; /* ordered nearest the mean first */
} cluster;

static int by_size(const void *a, const void *b)
{
    const cluster *x = a, *y = b;
    if ((x->label < 0) != (y->label < 0))
        return x->label < 0 ? 1 : -1; /* noise last */
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return x->label - y->label;
}

static const double *g_dist;
static int by_dist(const void *a, const void *b)
{
    double x = g_dist[*(const size_t *)a], y = g_dist[*(const size_t *)b];
    return (x > y) - (x < y);
}

/* The most frequent person among the members (NULL without identities); *count gets its count. */
static const char *majority(const face_row *rows, const cluster *c, size_t *count)
{
    const char *best = NULL;
    size_t bestn = 0;
    for (size_t a = 0; a < c->n; a++) {
        const char *p = rows[c->members[a]].person;
        if (!p)
            return NULL;
        size_t k = 0;
        for (size_t b = 0; b < c->n; b++)
            k += !strcmp(rows[c->members[b]].person, p);
        if (k > bestn)
            bestn = k, best = p;
        if (bestn * 2 > c->n)
            break;
    }
    *count = bestn;
    return best;
}

int cmd_gallery(int argc, char **argv)
{
    enum { O_EMB = 256, O_FACES, O_IMAGES, O_PRED, O_MAXPER, O_MAXCL, O_SIZE, O_TITLE, O_MAP, O_MAPNPY };
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"emb", required_argument, 0, O_EMB},
                                         {"faces", required_argument, 0, O_FACES},
                                         {"images", required_argument, 0, O_IMAGES},
                                         {"pred", required_argument, 0, O_PRED},
                                         {"max-per-cluster", required_argument, 0, O_MAXPER},
                                         {"max-clusters", required_argument, 0, O_MAXCL},
                                         {"size", required_argument, 0, O_SIZE},
                                         {"title", required_argument, 0, O_TITLE},
                                         {"map", no_argument, 0, O_MAP},
                                         {"map-npy", required_argument, 0, O_MAPNPY},
                                         {"output", required_argument, 0, 'o'},
                                         {0, 0, 0, 0}};
    const char *emb = NULL, *faces = NULL, *images = NULL, *pred = NULL, *outdir = NULL, *title = NULL;
    const char *map_npy = NULL;
    int maxper = 48, maxcl = 1000, size = 112, want_map = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case O_EMB: emb = optarg; break;
        case O_FACES: faces = optarg; break;
        case O_IMAGES: images = optarg; break;
        case O_PRED: pred = optarg; break;
        case 'o': outdir = optarg; break;
        case O_TITLE: title = optarg; break;
        case O_MAP: want_map = 1; break;
        case O_MAPNPY: map_npy = optarg; want_map = 1; break;
        case O_MAXPER:
            if (cli_parse_int("gallery", "--max-per-cluster", optarg, 1, 100000, &maxper))
                return EXIT_USAGE;
            break;
        case O_MAXCL:
            if (cli_parse_int("gallery", "--max-clusters", optarg, 1, 10000000, &maxcl))
                return EXIT_USAGE;
            break;
        case O_SIZE:
            if (cli_parse_int("gallery", "--size", optarg, 16, 1024, &size))
                return EXIT_USAGE;
            break;
        default: return EXIT_USAGE;
        }
    }
    if (!emb || !faces || !images || !pred || !outdir || optind != argc) {
        cli_error("gallery", "needs --emb, --faces, --images, --pred and -o (see --help)");
        return EXIT_USAGE;
    }
    if (!outdir[0]) { /* "" would put index.html and thumbs/ into the file-system root */
        cli_error("gallery", "-o expects a folder name, got ''");
        return EXIT_USAGE;
    }
    fc_mat X = {0};
    face_row *rows = NULL;
    size_t nrows = 0, npred = 0, nc = 0;
    int *labels = NULL, rc = EXIT_FAILURE_;
    cluster *cl = NULL;
    double *dist = NULL;
    if (cli_load_embeddings("gallery", emb, 0, &X))
        return EXIT_FAILURE_;
    if (read_faces(faces, &rows, &nrows) || fc_pred_read(pred, &labels, &npred)) {
        cli_error("gallery", "%s", fc_last_error());
        goto done;
    }
    if (nrows != X.rows || npred != X.rows) {
        cli_error("gallery", "row counts differ: %s %zu, %s %zu, %s %zu", emb, X.rows, faces, nrows, pred, npred);
        goto done;
    }
    char mapfile[4200] = "";
    if (want_map) {
        fc_mat Y = {0};
        int mrc = 0;
        if (map_npy) {
            mrc = fc_npy_read_matrix(map_npy, &Y);
            if (!mrc && (Y.rows != X.rows || Y.cols != 2))
                mrc = fc_fail(FC_EFORMAT, "%s: expected a %zu x 2 map, got %zu x %zu", map_npy, X.rows, Y.rows, Y.cols);
        } else {
            fc_tsne_params tp;
            fc_tsne_defaults(&tp);
            if (tp.perplexity >= (double)X.rows)
                tp.perplexity = fmax(1, floor((double)(X.rows - 1) / 3));
            mrc = fc_tsne(&X, &tp, &Y, NULL);
        }
        if (!mrc && mkdir_p(outdir))
            mrc = fc_fail(FC_EIO, "%s: cannot create the folder", outdir);
        if (!mrc) {
            int *g = malloc(X.rows * sizeof *g);
            fc_plot_opts po;
            fc_plot_opts_init(&po);
            po.title = "t-SNE map of the faces, coloured by cluster (grey: noise)";
            po.width = po.height = 760;
            snprintf(mapfile, sizeof mapfile, "%s/map.png", outdir);
            char **names = calloc(X.rows + 1, sizeof *names);
            if (!g || !names)
                mrc = FC_ENOMEM;
            else {
                memcpy(g, labels, X.rows * sizeof *g);
                int k = fc_labels_canonical(g, X.rows);
                for (size_t i = 0; i < X.rows && !mrc; i++) /* legend: the labels as given */
                    if (g[i] >= 0 && !names[g[i]]) {
                        names[g[i]] = malloc(32);
                        if (!names[g[i]])
                            mrc = FC_ENOMEM;
                        else
                            snprintf(names[g[i]], 32, "cluster %d", labels[i]);
                    }
                if (!mrc)
                    mrc = fc_plot_scatter(mapfile, Y.data, Y.rows, g, (size_t)k, (const char *const *)names, &po);
            }
            for (size_t i = 0; names && i <= X.rows; i++)
                free(names[i]);
            free(names);
            free(g);
        }
        fc_mat_free(&Y);
        if (mrc) {
            cli_error("gallery", "map: %s", fc_last_error());
            goto done;
        }
    }
    char thumbdir[4096];
    snprintf(thumbdir, sizeof thumbdir, "%s/thumbs", outdir);
    if (mkdir_p(thumbdir)) {
        cli_error("gallery", "%s: cannot create the folder", thumbdir);
        goto done;
    }
    /* clusters: members grouped by label */
    size_t n = X.rows, d = X.cols;
    cl = calloc(n + 1, sizeof *cl);
    dist = calloc(n, sizeof *dist);
    double *mean = calloc(d, sizeof *mean);
    if (!cl || !dist || !mean) {
        free(mean);
        cli_error("gallery", "out of memory");
        goto done;
    }
    /* labels as 0..K-1 (noise -1 kept): slot K is the noise cluster; original labels kept for titles */
    int *orig = malloc(n * sizeof *orig);
    if (!orig) {
        free(mean);
        cli_error("gallery", "out of memory");
        goto done;
    }
    memcpy(orig, labels, n * sizeof *orig);
    size_t K = (size_t)fc_labels_canonical(labels, n);
    nc = K + 1;
    for (size_t i = 0; i < n; i++) {
        size_t k = labels[i] < 0 ? K : (size_t)labels[i];
        cl[k].label = labels[i] < 0 ? -1 : orig[i];
        cl[k].canon = labels[i] < 0 ? -1 : labels[i];
        cl[k].n++;
    }
    int oom = 0;
    for (size_t k = 0; k < nc; k++) {
        cl[k].members = malloc((cl[k].n ? cl[k].n : 1) * sizeof(size_t));
        oom |= !cl[k].members;
        cl[k].n = 0;
    }
    free(orig);
    if (oom) {
        free(mean);
        cli_error("gallery", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = labels[i] < 0 ? K : (size_t)labels[i];
        cl[k].members[cl[k].n++] = i;
    }
    if (cl[K].n == 0) /* no noise: drop the empty slot */
        nc = K;
    for (size_t k = 0; k < nc; k++) {
        memset(mean, 0, d * sizeof *mean);
        for (size_t a = 0; a < cl[k].n; a++)
            for (size_t j = 0; j < d; j++)
                mean[j] += X.data[cl[k].members[a] * d + j] / (double)cl[k].n;
        for (size_t a = 0; a < cl[k].n; a++) {
            double s = 0;
            for (size_t j = 0; j < d; j++) {
                double t = X.data[cl[k].members[a] * d + j] - mean[j];
                s += t * t;
            }
            dist[cl[k].members[a]] = s;
        }
        g_dist = dist;
        qsort(cl[k].members, cl[k].n, sizeof(size_t), by_dist);
    }
    free(mean);
    qsort(cl, nc, sizeof *cl, by_size);

    /* thumbnails of the faces shown */
    size_t shown_cl = nc < (size_t)maxcl ? nc : (size_t)maxcl, failed = 0, njobs = 0;
    size_t *jobs = malloc(n * sizeof *jobs);
    char *ok = calloc(n, 1);
    if (!jobs || !ok) {
        free(jobs), free(ok);
        cli_error("gallery", "out of memory");
        goto done;
    }
    for (size_t k = 0; k < shown_cl; k++)
        for (size_t a = 0; a < cl[k].n && a < (size_t)maxper; a++)
            jobs[njobs++] = cl[k].members[a];
#pragma omp parallel for schedule(dynamic, 4) reduction(+ : failed)
    for (size_t q = 0; q < njobs; q++) {
        size_t i = jobs[q];
        char src[4096], dst[4200];
        snprintf(src, sizeof src, "%s/%s", images, rows[i].relpath);
        snprintf(dst, sizeof dst, "%s/%zu.jpg", thumbdir, i);
        if (fc_face_thumbnail(src, rows[i].box[0], rows[i].box[1], rows[i].box[2], rows[i].box[3], rows[i].img_w,
                              rows[i].img_h, 0.15, size, 0, dst)) {
#pragma omp critical
            fc_warn("gallery: row %zu: %s", i, fc_last_error());
            failed++;
        } else
            ok[i] = 1;
    }
    free(jobs);

    char path[4200], buf[512], note[1024];
    snprintf(path, sizeof path, "%s/index.html", outdir);
    snprintf(buf, sizeof buf, "%s", title ? title : "Face clusters");
    fc_html *h = fc_html_open(path, buf);
    if (!h) {
        free(ok);
        cli_error("gallery", "%s", fc_last_error());
        goto done;
    }
    size_t noise = 0, wrong = 0, real = 0;
    for (size_t k = 0; k < nc; k++) {
        if (cl[k].label < 0) {
            noise = cl[k].n;
            continue;
        }
        real++;
        size_t cnt;
        const char *maj = majority(rows, &cl[k], &cnt);
        if (maj)
            wrong += cl[k].n - cnt;
    }
    snprintf(note, sizeof note,
             "%zu faces in %zu clusters%s%zu unclustered (noise). Each row is one cluster, largest first, its faces "
             "ordered from the most typical (nearest the cluster's mean embedding) outwards.",
             n, real, noise ? ", " : ", ", noise);
    fc_html_paragraph(h, note);
    if (mapfile[0])
        fc_html_figure(h, "map.png", "t-SNE map of all faces, one colour (and beyond 20 clusters, marker shape) per cluster",
                       NULL);
    if (rows[0].person) {
        snprintf(note, sizeof note,
                 "Faces framed in red belong to a different person than most of their cluster "
                 "(%zu of %zu faces, %.1f %%): wrong merges.",
                 wrong, n, 100.0 * (double)wrong / (double)n);
        fc_html_paragraph(h, note);
    }
    for (size_t k = 0; k < shown_cl; k++) {
        size_t cnt = 0;
        const char *maj = cl[k].label >= 0 ? majority(rows, &cl[k], &cnt) : NULL;
        if (cl[k].label < 0)
            snprintf(buf, sizeof buf, "unclustered (noise) — %zu faces", cl[k].n);
        else if (maj)
            snprintf(buf, sizeof buf, "cluster %d — %zu faces — %s (%zu of %zu)", cl[k].label, cl[k].n, maj, cnt,
                     cl[k].n);
        else
            snprintf(buf, sizeof buf, "cluster %d — %zu faces", cl[k].label, cl[k].n);
        int more = cl[k].n > (size_t)maxper;
        if (more)
            snprintf(note, sizeof note, "showing the %d most typical of %zu faces", maxper, cl[k].n);
        double rgb[3];
        fc_plot_group_color(cl[k].canon, rgb);
        fc_html_gallery_begin(h, buf, more ? note : NULL, mapfile[0] ? rgb : NULL);
        for (size_t a = 0; a < cl[k].n && a < (size_t)maxper; a++) {
            size_t i = cl[k].members[a];
            if (!ok[i])
                continue;
            char rel[64], tip[600];
            snprintf(rel, sizeof rel, "thumbs/%zu.jpg", i);
            snprintf(tip, sizeof tip, "row %zu: %s", i, rows[i].relpath);
            const char *who = rows[i].person ? rows[i].person : rows[i].relpath;
            fc_html_gallery_item(h, rel, who, tip, maj && strcmp(who, maj) != 0);
        }
        fc_html_gallery_end(h);
    }
    if (shown_cl < nc) {
        snprintf(note, sizeof note, "%zu smaller clusters not shown (--max-clusters).", nc - shown_cl);
        fc_html_paragraph(h, note);
    }
    free(ok);
    if (fc_html_close(h)) {
        cli_error("gallery", "%s", fc_last_error());
        goto done;
    }
    printf("%s: %zu clusters, %zu thumbnails%s\n", path, real, njobs - failed, failed ? " (some failed)" : "");
    rc = failed ? EXIT_PARTIAL : EXIT_OK;
done:
    for (size_t k = 0; cl && k <= n; k++)
        free(cl[k].members);
    free(cl);
    free(dist);
    free(labels);
    free_faces(rows, nrows);
    fc_mat_free(&X);
    return rc;
}
