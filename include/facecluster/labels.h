/* labels.h — label vectors: ground-truth identities in, predicted cluster labels out.
 *
 * Contract:
 *  - A labelling of N items is an array of N ints: 0..K-1 for clusters, -1 for noise (no cluster).
 *  - fc_truth_read reads identities as strings, one per line (or one column of a TSV file, 1-based,
 *    with an optional header row skipped when `has_header`), and maps them to ints 0..K-1 in order of
 *    first appearance; the distinct names are kept in `names` so results can be reported by name.
 *    Blank lines are errors (they would silently shift every row).
 *  - fc_pred_read reads integer labels, one per line; fc_pred_write writes them.
 */
#ifndef FACECLUSTER_LABELS_H
#define FACECLUSTER_LABELS_H

#include <stddef.h>

typedef struct fc_truth {
    size_t n;      /* items */
    int *ids;      /* n ids in 0..k-1 */
    size_t k;      /* distinct identities */
    char **names;  /* k names, names[id] */
} fc_truth;

int fc_truth_read(const char *path, int tsv_column, int has_header, fc_truth *out);
int fc_truth_from_strings(const char *const *strings, size_t n, fc_truth *out);
void fc_truth_free(fc_truth *t);

int fc_pred_read(const char *path, int **labels, size_t *n);
int fc_pred_write(const char *path, const int *labels, size_t n); /* path "-" = stdout */

/* Renumbers labels to 0..K-1 in order of first appearance (noise -1 kept); returns K. */
int fc_labels_canonical(int *labels, size_t n);

#endif
