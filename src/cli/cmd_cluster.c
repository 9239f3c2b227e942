/* cmd_cluster.c — `facecluster cluster`: cluster an embedding matrix with one method and write labels. */
#include "cli/cli.h"
#include "facecluster/cluster.h"
#include "facecluster/cluster_more.h"
#include "facecluster/estimate_k.h"
#include "facecluster/labels.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(void)
{
    size_t n;
    const fc_cluster_method *m = fc_cluster_methods(&n);
    printf("usage: facecluster cluster --emb E.npy --method M [options] -o labels.txt\n\n"
           "Clusters the rows of E.npy (L2-normalised first unless --no-normalize) and writes one label\n"
           "per line (0..K-1, -1 = noise). scikit-learn 1.2 semantics and defaults.\n\nmethods:\n");
    for (size_t i = 0; i < n; i++)
        printf("  %-14s %s%s\n", m[i].name, m[i].summary, m[i].needs_k ? " [K]" : "");
    printf("\noptions:\n"
           "  --emb FILE              embeddings: .npy (N x D) or a face store .db (see embed)\n"
           "  --method NAME           one of the methods above\n"
           "  -o, --output FILE       labels file ('-' = stdout; default stdout)\n"
           "  --k K                   clusters for [K] methods (default: estimated)\n"
           "  --eps X                 DBSCAN neighbourhood radius (0.5)\n"
           "  --min-samples N         DBSCAN core threshold, self included (5)\n"
           "  --bandwidth X           mean-shift bandwidth (default: estimated, quantile 0.3)\n"
           "  --bin-seeding           mean-shift: seed from grid bins of size bandwidth\n"
           "  --no-cluster-all        mean-shift: points farther than bandwidth from every centre get -1\n"
           "  --linkage L             agglomerative: ward (default), complete, average, single\n"
           "  --distance-threshold X  agglomerative: cut where merge distance >= X instead of at K\n"
           "  --affinity A            spectral: rbf (default) or nearest_neighbors (alias knn)\n"
           "  --gamma X               spectral rbf: exp(-gamma d^2) (1.0)\n"
           "  --n-neighbors N         spectral nearest_neighbors / eigengap K estimator (10)\n"
           "  --min-cluster-size N    hdbscan (5); hdbscan's --min-samples defaults to it\n"
           "  --threshold X           graph, chinese_whispers, components K estimator: link faces\n"
           "                          closer than X (defaults 0.8, 0.9, 0.9)\n"
           "  --cw-iterations N       chinese_whispers passes (100)\n"
           "  --k-estimator E         when --k is absent: components (default), eigengap, silhouette\n"
           "  --k-max N               eigengap/silhouette: largest K tried (default N/2)\n"
           "  --n-init N              k-means restarts (10)\n"
           "  --max-iter N            k-means iterations per restart (300)\n"
           "  --seed N                random seed (0)\n"
           "  --no-normalize          use the rows as they are\n"
           "  --quiet                 no warnings\n"
           "  --time                  print the clustering's own wall and CPU seconds to stderr\n");
}

int cmd_cluster(int argc, char **argv)
{
    enum { O_EMB = 256, O_METHOD, O_K, O_EPS, O_MINS, O_BW, O_BIN, O_NOALL, O_LINK, O_DT, O_SEED, O_NONORM,
           O_NINIT, O_MAXIT, O_QUIET, O_AFF, O_GAMMA, O_NNB, O_MCS, O_THR, O_CWIT, O_KEST, O_KMAX, O_TIME };
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'},       {"emb", required_argument, 0, O_EMB},
        {"method", required_argument, 0, O_METHOD}, {"output", required_argument, 0, 'o'},
        {"k", required_argument, 0, O_K},    {"eps", required_argument, 0, O_EPS},
        {"min-samples", required_argument, 0, O_MINS}, {"bandwidth", required_argument, 0, O_BW},
        {"bin-seeding", no_argument, 0, O_BIN}, {"no-cluster-all", no_argument, 0, O_NOALL},
        {"linkage", required_argument, 0, O_LINK}, {"distance-threshold", required_argument, 0, O_DT},
        {"seed", required_argument, 0, O_SEED}, {"no-normalize", no_argument, 0, O_NONORM},
        {"n-init", required_argument, 0, O_NINIT}, {"max-iter", required_argument, 0, O_MAXIT},
        {"quiet", no_argument, 0, O_QUIET}, {"time", no_argument, 0, O_TIME},
        {"affinity", required_argument, 0, O_AFF}, {"gamma", required_argument, 0, O_GAMMA},
        {"n-neighbors", required_argument, 0, O_NNB}, {"min-cluster-size", required_argument, 0, O_MCS},
        {"threshold", required_argument, 0, O_THR}, {"cw-iterations", required_argument, 0, O_CWIT},
        {"k-estimator", required_argument, 0, O_KEST}, {"k-max", required_argument, 0, O_KMAX},
        {0, 0, 0, 0}};
    const char *cmd = "cluster", *emb = NULL, *mname = NULL, *out = "-";
    int no_norm = 0, c, seed = 0, ms_given = 0, timed = 0;
    fc_cluster_params p;
    fc_cluster_params_init(&p);
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case O_EMB: emb = optarg; break;
        case O_METHOD: mname = optarg; break;
        case 'o': out = optarg; break;
        case O_K: bad = cli_parse_int(cmd, "--k", optarg, 1, 1L << 30, &p.k); break;
        case O_EPS: bad = cli_parse_double(cmd, "--eps", optarg, 1e-300, 1e300, &p.eps); break;
        case O_MINS:
            bad = cli_parse_int(cmd, "--min-samples", optarg, 1, 1L << 30, &p.min_samples);
            ms_given = 1;
            break;
        case O_BW: bad = cli_parse_double(cmd, "--bandwidth", optarg, 1e-300, 1e300, &p.bandwidth); break;
        case O_BIN: p.bin_seeding = 1; break;
        case O_NOALL: p.cluster_all = 0; break;
        case O_LINK:
            if (!strcmp(optarg, "ward")) p.linkage = FC_LINK_WARD;
            else if (!strcmp(optarg, "complete")) p.linkage = FC_LINK_COMPLETE;
            else if (!strcmp(optarg, "average")) p.linkage = FC_LINK_AVERAGE;
            else if (!strcmp(optarg, "single")) p.linkage = FC_LINK_SINGLE;
            else {
                cli_error(cmd, "--linkage expects ward, complete, average or single, got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case O_DT:
            bad = cli_parse_double(cmd, "--distance-threshold", optarg, 1e-300, 1e300, &p.distance_threshold);
            break;
        case O_SEED: bad = cli_parse_int(cmd, "--seed", optarg, 0, 2147483647L, &seed); break;
        case O_NONORM: no_norm = 1; break;
        case O_NINIT: bad = cli_parse_int(cmd, "--n-init", optarg, 1, 100000, &p.n_init); break;
        case O_MAXIT:
            bad = cli_parse_int(cmd, "--max-iter", optarg, 1, 1000000, &p.max_iter);
            p.ms_max_iter = p.max_iter;
            break;
        case O_QUIET: fc_set_quiet(1); break;
        case O_TIME: timed = 1; break;
        case O_AFF:
            if (!strcmp(optarg, "rbf")) p.affinity = FC_AFFINITY_RBF;
            else if (!strcmp(optarg, "nearest_neighbors") || !strcmp(optarg, "knn")) p.affinity = FC_AFFINITY_KNN;
            else {
                cli_error(cmd, "--affinity expects rbf or nearest_neighbors (knn), got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case O_GAMMA: bad = cli_parse_double(cmd, "--gamma", optarg, 1e-300, 1e300, &p.gamma); break;
        case O_NNB: bad = cli_parse_int(cmd, "--n-neighbors", optarg, 1, 1L << 30, &p.n_neighbors); break;
        case O_MCS: bad = cli_parse_int(cmd, "--min-cluster-size", optarg, 2, 1L << 30, &p.min_cluster_size); break;
        case O_THR: bad = cli_parse_double(cmd, "--threshold", optarg, 1e-300, 1e300, &p.threshold); break;
        case O_CWIT: bad = cli_parse_int(cmd, "--cw-iterations", optarg, 1, 1000000, &p.cw_iterations); break;
        case O_KEST: {
            int e = fc_k_estimator_parse(optarg);
            if (e < 0) {
                cli_error(cmd, "--k-estimator expects components, eigengap or silhouette, got '%s'", optarg);
                return EXIT_USAGE;
            }
            p.k_estimator = (fc_k_estimator)e;
            break;
        }
        case O_KMAX: bad = cli_parse_int(cmd, "--k-max", optarg, 2, 1L << 30, &p.k_max); break;
        default: return EXIT_USAGE;
        }
        if (bad)
            return EXIT_USAGE;
    }
    p.seed = (uint64_t)seed;
    if (optind != argc) {
        cli_error(cmd, "unexpected argument '%s' (see --help)", argv[optind]);
        return EXIT_USAGE;
    }
    if (!emb || !mname) {
        cli_error(cmd, "--emb and --method are required (see --help)");
        return EXIT_USAGE;
    }
    const fc_cluster_method *m = fc_cluster_find(mname);
    if (!m) {
        cli_error(cmd, "unknown method '%s' (see --help)", mname);
        return EXIT_USAGE;
    }
    if (p.k > 0 && p.distance_threshold > 0) { /* sklearn: exactly one of n_clusters, distance_threshold */
        cli_error(cmd, "give --k or --distance-threshold, not both (the threshold would silently win)");
        return EXIT_USAGE;
    }
    if (m->run == fc_hdbscan && !ms_given)
        p.min_samples = 0; /* HDBSCAN's min_samples defaults to min_cluster_size, not DBSCAN's 5 */
    fc_mat X;
    if (cli_load_embeddings(cmd, emb, no_norm, &X))
        return EXIT_FAILURE_;
    int *labels = fc_malloc(X.rows, sizeof(int));
    struct timespec w0, c0, w1, c1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    int k_used = 0, rc = labels ? fc_cluster_run(m, &X, &p, labels, &k_used) : FC_ENOMEM;
    clock_gettime(CLOCK_MONOTONIC, &w1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    if (timed) /* for bench/bench_cluster.py: the fit alone, without start-up and file I/O */
        fprintf(stderr, "time: cluster %.3f s wall %.3f s cpu\n",
                (double)(w1.tv_sec - w0.tv_sec) + 1e-9 * (double)(w1.tv_nsec - w0.tv_nsec),
                (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec));
    if (rc) {
        cli_error(cmd, "%s", fc_last_error());
        free(labels);
        fc_mat_free(&X);
        return rc == FC_EARG ? EXIT_USAGE : EXIT_FAILURE_;
    }
    if (m->needs_k && p.k == 0 && k_used)
        fc_warn("K estimated as %d (%s)", k_used, fc_k_estimator_name(p.k_estimator));
    rc = fc_pred_write(out, labels, X.rows);
    if (rc)
        cli_error(cmd, "%s", fc_last_error());
    free(labels);
    fc_mat_free(&X);
    return rc ? EXIT_FAILURE_ : EXIT_OK;
}
