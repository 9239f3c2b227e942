#include "facecluster/cluster.h"
int fc_agglomerative(const fc_mat *X, const fc_cluster_params *p, int *labels) { return fc_fail(FC_EUNSUP, "todo"); }
int fc_kmeans(const fc_mat *X, const fc_cluster_params *p, int *labels) { return fc_fail(FC_EUNSUP, "todo"); }
int fc_meanshift(const fc_mat *X, const fc_cluster_params *p, int *labels) { return fc_fail(FC_EUNSUP, "todo"); }
