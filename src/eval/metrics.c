/* metrics.c — every score of a labelling at once, and the table of score names (see metrics.h). */
#include "facecluster/metrics.h"
#include "facecluster/core.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(fc_scores) == FC_NUM_SCORES * sizeof(double), "fc_scores must be FC_NUM_SCORES doubles");

const fc_score_info fc_score_list[FC_NUM_SCORES] = {
    {"ari", "ARI", "adjusted Rand index"},
    {"ami", "AMI", "adjusted mutual information (arithmetic)"},
    {"nmi", "NMI", "normalised mutual information (arithmetic)"},
    {"homogeneity", "homog.", "homogeneity: each cluster holds one identity"},
    {"completeness", "compl.", "completeness: each identity in one cluster"},
    {"v_measure", "V", "V-measure (harmonic mean of the two)"},
    {"fmi", "FMI", "Fowlkes-Mallows index"},
    {"pair_precision", "pair P", "pairwise precision"},
    {"pair_recall", "pair R", "pairwise recall"},
    {"pair_f", "pair F", "pairwise F1"},
    {"bcubed_precision", "B3 P", "BCubed precision"},
    {"bcubed_recall", "B3 R", "BCubed recall"},
    {"bcubed_f", "B3 F", "BCubed F1"},
    {"k_true", "K true", "identities present"},
    {"k_found", "K found", "clusters found (noise not counted)"},
    {"noise_share", "noise", "share of items labelled noise"},
    {"singleton_share", "single", "share of items alone in their cluster"},
};

int fc_score_index(const char *name)
{
    for (int i = 0; i < FC_NUM_SCORES; i++)
        if (!strcmp(fc_score_list[i].name, name))
            return i;
    return -1;
}

static int cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return a < b ? -1 : a > b;
}

/* Clusters found, noise items and items alone in a cluster, from the raw predicted labels. */
static int count_clusters(const int *pred, size_t n, double *k_found, double *noise, double *single)
{
    int *s = fc_malloc(n, sizeof *s);
    if (!s)
        return FC_ENOMEM;
    size_t m = 0, nn = 0, k = 0, ones = 0;
    for (size_t i = 0; i < n; i++) {
        if (pred[i] < 0)
            nn++;
        else
            s[m++] = pred[i];
    }
    qsort(s, m, sizeof *s, cmp_int);
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && s[j] == s[i])
            j++;
        k++;
        ones += (j - i == 1);
        i = j;
    }
    free(s);
    *k_found = (double)k;
    *noise = (double)nn / (double)n;
    *single = (double)ones / (double)n;
    return FC_OK;
}

int fc_score_all(const int *truth, const int *pred, size_t n, fc_noise_mode mode, fc_scores *out)
{
    memset(out, 0, sizeof *out);
    fc_contingency c;
    int rc = fc_contingency_build(truth, pred, n, mode, &c);
    if (rc)
        return rc;
    out->ari = fc_score_ari(&c);
    out->ami = fc_score_ami(&c);
    out->nmi = fc_score_nmi(&c);
    fc_score_hcv(&c, &out->homogeneity, &out->completeness, &out->v_measure);
    out->fmi = fc_score_fmi(&c);
    fc_score_pairwise(&c, &out->pair_precision, &out->pair_recall, &out->pair_f);
    fc_score_bcubed(&c, &out->bcubed_precision, &out->bcubed_recall, &out->bcubed_f);
    fc_contingency_free(&c);
    /* Identities: truth noise (rare) never counts as an identity. */
    double dummy1, dummy2;
    rc = count_clusters(truth, n, &out->k_true, &dummy1, &dummy2);
    if (!rc)
        rc = count_clusters(pred, n, &out->k_found, &out->noise_share, &out->singleton_share);
    return rc;
}
