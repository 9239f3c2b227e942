/* npy_any.h — test helper: load a little-endian C-order .npy of any rank as doubles (u1, f4, f8, i4, i8). */
#ifndef FC_TEST_NPY_ANY_H
#define FC_TEST_NPY_ANY_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { int ndim; long shape[8]; size_t n; double *v; } npy_any;

static inline int npy_any_load(const char *path, npy_any *a)
{
    memset(a, 0, sizeof *a);
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    unsigned char pre[10];
    if (fread(pre, 1, 10, fp) != 10) { fclose(fp); return -1; }
    size_t hl = pre[8] | (pre[9] << 8);
    if (pre[6] >= 2) { unsigned char x[2]; if (fread(x, 1, 2, fp) != 2) { fclose(fp); return -1; } hl |= (size_t)x[0] << 16 | (size_t)x[1] << 24; }
    char *h = calloc(hl + 1, 1);
    if (fread(h, 1, hl, fp) != hl) { free(h); fclose(fp); return -1; }
    char *d = strstr(h, "'descr'"), *s = strstr(h, "'shape'");
    d = strchr(d + 7, '\''); char dt[8] = {0}; strncpy(dt, d + 1, 3);
    s = strchr(s, '(') + 1;
    a->n = 1;
    while (*s && *s != ')') {
        while (*s == ' ' || *s == ',') s++;
        if (*s == ')') break;
        long v = strtol(s, &s, 10);
        a->shape[a->ndim++] = v;
        a->n *= (size_t)v;
    }
    free(h);
    int sz = dt[2] - '0';
    unsigned char *raw = malloc(a->n * sz + 1);
    if (fread(raw, sz, a->n, fp) != a->n) { free(raw); fclose(fp); return -1; }
    fclose(fp);
    a->v = malloc(sizeof(double) * (a->n + 1));
    for (size_t i = 0; i < a->n; i++) {
        unsigned char *p = raw + i * sz;
        if (dt[1] == 'u' && sz == 1) a->v[i] = p[0];
        else if (dt[1] == 'f' && sz == 4) { float f; memcpy(&f, p, 4); a->v[i] = f; }
        else if (dt[1] == 'f' && sz == 8) { memcpy(&a->v[i], p, 8); }
        else if (dt[1] == 'i' && sz == 4) { int32_t x; memcpy(&x, p, 4); a->v[i] = x; }
        else if (dt[1] == 'i' && sz == 8) { int64_t x; memcpy(&x, p, 8); a->v[i] = (double)x; }
        else { free(raw); return -1; }
    }
    free(raw);
    return 0;
}

static inline void npy_any_free(npy_any *a) { free(a->v); a->v = NULL; }

static inline float *npy_any_f32(const npy_any *a)
{
    float *f = malloc(sizeof(float) * (a->n + 1));
    for (size_t i = 0; i < a->n; i++) f[i] = (float)a->v[i];
    return f;
}

#endif
