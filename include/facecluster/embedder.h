/* embedder.h — aligned face crops in, L2-normalised embeddings out.
 *
 * Contract:
 *  - A model is described as data (fc_embedder_spec): file name, input size, per-channel pixel
 *    normalisation (x - mean) * scale, channel order. fc_embedder_spec_default() is MobileFaceNet
 *    (MobileFaceNet.tflite, 112×112 RGB, (x - 127.5) / 128, 192-d). Another model (e.g. a FaceNet .tflite:
 *    160×160, prewhitened or (x-127.5)/128) needs only a different spec; the dimension is read from the
 *    graph's output.
 *  - fc_embedder_embed takes n crops of spec.width×spec.height×3 interleaved RGB uint8 (row-major, as the
 *    aligner produces), runs them in batches of spec.batch (default 32) and writes n×dim floats, each row
 *    L2-normalised as raw / sqrt(max(sum(raw^2), 1e-10)). fc_embedder_embed_float takes already
 *    normalised NHWC float input instead. `raw` (may be NULL) receives the un-normalised outputs.
 *  - Not thread-safe per embedder (one call at a time); each call uses all engine threads.
 */
#ifndef FACECLUSTER_EMBEDDER_H
#define FACECLUSTER_EMBEDDER_H

#include "facecluster/core.h"
#include "facecluster/nn.h"

#include <stdint.h>

typedef struct fc_embedder_spec {
    char model_file[256]; /* file name (searched with fc_nn_find_model) or a path containing '/' */
    int width, height;    /* crop size the model takes */
    float mean[3];        /* subtracted per channel (in the order the model sees) */
    float scale[3];       /* then multiplied */
    int bgr;              /* 1: the model wants BGR channel order */
    int prewhiten;        /* 1: FaceNet per-image standardisation instead of mean/scale */
    int batch;            /* faces per inference batch (default 32) */
    const char *output;   /* substring of the output tensor name to use, or NULL for output 0 (the string
                           * must outlive the embedder: the spec is copied, the string is not) */
} fc_embedder_spec;

typedef struct fc_embedder fc_embedder;

fc_embedder_spec fc_embedder_spec_default(void);
/* Creates an embedder; models_dir may be NULL (default search order of fc_nn_find_model). */
int fc_embedder_new(const fc_embedder_spec *spec, const char *models_dir, fc_embedder **out);
void fc_embedder_free(fc_embedder *e);
int fc_embedder_dim(const fc_embedder *e);
const fc_embedder_spec *fc_embedder_get_spec(const fc_embedder *e);

int fc_embedder_embed(fc_embedder *e, const uint8_t *crops, size_t n, float *emb, float *raw);
int fc_embedder_embed_float(fc_embedder *e, const float *input, size_t n, float *emb, float *raw);

#endif
