/* embedder.c — face crops → L2-normalised embeddings with any embedding network described by a
 * fc_embedder_spec (see embedder.h). Batches of spec.batch faces; the last, smaller batch re-plans the
 * graph for its size (the arena only grows, so this costs no allocation). */
#include "facecluster/embedder.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fc_embedder {
    fc_embedder_spec spec;
    fc_nn_model *m;
    int out;   /* output index */
    int dim;   /* embedding size */
    int cur_b; /* batch the graph is planned for */
};

fc_embedder_spec fc_embedder_spec_default(void)
{
    fc_embedder_spec s;
    memset(&s, 0, sizeof s);
    snprintf(s.model_file, sizeof s.model_file, "MobileFaceNet.tflite");
    s.width = s.height = 112;
    for (int c = 0; c < 3; c++) {
        s.mean[c] = 127.5f;
        s.scale[c] = 1.0f / 128.0f;
    }
    s.batch = 32;
    return s;
}

static int set_batch(fc_embedder *e, int b)
{
    if (b == e->cur_b)
        return 0;
    int rc = fc_nn_resize_input(e->m, 0, b, e->spec.height, e->spec.width, 3);
    if (!rc)
        e->cur_b = b;
    return rc;
}

int fc_embedder_new(const fc_embedder_spec *spec, const char *models_dir, fc_embedder **out)
{
    *out = NULL;
    if (spec->width < 1 || spec->height < 1 || spec->width > 4096 || spec->height > 4096)
        return fc_fail(FC_EARG, "embedder: bad input size %dx%d", spec->width, spec->height);
    char path[4096];
    int rc = fc_nn_find_model(models_dir, spec->model_file, path, sizeof path);
    if (rc)
        return rc;
    fc_embedder *e = fc_calloc(1, sizeof *e);
    if (!e)
        return FC_ENOMEM;
    e->spec = *spec;
    if (e->spec.batch < 1)
        e->spec.batch = 32;
    if ((rc = fc_nn_load(path, &e->m)))
        goto fail;
    fc_nn_tensor_info in, o;
    fc_nn_input_info(e->m, 0, &in);
    if (fc_nn_num_inputs(e->m) != 1 || in.ndim != 4 || in.dims[3] != 3) {
        rc = fc_fail(FC_EUNSUP, "%s: an embedder needs one NHWC input with 3 channels", path);
        goto fail;
    }
    e->out = spec->output ? fc_nn_find_output(e->m, spec->output) : 0;
    if (e->out < 0) {
        rc = fc_fail(FC_EARG, "%s: no output named like '%s'", path, spec->output);
        goto fail;
    }
    if ((rc = set_batch(e, 1)))
        goto fail;
    fc_nn_output_info(e->m, e->out, &o);
    e->dim = (int)o.count;
    if (e->dim < 1) {
        rc = fc_fail(FC_EUNSUP, "%s: the output is empty", path);
        goto fail;
    }
    *out = e;
    return 0;
fail:
    fc_nn_free(e->m);
    free(e);
    return rc;
}

void fc_embedder_free(fc_embedder *e)
{
    if (!e)
        return;
    fc_nn_free(e->m);
    free(e);
}

int fc_embedder_dim(const fc_embedder *e) { return e->dim; }
const fc_embedder_spec *fc_embedder_get_spec(const fc_embedder *e) { return &e->spec; }

static void normalise_crop(const fc_embedder_spec *s, const uint8_t *src, float *dst)
{
    size_t n = (size_t)s->width * s->height;
    if (s->prewhiten) { /* FaceNet: (x - mean) / max(std, 1/sqrt(N)) over the whole crop */
        double sum = 0, sq = 0;
        for (size_t i = 0; i < 3 * n; i++) {
            sum += src[i];
            sq += (double)src[i] * src[i];
        }
        double mean = sum / (3.0 * n), sd = sqrt(fmax(sq / (3.0 * n) - mean * mean, 0));
        sd = fmax(sd, 1.0 / sqrt(3.0 * n));
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                dst[3 * i + c] = (float)((src[3 * i + (s->bgr ? 2 - c : c)] - mean) / sd);
        return;
    }
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
            dst[3 * i + c] = ((float)src[3 * i + (s->bgr ? 2 - c : c)] - s->mean[c]) * s->scale[c];
}

static void finish(const float *o, int dim, size_t b, float *emb, float *raw)
{
    for (size_t i = 0; i < b; i++) {
        const float *r = o + i * (size_t)dim;
        if (raw)
            memcpy(raw + i * (size_t)dim, r, sizeof(float) * (size_t)dim);
        double s = 0;
        for (int j = 0; j < dim; j++)
            s += (double)r[j] * r[j];
        double inv = 1.0 / sqrt(fmax(s, 1e-10));
        for (int j = 0; j < dim; j++)
            emb[i * (size_t)dim + j] = (float)(r[j] * inv);
    }
}

static int embed_any(fc_embedder *e, const uint8_t *crops, const float *input, size_t n, float *emb, float *raw)
{
    const fc_embedder_spec *s = &e->spec;
    size_t per = (size_t)s->width * s->height * 3;
    for (size_t f0 = 0; f0 < n; f0 += (size_t)s->batch) {
        size_t b = n - f0 < (size_t)s->batch ? n - f0 : (size_t)s->batch;
        int rc = set_batch(e, (int)b);
        if (rc)
            return rc;
        float *x = fc_nn_input_data(e->m, 0);
        if (!x)
            return FC_ENOMEM;
        if (input) {
            memcpy(x, input + f0 * per, sizeof(float) * per * b);
        } else {
#pragma omp parallel for schedule(static)
            for (size_t i = 0; i < b; i++)
                normalise_crop(s, crops + (f0 + i) * per, x + i * per);
        }
        if ((rc = fc_nn_run(e->m)))
            return rc;
        finish(fc_nn_output(e->m, e->out), e->dim, b, emb + f0 * (size_t)e->dim,
               raw ? raw + f0 * (size_t)e->dim : NULL);
    }
    return 0;
}

int fc_embedder_embed(fc_embedder *e, const uint8_t *crops, size_t n, float *emb, float *raw)
{
    return embed_any(e, crops, NULL, n, emb, raw);
}

int fc_embedder_embed_float(fc_embedder *e, const float *input, size_t n, float *emb, float *raw)
{
    return embed_any(e, NULL, input, n, emb, raw);
}
