/* mtcnn_stages.h — the non-network stages of MTCNN, exposed for the golden stage-by-stage tests.
 * Box rows are doubles: x1, y1, x2, y2, score, then (stage 1 only) the four regression values. */
#ifndef FC_MTCNN_STAGES_H
#define FC_MTCNN_STAGES_H

#include <stdint.h>

#define MTCNN_MAX_SCALES 64

/* Pyramid scales for an h×w image: 12/min_size · factor^k while the shorter side stays >= 12. */
int mtcnn_scales(int w, int h, double min_size, double factor, double *scales);

/* P-Net level input: area-resize to ceil(w·s)×ceil(h·s), normalise, transpose → [ws][hs][3] floats. */
int mtcnn_pnet_input(const uint8_t *rgb, int w, int h, double scale, float *out, int *ws, int *hs);

/* Candidates from P-Net maps given in the net's transposed layout prob[W'][H'][2], reg[W'][H'][4]
 * (score index 1). Writes 9-column rows into out (room for W'·H'); returns the count. */
int mtcnn_generate(const float *prob, const float *reg, int Wp, int Hp, double scale, double thresh, double *out);

/* NMS over n rows of `stride` doubles; writes picked row indices in pick order; returns their count. */
int mtcnn_nms(const double *rows, int stride, int n, double thresh, int use_min, int *pick);

/* Squares each box around its centre on max(w, h) (columns 0..3 of rows of `stride`). */
void mtcnn_rerec(double *rows, int stride, int n);

/* Crops box (integer-valued x1..y2, FaceNet's 1-based convention, zero outside the image), area-resizes to
 * size×size and writes the normalised, transposed net input [size(x)][size(y)][3]. */
int mtcnn_crop(const uint8_t *rgb, int w, int h, const double *box, int size, float *out);

/* Stage 1 end: candidates (9 columns, all scales) → NMS 0.7 → regression → square → truncate.
 * In place; writes 5-column boxes into out; returns the count. `kept` (optional) receives the 9-column
 * rows after the NMS. */
int mtcnn_stage1_finish(double *cand, int n, double *out, double *kept);

/* Stage 2 from R-Net outputs prob[n][2], reg[n][4] for boxes[n][5]; writes up to n 5-column boxes into
 * out; returns the count. */
int mtcnn_stage2(const double *boxes, int n, const float *prob, const float *reg, double thresh, double *out);

/* Stage 3 from O-Net outputs for boxes[n][5] (already truncated): final boxes out[k][5] and points
 * pts[k][10] in MTCNN order (x1..x5, y1..y5), float-rounded as the reference does. Returns k. */
int mtcnn_stage3(const double *boxes, int n, const float *prob, const float *reg, const float *lm, double thresh,
                 double *out, double *pts);

#endif
