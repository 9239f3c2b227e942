/* cmd_score.c — `facecluster score`: every score of one predicted labelling against the truth. */
#include "cli/cli.h"
#include "facecluster/labels.h"
#include "facecluster/metrics.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: facecluster score --truth TRUTH --pred LABELS [options]\n\n"
           "Scores predicted cluster labels against known identities (ARI, AMI, NMI, homogeneity,\n"
           "completeness, V-measure, Fowlkes-Mallows, pairwise and BCubed precision/recall/F, counts).\n\n"
           "  --truth FILE         identities, one per line (any strings), or a TSV column (--truth-column)\n"
           "  --truth-column N     take identities from column N (1-based) of a tab-separated file\n"
           "  --header             the truth file has a header row to skip\n"
           "  --pred FILE          predicted labels, one integer per line; -1 = noise ('-' = stdin)\n"
           "  --noise MODE         singletons (default): each noise point is its own cluster;\n"
           "                       cluster: all noise points form one cluster (what sklearn does with -1)\n"
           "  --json               print JSON instead of a table\n"
           "  -h, --help           this help\n");
}

int cmd_score(int argc, char **argv)
{
    static const struct option opts[] = {
        {"truth", required_argument, 0, 't'}, {"truth-column", required_argument, 0, 'c'},
        {"header", no_argument, 0, 'H'},      {"pred", required_argument, 0, 'p'},
        {"noise", required_argument, 0, 'n'}, {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    const char *truth_path = NULL, *pred_path = NULL;
    int column = 0, header = 0, json = 0, c;
    fc_noise_mode mode = FC_NOISE_SINGLETONS;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': truth_path = optarg; break;
        case 'p': pred_path = optarg; break;
        case 'c':
            if (cli_parse_int("score", "--truth-column", optarg, 1, 1000000, &column))
                return EXIT_USAGE;
            break;
        case 'H': header = 1; break;
        case 'j': json = 1; break;
        case 'n':
            if (!strcmp(optarg, "singletons"))
                mode = FC_NOISE_SINGLETONS;
            else if (!strcmp(optarg, "cluster"))
                mode = FC_NOISE_CLUSTER;
            else {
                cli_error("score", "--noise expects 'singletons' or 'cluster', got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': usage(); return EXIT_OK;
        default:
            cli_error("score", "unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("score", "unexpected argument '%s' (see --help)", argv[optind]);
        return EXIT_USAGE;
    }
    if (!truth_path || !pred_path) {
        cli_error("score", "needs --truth and --pred (see --help)");
        return EXIT_USAGE;
    }
    fc_truth truth;
    if (fc_truth_read(truth_path, column, header, &truth)) {
        cli_error("score", "%s", fc_last_error());
        return EXIT_FAILURE_;
    }
    int *pred;
    size_t n;
    if (fc_pred_read(pred_path, &pred, &n)) {
        cli_error("score", "%s", fc_last_error());
        fc_truth_free(&truth);
        return EXIT_FAILURE_;
    }
    int rc = EXIT_OK;
    fc_scores s;
    if (n != truth.n) {
        cli_error("score", "%s has %zu labels but %s has %zu", pred_path, n, truth_path, truth.n);
        rc = EXIT_FAILURE_;
    } else if (fc_score_all(truth.ids, pred, n, mode, &s)) {
        cli_error("score", "%s", fc_last_error());
        rc = EXIT_FAILURE_;
    } else if (json) {
        printf("{\"n\": %zu, \"noise\": \"%s\", \"scores\": {", n,
               mode == FC_NOISE_SINGLETONS ? "singletons" : "cluster");
        for (int i = 0; i < FC_NUM_SCORES; i++)
            printf("%s\"%s\": %.17g", i ? ", " : "", fc_score_list[i].name, fc_scores_get(&s, i));
        printf("}}\n");
    } else {
        printf("%zu items, noise as %s\n", n, mode == FC_NOISE_SINGLETONS ? "singletons" : "one cluster");
        for (int i = 0; i < FC_NUM_SCORES; i++) {
            double v = fc_scores_get(&s, i);
            if (!strcmp(fc_score_list[i].name, "k_true") || !strcmp(fc_score_list[i].name, "k_found"))
                printf("%-17s %10.0f  %s\n", fc_score_list[i].name, v, fc_score_list[i].summary);
            else
                printf("%-17s %10.6f  %s\n", fc_score_list[i].name, v, fc_score_list[i].summary);
        }
    }
    free(pred);
    fc_truth_free(&truth);
    return rc;
}
