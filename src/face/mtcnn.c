/* mtcnn.c — the MTCNN detector: runs P-Net over the pyramid, R-Net and O-Net over the crops, and the box
 * arithmetic of mtcnn_stages.c in between (FaceNet's detect_face, see face.h). */
#include "facecluster/face.h"
#include "facecluster/nn.h"
#include "face/mtcnn_stages.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct fc_mtcnn {
    fc_nn_model *net[3];
    int out_prob[3], out_reg[3], out_lm;
    int batch[3]; /* current batch of R-Net / O-Net */
};

fc_mtcnn_opts fc_mtcnn_opts_default(void)
{
    return (fc_mtcnn_opts){20.0, 0.709, {0.6, 0.7, 0.7}};
}

/* Output index by its channel count (prob 2, reg 4, landmarks 10). */
static int find_out(const fc_nn_model *m, int ch)
{
    for (int i = 0; i < fc_nn_num_outputs(m); i++) {
        fc_nn_tensor_info ti;
        if (fc_nn_output_info(m, i, &ti) == 0 && ti.ndim >= 2 && ti.dims[ti.ndim - 1] == ch)
            return i;
    }
    return -1;
}

int fc_mtcnn_new(const char *models_dir, fc_mtcnn **out)
{
    static const char *names[3] = {"pnet.tflite", "rnet.tflite", "onet.tflite"};
    *out = NULL;
    fc_mtcnn *m = calloc(1, sizeof *m);
    if (!m) return fc_fail(FC_ENOMEM, "mtcnn: out of memory");
    for (int k = 0; k < 3; k++) {
        char path[4096];
        int rc = fc_nn_find_model(models_dir, names[k], path, sizeof path);
        if (!rc) rc = fc_nn_load(path, &m->net[k]);
        if (rc) {
            fc_mtcnn_free(m);
            return rc;
        }
        m->out_prob[k] = find_out(m->net[k], 2);
        m->out_reg[k] = find_out(m->net[k], 4);
        if (m->out_prob[k] < 0 || m->out_reg[k] < 0) {
            fc_mtcnn_free(m);
            return fc_fail(FC_EFORMAT, "%s: no probability/regression outputs (not an MTCNN net?)", path);
        }
        m->batch[k] = -1;
    }
    m->out_lm = find_out(m->net[2], 10);
    if (m->out_lm < 0) {
        fc_mtcnn_free(m);
        return fc_fail(FC_EFORMAT, "onet.tflite: no landmark output");
    }
    *out = m;
    return FC_OK;
}

void fc_mtcnn_free(fc_mtcnn *m)
{
    if (!m) return;
    for (int k = 0; k < 3; k++) fc_nn_free(m->net[k]);
    free(m);
}

/* Runs R-Net (k = 1, size 24) or O-Net (k = 2, size 48) on the crops of n boxes; outputs copied into
 * prob[n][2], reg[n][4] and (O-Net) lm[n][10]. Batched in chunks so the arena stays small. */
static int run_crops(fc_mtcnn *m, int k, const uint8_t *rgb, int w, int h, const double *boxes, int n, float *prob,
                     float *reg, float *lm)
{
    const int size = k == 1 ? 24 : 48, chunk = 64;
    fc_nn_model *net = m->net[k];
    for (int s = 0; s < n; s += chunk) {
        int b = n - s < chunk ? n - s : chunk;
        if (m->batch[k] != b) {
            int rc = fc_nn_resize_input(net, 0, b, size, size, 3);
            if (rc) return rc;
            m->batch[k] = b;
        }
        float *in = fc_nn_input_data(net, 0);
        if (!in) return fc_fail(FC_EINTERNAL, "mtcnn: no input buffer");
        for (int i = 0; i < b; i++) {
            int rc = mtcnn_crop(rgb, w, h, boxes + (size_t)(s + i) * 5, size, in + (size_t)i * size * size * 3);
            if (rc) return rc;
        }
        int rc = fc_nn_run(net);
        if (rc) return rc;
        memcpy(prob + (size_t)s * 2, fc_nn_output(net, m->out_prob[k]), sizeof(float) * 2 * b);
        memcpy(reg + (size_t)s * 4, fc_nn_output(net, m->out_reg[k]), sizeof(float) * 4 * b);
        if (lm) memcpy(lm + (size_t)s * 10, fc_nn_output(net, m->out_lm), sizeof(float) * 10 * b);
    }
    return FC_OK;
}

int fc_mtcnn_detect(fc_mtcnn *m, const uint8_t *rgb, int w, int h, const fc_mtcnn_opts *o, fc_face_det **faces,
                    int *nfaces)
{
    fc_mtcnn_opts def = fc_mtcnn_opts_default();
    if (!o) o = &def;
    *faces = NULL;
    *nfaces = 0;
    if (o->min_size < 12)
        return fc_fail(FC_EARG, "mtcnn: minimum face size must be >= 12 pixels (got %g)", o->min_size);
    double scales[MTCNN_MAX_SCALES];
    int ns = mtcnn_scales(w, h, o->min_size, o->factor, scales);
    int rc = FC_OK, cap = 1024, ncand = 0;
    double *cand = malloc(sizeof(double) * 9 * cap);
    float *in = NULL;
    double *c = NULL, *b1 = NULL, *b2 = NULL, *b3 = NULL, *pts = NULL;
    float *prob = NULL, *reg = NULL, *lm = NULL;
    int *pick = NULL;
    if (!cand) return fc_fail(FC_ENOMEM, "mtcnn: out of memory");

    /* Stage 1: P-Net on every pyramid level. */
    for (int k = 0; k < ns && !rc; k++) {
        int hs = (int)ceil(h * scales[k]), ws = (int)ceil(w * scales[k]);
        if ((rc = fc_nn_resize_input(m->net[0], 0, 1, ws, hs, 3))) break;
        float *buf = fc_nn_input_data(m->net[0], 0);
        if ((rc = mtcnn_pnet_input(rgb, w, h, scales[k], buf, &ws, &hs))) break;
        if ((rc = fc_nn_run(m->net[0]))) break;
        fc_nn_tensor_info ti;
        fc_nn_output_info(m->net[0], m->out_prob[0], &ti);
        int Wp = ti.dims[1], Hp = ti.dims[2];
        c = realloc(c, sizeof(double) * 9 * ((size_t)Wp * Hp + 1));
        pick = realloc(pick, sizeof(int) * ((size_t)Wp * Hp + 1));
        if (!c || !pick) { rc = fc_fail(FC_ENOMEM, "mtcnn: out of memory"); break; }
        int nc = mtcnn_generate(fc_nn_output(m->net[0], m->out_prob[0]), fc_nn_output(m->net[0], m->out_reg[0]),
                                Wp, Hp, scales[k], o->thresh[0], c);
        int np = mtcnn_nms(c, 9, nc, 0.5, 0, pick);
        if (np < 0) { rc = np; break; }
        if (ncand + np > cap) {
            while (ncand + np > cap) cap *= 2;
            double *t = realloc(cand, sizeof(double) * 9 * cap);
            if (!t) { rc = fc_fail(FC_ENOMEM, "mtcnn: out of memory"); break; }
            cand = t;
        }
        for (int j = 0; j < np; j++) memcpy(cand + (size_t)(ncand++) * 9, c + (size_t)pick[j] * 9, sizeof(double) * 9);
    }
    int n1 = 0, n2 = 0, n3 = 0;
    if (!rc && ncand > 0) {
        b1 = malloc(sizeof(double) * 5 * ncand);
        if (!b1) rc = fc_fail(FC_ENOMEM, "mtcnn: out of memory");
        else n1 = mtcnn_stage1_finish(cand, ncand, b1, NULL);
        if (n1 < 0) rc = n1;
    }
    /* Stage 2: R-Net refines and rejects. */
    if (!rc && n1 > 0) {
        prob = malloc(sizeof(float) * 2 * n1);
        reg = malloc(sizeof(float) * 4 * n1);
        b2 = malloc(sizeof(double) * 5 * n1);
        if (!prob || !reg || !b2) rc = fc_fail(FC_ENOMEM, "mtcnn: out of memory");
        if (!rc) rc = run_crops(m, 1, rgb, w, h, b1, n1, prob, reg, NULL);
        if (!rc) n2 = mtcnn_stage2(b1, n1, prob, reg, o->thresh[1], b2);
        if (n2 < 0) rc = n2;
    }
    /* Stage 3: O-Net on truncated boxes: final boxes and landmarks. */
    if (!rc && n2 > 0) {
        for (int i = 0; i < n2 * 5; i++) b2[i] = trunc(b2[i]);
        float *p2 = realloc(prob, sizeof(float) * 2 * n2), *r2 = realloc(reg, sizeof(float) * 4 * n2);
        if (p2) prob = p2;
        if (r2) reg = r2;
        lm = malloc(sizeof(float) * 10 * n2);
        b3 = malloc(sizeof(double) * 5 * n2);
        pts = malloc(sizeof(double) * 10 * n2);
        if (!p2 || !r2 || !lm || !b3 || !pts) rc = fc_fail(FC_ENOMEM, "mtcnn: out of memory");
        if (!rc) rc = run_crops(m, 2, rgb, w, h, b2, n2, prob, reg, lm);
        if (!rc) n3 = mtcnn_stage3(b2, n2, prob, reg, lm, o->thresh[2], b3, pts);
        if (n3 < 0) rc = n3;
    }
    if (!rc && n3 > 0) {
        fc_face_det *f = calloc((size_t)n3, sizeof *f);
        if (!f) rc = fc_fail(FC_ENOMEM, "mtcnn: out of memory");
        for (int i = 0; f && i < n3; i++) {
            memcpy(f[i].box, b3 + (size_t)i * 5, sizeof(double) * 4);
            f[i].score = b3[(size_t)i * 5 + 4];
            for (int p = 0; p < 5; p++) {
                f[i].pts[2 * p] = pts[(size_t)i * 10 + p];
                f[i].pts[2 * p + 1] = pts[(size_t)i * 10 + 5 + p];
            }
        }
        if (f) {
            *faces = f;
            *nfaces = n3;
        }
    }
    free(cand); free(in); free(c); free(pick); free(b1); free(b2); free(b3); free(pts);
    free(prob); free(reg); free(lm);
    return rc;
}
