/* Unit tests of the study modules: dataset loading and filters, the error analysis on a hand case, the
 * study cache (resume gives the same numbers; another seed misses), the cross-dataset table, and face
 * thumbnails from boxes that are not finite or absurdly far out (a faces.tsv of NaN / 1e30 boxes overflowed
 * int arithmetic in the report's thumbnail writer: UBSan "signed integer overflow" at thumb.c); the report now
 * cuts its thumbnails with fc_face_thumbnail (FC_THUMB_PAD), so that is what is checked. */
#include "harness.h"

#include "facecluster/dataset.h"
#include "facecluster/errors.h"
#include "facecluster/npy.h"
#include "facecluster/report.h"
#include "facecluster/rng.h"
#include "facecluster/study.h"
#include "facecluster/image.h"
#include "facecluster/html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

/* Writes a dataset folder: n points in k well separated blobs (identity i%k), with faces.tsv naming
 * every 5th file "...glasses" and the next "...noglasses". */
static void make_set(const char *dir, size_t n, size_t k, int with_faces, size_t truth_lines)
{
    mkdir(dir, 0777);
    float *x = calloc(n * 8, sizeof(float));
    fc_rng r;
    fc_rng_init(&r, 7);
    for (size_t i = 0; i < n; i++) {
        size_t id = i % k;
        x[i * 8 + id % 8] = 3.0f;
        for (int d = 0; d < 8; d++)
            x[i * 8 + d] += (float)(0.05 * fc_rng_normal(&r));
    }
    char p[512];
    snprintf(p, sizeof p, "%s/emb.npy", dir);
    fc_npy_write_f32_raw(p, x, n, 8);
    free(x);
    snprintf(p, sizeof p, "%s/truth.txt", dir);
    FILE *fp = fopen(p, "w");
    for (size_t i = 0; i < truth_lines; i++)
        fprintf(fp, "person%zu\n", i % k);
    fclose(fp);
    if (with_faces) {
        snprintf(p, sizeof p, "%s/faces.tsv", dir);
        fp = fopen(p, "w");
        fprintf(fp, "relpath\tperson\tx1\ty1\tx2\ty2\tscore\n");
        for (size_t i = 0; i < n; i++)
            fprintf(fp, "person%zu/img%zu%s\tperson%zu\t%zu\t1\t%zu\t20\t0.99\n", i % k, i,
                    i % 5 == 0 ? ".glasses" : i % 5 == 1 ? ".noglasses" : ".jpg", i % k, i, i + 10);
        fclose(fp);
    }
}

static void test_glasses_names(void)
{
    CHECK(fc_glasses_from_name("subject01/subject01.glasses") == 1);
    CHECK(fc_glasses_from_name("subject01/subject01.noglasses") == 0);
    CHECK(fc_glasses_from_name("subject01/subject01.happy") == -1);
    CHECK(fc_glasses_from_name("glasses_folder/a.noglasses") == 0); /* the file name decides */
    CHECK(fc_glasses_from_name("glasses_folder/a.jpg") == -1);
}

static void test_dataset_load_filter(void)
{
    char dir[400];
    snprintf(dir, sizeof dir, "%s/set1", tmpdir);
    make_set(dir, 23, 5, 1, 23); /* person0..2 have 5 rows, person3..4 have 4 */
    fc_dataset d;
    CHECK(fc_dataset_load(dir, "set1", "/photos", &d) == 0);
    CHECK(d.X.rows == 23 && d.X.cols == 8 && d.truth.k == 5);
    double norm = 0;
    for (size_t c = 0; c < 8; c++)
        norm += fc_mat_row(&d.X, 7)[c] * fc_mat_row(&d.X, 7)[c];
    CHECK_NEAR(norm, 1.0, 1e-12);
    CHECK(d.image && !strcmp(d.image[6], "person1/img6.noglasses"));
    CHECK(d.box && d.box[4 * 6 + 0] == 6 && d.box[4 * 6 + 2] == 16 && d.box[4 * 6 + 3] == 20);
    CHECK(d.glasses[5] == 1 && d.glasses[6] == 0 && d.glasses[7] == -1);
    CHECK(d.has_glasses == 10);
    CHECK(!strcmp(d.image_root, "/photos"));
    CHECK(fc_dataset_filter_min_images(&d, 5) == 0);
    CHECK(d.X.rows == 15 && d.truth.k == 3);
    int ok = 1;
    for (size_t i = 0; i < d.X.rows; i++) {
        /* image name, identity and box stay aligned with the row */
        int idx = atoi(strstr(d.image[i], "img") + 3);
        char want[32];
        snprintf(want, sizeof want, "person%d", idx % 5);
        ok &= !strcmp(d.truth.names[d.truth.ids[i]], want) && d.box[4 * i] == idx && idx % 5 < 3;
        ok &= d.glasses[i] == fc_glasses_from_name(d.image[i]);
    }
    CHECK(ok);
    CHECK(fc_dataset_limit_identities(&d, 2, 0) == 0);
    CHECK(d.truth.k == 2 && d.X.rows == 10);
    char first[64];
    snprintf(first, sizeof first, "%s", d.image[0]);
    fc_dataset_free(&d);
    /* the same seed picks the same people */
    CHECK(fc_dataset_load(dir, "set1", NULL, &d) == 0);
    fc_dataset_filter_min_images(&d, 5);
    fc_dataset_limit_identities(&d, 2, 0);
    CHECK(!strcmp(first, d.image[0]));
    CHECK(fc_dataset_filter_min_images(&d, 100) == FC_EARG); /* nothing left: an error, data untouched */
    CHECK(d.X.rows == 10);
    fc_dataset_free(&d);
    /* truth.txt with a different row count is refused with the file named */
    snprintf(dir, sizeof dir, "%s/set2", tmpdir);
    make_set(dir, 10, 2, 0, 9);
    CHECK(fc_dataset_load(dir, "set2", NULL, &d) == FC_EFORMAT);
    CHECK(strstr(fc_last_error(), "truth.txt") != NULL);
}

static void test_errors_hand_case(void)
{
    /* rows 0-2 person 0, rows 3-4 person 1, row 5 person 2 */
    double pts[6][2] = {{0, 0}, {0, 1}, {5, 0}, {5, 1}, {5, 3}, {9, 9}};
    fc_mat X;
    fc_mat_alloc(&X, 6, 2);
    memcpy(X.data, pts, sizeof pts);
    int truth[6] = {0, 0, 0, 1, 1, 2}, labels[6] = {0, 0, 1, 1, 1, -1};
    int glasses[6] = {1, 0, -1, -1, -1, -1};
    fc_error_report e;
    CHECK(fc_errors_analyze(&X, truth, labels, glasses, 8, &e) == 0);
    CHECK(e.k_true == 3 && e.k_found == 3); /* the noise row is a cluster of its own */
    CHECK(e.tp == 2 && e.fp == 2 && e.fn == 2);
    CHECK(e.n_merges == 1 && e.merges[0].cluster == 1 && e.merges[0].size == 3 && e.merges[0].n_ids == 2);
    CHECK(e.merges[0].bad_pairs == 2);
    CHECK_NEAR(e.merges[0].dist, 1.0, 1e-12); /* rows 2 and 3 */
    CHECK((e.merges[0].row_a == 2 && e.merges[0].row_b == 3) || (e.merges[0].row_a == 3 && e.merges[0].row_b == 2));
    CHECK(e.n_splits == 1 && e.splits[0].identity == 0 && e.splits[0].n_clusters == 2 && e.splits[0].bad_pairs == 2);
    CHECK_NEAR(e.splits[0].dist, 5.0, 1e-12); /* row 0 (0,0) to row 2 (5,0) */
    CHECK(e.g_cross_pairs == 1 && e.g_cross_split == 0);
    CHECK(e.g_with_pairs == 2 && e.g_with_split == 1);
    CHECK(e.g_without_pairs == 1 && e.g_without_split == 1);
    CHECK(e.labels_used[5] == 2);
    fc_errors_free(&e);
    /* a perfect clustering has no errors */
    int perfect[6] = {4, 4, 4, 7, 7, 9};
    CHECK(fc_errors_analyze(&X, truth, perfect, NULL, 8, &e) == 0);
    CHECK(e.n_merges == 0 && e.n_splits == 0 && e.fp == 0 && e.fn == 0 && e.tp == 4);
    fc_errors_free(&e);
    fc_mat_free(&X);
}

static void test_study_cache(void)
{
    char dir[400], cache[400];
    snprintf(dir, sizeof dir, "%s/set3", tmpdir);
    snprintf(cache, sizeof cache, "%s/cache3", tmpdir);
    make_set(dir, 60, 6, 1, 60);
    fc_dataset d;
    CHECK(fc_dataset_load(dir, "set3", NULL, &d) == 0);
    fc_study_config c;
    fc_study_config_init(&c);
    c.runs = 3;
    c.sweep_lo = 0.5, c.sweep_hi = 0.7, c.sweep_step = 0.1;
    c.progress = 0;
    c.cache_dir = cache;
    fc_study a, b, s2;
    CHECK(fc_study_run(&d, &c, &a) == 0);
    CHECK(a.njobs == 6 + 3 + 3 + 3 && a.groups == 11 && a.groups_cached == 0);
    CHECK(!strcmp(a.jobs[0].method->name, "kmeans") && a.jobs[0].k_mode == FC_K_TRUE);
    CHECK(!strcmp(a.jobs[3].method->name, "kmeans") && a.jobs[3].k_mode == FC_K_AUTO);
    CHECK(!strcmp(a.jobs[6].method->name, "dbscan") && a.jobs[6].params.min_samples == 1);
    long best = fc_study_best(&a, "dbscan", FC_K_TRUE);
    CHECK(best >= 6 && best <= 8 && a.results[best].mean.ari > 0.99); /* well separated blobs */
    c.resume = 1;
    CHECK(fc_study_run(&d, &c, &b) == 0);
    CHECK(b.groups_cached == 11);
    int same = b.njobs == a.njobs;
    for (size_t j = 0; same && j < a.njobs; j++)
        for (int i = 0; i < FC_NUM_SCORES; i++) {
            double x = fc_scores_get(&a.results[j].mean, i), y = fc_scores_get(&b.results[j].mean, i);
            same &= (isnan(x) && isnan(y)) || x == y;
            same &= a.results[j].runs_ok == b.results[j].runs_ok && a.results[j].k_used_mean == b.results[j].k_used_mean;
        }
    CHECK(same);
    c.seed = 9; /* another protocol: nothing to reuse */
    CHECK(fc_study_run(&d, &c, &s2) == 0);
    CHECK(s2.groups_cached == 0);
    fc_study_free(&s2);
    /* big-set budget: large_runs for the listed slow methods, skipped settings left out */
    c.seed = 0;
    c.cache_dir = NULL;
    c.large_n = 10, c.large_runs = 2;
    snprintf(c.large_slow, sizeof c.large_slow, "kmeans");
    snprintf(c.large_skip, sizeof c.large_skip, "spectral@auto,hdbscan");
    CHECK(fc_study_run(&d, &c, &s2) == 0);
    CHECK(s2.njobs == 15 - 2);
    CHECK(s2.results[0].runs == 2 && s2.results[1].runs == 3);
    int has_spectral_auto = 0;
    for (size_t j = 0; j < s2.njobs; j++)
        has_spectral_auto |= !strcmp(s2.jobs[j].method->name, "spectral") && s2.jobs[j].k_mode == FC_K_AUTO;
    CHECK(!has_spectral_auto);
    fc_study_free(&s2);

    /* The cross-dataset table: "personal" gets the paper's column. */
    snprintf(d.name, sizeof d.name, "personal");
    fc_report_item items[1] = {{&d, &a}};
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    CHECK(fc_report_write_table(fp, FC_FMT_MD, items, 1) == 0);
    fclose(fp);
    CHECK(strstr(buf, "| DBSCAN, best eps | 1.000 ± 0.000 (0.5) | 0.903 (0.8) |") != NULL);
    CHECK(strstr(buf, "| k-means (true K) |") != NULL && strstr(buf, "paper: personal_faces") != NULL);
    free(buf);
    fp = open_memstream(&buf, &len);
    CHECK(fc_report_write_table(fp, FC_FMT_TEX, items, 1) == 0);
    fclose(fp);
    CHECK(strstr(buf, "\\begin{tabular}{lrr}") != NULL && strstr(buf, "\\bottomrule") != NULL);
    CHECK(strstr(buf, "Chinese whispers (defaults) & $") != NULL);
    free(buf);
    fp = open_memstream(&buf, &len);
    CHECK(fc_report_write_table(fp, FC_FMT_JSON, items, 1) == 0);
    fclose(fp);
    CHECK(strstr(buf, "\"paper_ari\": 0.903000, \"paper_param\": 0.800000") != NULL);
    free(buf);
    CHECK(fc_paper_column("lfw3") == 1 && fc_paper_column("lfw3-part") == -1 && fc_paper_column("orl") == -1);
    fc_study_free(&a);
    fc_study_free(&b);
    fc_dataset_free(&d);
}

static void test_thumb_bad_box(void)
{
    char img[400], out[400];
    snprintf(img, sizeof img, "%s/thumb_src.jpg", tmpdir);
    snprintf(out, sizeof out, "%s/thumb_out.jpg", tmpdir);
    uint8_t rgb[40 * 30 * 3];
    for (size_t i = 0; i < sizeof rgb; i++)
        rgb[i] = (uint8_t)(i * 7);
    void *buf = NULL;
    size_t len = 0;
    CHECK(fc_image_encode_jpeg(rgb, 40, 30, 90, &buf, &len) == 0);
    FILE *fp = fopen(img, "wb");
    CHECK(fp && fwrite(buf, 1, len, fp) == len);
    if (fp)
        fclose(fp);
    free(buf);
    const double good[4] = {5, 5, 25, 20};
    CHECK(fc_face_thumbnail(img, good[0], good[1], good[2], good[3], 0, 0, 0.25, 32, FC_THUMB_PAD, out) == FC_OK);
    const double bad[][4] = {{NAN, NAN, NAN, NAN}, {1e30, -1e30, 1e308, 1e308}, {5, 5, INFINITY, 20},
                             {-1e12, -1e12, -1e12 + 10, -1e12 + 10}};
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        unlink(out);
        CHECK(fc_face_thumbnail(img, bad[b][0], bad[b][1], bad[b][2], bad[b][3], 0, 0, 0.25, 32, FC_THUMB_PAD, out) ==
              FC_EARG);
        CHECK(access(out, F_OK) != 0);
    }
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/fc_test_report_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        printf("FAIL test_report: cannot make a temporary folder\n");
        return 1;
    }
    RUN(test_glasses_names);
    RUN(test_dataset_load_filter);
    RUN(test_errors_hand_case);
    RUN(test_study_cache);
    RUN(test_thumb_bad_box);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return th_fail ? 1 : 0;
}
