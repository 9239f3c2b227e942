/* bench_nn.c — inference speed: MobileFaceNet faces/s at batch 1 and 32 on all cores, the achieved
 * multiply-add rate as a fraction of a plain OpenBLAS SGEMM's rate measured in the same run, and MTCNN
 * P-Net time on a 250×250 and a 1920×1080 image (the largest pyramid level, and the whole pyramid).
 * Usage: bench_nn [--quick] [--threads N]   (models searched as usual: $FACECLUSTER_MODELS, models/, ...) */
#include "facecluster/embedder.h"
#include "facecluster/nn.h"
#include "nn/nn_internal.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Rates are reported two ways: by wall clock, and per CPU-second (work / CPU time of the process): on a
 * shared machine waiting for a core is not the engine's cost, and the ratio to SGEMM per CPU-second is
 * the engine's efficiency whatever else runs. */
typedef struct {
    double wall, cpu;
} rate2;

/* Practical peak: square SGEMM of size n, best of several runs, in multiply-adds per second. */
static rate2 sgemm_rate(int n, int reps, int threads)
{
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
    for (int i = 0; i < n * n; i++)
        a[i] = (float)(i % 7) * 0.1f, b[i] = (float)(i % 5) * 0.1f;
    rate2 best = {0, 0};
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
    for (int r = 0; r < reps; r++) {
        double t = fc_now(), u = cpu_now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        t = fc_now() - t, u = cpu_now() - u;
        double macs = (double)n * n * n;
        best.wall = fmax(best.wall, macs / t);
        best.cpu = fmax(best.cpu, macs / u);
    }
    free(a), free(b), free(c);
    return best;
}

static rate2 mfn_rate(fc_nn_model *m, int batch, int min_faces, double *macs_per_face, int threads)
{
    fc_nn_resize_input(m, 0, batch, 112, 112, 3);
    fc_nn_stats st;
    fc_nn_stats_get(m, &st);
    *macs_per_face = st.macs / batch;
    fc_nn_tensor_info in;
    fc_nn_input_info(m, 0, &in);
    float *x = fc_nn_input_data(m, 0);
    for (size_t i = 0; i < in.count; i++)
        x[i] = (float)((i * 2654435761u) % 256) / 128.0f - 1.0f;
    fc_nn_run(m); /* warm-up */
    int runs = (min_faces + batch - 1) / batch;
    rate2 best = {0, 0};
    for (int rep = 0; rep < 3; rep++) { /* best of 3 rounds */
        double t = fc_now(), u = cpu_now();
        for (int r = 0; r < runs; r++)
            fc_nn_run(m);
        t = fc_now() - t, u = cpu_now() - u;
        best.wall = fmax(best.wall, batch * runs / t);
        best.cpu = fmax(best.cpu, batch * runs / u);
    }
    return best;
}

static rate2 pnet_time(fc_nn_model *m, int w, int h, int pyramid, int *levels, int threads)
{
    /* FaceNet's pyramid: scale 12/minsize (minsize 20), factor 0.709, while min side * scale >= 12 */
    double s = 12.0 / 20, minl = (w < h ? w : h) * s;
    rate2 total = {0, 0};
    *levels = 0;
    while (minl >= 12) {
        int hs = (int)ceil(h * s), ws = (int)ceil(w * s);
        /* MTCNN tensors are transposed images: [1, W, H, 3] */
        if (fc_nn_resize_input(m, 0, 1, ws, hs, 3) == 0) {
            float *x = fc_nn_input_data(m, 0);
            fc_nn_tensor_info in;
            fc_nn_input_info(m, 0, &in);
            for (size_t i = 0; i < in.count; i++)
                x[i] = (float)(i % 255) / 127.5f - 1.0f;
            fc_nn_run(m); /* warm-up / plan */
            rate2 best = {1e30, 1e30};
            for (int r = 0; r < 3; r++) {
                double t = fc_now(), u = cpu_now();
                fc_nn_run(m);
                t = fc_now() - t, u = cpu_now() - u;
                best.wall = fmin(best.wall, t);
                best.cpu = fmin(best.cpu, u);
            }
            total.wall += best.wall;
            total.cpu += best.cpu;
        }
        (*levels)++;
        if (!pyramid)
            break;
        s *= 0.709;
        minl *= 0.709;
    }
    return total;
}

int main(int argc, char **argv)
{
    int quick = 0, threads = 0, profile = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else if (!strcmp(argv[i], "--profile"))
            profile = 1;
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
    }
    fc_nn_set_threads(threads);
    openblas_set_num_threads(fc_nn_threads()); /* the SGEMM reference uses the same cores */
    char path[4096];
    fc_nn_model *mfn = NULL, *pnet = NULL;
    if (fc_nn_find_model(NULL, "MobileFaceNet.tflite", path, sizeof path) || fc_nn_load(path, &mfn) ||
        fc_nn_find_model(NULL, "pnet.tflite", path, sizeof path) || fc_nn_load(path, &pnet)) {
        printf("bench_nn: skipped: %s\n", fc_last_error());
        return 0;
    }
    int nt = fc_nn_threads();
    if (profile) { /* CPU time per op kind, MobileFaceNet batch 32 on the intra-op path */
        double mpf0;
        mfn->profile = calloc((size_t)mfn->nops, sizeof(double));
        mfn_rate(mfn, 32, 32, &mpf0, nt);
        double by[128] = {0}, mac[128] = {0}, tot = 0;
        for (int k = 0; k < mfn->nops; k++)
            if (!mfn->ops[k].dead && mfn->ops[k].code < 128) {
                by[mfn->ops[k].code] += mfn->profile[k];
                mac[mfn->ops[k].code] += mfn->ops[k].macs;
                tot += mfn->profile[k];
            }
        for (int c = 0; c < 128; c++)
            if (by[c] > 0)
                printf("  %-20s %5.1f%% of CPU time  %.1f GMAC per CPU-second\n", nn_op_name(c), 100 * by[c] / tot,
                       mac[c] * 4 / by[c] / 1e9); /* 4 runs (warm-up + 3) of the batch-32 graph */
        free(mfn->profile);
        mfn->profile = NULL;
    }
    int n = quick ? 768 : 1536;
    rate2 peak = sgemm_rate(n, quick ? 3 : 5, nt);
    double mpf;
    rate2 f1 = mfn_rate(mfn, 1, quick ? 16 : 64, &mpf, nt);
    rate2 f32 = mfn_rate(mfn, 32, quick ? 64 : 256, &mpf, nt);
    rate2 peak2 = sgemm_rate(n, quick ? 3 : 5, nt); /* again, after: take the better */
    peak.wall = fmax(peak.wall, peak2.wall);
    peak.cpu = fmax(peak.cpu, peak2.cpu);
    double load[3] = {0, 0, 0};
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = 0;
        fclose(la);
    }
    printf("\nTFLite engine: %d threads, %ld cores, load average %.1f (wall: per elapsed second; cpu: per CPU-second)\n",
           nt, sysconf(_SC_NPROCESSORS_ONLN), load[0]);
    printf("%-36s %10s %10s %10s %10s %9s %9s\n", "case", "faces/s", "faces/s", "GMAC/s", "GMAC/s", "% SGEMM",
           "% SGEMM");
    printf("%-36s %10s %10s %10s %10s %9s %9s\n", "", "wall", "cpu", "wall", "cpu", "wall", "cpu");
    printf("%-36s %10s %10s %10.1f %10.1f %8.0f%% %8.0f%%\n", "OpenBLAS SGEMM (practical peak)", "-", "-",
           peak.wall / 1e9, peak.cpu / 1e9, 100.0, 100.0);
    rate2 *cases[2] = {&f1, &f32};
    const char *names[2] = {"MobileFaceNet 112x112, batch 1", "MobileFaceNet 112x112, batch 32"};
    for (int i = 0; i < 2; i++)
        printf("%-36s %10.1f %10.1f %10.1f %10.1f %8.1f%% %8.1f%%\n", names[i], cases[i]->wall, cases[i]->cpu,
               cases[i]->wall * mpf / 1e9, cases[i]->cpu * mpf / 1e9, 100 * cases[i]->wall * mpf / peak.wall,
               100 * cases[i]->cpu * mpf / peak.cpu);
    printf("(MobileFaceNet: %.1f M multiply-adds per face; SGEMM %dx%dx%d)\n\n", mpf / 1e6, n, n, n);
    printf("%-44s %10s %10s %8s\n", "MTCNN P-Net (transposed input)", "ms wall", "CPU ms", "levels");
    static const int sz[2][2] = {{250, 250}, {1920, 1080}};
    for (int i = 0; i < 2; i++) {
        int lv;
        rate2 t1 = pnet_time(pnet, sz[i][0], sz[i][1], 0, &lv, nt);
        char name[64];
        snprintf(name, sizeof name, "%dx%d, largest level (scale 0.6)", sz[i][0], sz[i][1]);
        printf("%-44s %10.1f %10.1f %8d\n", name, t1.wall * 1e3, t1.cpu * 1e3, lv);
        rate2 t = pnet_time(pnet, sz[i][0], sz[i][1], 1, &lv, nt);
        snprintf(name, sizeof name, "%dx%d, whole pyramid (min face 20)", sz[i][0], sz[i][1]);
        printf("%-44s %10.1f %10.1f %8d\n", name, t.wall * 1e3, t.cpu * 1e3, lv);
    }
    fc_nn_free(mfn);
    fc_nn_free(pnet);
    return 0;
}
