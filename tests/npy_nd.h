/* npy_nd.h — test helper: reads an N-d little-endian float32 / float64 / uint8 .npy array as floats. */
#ifndef FC_TEST_NPY_ND_H
#define FC_TEST_NPY_ND_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct npy_nd {
    int ndim;
    int dims[8];
    size_t count;
    float *data;
} npy_nd;

static inline int npy_nd_read(const char *path, npy_nd *a)
{
    memset(a, 0, sizeof *a);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char pre[10];
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6)) {
        fclose(f);
        return -1;
    }
    size_t hl = pre[8] | (pre[9] << 8);
    if (pre[6] >= 2) {
        unsigned char b2[2];
        if (fread(b2, 1, 2, f) != 2) {
            fclose(f);
            return -1;
        }
        hl |= ((size_t)b2[0] << 16) | ((size_t)b2[1] << 24);
    }
    char *h = calloc(hl + 1, 1);
    if (!h || fread(h, 1, hl, f) != hl) {
        free(h);
        fclose(f);
        return -1;
    }
    int esz = strstr(h, "'<f4'") ? 4 : strstr(h, "'<f8'") ? 8 : strstr(h, "'|u1'") ? 1 : 0;
    char *s = strstr(h, "'shape': (");
    if (!esz || !s || strstr(h, "'fortran_order': True")) {
        free(h);
        fclose(f);
        return -1;
    }
    s += 10;
    a->count = 1;
    while (*s && *s != ')') {
        long v = strtol(s, &s, 10);
        a->dims[a->ndim++] = (int)v;
        a->count *= (size_t)v;
        while (*s == ',' || *s == ' ')
            s++;
    }
    free(h);
    unsigned char *raw = malloc(a->count * esz + 1);
    a->data = malloc(a->count * sizeof(float) + 1);
    if (!raw || !a->data || fread(raw, (size_t)esz, a->count, f) != a->count) {
        free(raw);
        free(a->data);
        fclose(f);
        return -1;
    }
    fclose(f);
    for (size_t i = 0; i < a->count; i++) {
        if (esz == 4)
            memcpy(&a->data[i], raw + 4 * i, 4);
        else if (esz == 8) {
            double d;
            memcpy(&d, raw + 8 * i, 8);
            a->data[i] = (float)d;
        } else
            a->data[i] = raw[i];
    }
    free(raw);
    return 0;
}

static inline void npy_nd_free(npy_nd *a) { free(a->data); a->data = NULL; }

#endif
