/* verify.h — face verification on LFW's pairs.txt protocol (View 2: 10 folds of 300 same + 300 different).
 *
 * Contract:
 *  - fc_lfw_pairs_read parses pairs.txt ("FOLDS N" header, then per fold N same-person lines "name i j"
 *    and N different-person lines "name1 i name2 j") into image keys "name/name_%04d.jpg" with fold numbers.
 *  - fc_verify_kfold: for each fold, the distance threshold that maximises accuracy on the other folds
 *    (pairs with d < threshold are called "same"; candidate thresholds are midpoints between sorted
 *    training distances) is applied to the fold. Pairs with a missing face (NaN distance) count as wrong.
 *    Returns the mean accuracy, its standard deviation over folds (population) and the mean threshold.
 */
#ifndef FACECLUSTER_VERIFY_H
#define FACECLUSTER_VERIFY_H

#include <stddef.h>

typedef struct fc_lfw_pairs {
    size_t n;
    char **a, **b; /* keys "name/name_0001.jpg" */
    int *same, *fold;
    int folds;
} fc_lfw_pairs;

int fc_lfw_pairs_read(const char *path, fc_lfw_pairs *p);
void fc_lfw_pairs_free(fc_lfw_pairs *p);
int fc_verify_kfold(const double *dist, const int *same, const int *fold, size_t n, int folds, double *acc_mean,
                    double *acc_std, double *thr_mean);

#endif
