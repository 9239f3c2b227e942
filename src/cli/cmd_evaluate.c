/* cmd_evaluate.c — `facecluster evaluate`: the paper's repeated-subsample protocol over methods and
 * parameter sweeps, written as a TSV/JSON/Markdown/LaTeX table. */
#include "cli/cli.h"
#include "facecluster/cluster.h"
#include "facecluster/eval_output.h"
#include "facecluster/labels.h"
#include "facecluster/protocol.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "evaluate"
#define MAX_SWEEPS 16
#define MAX_METHODS 32

static const char *const paper_methods = "kmeans,agglomerative,spectral,dbscan,meanshift";
static const char *const md_scores = "ari,ami,nmi,v_measure,fmi,bcubed_f,k_found";

static void usage(void)
{
    size_t n;
    const fc_cluster_method *m = fc_cluster_methods(&n);
    printf("usage: facecluster evaluate --emb E.npy --truth T.txt [options]\n\n"
           "Clusters R random subsets of the rows with each method and scores every run against the\n"
           "truth; prints mean and 2·std (population) per method / parameter value and score.\n\n"
           "input:\n"
           "  --emb FILE             embeddings (.npy, N x D, or a face store .db from `facecluster embed`);\n"
           "                         rows are L2-normalised unless --no-normalize\n"
           "  --truth FILE           identities, one per line (or a TSV column with --truth-column N);\n"
           "                         optional with a .db embedded with --labels (its identities are used)\n"
           "  --truth-column N       1-based column of a tab-separated truth file; --header skips a header row\n"
           "protocol:\n"
           "  --methods LIST         comma-separated (default: %s)\n"
           "  --runs R               runs (30)\n"
           "  --fraction F           subset size as a share of N (0.8)\n"
           "  --bootstrap            draw subsets with replacement (np.random.choice, as the paper's code)\n"
           "  --seed N               seed of the subsets and of the methods (0)\n"
           "  --sweep NAME=A:B:STEP  also NAME=V1,V2,...; repeatable; NAME one of eps, bandwidth, threshold,\n"
           "                         k, min_samples, min_cluster_size, gamma, n_neighbors, distance_threshold;\n"
           "                         applies to the methods that use NAME\n"
           "  --k true|auto|N        K for K-based methods: the subset's true K (default), estimated, or N\n"
           "  --noise singletons|cluster  how -1 labels are scored (default singletons)\n"
           "  --threads N            parallel runs (default: all cores; BLAS is held at 1 thread meanwhile)\n"
           "method parameters (paper settings by default: sklearn defaults, DBSCAN min_samples 1):\n"
           "  --eps X  --min-samples N  --bandwidth X  --bin-seeding  --linkage ward|complete|average|single\n"
           "  --distance-threshold X  --affinity rbf|knn  --gamma X  --n-neighbors N  --min-cluster-size N\n"
           "  --threshold X  --n-init N\n"
           "output:\n"
           "  --format tsv|json|md|tex  (default tsv)\n"
           "  --scores LIST          score columns (default: all for tsv/json; %s for md/tex)\n"
           "  -o, --output FILE      write the table here (default stdout)\n"
           "  --no-normalize  --quiet (no progress or warnings)  -h, --help\n\nmethods:\n",
           paper_methods, md_scores);
    for (size_t i = 0; i < n; i++)
        printf("  %-16s %s%s\n", m[i].name, m[i].summary, m[i].needs_k ? " [K]" : "");
    printf("\nscores:\n");
    for (int i = 0; i < FC_NUM_SCORES; i++)
        printf("  %-16s %s\n", fc_score_list[i].name, fc_score_list[i].summary);
}

/* Splits a comma list into `out` (pointers into the modified copy). Returns the count or -1. */
static int split_list(char *s, char **out, int max)
{
    int n = 0;
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
        if (n == max)
            return -1;
        out[n++] = tok;
    }
    return n;
}

typedef struct {
    fc_cluster_params p;
    int min_samples_set;
    fc_k_mode k_mode;
    int k_fixed;
} base_settings;

static int parse_k(const char *s, base_settings *b)
{
    if (!strcmp(s, "true"))
        b->k_mode = FC_K_TRUE;
    else if (!strcmp(s, "auto"))
        b->k_mode = FC_K_AUTO;
    else {
        if (cli_parse_int(CMD, "--k", s, 1, 100000000, &b->k_fixed))
            return -1;
        b->k_mode = FC_K_FIXED;
    }
    return 0;
}

int cmd_evaluate(int argc, char **argv)
{
    enum { O_EMB = 256, O_TRUTH, O_TCOL, O_HEADER, O_METHODS, O_RUNS, O_FRAC, O_BOOT, O_SEED, O_SWEEP, O_K,
           O_NOISE, O_THREADS, O_EPS, O_MINS, O_BW, O_BIN, O_LINK, O_DT, O_AFF, O_GAMMA, O_NN, O_MCS, O_THR,
           O_NINIT, O_FORMAT, O_SCORES, O_NONORM, O_QUIET };
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'}, {"emb", required_argument, 0, O_EMB},
        {"truth", required_argument, 0, O_TRUTH}, {"truth-column", required_argument, 0, O_TCOL},
        {"header", no_argument, 0, O_HEADER}, {"methods", required_argument, 0, O_METHODS},
        {"runs", required_argument, 0, O_RUNS}, {"fraction", required_argument, 0, O_FRAC},
        {"bootstrap", no_argument, 0, O_BOOT}, {"seed", required_argument, 0, O_SEED},
        {"sweep", required_argument, 0, O_SWEEP}, {"k", required_argument, 0, O_K},
        {"noise", required_argument, 0, O_NOISE}, {"threads", required_argument, 0, O_THREADS},
        {"eps", required_argument, 0, O_EPS}, {"min-samples", required_argument, 0, O_MINS},
        {"bandwidth", required_argument, 0, O_BW}, {"bin-seeding", no_argument, 0, O_BIN},
        {"linkage", required_argument, 0, O_LINK}, {"distance-threshold", required_argument, 0, O_DT},
        {"affinity", required_argument, 0, O_AFF}, {"gamma", required_argument, 0, O_GAMMA},
        {"n-neighbors", required_argument, 0, O_NN}, {"min-cluster-size", required_argument, 0, O_MCS},
        {"threshold", required_argument, 0, O_THR}, {"n-init", required_argument, 0, O_NINIT},
        {"format", required_argument, 0, O_FORMAT}, {"scores", required_argument, 0, O_SCORES},
        {"output", required_argument, 0, 'o'}, {"no-normalize", no_argument, 0, O_NONORM},
        {"quiet", no_argument, 0, O_QUIET}, {0, 0, 0, 0}};
    const char *emb = NULL, *truth_path = NULL, *methods_arg = NULL, *scores_arg = NULL, *out_path = NULL;
    const char *sweep_spec[MAX_SWEEPS];
    int nsweeps = 0, tcol = 0, header = 0, no_norm = 0, quiet = 0, c;
    fc_eval_config cfg;
    fc_eval_config_init(&cfg);
    cfg.progress = 1;
    fc_eval_format fmt = FC_FMT_TSV;
    base_settings b;
    memset(&b, 0, sizeof b);
    fc_cluster_params_init(&b.p);
    b.k_mode = FC_K_TRUE;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        int bad = 0, iv = 0;
        double dv = 0;
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case O_EMB: emb = optarg; break;
        case O_TRUTH: truth_path = optarg; break;
        case O_TCOL: bad = cli_parse_int(CMD, "--truth-column", optarg, 1, 1000000, &tcol); break;
        case O_HEADER: header = 1; break;
        case O_METHODS: methods_arg = optarg; break;
        case O_RUNS: bad = cli_parse_int(CMD, "--runs", optarg, 1, 100000, &cfg.runs); break;
        case O_FRAC: bad = cli_parse_double(CMD, "--fraction", optarg, 1e-9, 1000, &cfg.fraction); break;
        case O_BOOT: cfg.bootstrap = 1; break;
        case O_SEED: bad = cli_parse_seed(CMD, "--seed", optarg, &cfg.seed); break;
        case O_SWEEP:
            if (nsweeps == MAX_SWEEPS) {
                cli_error(CMD, "at most %d --sweep options", MAX_SWEEPS);
                bad = 1;
            } else
                sweep_spec[nsweeps++] = optarg;
            break;
        case O_K: bad = parse_k(optarg, &b); break;
        case O_NOISE:
            if (!strcmp(optarg, "singletons"))
                cfg.noise = FC_NOISE_SINGLETONS;
            else if (!strcmp(optarg, "cluster"))
                cfg.noise = FC_NOISE_CLUSTER;
            else {
                cli_error(CMD, "--noise expects 'singletons' or 'cluster', got '%s'", optarg);
                bad = 1;
            }
            break;
        case O_THREADS: bad = cli_parse_int(CMD, "--threads", optarg, 1, 1024, &cfg.threads); break;
        case O_EPS: bad = cli_parse_double(CMD, "--eps", optarg, 1e-300, 1e300, &b.p.eps); break;
        case O_MINS:
            bad = cli_parse_int(CMD, "--min-samples", optarg, 1, 100000000, &b.p.min_samples);
            b.min_samples_set = 1;
            break;
        case O_BW: bad = cli_parse_double(CMD, "--bandwidth", optarg, 1e-300, 1e300, &b.p.bandwidth); break;
        case O_BIN: b.p.bin_seeding = 1; break;
        case O_LINK:
            if (!strcmp(optarg, "ward")) b.p.linkage = FC_LINK_WARD;
            else if (!strcmp(optarg, "complete")) b.p.linkage = FC_LINK_COMPLETE;
            else if (!strcmp(optarg, "average")) b.p.linkage = FC_LINK_AVERAGE;
            else if (!strcmp(optarg, "single")) b.p.linkage = FC_LINK_SINGLE;
            else {
                cli_error(CMD, "--linkage expects ward, complete, average or single, got '%s'", optarg);
                bad = 1;
            }
            break;
        case O_DT:
            bad = cli_parse_double(CMD, "--distance-threshold", optarg, 1e-300, 1e300, &b.p.distance_threshold);
            break;
        case O_AFF:
            if (!strcmp(optarg, "rbf")) b.p.affinity = FC_AFFINITY_RBF;
            else if (!strcmp(optarg, "knn") || !strcmp(optarg, "nearest_neighbors")) b.p.affinity = FC_AFFINITY_KNN;
            else {
                cli_error(CMD, "--affinity expects rbf or knn, got '%s'", optarg);
                bad = 1;
            }
            break;
        case O_GAMMA: bad = cli_parse_double(CMD, "--gamma", optarg, 1e-300, 1e300, &b.p.gamma); break;
        case O_NN: bad = cli_parse_int(CMD, "--n-neighbors", optarg, 1, 100000000, &b.p.n_neighbors); break;
        case O_MCS: bad = cli_parse_int(CMD, "--min-cluster-size", optarg, 2, 100000000, &b.p.min_cluster_size); break;
        case O_THR: bad = cli_parse_double(CMD, "--threshold", optarg, 1e-300, 1e300, &b.p.threshold); break;
        case O_NINIT: bad = cli_parse_int(CMD, "--n-init", optarg, 1, 100000, &b.p.n_init); break;
        case O_FORMAT:
            if (fc_eval_format_parse(optarg, &fmt)) {
                cli_error(CMD, "--format: %s", fc_last_error());
                bad = 1;
            }
            break;
        case O_SCORES: scores_arg = optarg; break;
        case 'o': out_path = optarg; break;
        case O_NONORM: no_norm = 1; break;
        case O_QUIET: quiet = 1; break;
        default:
            cli_error(CMD, "unknown option or missing value '%s' (see --help)", argv[optind - 1]);
            bad = 1;
        }
        (void)iv;
        (void)dv;
        if (bad)
            return EXIT_USAGE;
    }
    if (optind < argc) {
        cli_error(CMD, "unexpected argument '%s' (see --help)", argv[optind]);
        return EXIT_USAGE;
    }
    size_t emb_len = emb ? strlen(emb) : 0;
    int emb_is_store = emb_len > 3 && !strcmp(emb + emb_len - 3, ".db");
    if (!emb || (!truth_path && !emb_is_store)) {
        cli_error(CMD, "needs --emb and --truth (--truth may be left out when --emb is a face store .db)");
        return EXIT_USAGE;
    }
    if (!cfg.bootstrap && cfg.fraction > 1) {
        cli_error(CMD, "--fraction must be in (0, 1] without --bootstrap (got %g)", cfg.fraction);
        return EXIT_USAGE;
    }
    if (quiet) {
        fc_set_quiet(1);
        cfg.progress = 0;
    }

    /* Score columns. */
    int score_idx[FC_NUM_SCORES * 2], nscores = 0;
    {
        const char *spec = scores_arg ? scores_arg : (fmt == FC_FMT_MD || fmt == FC_FMT_TEX) ? md_scores : NULL;
        if (spec) {
            char *copy = strdup(spec), *names[FC_NUM_SCORES * 2];
            int k = copy ? split_list(copy, names, FC_NUM_SCORES * 2) : -1;
            for (int i = 0; i < k; i++) {
                int idx = fc_score_index(names[i]);
                if (idx < 0) {
                    cli_error(CMD, "--scores: unknown score '%s' (see --help for the list)", names[i]);
                    free(copy);
                    return EXIT_USAGE;
                }
                score_idx[nscores++] = idx;
            }
            free(copy);
            if (k <= 0) {
                cli_error(CMD, "--scores: expected a comma-separated list of score names");
                return EXIT_USAGE;
            }
        }
    }

    /* Methods. */
    const fc_cluster_method *methods[MAX_METHODS];
    int nmethods = 0;
    {
        char *copy = strdup(methods_arg ? methods_arg : paper_methods), *names[MAX_METHODS];
        int k = copy ? split_list(copy, names, MAX_METHODS) : -1;
        if (k <= 0) {
            cli_error(CMD, "--methods: expected a comma-separated list of at most %d methods", MAX_METHODS);
            free(copy);
            return EXIT_USAGE;
        }
        for (int i = 0; i < k; i++) {
            const fc_cluster_method *m = fc_cluster_find(names[i]);
            if (!m && !methods_arg) {
                fc_warn("evaluate: method '%s' is not in this build; left out", names[i]);
                continue;
            }
            if (!m) {
                cli_error(CMD, "--methods: unknown method '%s' (facecluster evaluate --help lists them)", names[i]);
                free(copy);
                return EXIT_USAGE;
            }
            methods[nmethods++] = m;
        }
        free(copy);
    }

    /* Sweeps, then jobs: each method once per value of every sweep that applies to it, else once. */
    fc_sweep sweeps[MAX_SWEEPS];
    for (int s = 0; s < nsweeps; s++) {
        if (fc_sweep_parse(sweep_spec[s], &sweeps[s])) {
            cli_error(CMD, "--sweep: %s", fc_last_error());
            for (int t = 0; t < s; t++)
                fc_sweep_free(&sweeps[t]);
            return EXIT_USAGE;
        }
    }
    int rc = EXIT_OK;
    size_t njobs = 0, cap = 0;
    fc_eval_job *jobs = NULL;
    for (int s = 0; s < nsweeps && rc == EXIT_OK; s++) {
        int used = 0;
        for (int i = 0; i < nmethods; i++)
            used |= fc_param_applies(methods[i], sweeps[s].name);
        if (!used) {
            cli_error(CMD, "--sweep %s: none of the chosen methods uses '%s'", sweep_spec[s], sweeps[s].name);
            rc = EXIT_USAGE;
        }
    }
    for (int i = 0; i < nmethods && rc == EXIT_OK; i++) {
        fc_eval_job base;
        memset(&base, 0, sizeof base);
        base.method = methods[i];
        base.params = b.p;
        if (!b.min_samples_set && !strcmp(methods[i]->name, "dbscan"))
            base.params.min_samples = 1; /* the paper's DBSCAN setting */
        if (!b.min_samples_set && !strcmp(methods[i]->name, "hdbscan"))
            base.params.min_samples = 0; /* sklearn: min_samples = min_cluster_size */
        base.k_mode = b.k_mode;
        base.k_fixed = b.k_fixed;
        size_t want = 1;
        for (int s = 0; s < nsweeps; s++)
            if (fc_param_applies(methods[i], sweeps[s].name))
                want += sweeps[s].count;
        if (njobs + want > cap) {
            cap = (njobs + want) * 2;
            fc_eval_job *g = realloc(jobs, cap * sizeof *jobs);
            if (!g) {
                cli_error(CMD, "out of memory");
                rc = EXIT_FAILURE_;
                break;
            }
            jobs = g;
        }
        int swept = 0;
        for (int s = 0; s < nsweeps; s++) {
            if (!fc_param_applies(methods[i], sweeps[s].name))
                continue;
            swept = 1;
            for (size_t v = 0; v < sweeps[s].count; v++) {
                fc_eval_job j = base;
                fc_param_set(&j, sweeps[s].name, sweeps[s].values[v]); /* validated when parsed */
                memcpy(j.sweep_name, sweeps[s].name, sizeof j.sweep_name); /* same size, NUL-terminated */
                j.sweep_value = sweeps[s].values[v];
                jobs[njobs++] = j;
            }
        }
        if (!swept)
            jobs[njobs++] = base;
    }
    for (int s = 0; s < nsweeps; s++)
        fc_sweep_free(&sweeps[s]);
    if (rc == EXIT_OK && njobs == 0) {
        cli_error(CMD, "no method to evaluate");
        rc = EXIT_USAGE;
    }
    if (rc != EXIT_OK) {
        free(jobs);
        return rc;
    }

    /* Inputs. */
    fc_mat X = {0};
    fc_truth truth = {0};
    fc_eval_result *results = NULL;
    FILE *out = NULL;
    if (cli_load_embeddings(CMD, emb, no_norm, &X)) {
        free(jobs);
        return EXIT_FAILURE_;
    }
    if (!truth_path) {
        /* The store's own identities (embedded with --labels), in the row order of its embeddings. */
        truth_path = emb;
        if (cli_load_store_truth(CMD, emb, &truth))
            rc = EXIT_FAILURE_;
    } else if (fc_truth_read(truth_path, tcol, header, &truth)) {
        cli_error(CMD, "%s", fc_last_error());
        rc = EXIT_FAILURE_;
    }
    if (rc != EXIT_OK) {
        /* reported above */
    } else if (truth.n != X.rows) {
        cli_error(CMD, "%s has %zu rows but %s has %zu labels", emb, X.rows, truth_path, truth.n);
        rc = EXIT_FAILURE_;
    } else if (out_path && !(out = fopen(out_path, "w"))) {
        cli_error(CMD, "%s: cannot write: %s", out_path, strerror(errno));
        rc = EXIT_FAILURE_;
    } else if (!(results = calloc(njobs, sizeof *results))) {
        cli_error(CMD, "out of memory");
        rc = EXIT_FAILURE_;
    }
    if (rc == EXIT_OK) {
        double t0 = fc_now();
        if (fc_evaluate(&X, truth.ids, jobs, njobs, &cfg, results)) {
            cli_error(CMD, "%s", fc_last_error());
            rc = EXIT_FAILURE_;
        } else {
            fc_eval_report rep = {emb, X.rows, X.cols, truth.k, &cfg, jobs, results, njobs,
                                  nscores ? score_idx : NULL, nscores, fc_now() - t0};
            int failed = 0, all_failed = 1;
            for (size_t j = 0; j < njobs; j++) {
                if (results[j].runs_ok < results[j].runs) {
                    failed = 1;
                    fc_warn("evaluate: %s failed in %d of %d runs: %s", jobs[j].method->name,
                            results[j].runs - results[j].runs_ok, results[j].runs, results[j].error);
                }
                if (results[j].runs_ok > 0)
                    all_failed = 0;
            }
            if (fc_eval_write(out ? out : stdout, fmt, &rep)) {
                cli_error(CMD, "%s", fc_last_error());
                rc = EXIT_FAILURE_;
            } else
                rc = all_failed ? EXIT_FAILURE_ : failed ? EXIT_PARTIAL : EXIT_OK;
            fc_eval_results_free(results, njobs);
        }
    }
    if (out && fclose(out) != 0 && rc == EXIT_OK) {
        cli_error(CMD, "%s: write failed", out_path);
        rc = EXIT_FAILURE_;
    }
    free(results);
    free(jobs);
    fc_truth_free(&truth);
    fc_mat_free(&X);
    return rc;
}
