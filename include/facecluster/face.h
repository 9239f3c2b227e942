/* face.h — face detection (MTCNN, as in FaceNet's aligner) and 5-point alignment.
 *
 * Contract:
 *  - fc_mtcnn_new loads pnet/rnet/onet.tflite (fc_nn_find_model search order). A detector is NOT
 *    thread-safe: use one per thread. It runs its nets with whatever engine thread count is set.
 *  - fc_mtcnn_detect follows FaceNet's detect_face exactly: pyramid from 12/min_size by factor 0.709 with
 *    OpenCV-style area resizing to ceil(h·s)×ceil(w·s); P-Net candidates (>= t0), NMS 0.5 per scale and 0.7
 *    across; regression with (x2 - x1); squaring; R-Net (> t1), NMS 0.7, regression with (x2 - x1 + 1);
 *    squaring; O-Net (> t2), landmarks, regression, NMS 0.7 "min". Boxes are (x1, y1, x2, y2) in the input
 *    image's pixel coordinates in FaceNet's convention; landmarks are (x, y) pairs: left eye, right eye,
 *    nose, left and right mouth corner. Faces come out in the detector's order (score-descending NMS picks).
 *  - fc_align_similarity estimates the least-squares similarity (rotation, uniform scale, translation; no
 *    reflection) mapping 5 points onto a template; fc_align_face warps to the ArcFace 112×112 template.
 */
#ifndef FACECLUSTER_FACE_H
#define FACECLUSTER_FACE_H

#include "facecluster/core.h"
#include "facecluster/image.h"

#include <stdint.h>

typedef struct fc_face_det {
    double box[4];  /* x1, y1, x2, y2 */
    double score;
    double pts[10]; /* x0, y0, x1, y1, ... for the 5 landmarks */
} fc_face_det;

typedef struct fc_mtcnn_opts {
    double min_size;      /* smallest face side in pixels (>= 12); default 20 */
    double factor;        /* pyramid factor, default 0.709 */
    double thresh[3];     /* default 0.6, 0.7, 0.7 */
} fc_mtcnn_opts;

typedef struct fc_mtcnn fc_mtcnn;

fc_mtcnn_opts fc_mtcnn_opts_default(void);
int fc_mtcnn_new(const char *models_dir, fc_mtcnn **out);
void fc_mtcnn_free(fc_mtcnn *m);
/* Detects faces in an RGB image. *faces is malloc'ed (free it), *n their count (0 is not an error). */
int fc_mtcnn_detect(fc_mtcnn *m, const uint8_t *rgb, int w, int h, const fc_mtcnn_opts *o, fc_face_det **faces,
                    int *n);

/* ArcFace / InsightFace 112×112 template (x, y pairs). */
extern const double fc_arcface_template[10];
/* Least-squares similarity src → dst (n points as x,y pairs); M is 2×3 row-major. */
int fc_align_similarity(const double *src, const double *dst, int n, double M[6]);
/* Aligns a face: crop of size×size (112 for the ArcFace template) RGB uint8. */
int fc_align_face(const uint8_t *rgb, int w, int h, const double pts[10], uint8_t *crop112);

#endif
