/* cmd_tsne.c — `facecluster tsne`: a t-SNE map of an embedding matrix, drawn as PNG/SVG/PDF. */
#include "cli/cli.h"
#include "facecluster/labels.h"
#include "facecluster/npy.h"
#include "facecluster/plot.h"
#include "facecluster/tsne.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <errno.h>
#include <unistd.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: facecluster tsne --emb E.npy [--truth T.txt] [--perplexity P] [--seed N] [--exact | --bh]\n"
           "                        [--iter N] [--title TEXT] [--no-legend] [--npy Y.npy] -o MAP.png|svg|pdf\n\n"
           "Maps the embeddings to 2-D with t-SNE (scikit-learn 1.2 defaults: perplexity 30, PCA start,\n"
           "early exaggeration 12, learning rate 'auto', 1000 iterations) and draws the map, one colour\n"
           "(and, beyond 20 people, marker shape) per identity of --truth (or per cluster of --pred).\n\n"
           "  --emb FILE        N×D embeddings (.npy); rows are L2-normalised unless --no-normalize\n"
           "  --truth FILE      identity per row (one per line) to colour the points\n"
           "  --pred FILE       integer cluster labels per row (-1 = noise) to colour the points instead\n"
           "  --perplexity P    30 (must be less than N)\n"
           "  --seed N          0 (only matters with --init random)\n"
           "  --init pca|random pca\n"
           "  --exact           exact gradient (default below 1000 points)\n"
           "  --bh              Barnes-Hut (default from 1000 points); --angle A (0.5)\n"
           "  --iter N          1000\n"
           "  --npy FILE        also write the N×2 map as .npy (float64)\n"
           "  -o FILE           the figure; the extension picks PNG, SVG or PDF (optional with --npy)\n"
           "  --title TEXT      figure title; --no-legend hides the legend (shown for ≤ 20 groups)\n"
           "  --quiet           no progress lines\n");
}

int cmd_tsne(int argc, char **argv)
{
    enum { O_EMB = 256, O_TRUTH, O_PRED, O_PERP, O_SEED, O_EXACT, O_BH, O_ANGLE, O_ITER, O_NPY, O_TITLE,
           O_NOLEG, O_INIT, O_QUIET, O_NONORM };
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'},          {"emb", required_argument, 0, O_EMB},
        {"truth", required_argument, 0, O_TRUTH}, {"pred", required_argument, 0, O_PRED},
        {"perplexity", required_argument, 0, O_PERP}, {"seed", required_argument, 0, O_SEED},
        {"exact", no_argument, 0, O_EXACT},      {"bh", no_argument, 0, O_BH},
        {"angle", required_argument, 0, O_ANGLE}, {"iter", required_argument, 0, O_ITER},
        {"npy", required_argument, 0, O_NPY},    {"title", required_argument, 0, O_TITLE},
        {"no-legend", no_argument, 0, O_NOLEG},  {"init", required_argument, 0, O_INIT},
        {"quiet", no_argument, 0, O_QUIET},      {"no-normalize", no_argument, 0, O_NONORM},
        {"output", required_argument, 0, 'o'},   {0, 0, 0, 0}};
    const char *emb = NULL, *truth = NULL, *pred = NULL, *npy = NULL, *out = NULL, *title = NULL;
    int legend = 1, quiet = 0, nonorm = 0, seed = 0, c;
    fc_tsne_params tp;
    fc_tsne_defaults(&tp);
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case O_EMB: emb = optarg; break;
        case O_TRUTH: truth = optarg; break;
        case O_PRED: pred = optarg; break;
        case O_PERP:
            if (cli_parse_double("tsne", "--perplexity", optarg, 1e-3, 1e6, &tp.perplexity))
                return EXIT_USAGE;
            break;
        case O_SEED:
            if (cli_parse_int("tsne", "--seed", optarg, 0, 2147483647L, &seed))
                return EXIT_USAGE;
            tp.seed = (uint64_t)seed;
            break;
        case O_EXACT: tp.method = FC_TSNE_EXACT; break;
        case O_BH: tp.method = FC_TSNE_BARNES_HUT; break;
        case O_ANGLE:
            if (cli_parse_double("tsne", "--angle", optarg, 0, 1, &tp.angle))
                return EXIT_USAGE;
            break;
        case O_ITER:
            if (cli_parse_int("tsne", "--iter", optarg, 250, 1000000, &tp.n_iter))
                return EXIT_USAGE;
            break;
        case O_INIT:
            if (!strcmp(optarg, "pca"))
                tp.init = FC_TSNE_INIT_PCA;
            else if (!strcmp(optarg, "random"))
                tp.init = FC_TSNE_INIT_RANDOM;
            else {
                cli_error("tsne", "--init expects pca or random, got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case O_NPY: npy = optarg; break;
        case 'o': out = optarg; break;
        case O_TITLE: title = optarg; break;
        case O_NOLEG: legend = 0; break;
        case O_QUIET: quiet = 1; break;
        case O_NONORM: nonorm = 1; break;
        default: return EXIT_USAGE;
        }
    }
    if (!emb || (!out && !npy) || optind != argc) {
        cli_error("tsne", "needs --emb and -o (or --npy); see --help");
        return EXIT_USAGE;
    }
    if (truth && pred) {
        cli_error("tsne", "give --truth or --pred, not both");
        return EXIT_USAGE;
    }
    if (out) { /* before the map is computed (minutes on a big set), not after */
        const char *dot = strrchr(out, '.');
        if (!dot || (strcasecmp(dot, ".png") && strcasecmp(dot, ".svg") && strcasecmp(dot, ".pdf"))) {
            cli_error("tsne", "%s: unknown figure type (use .png, .svg or .pdf)", out);
            return EXIT_USAGE;
        }
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", out);
        char *slash = strrchr(dir, '/');
        if (slash)
            *(slash == dir ? slash + 1 : slash) = 0;
        else
            snprintf(dir, sizeof dir, ".");
        if (access(dir, W_OK)) {
            cli_error("tsne", "%s: cannot write into %s: %s", out, dir, strerror(errno));
            return EXIT_FAILURE_;
        }
    }
    if (quiet)
        fc_set_quiet(1);
    tp.progress = !quiet;
    fc_mat X, Y;
    if (cli_load_embeddings("tsne", emb, nonorm, &X))
        return EXIT_FAILURE_;
    fc_truth t = {0};
    int *groups = NULL;
    size_t n_groups = 0;
    int rc = EXIT_FAILURE_;
    if (truth) {
        if (fc_truth_read(truth, 1, 0, &t)) {
            cli_error("tsne", "%s", fc_last_error());
            goto done;
        }
        if (t.n != X.rows) {
            cli_error("tsne", "%s has %zu labels but %s has %zu rows", truth, t.n, emb, X.rows);
            goto done;
        }
        groups = t.ids;
        n_groups = t.k;
    } else if (pred) {
        size_t n;
        if (fc_pred_read(pred, &groups, &n)) {
            cli_error("tsne", "%s", fc_last_error());
            goto done;
        }
        if (n != X.rows) {
            cli_error("tsne", "%s has %zu labels but %s has %zu rows", pred, n, emb, X.rows);
            goto done;
        }
        n_groups = (size_t)fc_labels_canonical(groups, n);
    }
    if (tp.perplexity >= (double)X.rows) {
        cli_error("tsne", "perplexity %g must be less than the number of points (%zu); try --perplexity %g",
                  tp.perplexity, X.rows, fmax(1, floor((double)(X.rows - 1) / 3)));
        rc = EXIT_USAGE;
        goto done;
    }
    fc_tsne_info info;
    if (fc_tsne(&X, &tp, &Y, &info)) {
        cli_error("tsne", "%s", fc_last_error());
        goto done;
    }
    fprintf(stderr, "tsne: %zu points, %s, %d iterations, KL divergence %.4f, %.1f s\n", X.rows,
            info.exact ? "exact" : "Barnes-Hut", info.n_iter, info.kl, info.seconds);
    if (npy && fc_npy_write_f64(npy, &Y)) {
        cli_error("tsne", "%s", fc_last_error());
        fc_mat_free(&Y);
        goto done;
    }
    if (out) {
        fc_plot_opts po;
        fc_plot_opts_init(&po);
        char deftitle[256];
        if (n_groups)
            snprintf(deftitle, sizeof deftitle, "t-SNE map: %zu faces, %zu %s (perplexity %g, KL %.3f)", X.rows,
                     n_groups, pred ? "clusters" : "people", tp.perplexity, info.kl);
        else
            snprintf(deftitle, sizeof deftitle, "t-SNE map: %zu faces (perplexity %g, KL %.3f)", X.rows,
                     tp.perplexity, info.kl);
        po.title = title ? title : deftitle;
        po.legend = legend;
        po.width = po.height = 800;
        if (fc_plot_scatter(out, Y.data, Y.rows, groups, n_groups, truth ? (const char *const *)t.names : NULL,
                            &po)) {
            cli_error("tsne", "%s", fc_last_error());
            fc_mat_free(&Y);
            goto done;
        }
    }
    fc_mat_free(&Y);
    rc = EXIT_OK;
done:
    if (pred)
        free(groups);
    fc_truth_free(&t);
    fc_mat_free(&X);
    return rc;
}
