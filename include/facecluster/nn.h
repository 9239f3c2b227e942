/* nn.h — the project's own TFLite inference engine (float32, NHWC, CPU).
 *
 * Contract:
 *  - fc_nn_load / fc_nn_load_buffer read a TFLite (schema v3) flatbuffer with one subgraph. Every offset,
 *    length and index in the file is checked before use: a truncated, corrupt or hostile file gives
 *    FC_EFORMAT (or FC_EUNSUP for a valid graph using an op/type we do not run) with a one-line reason in
 *    fc_last_error(); it never crashes or reads out of bounds. fc_nn_load_buffer copies what it needs.
 *  - Supported: float32 tensors (float16 constants through DEQUANTIZE), ops CONV_2D, DEPTHWISE_CONV_2D,
 *    FULLY_CONNECTED, ADD, SUB, MUL, NEG, ABS, RELU, RELU6, PRELU, LEAKY_RELU, MAX_POOL_2D,
 *    AVERAGE_POOL_2D, RESHAPE, CONCATENATION, SOFTMAX, REDUCE_MAX, SUM, EXP, DIV, L2_NORMALIZATION, MEAN,
 *    PAD, DEQUANTIZE. Decomposed PReLU and softmax patterns are recognised at load and run fused.
 *  - Shapes: fc_nn_resize_input changes an input's batch and/or spatial size (any batch; any H×W for a
 *    fully convolutional net); shapes are re-inferred through the graph and the tensor arena is re-planned
 *    lazily at the next fc_nn_run. The file's static batch (1 or 2) is just the initial shape.
 *  - Data: fc_nn_set_input copies float NHWC data in (count must match the input's current shape);
 *    fc_nn_run executes; fc_nn_output returns a pointer into the model's arena, valid until the next
 *    fc_nn_resize_input / fc_nn_run / fc_nn_free. A model is not thread-safe: one run at a time per model
 *    (the run itself uses all cores, see fc_nn_set_threads).
 *  - Threads: one thread pool (OpenMP, default: all cores). Convolutions and FC layers are split into
 *    row (or column) blocks, each thread running im2col + a single-threaded OpenBLAS SGEMM + the fused
 *    bias/activation on its block; fc_nn_run sets OpenBLAS to one thread for its duration and restores the
 *    previous count afterwards, so the two never oversubscribe the cores. A batch of >= 2×threads samples
 *    runs batch-parallel (each thread pushes 2-sample chunks through the whole graph). To run several
 *    models at once from your own threads, call fc_nn_set_threads(1) first (it also sets OpenBLAS to one
 *    thread); fc_nn_run then leaves the global OpenBLAS count alone.
 */
#ifndef FACECLUSTER_NN_H
#define FACECLUSTER_NN_H

#include "facecluster/core.h"

#include <stddef.h>
#include <stdint.h>

#define FC_NN_MAX_DIMS 6

typedef struct fc_nn_model fc_nn_model;

/* Shape and name of a graph input or output, as currently planned. */
typedef struct fc_nn_tensor_info {
    const char *name; /* owned by the model */
    int ndim;
    int dims[FC_NN_MAX_DIMS]; /* e.g. N,H,W,C */
    size_t count;             /* product of dims */
} fc_nn_tensor_info;

/* Graph statistics for `facecluster model info`. */
typedef struct fc_nn_stats {
    int n_ops, n_tensors;
    size_t n_params;      /* float elements of all constant tensors */
    double macs;          /* multiply-adds of one run at the current shapes */
    size_t arena_bytes;   /* planned activation memory at the current shapes */
} fc_nn_stats;

int fc_nn_load(const char *path, fc_nn_model **out);
int fc_nn_load_buffer(const void *data, size_t size, const char *name, fc_nn_model **out);
void fc_nn_free(fc_nn_model *m);

int fc_nn_num_inputs(const fc_nn_model *m);
int fc_nn_num_outputs(const fc_nn_model *m);
int fc_nn_input_info(const fc_nn_model *m, int i, fc_nn_tensor_info *info);
int fc_nn_output_info(const fc_nn_model *m, int i, fc_nn_tensor_info *info);
/* Index of the output whose tensor name contains `substr`, or -1. */
int fc_nn_find_output(const fc_nn_model *m, const char *substr);

/* Sets input i to shape N×H×W×C (rank-4 inputs; H, W or C <= 0 keep the current value). For other ranks
 * only the first dimension (batch) changes and h, w, c are ignored. Fails with FC_EARG when the graph
 * cannot take that shape (e.g. a spatial size too small for a VALID convolution, or a fixed reshape). */
int fc_nn_resize_input(fc_nn_model *m, int i, int batch, int h, int w, int c);

int fc_nn_set_input(fc_nn_model *m, int i, const float *data, size_t count);
/* Direct pointer to input i's buffer (count = info.count) to fill in place before fc_nn_run. */
float *fc_nn_input_data(fc_nn_model *m, int i);
int fc_nn_run(fc_nn_model *m);
const float *fc_nn_output(const fc_nn_model *m, int i);

int fc_nn_stats_get(fc_nn_model *m, fc_nn_stats *st);
/* Writes a human-readable listing of the graph (ops, tensor shapes) to `f` (a FILE *). */
int fc_nn_describe(fc_nn_model *m, void *f);

/* Engine-wide cap on one model's planned memory (activation arena + convolution scratch), in bytes;
 * a plan above it fails with FC_ENOMEM naming the size. 0 = default (3/4 of physical memory). */
void fc_nn_set_memory_limit(size_t bytes);

/* Engine-wide thread count (0 = all cores). Sets OpenMP and OpenBLAS accordingly. */
void fc_nn_set_threads(int n);
int fc_nn_threads(void);

/* Model files: the search order is `dir` (if non-NULL, e.g. --models), $FACECLUSTER_MODELS,
 * <exe dir>/../models and <exe dir>/../../models, ./models, /usr/local/share/facecluster/models.
 * fc_nn_find_model fills `path` with the first existing dir/name; on failure FC_EIO with a one-line error
 * naming where it looked and "run scripts/fetch_models.sh". */
int fc_nn_find_model(const char *dir, const char *name, char *path, size_t len);

#endif
