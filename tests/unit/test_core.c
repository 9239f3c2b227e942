/* test_core.c — npy round trips and malformed files, label files, RNG, matrix helpers. */
#include "harness.h"
#include "facecluster/core.h"
#include "facecluster/labels.h"
#include "facecluster/npy.h"
#include "facecluster/rng.h"

static char tmpdir[256];

static const char *tmp(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    fwrite(data, 1, n, fp);
    fclose(fp);
}

static void test_npy_roundtrip(void)
{
    fc_mat m, back;
    fc_mat_alloc(&m, 3, 4);
    for (size_t i = 0; i < 12; i++)
        m.data[i] = (double)i * 0.25 - 1.0;
    CHECK(fc_npy_write_f32(tmp("a.npy"), &m) == 0);
    CHECK(fc_npy_read_matrix(tmp("a.npy"), &back) == 0);
    CHECK(back.rows == 3 && back.cols == 4);
    for (size_t i = 0; i < 12; i++)
        CHECK(back.data[i] == m.data[i]);
    fc_mat_free(&back);
    CHECK(fc_npy_write_f64(tmp("b.npy"), &m) == 0);
    CHECK(fc_npy_read_matrix(tmp("b.npy"), &back) == 0);
    CHECK(back.rows == 3 && back.cols == 4 && back.data[11] == m.data[11]);
    fc_mat_free(&back);
    fc_mat_free(&m);
}

static void test_npy_fortran_and_bigendian(void)
{
    /* 2x3 float64 big-endian Fortran order: stored column by column. */
    const char *hdr = "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }";
    unsigned char buf[256] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    size_t hl = strlen(hdr);
    buf[8] = (unsigned char)hl;
    memcpy(buf + 10, hdr, hl);
    size_t off = 10 + hl;
    double vals[6] = {1, 4, 2, 5, 3, 6}; /* column-major of [[1,2,3],[4,5,6]] */
    for (int i = 0; i < 6; i++) {
        unsigned char le[8];
        memcpy(le, &vals[i], 8);
        for (int b = 0; b < 8; b++)
            buf[off + i * 8 + b] = le[7 - b];
    }
    write_bytes(tmp("f.npy"), buf, off + 48);
    fc_mat m;
    CHECK(fc_npy_read_matrix(tmp("f.npy"), &m) == 0);
    CHECK(m.rows == 2 && m.cols == 3);
    if (m.data) {
        CHECK(m.data[0] == 1 && m.data[1] == 2 && m.data[2] == 3 && m.data[3] == 4 && m.data[5] == 6);
    }
    fc_mat_free(&m);
}

static void test_npy_malformed(void)
{
    fc_mat m;
    write_bytes(tmp("bad1.npy"), "hello world", 11);
    CHECK(fc_npy_read_matrix(tmp("bad1.npy"), &m) == FC_EFORMAT);
    CHECK(strstr(fc_last_error(), "bad1.npy") != NULL);
    CHECK(fc_npy_read_matrix(tmp("does-not-exist.npy"), &m) == FC_EIO);
    /* a valid header promising more data than the file holds */
    fc_mat big;
    fc_mat_alloc(&big, 10, 10);
    fc_npy_write_f32(tmp("trunc.npy"), &big);
    fc_mat_free(&big);
    CHECK(truncate(tmp("trunc.npy"), 200) == 0);
    CHECK(fc_npy_read_matrix(tmp("trunc.npy"), &m) == FC_EFORMAT);
    CHECK(strstr(fc_last_error(), "truncated") != NULL);
    const char *hdr = "\x93NUMPY\x01\x00\x30\x00{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }";
    write_bytes(tmp("complex.npy"), hdr, strlen(hdr + 10) + 10);
    CHECK(fc_npy_read_matrix(tmp("complex.npy"), &m) == FC_EFORMAT);
}

/* Writes a version-1.0 .npy with the given header dict and `data_bytes` zero bytes of data. */
static void write_npy_raw(const char *path, const char *dict, size_t data_bytes)
{
    unsigned char buf[512] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    size_t hl = strlen(dict);
    buf[8] = (unsigned char)hl;
    memcpy(buf + 10, dict, hl);
    FILE *fp = fopen(path, "wb");
    fwrite(buf, 1, 10 + hl, fp);
    for (size_t i = 0; i < data_bytes; i++)
        fputc(0, fp);
    fclose(fp);
}

/* Headers that disagree with the data or describe something other than an N x D matrix (found by a
 * newcomer's break-it pass: each was loaded, mis-loaded or mis-reported before). */
static void test_npy_header_checks(void)
{
    fc_mat m;
    write_npy_raw(tmp("oned.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (192,), }", 192 * 4);
    CHECK(fc_npy_read_matrix(tmp("oned.npy"), &m) == FC_EFORMAT);
    CHECK(strstr(fc_last_error(), "oned.npy") && strstr(fc_last_error(), "1-D"));
    write_npy_raw(tmp("huge.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 192), }", 4096);
    CHECK(fc_npy_read_matrix(tmp("huge.npy"), &m) == FC_EFORMAT);
    CHECK(strstr(fc_last_error(), "huge.npy") && strstr(fc_last_error(), "truncated"));
    write_npy_raw(tmp("short_hdr.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (40, 2), }", 79 * 2 * 4);
    CHECK(fc_npy_read_matrix(tmp("short_hdr.npy"), &m) == FC_EFORMAT);
    CHECK(strstr(fc_last_error(), "short_hdr.npy") && strstr(fc_last_error(), "more data"));
    write_npy_raw(tmp("neg.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (-5, 2), }", 40);
    CHECK(fc_npy_read_matrix(tmp("neg.npy"), &m) == FC_EFORMAT);
    CHECK(strstr(fc_last_error(), "neg.npy") && strstr(fc_last_error(), "bad .npy shape"));
    write_npy_raw(tmp("f16.npy"), "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", 8);
    CHECK(fc_npy_read_matrix(tmp("f16.npy"), &m) == FC_EFORMAT);
    CHECK(strstr(fc_last_error(), "dtype '<f2' (need") != NULL);
    write_npy_raw(tmp("ok.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", 24);
    CHECK(fc_npy_read_matrix(tmp("ok.npy"), &m) == 0 && m.rows == 3 && m.cols == 2);
    fc_mat_free(&m);
}

static void test_truth_file(void)
{
    write_bytes(tmp("t.txt"), "bob\nalice\nbob\r\ncarol\n\n", 22);
    fc_truth t;
    CHECK(fc_truth_read(tmp("t.txt"), 0, 0, &t) == 0);
    CHECK(t.n == 4 && t.k == 3);
    CHECK(t.ids[0] == 0 && t.ids[1] == 1 && t.ids[2] == 0 && t.ids[3] == 2);
    CHECK(strcmp(t.names[2], "carol") == 0);
    fc_truth_free(&t);
    write_bytes(tmp("t.tsv"), "path\tid\na.jpg\tx\nb.jpg\ty\nc.jpg\tx\n", 33);
    CHECK(fc_truth_read(tmp("t.tsv"), 2, 1, &t) == 0);
    CHECK(t.n == 3 && t.k == 2 && t.ids[2] == 0);
    fc_truth_free(&t);
    write_bytes(tmp("gap.txt"), "a\n\nb\n", 5);
    CHECK(fc_truth_read(tmp("gap.txt"), 0, 0, &t) == FC_EFORMAT);
}

static void test_pred_roundtrip(void)
{
    int lab[5] = {3, -1, 3, 0, 7}, *back = NULL;
    size_t n = 0;
    CHECK(fc_pred_write(tmp("p.txt"), lab, 5) == 0);
    CHECK(fc_pred_read(tmp("p.txt"), &back, &n) == 0);
    CHECK(n == 5 && back && back[1] == -1 && back[4] == 7);
    CHECK(fc_labels_canonical(back, n) == 3);
    CHECK(back[0] == 0 && back[2] == 0 && back[3] == 1 && back[4] == 2 && back[1] == -1);
    free(back);
    write_bytes(tmp("pbad.txt"), "1\nx\n", 4);
    CHECK(fc_pred_read(tmp("pbad.txt"), &back, &n) == FC_EFORMAT);
}

static void test_rng(void)
{
    fc_rng a, b;
    fc_rng_init(&a, 42);
    fc_rng_init(&b, 42);
    for (int i = 0; i < 100; i++)
        CHECK(fc_rng_next(&a) == fc_rng_next(&b));
    double mean = 0, var = 0;
    int counts[7] = {0};
    for (int i = 0; i < 70000; i++) {
        double u = fc_rng_uniform(&a);
        CHECK(u >= 0 && u < 1);
        counts[fc_rng_below(&a, 7)]++;
        double z = fc_rng_normal(&a);
        mean += z;
        var += z * z;
    }
    mean /= 70000;
    var = var / 70000 - mean * mean;
    CHECK(fabs(mean) < 0.02 && fabs(var - 1) < 0.03);
    for (int i = 0; i < 7; i++)
        CHECK(counts[i] > 9500 && counts[i] < 10500);
}

static void test_normalize(void)
{
    fc_mat m;
    fc_mat_alloc(&m, 2, 2);
    m.data[0] = 3;
    m.data[1] = 4;
    double dev = fc_mat_l2_normalize_rows(&m);
    CHECK_NEAR(m.data[0], 0.6, 1e-15);
    CHECK_NEAR(dev, (4.0 + 1.0) / 2, 1e-12); /* row 0 had norm 5, row 1 norm 0 */
    CHECK(m.data[2] == 0 && m.data[3] == 0);
    fc_mat_free(&m);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/fc_test_core_XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(test_npy_roundtrip);
    RUN(test_npy_fortran_and_bigendian);
    RUN(test_npy_malformed);
    RUN(test_npy_header_checks);
    RUN(test_truth_file);
    RUN(test_pred_roundtrip);
    RUN(test_rng);
    RUN(test_normalize);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd)) {}
    return th_fail ? 1 : 0;
}
