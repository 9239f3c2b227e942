/* nn_internal.h — the engine's in-memory graph (shared by the reader, the planner and the kernels). */
#ifndef FC_NN_INTERNAL_H
#define FC_NN_INTERNAL_H

#include "facecluster/nn.h"

#include <stddef.h>
#include <stdint.h>

/* TFLite builtin operator codes we know (schema v3 numbering). */
enum {
    TFL_ADD = 0, TFL_AVERAGE_POOL_2D = 1, TFL_CONCATENATION = 2, TFL_CONV_2D = 3, TFL_DEPTHWISE_CONV_2D = 4,
    TFL_DEQUANTIZE = 6, TFL_FULLY_CONNECTED = 9, TFL_L2_NORMALIZATION = 11, TFL_MAX_POOL_2D = 17, TFL_MUL = 18,
    TFL_RELU = 19, TFL_RELU6 = 21, TFL_RESHAPE = 22, TFL_SOFTMAX = 25, TFL_PAD = 34, TFL_MEAN = 40,
    TFL_SUB = 41, TFL_DIV = 42, TFL_EXP = 47, TFL_PRELU = 54, TFL_NEG = 59, TFL_SUM = 74,
    TFL_REDUCE_MAX = 82, TFL_LEAKY_RELU = 98, TFL_ABS = 101,
    /* named in messages only */
    TFL_LOGISTIC = 14, TFL_RESIZE_BILINEAR = 23, TFL_TANH = 28, TFL_CUSTOM = 32, TFL_TRANSPOSE = 39
};
/* Tensor element types. */
enum { TT_FLOAT32 = 0, TT_FLOAT16 = 1, TT_INT32 = 2, TT_UINT8 = 3, TT_INT64 = 4 };
/* Fused activations (TFLite numbering) plus our PReLU epilogue. */
enum { ACT_NONE = 0, ACT_RELU = 1, ACT_RELU_N1_TO_1 = 2, ACT_RELU6 = 3, ACT_PRELU = 100 };
enum { PAD_SAME = 0, PAD_VALID = 1 };

#define NN_MAX_OP_IO 8

typedef struct nn_tensor {
    char name[128];
    int type;
    int ndim;
    int dims[FC_NN_MAX_DIMS];
    size_t count;
    int is_const;      /* data lives in `cdata` */
    void *cdata;       /* constants: float32 (converted) or int32 values, owned */
    float *data;       /* activations: pointer into the arena after planning; constants: = cdata */
    int first, last;   /* lifetime in executed-op indices (planning) */
    size_t off;        /* arena offset in floats */
    int is_input, is_output;
    int producer;      /* op index, -1 for graph inputs/constants */
    int consumers;     /* number of op inputs that read it */
} nn_tensor;

typedef struct nn_op {
    int code;
    int nin, nout;
    int in[NN_MAX_OP_IO], out[NN_MAX_OP_IO]; /* -1 = optional input absent */
    int dead;          /* absorbed into a fused op */
    /* options */
    int padding, stride_w, stride_h, dil_w, dil_h, act, depth_mult, filter_w, filter_h, axis, keep_dims;
    float alpha, beta;
    int new_shape[FC_NN_MAX_DIMS], new_shape_n; /* RESHAPE options (-1 = none) */
    int residual;      /* tensor added after the activation (fused residual ADD), else -1 */
    int prelu_slope;   /* tensor index of the PReLU slope for ACT_PRELU epilogues, else -1 */
    int pad_top, pad_left; /* from shape inference */
    double macs;
    float *wt;         /* narrow direct convolution: weights re-laid out [K][16*O16], owned */
} nn_op;

struct fc_nn_model {
    char name[256];
    int ntensors, nops;
    nn_tensor *t;
    nn_op *ops;
    int nin, nout;
    int *inputs, *outputs;
    float *arena;
    size_t arena_floats;
    int planned;
    double *profile;   /* per-op seconds, accumulated when non-NULL (bench_nn --profile) */
    int plan_threads;  /* thread count the scratch was sized for */
    int fixed_threads; /* workers: always 1 */
    int shared_consts; /* workers: constants belong to the parent model */
    /* Batch-parallel execution: a batch of N samples on nt threads runs as chunks of `chunk` samples, each
     * thread pushing its chunks through the whole graph with single-threaded kernels in its own arena
     * (worker clones). No barriers between ops and small, cache-resident activations. */
    struct fc_nn_model **workers;
    int nworkers, worker_chunk;
    float *scratch;    /* im2col buffer */
    size_t scratch_floats;
};

/* tflite_read.c */
int nn_parse_tflite(const uint8_t *data, size_t size, const char *name, fc_nn_model *m);
/* graph.c helpers used by the kernels */
const char *nn_op_name(int code);
/* ops.c: shape inference (0 or FC_EARG/FC_EUNSUP) and execution */
int nn_infer_op(fc_nn_model *m, nn_op *op);
void nn_run_op(fc_nn_model *m, nn_op *op);
/* Once per op after fusion: kernel-specific weight layouts. */
int nn_prepare_op(fc_nn_model *m, nn_op *op);
size_t nn_op_scratch(const fc_nn_model *m, const nn_op *op, int nthreads);

#endif
