/* npy.c — NumPy .npy reader and writers (see npy.h).
 * The header is a Python dict literal; we parse just the three keys numpy always writes. */
#include "facecluster/npy.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef enum { T_F32, T_F64, T_I32, T_I64 } elem_type;

static int parse_header(const char *path, const char *h, elem_type *type, int *swap, int *fortran,
                        size_t shape[2], int *ndim)
{
    const char *d = strstr(h, "'descr'");
    if (!d || !(d = strchr(d + 7, '\'')))
        return fc_fail(FC_EFORMAT, "%s: .npy header has no 'descr'", path);
    d++;
    size_t dlen = strcspn(d, "'");
    char order = d[0], kind = d[1];
    int bytes = atoi(d + 2);
    if (order != '<' && order != '>' && order != '|' && order != '=')
        return fc_fail(FC_EFORMAT, "%s: unsupported .npy dtype '%.*s'", path, (int)(dlen < 16 ? dlen : 16), d);
    if (kind == 'f' && bytes == 4)
        *type = T_F32;
    else if (kind == 'f' && bytes == 8)
        *type = T_F64;
    else if (kind == 'i' && bytes == 4)
        *type = T_I32;
    else if (kind == 'i' && bytes == 8)
        *type = T_I64;
    else
        return fc_fail(FC_EFORMAT, "%s: unsupported .npy dtype '%.*s' (need float32, float64, int32 or int64)",
                       path, (int)(dlen < 16 ? dlen : 16), d);
    *swap = (order == '>');
    const char *f = strstr(h, "'fortran_order'");
    if (!f)
        return fc_fail(FC_EFORMAT, "%s: .npy header has no 'fortran_order'", path);
    f += 15;
    while (*f == ' ' || *f == ':')
        f++;
    *fortran = (strncmp(f, "True", 4) == 0);
    const char *s = strstr(h, "'shape'");
    if (!s || !(s = strchr(s, '(')))
        return fc_fail(FC_EFORMAT, "%s: .npy header has no 'shape'", path);
    s++;
    *ndim = 0;
    while (*s && *s != ')') {
        while (*s == ' ' || *s == ',')
            s++;
        if (*s == ')')
            break;
        if (*s == '-')
            return fc_fail(FC_EFORMAT, "%s: bad .npy shape (negative dimension)", path);
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (end == s || errno)
            return fc_fail(FC_EFORMAT, "%s: bad .npy shape", path);
        if (*ndim >= 2)
            return fc_fail(FC_EFORMAT, "%s: .npy array has more than 2 dimensions", path);
        shape[(*ndim)++] = (size_t)v;
        s = end;
    }
    if (*ndim == 0)
        return fc_fail(FC_EFORMAT, "%s: .npy array is a scalar, expected N x D", path);
    if (*ndim == 1) /* an embedding matrix is N x D; a lone vector is more likely a mistake than D = 1 */
        return fc_fail(FC_EFORMAT, "%s: .npy array is 1-D (shape (%zu,)); expected an N x D matrix "
                                   "(save one row as shape (1, D))", path, shape[0]);
    return FC_OK;
}

static void byteswap(unsigned char *p, size_t width)
{
    for (size_t i = 0; i < width / 2; i++) {
        unsigned char t = p[i];
        p[i] = p[width - 1 - i];
        p[width - 1 - i] = t;
    }
}

int fc_npy_read_matrix(const char *path, fc_mat *out)
{
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char pre[10];
    int rc = FC_OK;
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return fc_fail(FC_EIO, "%s: is a directory", path);
    }
    char *header = NULL;
    unsigned char *raw = NULL;
    if (fread(pre, 1, 8, fp) != 8 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        rc = fc_fail(FC_EFORMAT, "%s: not a .npy file", path);
        goto done;
    }
    size_t hlen;
    if (pre[6] == 1) {
        if (fread(pre + 8, 1, 2, fp) != 2)
            goto truncated;
        hlen = pre[8] | (size_t)pre[9] << 8;
    } else if (pre[6] == 2 || pre[6] == 3) {
        unsigned char b[4];
        if (fread(b, 1, 4, fp) != 4)
            goto truncated;
        hlen = b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 | (size_t)b[3] << 24;
        if (hlen > (1u << 24)) {
            rc = fc_fail(FC_EFORMAT, "%s: implausible .npy header length", path);
            goto done;
        }
    } else {
        rc = fc_fail(FC_EFORMAT, "%s: unsupported .npy version %d", path, pre[6]);
        goto done;
    }
    header = fc_malloc(hlen + 1, 1);
    if (!header) {
        rc = FC_ENOMEM;
        goto done;
    }
    if (fread(header, 1, hlen, fp) != hlen)
        goto truncated;
    header[hlen] = 0;
    elem_type type = T_F64;
    int swap = 0, fortran = 0, ndim = 0;
    size_t shape[2];
    if ((rc = parse_header(path, header, &type, &swap, &fortran, shape, &ndim)))
        goto done;
    size_t width = (type == T_F32 || type == T_I32) ? 4 : 8;
    size_t count = shape[0] * shape[1];
    if (shape[1] && (count / shape[1] != shape[0] || count > SIZE_MAX / width)) {
        rc = fc_fail(FC_EFORMAT, "%s: .npy shape (%zu, %zu) is too large", path, shape[0], shape[1]);
        goto done;
    }
    /* the header's shape must match the data that follows it, before anything is allocated from it */
    long data_at = ftell(fp);
    if (data_at >= 0 && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode)) {
        unsigned long long have = (unsigned long long)st.st_size - (unsigned long long)data_at;
        unsigned long long need = (unsigned long long)count * width;
        if (have < need) {
            rc = fc_fail(FC_EFORMAT, "%s: .npy file is truncated (shape (%zu, %zu) needs %llu bytes of data, the "
                                     "file holds %llu)", path, shape[0], shape[1], need, have);
            goto done;
        }
        if (have > need) {
            rc = fc_fail(FC_EFORMAT, "%s: .npy file holds more data than its shape (%zu, %zu) describes (%llu bytes, "
                                     "expected %llu)", path, shape[0], shape[1], have, need);
            goto done;
        }
    }
    raw = fc_malloc(count ? count : 1, width);
    if (!raw) {
        rc = FC_ENOMEM;
        goto done;
    }
    if (fread(raw, width, count, fp) != count)
        goto truncated;
    if ((rc = fc_mat_alloc(out, shape[0], shape[1])))
        goto done;
    for (size_t i = 0; i < count; i++) {
        unsigned char *p = raw + i * width;
        if (swap)
            byteswap(p, width);
        double v;
        switch (type) {
        case T_F32: { float f; memcpy(&f, p, 4); v = f; break; }
        case T_F64: memcpy(&v, p, 8); break;
        case T_I32: { int32_t x; memcpy(&x, p, 4); v = x; break; }
        default: { int64_t x; memcpy(&x, p, 8); v = (double)x; break; }
        }
        /* Fortran order stores columns contiguously: element i is (i % rows, i / rows). */
        size_t r = fortran ? i % shape[0] : i / shape[1], c = fortran ? i / shape[0] : i % shape[1];
        out->data[r * shape[1] + c] = v;
    }
    goto done;
truncated:
    rc = fc_fail(FC_EFORMAT, "%s: .npy file is truncated", path);
done:
    if (rc)
        fc_mat_free(out);
    free(header);
    free(raw);
    fclose(fp);
    return rc;
}

static int write_npy(const char *path, const char *descr, const void *data, size_t width, size_t rows,
                     size_t cols, int one_d)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot write: %s", path, strerror(errno));
    char dict[256];
    int n = one_d ? snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu,), }",
                             descr, rows)
                  : snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu, %zu), }",
                             descr, rows, cols);
    /* Pad with spaces so the data starts on a 64-byte boundary, ending the header with a newline. */
    size_t total = 10 + (size_t)n + 1, padded = (total + 63) / 64 * 64;
    size_t hlen = padded - 10;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff),
                             (unsigned char)(hlen >> 8)};
    int ok = fwrite(pre, 1, 10, fp) == 10 && fwrite(dict, 1, (size_t)n, fp) == (size_t)n;
    for (size_t i = (size_t)n; ok && i + 1 < hlen; i++)
        ok = fputc(' ', fp) != EOF;
    ok = ok && fputc('\n', fp) != EOF;
    ok = ok && fwrite(data, width, rows * cols, fp) == rows * cols;
    if (fclose(fp) != 0)
        ok = 0;
    return ok ? FC_OK : fc_fail(FC_EIO, "%s: write failed: %s", path, strerror(errno));
}

int fc_npy_write_f64(const char *path, const fc_mat *m)
{
    return write_npy(path, "<f8", m->data, 8, m->rows, m->cols, 0);
}

int fc_npy_write_f32_raw(const char *path, const float *data, size_t rows, size_t cols)
{
    return write_npy(path, "<f4", data, 4, rows, cols, 0);
}

int fc_npy_write_f32(const char *path, const fc_mat *m)
{
    float *f = fc_malloc(m->rows * m->cols, sizeof(float));
    if (!f)
        return FC_ENOMEM;
    for (size_t i = 0; i < m->rows * m->cols; i++)
        f[i] = (float)m->data[i];
    int rc = fc_npy_write_f32_raw(path, f, m->rows, m->cols);
    free(f);
    return rc;
}

int fc_npy_write_i32(const char *path, const int32_t *data, size_t n)
{
    return write_npy(path, "<i4", data, 4, n, 1, 1);
}
