/* align.c — least-squares similarity of the 5 landmarks onto the ArcFace template, then a bilinear warp. */
#include "facecluster/face.h"
#include "facecluster/resample.h"

#include <math.h>

const double fc_arcface_template[10] = {38.2946, 51.6963, 73.5318, 51.5014, 56.0252,
                                        71.7366, 41.5493, 92.3655, 70.7299, 92.2041};

int fc_align_similarity(const double *src, const double *dst, int n, double M[6])
{
    /* Closed form of Umeyama's estimate for 2-D: with centred points p, q, the best s·R is [[a, -b], [b, a]]
     * where a + ib = Σ conj(p)·q / Σ|p|² (complex-number view), i.e. the rotation and scale minimising
     * Σ |sRp + t - q|². */
    if (n < 2) return fc_fail(FC_EARG, "align: need at least 2 points");
    double ps[2] = {0, 0}, qs[2] = {0, 0};
    for (int i = 0; i < n; i++) {
        ps[0] += src[2 * i], ps[1] += src[2 * i + 1];
        qs[0] += dst[2 * i], qs[1] += dst[2 * i + 1];
    }
    ps[0] /= n, ps[1] /= n, qs[0] /= n, qs[1] /= n;
    double num_a = 0, num_b = 0, den = 0;
    for (int i = 0; i < n; i++) {
        double px = src[2 * i] - ps[0], py = src[2 * i + 1] - ps[1];
        double qx = dst[2 * i] - qs[0], qy = dst[2 * i + 1] - qs[1];
        num_a += px * qx + py * qy;
        num_b += px * qy - py * qx;
        den += px * px + py * py;
    }
    if (!(den > 1e-12)) return fc_fail(FC_EARG, "align: landmarks coincide");
    double a = num_a / den, b = num_b / den;
    M[0] = a, M[1] = -b, M[2] = qs[0] - (a * ps[0] - b * ps[1]);
    M[3] = b, M[4] = a, M[5] = qs[1] - (b * ps[0] + a * ps[1]);
    return FC_OK;
}

int fc_align_face(const uint8_t *rgb, int w, int h, const double pts[10], uint8_t *crop112)
{
    double M[6];
    int rc = fc_align_similarity(pts, fc_arcface_template, 5, M);
    if (rc) return rc;
    return fc_warp_affine_bilinear(rgb, w, h, M, crop112, 112, 112);
}
