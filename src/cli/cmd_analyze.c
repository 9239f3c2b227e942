/* cmd_analyze.c — `facecluster analyze`: the whole study of "FaceNet Clustering Analysis" on one or more
 * labelled datasets, written as a report folder (tables, figures, galleries, index.html). */
#include "cli/cli.h"
#include "facecluster/cluster.h"
#include "facecluster/dataset.h"
#include "facecluster/errors.h"
#include "facecluster/eval_output.h"
#include "facecluster/npy.h"
#include "facecluster/page.h"
#include "facecluster/plot.h"
#include "facecluster/report.h"
#include "facecluster/study.h"
#include "facecluster/tsne.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <stdatomic.h>
#include <unistd.h>

#define CMD "analyze"
#define MAX_SETS 16

static int quiet;

/* Ctrl-C / SIGTERM: every finished part (face store batches, protocol groups, t-SNE maps) is already on disk,
 * each written whole (SQLite transactions, files renamed into place), so stop at once with the README's 130
 * and say how to go on. Only async-signal-safe calls here. */
static int interrupt_tty; /* stderr is a terminal: a progress bar may hold the line, start a new one */

static void on_interrupt(int sig)
{
    (void)sig;
    /* a second signal (timeout and terminals may send two) can reach another thread while the first is
     * handled: only the first one speaks; the others wait for its _exit */
    static atomic_flag taken = ATOMIC_FLAG_INIT;
    if (atomic_flag_test_and_set(&taken))
        for (;;)
            pause();
    static const char msg[] = "\nanalyze: interrupted; finished parts are kept: re-run with --resume\n";
    ssize_t w = write(STDERR_FILENO, msg + !interrupt_tty, sizeof msg - 1 - !interrupt_tty);
    (void)w;
    _exit(EXIT_INTERRUPTED);
}

/* One "analyze: ..." line on stderr unless --quiet; say() for this command, note() for the library's
 * fc_study callbacks (same output, with the callback's context argument). */
static void vsay(const char *fmt, va_list ap)
{
    if (quiet)
        return;
    fputs("analyze: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

static void note(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

static void usage(void)
{
    printf("usage: facecluster analyze [DATASET...] -o REPORT_DIR [options]\n\n"
           "Runs the study of \"FaceNet Clustering Analysis\" on each dataset and writes a report folder:\n"
           "index.html (opens offline), table.{md,tex,tsv,json} (method x dataset, mean ARI +- 2 std, with\n"
           "the paper's numbers beside matching datasets), figures/ (ARI and clusters found vs eps and\n"
           "bandwidth, overview; PNG, SVG, PDF), datasets/NAME/ (t-SNE map, every setting's scores) and the\n"
           "error galleries (worst merges and splits, with face thumbnails).\n\n"
           "DATASET is an embeddings folder (emb.npy, truth.txt, optional faces.tsv: the layout of\n"
           "../shared/embeddings/SET) or a labelled photo folder (PERSON/IMAGE, e.g. LFW), optionally as\n"
           "NAME=FOLDER. Photos are embedded (MTCNN, MobileFaceNet) into the face store\n"
           "REPORT_DIR/cache/NAME/faces.db; photos already stored are reused. With no DATASET, every known set\n"
           "found under the shared folder is used (embeddings of personal, lfw3, orl, yale; --from-photos: the\n"
           "photo folders data/{personal,lfw,orl,yale}); if none is found, says where to put them.\n\n"
           "presets:\n"
           "  --quick                5 runs, LFW limited to 150 people (seconds; make demo)\n"
           "  --full                 30 runs on everything (the paper's protocol; default)\n"
           "protocol:\n"
           "  --runs R  --fraction F  --bootstrap  --seed N  --threads N   (30, 0.8, off, 0, all cores)\n"
           "  --sweep A:B:STEP       eps and bandwidth values (default 0.1:1.4:0.1; MobileFaceNet distances\n"
           "                         run larger than the paper's FaceNet, whose sweep was 0.1:1.2)\n"
           "  --no-auto-k            skip the K-based methods with the automatic K\n"
           "  --no-beyond            skip HDBSCAN, threshold graph and Chinese whispers\n"
           "  --large N:R            datasets with more than N faces get R runs (a time budget)...\n"
           "  --large-slow LIST      ...for these methods only (e.g. kmeans,spectral,meanshift; default all)\n"
           "  --large-skip LIST      settings left out on those datasets (spectral, or spectral@auto)\n"
           "data:\n"
           "  --min-images M         keep people with >= M faces (default 3 for a set named lfw, else 1)\n"
           "  --max-identities K     keep a seeded random choice of K people per dataset (0 = all)\n"
           "  --images NAME=DIR      folder the faces.tsv paths of NAME are relative to (default: guessed\n"
           "                         as FOLDER/../../data/NAME, lfw3 -> data/lfw)\n"
           "  --shared DIR           where to look for datasets (default $FC_SHARED or ../shared)\n"
           "  --from-photos          with no DATASET: use the shared photo folders, not the embeddings\n"
           "report:\n"
           "  -o, --output DIR       report folder (default out/report)\n"
           "  --errors METHOD[:P=V]  clustering whose errors are shown (default dbscan at its best eps)\n"
           "  --no-tsne              skip the t-SNE maps\n"
           "  --resume               re-use finished parts found in REPORT_DIR/cache (same data and protocol;\n"
           "                         delete the cache after updating facecluster)\n"
           "  --quiet  -h, --help\n");
}

typedef struct {
    char name[64];
    char dir[4096];
    char images[4096];
    char note[160];
    int min_images;
    int photos;           /* a photo folder: embedded through the face store */
} set_spec;

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *p) { return access(p, R_OK) == 0; }

static int mkdirs(const char *path)
{
    char buf[4200];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Default image root for an embeddings folder: FOLDER/../../data/NAME (lfw3 reads lfw's photos). */
static void guess_images(set_spec *s)
{
    if (s->images[0])
        return;
    const char *base = strrchr(s->dir, '/');
    char setname[64];
    snprintf(setname, sizeof setname, "%s", base ? base + 1 : s->dir);
    if (!strncmp(setname, "lfw", 3))
        snprintf(setname, sizeof setname, "lfw");
    snprintf(s->images, sizeof s->images, "%s/../../data/%s", s->dir, setname);
    if (!is_dir(s->images))
        s->images[0] = 0;
}

/* t-SNE map of the dataset into datasets/NAME/tsne.{png,svg,pdf} (+ tsne.npy, tsne.txt for --resume). */
static int run_tsne(const char *out, const fc_dataset *d, int resume, fc_page_dataset *pd)
{
    char npy[4400], txt[4400], path[4400];
    snprintf(npy, sizeof npy, "%s/datasets/%s/tsne.npy", out, d->name);
    snprintf(txt, sizeof txt, "%s/datasets/%s/tsne.txt", out, d->name);
    fc_mat Y = {0};
    fc_tsne_info info = {0};
    int have = 0;
    /* tsne.txt records the matrix checksum: --resume reuses a map only for the same embeddings */
    unsigned long long hash = fc_study_matrix_hash(&d->X), stored = 0;
    if (resume && is_file(npy) && is_file(txt) && fc_npy_read_matrix(npy, &Y) == 0) {
        FILE *fp = fopen(txt, "r");
        size_t rows = 0;
        if (fp && fscanf(fp, "%zu %lf %lf %d %llx", &rows, &info.kl, &info.seconds, &info.exact, &stored) == 5 &&
            rows == d->X.rows && stored == hash && Y.rows == rows && Y.cols == 2)
            have = 1;
        if (fp)
            fclose(fp);
        if (!have)
            fc_mat_free(&Y);
        else
            say("%s: t-SNE map reused from %s", d->name, npy);
    }
    if (!have) {
        size_t n = d->X.rows;
        fc_tsne_params p;
        fc_tsne_defaults(&p);
        p.progress = !quiet;
        if (n < 5) {
            say("%s: %zu faces are too few for a t-SNE map; skipped", d->name, n);
            return 0;
        }
        if ((double)n - 1 < 3 * p.perplexity) {
            p.perplexity = fmax(2.0, (double)(n - 1) / 3.0);
            say("%s: perplexity lowered to %.1f for %zu faces (it must stay well below N)", d->name, p.perplexity, n);
        }
        say("%s: t-SNE map of %zu faces (perplexity %.0f, PCA start, seed 0)", d->name, n, p.perplexity);
        int rc = fc_tsne(&d->X, &p, &Y, &info);
        if (rc) {
            cli_error(CMD, "%s: t-SNE: %s", d->name, fc_last_error());
            return rc;
        }
        fc_npy_write_f64(npy, &Y);
        FILE *fp = fopen(txt, "w");
        if (fp) {
            fprintf(fp, "%zu %.17g %.17g %d %016llx\n", n, info.kl, info.seconds, info.exact, hash);
            fclose(fp);
        }
    }
    fc_plot_opts o;
    fc_plot_opts_init(&o);
    char title[160];
    snprintf(title, sizeof title, "t-SNE map of %s: %zu faces of %zu people, coloured by identity", d->name,
             d->X.rows, d->truth.k);
    o.title = title;
    o.xlabel = "t-SNE 1";
    o.ylabel = "t-SNE 2";
    o.width = 820;
    o.height = 700;
    o.legend = d->truth.k <= 20;
    static const char *const exts[] = {"png", "svg", "pdf"};
    int rc = 0;
    for (int e = 0; e < 3 && !rc; e++) {
        snprintf(path, sizeof path, "%s/datasets/%s/tsne.%s", out, d->name, exts[e]);
        rc = fc_plot_scatter(path, Y.data, Y.rows, d->truth.ids, d->truth.k, (const char *const *)d->truth.names, &o);
    }
    fc_mat_free(&Y);
    if (rc) {
        cli_error(CMD, "%s", fc_last_error());
        return rc;
    }
    pd->tsne_ok = 1;
    pd->tsne_kl = info.kl;
    pd->tsne_seconds = info.seconds;
    pd->tsne_exact = info.exact;
    return 0;
}

static int write_eval_tables(const char *out, const fc_dataset *d, const fc_study *st)
{
    static const struct { const char *ext; fc_eval_format fmt; } f[] = {
        {"tsv", FC_FMT_TSV}, {"json", FC_FMT_JSON}, {"md", FC_FMT_MD}, {"tex", FC_FMT_TEX}};
    int md_scores[] = {fc_score_index("ari"), fc_score_index("ami"), fc_score_index("nmi"),
                       fc_score_index("v_measure"), fc_score_index("fmi"), fc_score_index("bcubed_f"),
                       fc_score_index("k_found")};
    for (size_t i = 0; i < 4; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/datasets/%s/scores.%s", out, d->name, f[i].ext);
        FILE *fp = fopen(path, "w");
        if (!fp) {
            cli_error(CMD, "%s: cannot write: %s", path, strerror(errno));
            return FC_EIO;
        }
        int small = f[i].fmt == FC_FMT_MD || f[i].fmt == FC_FMT_TEX;
        fc_eval_report rep = {d->name, d->X.rows, d->X.cols, d->truth.k, &st->eval, st->jobs, st->results,
                              st->njobs, small ? md_scores : NULL, small ? 7 : 0, st->seconds};
        int rc = fc_eval_write(fp, f[i].fmt, &rep);
        if (fclose(fp) != 0 || rc) {
            cli_error(CMD, "%s: write failed", path);
            return FC_EIO;
        }
    }
    return 0;
}

static int write_tables(const char *out, const fc_report_item *items, size_t n)
{
    static const struct { const char *ext; fc_eval_format fmt; } f[] = {
        {"md", FC_FMT_MD}, {"tex", FC_FMT_TEX}, {"tsv", FC_FMT_TSV}, {"json", FC_FMT_JSON}};
    for (size_t i = 0; i < 4; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/table.%s", out, f[i].ext);
        FILE *fp = fopen(path, "w");
        if (!fp) {
            cli_error(CMD, "%s: cannot write: %s", path, strerror(errno));
            return FC_EIO;
        }
        int rc = fc_report_write_table(fp, f[i].fmt, items, n);
        if (fclose(fp) != 0 || rc) {
            cli_error(CMD, "%s: write failed", path);
            return FC_EIO;
        }
    }
    return 0;
}

/* --large-skip / --large-slow: every comma-separated item must name a method (with `@true`/`@auto` where
 * allowed); a typo used to be accepted and then match nothing. */
static int check_method_list(const char *opt, const char *list, int allow_k_tag)
{
    const char *p = list;
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[96];
        snprintf(item, sizeof item, "%.*s", (int)(len < 95 ? len : 95), p);
        char *at = strchr(item, '@');
        int ok = 1;
        if (at) {
            ok = allow_k_tag && (!strcmp(at + 1, "true") || !strcmp(at + 1, "auto"));
            *at = 0;
        }
        if (!ok || !item[0] || !fc_cluster_find(item)) {
            cli_error(CMD, "%s: '%.*s' is not a method%s (facecluster evaluate --help lists them)", opt, (int)len, p,
                      allow_k_tag ? " or METHOD@true / METHOD@auto" : "");
            return -1;
        }
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* Parses --errors "METHOD[:NAME=V]" (NULL = DBSCAN) into job; *pname_set tells whether a parameter was
 * given. Checked before any work starts, so a typo does not surface only after the whole protocol. */
static int parse_errors_spec(const char *spec, fc_eval_job *job, int *pname_set)
{
    memset(job, 0, sizeof *job);
    fc_cluster_params_init(&job->params);
    job->params.min_samples = 1;
    char method[64] = "dbscan", pname[32] = "";
    double pval = NAN;
    if (spec) {
        const char *colon = strchr(spec, ':');
        snprintf(method, sizeof method, "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
        if (colon) {
            const char *eq = strchr(colon + 1, '=');
            if (!eq) {
                cli_error(CMD, "--errors expects METHOD[:NAME=VALUE], got '%s'", spec);
                return EXIT_USAGE;
            }
            snprintf(pname, sizeof pname, "%.*s", (int)(eq - colon - 1), colon + 1);
            char *end;
            pval = strtod(eq + 1, &end);
            if (end == eq + 1 || *end) {
                cli_error(CMD, "--errors: '%s' is not a number (METHOD[:NAME=VALUE])", eq + 1);
                return EXIT_USAGE;
            }
        }
    }
    job->method = fc_cluster_find(method);
    if (!job->method) {
        cli_error(CMD, "--errors: unknown method '%s'", method);
        return EXIT_USAGE;
    }
    *pname_set = pname[0] != 0;
    if (pname[0] && fc_param_set(job, pname, pval)) {
        cli_error(CMD, "--errors: %s", fc_last_error());
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The clustering whose errors are shown: spec "METHOD[:NAME=V]" or NULL = DBSCAN at the best eps. */
static int error_analysis(const char *spec, const fc_dataset *d, const fc_study *st, fc_page_dataset *pd,
                          fc_error_report *er, char *setting, size_t setting_len)
{
    fc_eval_job job;
    int pname_set = 0;
    int prc = parse_errors_spec(spec, &job, &pname_set);
    if (prc)
        return prc;
    const char *method = job.method->name;
    if (!pname_set) {
        /* the best value of the method's sweep in this study, if it was swept */
        for (int k = 0; k < 2; k++) {
            long b = fc_study_best(st, method, k ? FC_K_AUTO : FC_K_TRUE);
            if (b >= 0) {
                job.params = st->jobs[b].params;
                break;
            }
        }
    }
    if (job.method->needs_k && job.params.k == 0) /* METHOD:k=N (fc_param_set keeps it in k_fixed), else the true K */
        job.params.k = job.k_mode == FC_K_FIXED ? job.k_fixed : (int)d->truth.k;
    fc_eval_job_describe(&job, setting, setting_len);
    char full[256];
    snprintf(full, sizeof full, "%s %s", job.method->name, setting);
    snprintf(setting, setting_len, "%s", full);
    size_t n = d->X.rows;
    int *labels = fc_malloc(n, sizeof(int));
    if (!labels)
        return EXIT_FAILURE_;
    say("%s: error analysis of %s on all %zu faces", d->name, setting, n);
    int rc = fc_cluster_run(job.method, &d->X, &job.params, labels, NULL);
    fc_scores sc;
    if (!rc)
        rc = fc_score_all(d->truth.ids, labels, n, FC_NOISE_SINGLETONS, &sc);
    if (!rc)
        rc = fc_errors_analyze(&d->X, d->truth.ids, labels, d->has_glasses ? d->glasses : NULL, 8, er);
    free(labels);
    if (rc) {
        cli_error(CMD, "%s: error analysis: %s", d->name, fc_last_error());
        return EXIT_FAILURE_;
    }
    pd->err = er;
    pd->err_ari = sc.ari;
    pd->error_setting = setting;
    return 0;
}

/* Where the dataset marks glasses: DBSCAN over the eps sweep on the whole set, error counts per value. */
static int glasses_sweep(const fc_study_config *cfg, const fc_dataset *d, fc_page_dataset *pd, double **eps_out,
                         fc_error_report **err_out)
{
    size_t m = (size_t)floor((cfg->sweep_hi - cfg->sweep_lo) / cfg->sweep_step + 1e-9) + 1, n = d->X.rows;
    double *eps = calloc(2 * m, sizeof *eps);
    fc_error_report *er = calloc(m, sizeof *er);
    int *labels = malloc(n * sizeof *labels);
    if (!eps || !er || !labels) {
        free(eps), free(er), free(labels);
        return FC_ENOMEM;
    }
    say("%s: glasses vs splits over %zu eps values", d->name, m);
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    p.min_samples = 1;
    for (size_t k = 0; k < m; k++) {
        p.eps = eps[k] = cfg->sweep_lo + (double)k * cfg->sweep_step;
        fc_scores sc;
        int rc = fc_dbscan(&d->X, &p, labels);
        if (!rc)
            rc = fc_score_all(d->truth.ids, labels, n, FC_NOISE_SINGLETONS, &sc);
        if (!rc)
            rc = fc_errors_analyze(&d->X, d->truth.ids, labels, d->glasses, 0, &er[k]);
        if (rc) {
            for (size_t j = 0; j < k; j++)
                fc_errors_free(&er[j]);
            free(eps), free(er), free(labels);
            return rc;
        }
        eps[m + k] = sc.ari;
    }
    free(labels);
    pd->n_glasses_rows = m;
    pd->glasses_eps = eps;
    pd->glasses_err = er;
    *eps_out = eps;
    *err_out = er;
    return 0;
}

/* Known sets under the shared folder, in the paper's order: embeddings folders, or with `photos` the
 * photo folders (lfw is filtered to people with >= 3 images, giving lfw3). */
static size_t discover(const char *shared, int photos, set_spec *sets, size_t max)
{
    static const char *const names[] = {"personal", "lfw3", "orl", "yale"};
    size_t n = 0;
    for (size_t i = 0; i < 4 && n < max; i++) {
        char p[4200];
        const char *nm = photos && i == 1 ? "lfw" : names[i];
        if (photos)
            snprintf(p, sizeof p, "%s/data/%s", shared, nm);
        else
            snprintf(p, sizeof p, "%s/embeddings/%s/emb.npy", shared, nm);
        if (photos ? !is_dir(p) : !is_file(p))
            continue;
        memset(&sets[n], 0, sizeof sets[n]);
        snprintf(sets[n].name, sizeof sets[n].name, "%s", nm);
        snprintf(sets[n].dir, sizeof sets[n].dir, "%s/%s/%s", shared, photos ? "data" : "embeddings", nm);
        sets[n].min_images = -1;
        sets[n].photos = photos;
        n++;
    }
    return n;
}

/* "", "." and "..": as datasets/NAME, cache/NAME and thumbs/NAME they would write into the report folder itself */
static int unusable_set_name(const char *name) { return !name[0] || !strcmp(name, ".") || !strcmp(name, ".."); }

/* --images NAME=DIR (checked to hold '=' when parsed) is about the set named `name` */
static int images_arg_is_for(const char *arg, const char *name)
{
    size_t l = strlen(name);
    return (size_t)(strchr(arg, '=') - arg) == l && !strncmp(arg, name, l);
}

/* The filters of the command line on a loaded set: --min-images (LFW: lfwM; another set it cuts down becomes
 * NAME-minM) and --max-identities (NAME-part): a set that is not the paper's whole set gets no paper column.
 * What was done is described in sp->note. 0 or an FC_E* code (fc_last_error says why). */
static int narrow_set(set_spec *sp, fc_dataset *d, int max_ids, uint64_t seed)
{
    size_t n0 = d->X.rows, k0 = d->truth.k;
    int len = 0;
    char nm[64];
    if (sp->min_images > 1) {
        int rc = fc_dataset_filter_min_images(d, sp->min_images);
        if (rc)
            return rc;
        if (!strcmp(d->name, "lfw")) {
            snprintf(d->name, sizeof d->name, "lfw%d", sp->min_images);
        } else if (d->X.rows < n0) { /* a part of the set: not the paper's, so no paper column beside it */
            snprintf(nm, sizeof nm, "%.50s-min%d", d->name, sp->min_images);
            snprintf(d->name, sizeof d->name, "%s", nm);
        }
        len += snprintf(sp->note + len, sizeof sp->note - (size_t)len, "people with >= %d images", sp->min_images);
    }
    if (max_ids > 0 && d->truth.k > (size_t)max_ids) {
        int rc = fc_dataset_limit_identities(d, (size_t)max_ids, seed);
        if (rc)
            return rc;
        snprintf(sp->note + len, sizeof sp->note - (size_t)len, "%sa seeded random %d of the %zu people",
                 len ? "; " : "", max_ids, k0);
        snprintf(nm, sizeof nm, "%.58s-part", d->name);
        snprintf(d->name, sizeof d->name, "%s", nm); /* not the paper's full set: no paper column */
    }
    return FC_OK;
}

static void where_to_put_data(const char *shared, int photos)
{
    if (photos) /* --from-photos reads the photo folders only */
        printf("analyze: no dataset found (looked for the photo folders %s/data/{personal,lfw,orl,yale}).\n",
               shared);
    else
        printf("analyze: no dataset found (looked for %s/embeddings/{personal,lfw3,orl,yale}/emb.npy).\n",
               shared);
    printf("  Put the shared data beside the project (../shared, or set FC_SHARED): embeddings/<set>/ with\n"
           "  emb.npy, truth.txt and faces.tsv; photos in data/<set>/<person>/<image>.\n"
           "  LFW (Labeled Faces in the Wild) is available from the LFW project site\n"
           "  (http://vis-www.cs.umass.edu/lfw/, lfw.tgz): unpack it as data/lfw/<person>/<image>.jpg.\n"
           "  Or name an embeddings folder yourself: facecluster analyze NAME=FOLDER -o REPORT_DIR\n");
}

int cmd_analyze(int argc, char **argv)
{
    enum { O_QUICK = 256, O_FULL, O_RUNS, O_FRAC, O_BOOT, O_SEED, O_THREADS, O_SWEEP, O_NOAUTO, O_NOBEYOND,
           O_LARGE, O_LSKIP, O_LSLOW, O_MINIMG, O_MAXID, O_IMAGES, O_SHARED, O_ERRORS, O_NOTSNE, O_RESUME, O_QUIET, O_PHOTOS };
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'}, {"output", required_argument, 0, 'o'}, {"quick", no_argument, 0, O_QUICK},
        {"full", no_argument, 0, O_FULL}, {"runs", required_argument, 0, O_RUNS},
        {"fraction", required_argument, 0, O_FRAC}, {"bootstrap", no_argument, 0, O_BOOT},
        {"seed", required_argument, 0, O_SEED}, {"threads", required_argument, 0, O_THREADS},
        {"sweep", required_argument, 0, O_SWEEP}, {"no-auto-k", no_argument, 0, O_NOAUTO},
        {"no-beyond", no_argument, 0, O_NOBEYOND}, {"large", required_argument, 0, O_LARGE},
        {"large-skip", required_argument, 0, O_LSKIP}, {"large-slow", required_argument, 0, O_LSLOW}, {"min-images", required_argument, 0, O_MINIMG},
        {"max-identities", required_argument, 0, O_MAXID}, {"images", required_argument, 0, O_IMAGES},
        {"shared", required_argument, 0, O_SHARED}, {"errors", required_argument, 0, O_ERRORS},
        {"no-tsne", no_argument, 0, O_NOTSNE}, {"resume", no_argument, 0, O_RESUME},
        {"quiet", no_argument, 0, O_QUIET}, {"from-photos", no_argument, 0, O_PHOTOS}, {0, 0, 0, 0}};
    fc_study_config cfg;
    fc_study_config_init(&cfg);
    const char *out = "out/report", *errors_spec = NULL, *shared = getenv("FC_SHARED");
    const char *images_arg[MAX_SETS];
    int nimages = 0, min_images = -1, max_ids = -1, runs = -1, preset_quick = 0, saw_full = 0, no_tsne = 0, from_photos = 0, c;
    quiet = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case 'o': out = optarg; break;
        case O_QUICK: preset_quick = 1; break;
        case O_FULL: saw_full = 1; break;
        case O_RUNS: bad = cli_parse_int(CMD, "--runs", optarg, 1, 100000, &runs); break;
        case O_FRAC: bad = cli_parse_double(CMD, "--fraction", optarg, 1e-9, 1000, &cfg.fraction); break;
        case O_BOOT: cfg.bootstrap = 1; break;
        case O_SEED: bad = cli_parse_seed(CMD, "--seed", optarg, &cfg.seed); break;
        case O_THREADS: bad = cli_parse_int(CMD, "--threads", optarg, 1, 1024, &cfg.threads); break;
        case O_SWEEP:
        {
            int used = -1; /* trailing text ("0.2junk", "0.2:7") is refused, not ignored */
            if (sscanf(optarg, "%lf:%lf:%lf%n", &cfg.sweep_lo, &cfg.sweep_hi, &cfg.sweep_step, &used) != 3 ||
                used < 0 || optarg[used] ||
                !(cfg.sweep_lo > 0) || !(cfg.sweep_hi >= cfg.sweep_lo) || !(cfg.sweep_step > 0) ||
                (cfg.sweep_hi - cfg.sweep_lo) / cfg.sweep_step > 1000) {
                cli_error(CMD, "--sweep expects A:B:STEP with 0 < A <= B and STEP > 0, got '%s'", optarg);
                bad = 1;
            }
            break;
        }
        case O_NOAUTO: cfg.auto_k = 0; break;
        case O_NOBEYOND: cfg.beyond = 0; break;
        case O_LARGE: {
            unsigned long ln = 0;
            int lr = 0, used = -1;
            /* %lu would take "-5" as a huge N; trailing text is refused too */
            if (optarg[0] == '-' || sscanf(optarg, "%lu:%d%n", &ln, &lr, &used) != 2 || used < 0 || optarg[used] ||
                lr < 1) {
                cli_error(CMD, "--large expects N:R (datasets above N faces get R runs), got '%s'", optarg);
                bad = 1;
            }
            cfg.large_n = ln;
            cfg.large_runs = lr;
            break;
        }
        case O_LSKIP: snprintf(cfg.large_skip, sizeof cfg.large_skip, "%s", optarg); break;
        case O_LSLOW: snprintf(cfg.large_slow, sizeof cfg.large_slow, "%s", optarg); break;
        case O_MINIMG: bad = cli_parse_int(CMD, "--min-images", optarg, 1, 1000000, &min_images); break;
        case O_MAXID: bad = cli_parse_int(CMD, "--max-identities", optarg, 0, 100000000, &max_ids); break;
        case O_IMAGES:
            if (nimages == MAX_SETS || !strchr(optarg, '=')) {
                cli_error(CMD, "--images expects NAME=DIR (at most %d)", MAX_SETS);
                bad = 1;
            } else
                images_arg[nimages++] = optarg;
            break;
        case O_SHARED: shared = optarg; break;
        case O_ERRORS: errors_spec = optarg; break;
        case O_NOTSNE: no_tsne = 1; break;
        case O_RESUME: cfg.resume = 1; break;
        case O_QUIET: quiet = 1; break;
        case O_PHOTOS: from_photos = 1; break;
        default:
            cli_error(CMD, "unknown option or missing value '%s' (see --help)", argv[optind - 1]);
            bad = 1;
        }
        if (bad)
            return EXIT_USAGE;
    }
    if (preset_quick && saw_full) {
        cli_error(CMD, "--quick and --full are two presets: give one");
        return EXIT_USAGE;
    }
    if (!out[0]) { /* "" + "/figures" would write the report into the file-system root */
        cli_error(CMD, "-o expects a folder name, got ''");
        return EXIT_USAGE;
    }
    if (!shared)
        shared = "../shared";
    cfg.runs = runs > 0 ? runs : preset_quick ? 5 : 30;
    if (max_ids < 0)
        max_ids = preset_quick ? 150 : 0;
    if (!cfg.bootstrap && cfg.fraction > 1) {
        cli_error(CMD, "--fraction must be in (0, 1] without --bootstrap (got %g)", cfg.fraction);
        return EXIT_USAGE;
    }
    if (quiet) {
        fc_set_quiet(1);
        cfg.progress = 0;
    }
    cfg.note = note;

    set_spec sets[MAX_SETS];
    size_t nsets = 0, skipped_sets = 0, failed_settings = 0;
    for (int i = optind; i < argc; i++) {
        if (nsets == MAX_SETS) {
            cli_error(CMD, "at most %d datasets", MAX_SETS);
            return EXIT_USAGE;
        }
        set_spec *s = &sets[nsets];
        memset(s, 0, sizeof *s);
        s->min_images = -1;
        const char *eq = strchr(argv[i], '=');
        const char *dir = eq ? eq + 1 : argv[i];
        if (!dir[0]) { /* "NAME=" names no folder: a usage error, not a missing dataset */
            cli_error(CMD, "%s: no folder after '=' (NAME=FOLDER)", argv[i]);
            return EXIT_USAGE;
        }
        snprintf(s->dir, sizeof s->dir, "%s", dir);
        size_t l = strlen(s->dir);
        while (l > 1 && s->dir[l - 1] == '/')
            s->dir[--l] = 0;
        if (eq)
            snprintf(s->name, sizeof s->name, "%.*s", (int)(eq - argv[i]), argv[i]);
        else {
            const char *b = strrchr(s->dir, '/');
            snprintf(s->name, sizeof s->name, "%s", b ? b + 1 : s->dir);
            char real[4096];
            /* "." or ".." (or "/"): name the set after the folder it really is */
            if (unusable_set_name(s->name) && realpath(s->dir, real)) {
                b = strrchr(real, '/');
                snprintf(s->name, sizeof s->name, "%s", b && b[1] ? b + 1 : "root");
            }
        }
        /* the name becomes datasets/NAME, cache/NAME and thumbs/NAME (two sets of one name are refused below) */
        if (unusable_set_name(s->name)) {
            cli_error(CMD, "%s: '%s' cannot be a dataset name (NAME=FOLDER)", argv[i], s->name);
            return EXIT_USAGE;
        }
        for (char *p = s->name; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                  *p == '_' || *p == '.'))
                *p = '_';
        if (!is_dir(s->dir)) { /* named and left out; the others are studied (exit 1), as embed does */
            cli_error(CMD, "%s: not a folder; left out", s->dir);
            skipped_sets++;
            continue;
        }
        for (size_t k = 0; k < nsets; k++)
            if (!strcmp(sets[k].name, s->name)) {
                cli_error(CMD, "two datasets are named '%s' (%s and %s); name them apart with NAME=FOLDER", s->name,
                          sets[k].dir, s->dir);
                return EXIT_USAGE;
            }
        char p[4200];
        snprintf(p, sizeof p, "%s/emb.npy", s->dir);
        s->photos = !is_file(p); /* no embeddings here: a photo folder <person>/<image> */
        nsets++;
    }
    {
        fc_eval_job probe;
        int probe_p = 0;
        if (parse_errors_spec(errors_spec, &probe, &probe_p) || check_method_list("--large-skip", cfg.large_skip, 1) ||
            check_method_list("--large-slow", cfg.large_slow, 0))
            return EXIT_USAGE;
    }
    if (nsets == 0 && skipped_sets)
        return EXIT_FAILURE_; /* every DATASET named was missing: nothing to study (no discovery either) */
    if (nsets == 0) {
        nsets = discover(shared, from_photos, sets, MAX_SETS);
        if (nsets == 0) {
            where_to_put_data(shared, from_photos);
            return EXIT_OK;
        }
    }
    for (int i = 0; i < nimages; i++) { /* a NAME that is no dataset of this run (a typo) was silently ignored */
        size_t s = 0;
        while (s < nsets && !images_arg_is_for(images_arg[i], sets[s].name))
            s++;
        if (s == nsets) {
            cli_error(CMD, "--images %s: no dataset of this run is named '%.*s'", images_arg[i],
                      (int)(strchr(images_arg[i], '=') - images_arg[i]), images_arg[i]);
            return EXIT_USAGE;
        }
    }
    for (size_t s = 0; s < nsets; s++) {
        for (int i = 0; i < nimages; i++)
            if (images_arg_is_for(images_arg[i], sets[s].name))
                snprintf(sets[s].images, sizeof sets[s].images, "%s", strchr(images_arg[i], '=') + 1);
        if (sets[s].photos && !sets[s].images[0])
            snprintf(sets[s].images, sizeof sets[s].images, "%s", sets[s].dir);
        guess_images(&sets[s]);
        sets[s].min_images = min_images > 0 ? min_images : !strcmp(sets[s].name, "lfw") ? 3 : 1;
    }

    char cmdline[2048]; /* argv[0] is already "facecluster analyze" (main.c) */
    snprintf(cmdline, sizeof cmdline, "%s", argv[0]);
    for (int i = 1; i < argc; i++) {
        size_t l = strlen(cmdline);
        snprintf(cmdline + l, sizeof cmdline - l, " %s", argv[i]);
    }
    char started[64];
    time_t now = time(NULL);
    strftime(started, sizeof started, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    double t0 = fc_now();
    char path[4400];
    snprintf(path, sizeof path, "%s/figures", out);
    if (mkdirs(path)) {
        cli_error(CMD, "%s: cannot create: %s", path, strerror(errno));
        return EXIT_FAILURE_;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    interrupt_tty = isatty(STDERR_FILENO);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    say("report folder %s; %zu dataset%s; %d runs per setting%s", out, nsets, nsets == 1 ? "" : "s", cfg.runs,
        cfg.resume ? "; resuming" : "");

    fc_dataset *ds = calloc(nsets, sizeof *ds);
    fc_study *st = calloc(nsets, sizeof *st);
    fc_page_dataset *pd = calloc(nsets, sizeof *pd);
    fc_error_report *er = calloc(nsets, sizeof *er);
    fc_report_item *items = calloc(nsets, sizeof *items);
    char(*settings)[256] = calloc(nsets, sizeof *settings);
    double **geps = calloc(nsets, sizeof *geps);
    fc_error_report **gerr = calloc(nsets, sizeof *gerr);
    int rc = (ds && st && pd && er && items && settings && geps && gerr) ? EXIT_OK : EXIT_FAILURE_;
    size_t done = 0;
    for (size_t s = 0; s < nsets && rc == EXIT_OK; s++) {
        set_spec *sp = &sets[s];
        size_t k = done; /* slot of this set among those studied (a set that fails to load is left out) */
        int lrc;
        if (sp->photos) {
            char cdir[4400], db[4500];
            snprintf(cdir, sizeof cdir, "%.4000s/cache/%.60s", out, sp->name);
            snprintf(db, sizeof db, "%s/faces.db", cdir);
            if (mkdirs(cdir)) {
                cli_error(CMD, "%s: cannot create: %s", cdir, strerror(errno));
                rc = EXIT_FAILURE_;
                break;
            }
            say("[%zu/%zu] %s: embedding the photos of %s into %s (photos already there are reused)", s + 1, nsets,
                sp->name, sp->dir, db);
            lrc = fc_dataset_from_photos(sp->dir, sp->name, db, cfg.threads, &ds[k]);
        } else {
            say("[%zu/%zu] %s: loading %s", s + 1, nsets, sp->name, sp->dir);
            lrc = fc_dataset_load(sp->dir, sp->name, sp->images, &ds[k]);
        }
        fc_dataset *d = &ds[k];
        size_t n0 = d->X.rows, k0 = d->truth.k;
        if (lrc || narrow_set(sp, d, max_ids, cfg.seed)) { /* bad input data: named, left out, the rest goes on (exit 1) */
            cli_error(CMD, "%s; %s left out", fc_last_error(), sp->name);
            fc_dataset_free(d);
            skipped_sets++;
            continue;
        }
        say("%s: %zu faces of %zu people (of %zu faces, %zu people loaded)%s%s", d->name, d->X.rows, d->truth.k, n0,
            k0, d->image_root[0] ? "; photos in " : "; no photo folder found (galleries without thumbnails)",
            d->image_root);
        if (d->truth.k < 2) /* every score would compare against one person: say so instead of ARI 1.000 */
            fc_warn("analyze %s: only %zu identity, so the scores mean nothing; a photo folder must hold one "
                    "subfolder per person (PERSON/IMAGE)", d->name, d->truth.k);
        snprintf(path, sizeof path, "%s/datasets/%s", out, d->name);
        if (mkdirs(path)) {
            cli_error(CMD, "%s: cannot create: %s", path, strerror(errno));
            rc = EXIT_FAILURE_;
            break;
        }
        pd[k].ds = d;
        pd[k].note = sp->note[0] ? sp->note : NULL;
        pd[k].tsne_off = no_tsne;
        if (!no_tsne && run_tsne(out, d, cfg.resume, &pd[k])) {
            rc = EXIT_FAILURE_;
            break;
        }
        char cache[4400];
        snprintf(cache, sizeof cache, "%s/cache/%s", out, d->name);
        if (mkdirs(cache)) {
            cli_error(CMD, "%s: cannot create: %s", cache, strerror(errno));
            rc = EXIT_FAILURE_;
            break;
        }
        cfg.cache_dir = cache;
        double ts = fc_now();
        if (fc_study_run(d, &cfg, &st[k])) {
            cli_error(CMD, "%s: %s", d->name, fc_last_error());
            rc = EXIT_FAILURE_;
            break;
        }
        cfg.cache_dir = NULL;
        say("%s: protocol done in %.1f s (%zu settings, %zu of %zu groups reused)", d->name, fc_now() - ts,
            st[k].njobs, st[k].groups_cached, st[k].groups);
        for (size_t j = 0; j < st[k].njobs; j++)
            if (st[k].results[j].runs_ok < st[k].results[j].runs) {
                failed_settings++;
                fc_warn("analyze %s: %s failed in %d of %d runs: %s", d->name, st[k].jobs[j].method->name,
                        st[k].results[j].runs - st[k].results[j].runs_ok, st[k].results[j].runs,
                        st[k].results[j].error);
            }
        pd[k].st = &st[k];
        items[k] = (fc_report_item){d, &st[k]};
        done = k + 1;
        if (write_eval_tables(out, d, &st[k])) {
            rc = EXIT_FAILURE_;
            break;
        }
        int erc = error_analysis(errors_spec, d, &st[k], &pd[k], &er[k], settings[k], sizeof settings[k]);
        if (erc) {
            rc = erc;
            break;
        }
        if (d->has_glasses && glasses_sweep(&cfg, d, &pd[k], &geps[k], &gerr[k])) {
            cli_error(CMD, "%s: glasses analysis: %s", d->name, fc_last_error());
            rc = EXIT_FAILURE_;
            break;
        }
    }
    if (rc == EXIT_OK && done == 0) {
        cli_error(CMD, "no dataset could be studied");
        rc = EXIT_FAILURE_;
    }
    if (rc == EXIT_OK) {
        say("writing the score table and figures");
        if (write_tables(out, items, done))
            rc = EXIT_FAILURE_;
        else if (snprintf(path, sizeof path, "%s/figures", out) > 0 && fc_report_figures(path, items, done)) {
            cli_error(CMD, "figures: %s", fc_last_error());
            rc = EXIT_FAILURE_;
        }
    }
    if (rc == EXIT_OK) {
        fc_page_info info = {cmdline, fc_now() - t0, started, 8, 6, 6, 96};
        size_t missing = 0;
        say("writing index.html and the gallery thumbnails");
        if (fc_page_write(out, &info, items, pd, done, &missing)) {
            cli_error(CMD, "%s", fc_last_error());
            rc = EXIT_FAILURE_;
        } else {
            if (missing)
                fc_warn("analyze: %zu gallery faces have no thumbnail (no photo folder or faces.tsv for their set, or "
                        "a photo or face box that could not be read; --images NAME=DIR names a set's photo folder)",
                        missing);
            double wall = fc_now() - t0;
            snprintf(path, sizeof path, "%s/wall_time.txt", out);
            FILE *fp = fopen(path, "w");
            if (fp) {
                fprintf(fp, "%.1f\n", wall);
                fclose(fp);
            }
            say("done in %.1f s (%.1f min): open %s/index.html", wall, wall / 60, out);
        }
    }
    if (rc == EXIT_OK && skipped_sets) {
        fc_warn("analyze: %zu dataset%s left out (named above)", skipped_sets, skipped_sets == 1 ? "" : "s");
        rc = EXIT_PARTIAL;
    }
    if (rc == EXIT_OK && failed_settings) { /* as evaluate: failed runs are left out of the scores */
        fc_warn("analyze: %zu setting%s had failed runs, left out of their scores (named above)", failed_settings,
                failed_settings == 1 ? "" : "s");
        rc = EXIT_PARTIAL;
    }
    if (rc == EXIT_OK) { /* README's exit codes: photos named on stderr as skipped make it 1, as in embed */
        long skipped = 0;
        for (size_t s = 0; s < done; s++)
            skipped += ds[s].photos_skipped;
        if (skipped) {
            fc_warn("analyze: %ld photo%s skipped (no face or unusable; named above, or in the run that met them)",
                    skipped, skipped == 1 ? "" : "s");
            rc = EXIT_PARTIAL;
        }
    }
    for (size_t s = 0; s < nsets; s++) {
        if (gerr && gerr[s]) {
            for (size_t k = 0; k < pd[s].n_glasses_rows; k++)
                fc_errors_free(&gerr[s][k]);
            free(gerr[s]);
        }
        if (geps)
            free(geps[s]);
        if (er)
            fc_errors_free(&er[s]);
        if (st)
            fc_study_free(&st[s]);
        if (ds)
            fc_dataset_free(&ds[s]);
    }
    free(ds), free(st), free(pd), free(er), free(items), free(settings), free(geps), free(gerr);
    return rc;
}
