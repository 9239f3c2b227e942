/* tflite_build.h — test helper: writes small TFLite (schema v3) flatbuffers from a list of tensors and
 * ops, so tests can run graphs the four shipped models do not contain. Objects are written parents
 * first (every uoffset then points forward, as the format requires); all table fields use 4-byte slots. */
#ifndef FC_TEST_TFLITE_BUILD_H
#define FC_TEST_TFLITE_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct tb_tensor {
    int ndim, dims[6];
    int type;          /* 0 float32, 1 float16, 2 int32 */
    const void *data;  /* constant data (NULL: activation) */
    const char *name;
} tb_tensor;

typedef struct tb_op {
    int code;
    int nin, in[4], nout, out[2];
    int nopt;          /* option fields 0..nopt-1 (4-byte slots; floats as bit patterns) */
    int32_t opt[8];
} tb_op;

typedef struct fbb {
    uint8_t *b;
    size_t n, cap;
} fbb;

static size_t fbb_put(fbb *f, const void *p, size_t k)
{
    while (f->n + k + 8 > f->cap) {
        f->cap = f->cap ? 2 * f->cap : 4096;
        f->b = realloc(f->b, f->cap);
    }
    size_t at = f->n;
    if (p)
        memcpy(f->b + at, p, k);
    else
        memset(f->b + at, 0, k);
    f->n += k;
    while (f->n % 4) /* keep 4-byte alignment */
        f->b[f->n++] = 0;
    return at;
}

static void fbb_set32(fbb *f, size_t at, uint32_t v) { memcpy(f->b + at, &v, 4); }
static void fbb_ref(fbb *f, size_t slot, size_t target) { fbb_set32(f, slot, (uint32_t)(target - slot)); }

/* vtable + table with nf 4-byte fields (mask bit i = field i present); returns the table position. */
static size_t fbb_table(fbb *f, int nf, unsigned mask)
{
    uint16_t vt[2 + 16];
    vt[0] = (uint16_t)(4 + 2 * nf);
    vt[1] = (uint16_t)(4 + 4 * nf);
    for (int i = 0; i < nf; i++)
        vt[2 + i] = (mask >> i & 1) ? (uint16_t)(4 + 4 * i) : 0;
    size_t vpos = fbb_put(f, vt, (size_t)vt[0]);
    size_t tpos = fbb_put(f, NULL, (size_t)vt[1]);
    fbb_set32(f, tpos, (uint32_t)(int32_t)(tpos - vpos));
    return tpos;
}
#define FSLOT(t, i) ((t) + 4 + 4 * (size_t)(i))

static size_t fbb_vec(fbb *f, const void *data, uint32_t n, size_t esz)
{
    size_t at = fbb_put(f, &n, 4);
    fbb_put(f, data, n * esz);
    return at;
}

/* Returns a malloc'ed model (size in *len). */
static uint8_t *tb_build(const tb_tensor *t, int nt, const tb_op *ops, int nops, const int *inputs, int nin,
                         const int *outputs, int nout, size_t *len)
{
    fbb f = {0};
    fbb_put(&f, NULL, 4);
    fbb_put(&f, "TFL3", 4);
    size_t model = fbb_table(&f, 5, 1 | 2 | 4 | 16);
    fbb_ref(&f, 0, model);
    fbb_set32(&f, FSLOT(model, 0), 3);
    /* operator codes: one per op (builtin_code in field 3, deprecated code in field 0) */
    uint32_t n = (uint32_t)nops;
    size_t codes = fbb_put(&f, &n, 4);
    fbb_put(&f, NULL, 4 * n);
    fbb_ref(&f, FSLOT(model, 1), codes);
    for (int i = 0; i < nops; i++) {
        size_t c = fbb_table(&f, 4, 1 | 8);
        fbb_set32(&f, FSLOT(c, 0), (uint32_t)(ops[i].code < 127 ? ops[i].code : 127));
        fbb_set32(&f, FSLOT(c, 3), (uint32_t)ops[i].code);
        fbb_ref(&f, codes + 4 + 4 * (size_t)i, c);
    }
    n = 1;
    size_t sgs = fbb_put(&f, &n, 4);
    fbb_put(&f, NULL, 4);
    fbb_ref(&f, FSLOT(model, 2), sgs);
    size_t sg = fbb_table(&f, 5, 1 | 2 | 4 | 8);
    fbb_ref(&f, sgs + 4, sg);
    size_t vin = fbb_vec(&f, inputs, (uint32_t)nin, 4), vout = fbb_vec(&f, outputs, (uint32_t)nout, 4);
    fbb_ref(&f, FSLOT(sg, 1), vin);
    fbb_ref(&f, FSLOT(sg, 2), vout);
    n = (uint32_t)nt;
    size_t tens = fbb_put(&f, &n, 4);
    fbb_put(&f, NULL, 4 * n);
    fbb_ref(&f, FSLOT(sg, 0), tens);
    for (int i = 0; i < nt; i++) {
        size_t tt = fbb_table(&f, 4, 1 | 2 | 4 | 8);
        fbb_ref(&f, tens + 4 + 4 * (size_t)i, tt);
        size_t sh = fbb_vec(&f, t[i].dims, (uint32_t)t[i].ndim, 4);
        fbb_ref(&f, FSLOT(tt, 0), sh);
        fbb_set32(&f, FSLOT(tt, 1), (uint32_t)t[i].type);
        fbb_set32(&f, FSLOT(tt, 2), (uint32_t)(i + 1)); /* buffer i+1; buffer 0 is the empty one */
        const char *nm = t[i].name ? t[i].name : "t";
        size_t s = fbb_vec(&f, nm, (uint32_t)strlen(nm) + 1, 1);
        fbb_set32(&f, s, (uint32_t)strlen(nm));
        fbb_ref(&f, FSLOT(tt, 3), s);
    }
    n = (uint32_t)nops;
    size_t vops = fbb_put(&f, &n, 4);
    fbb_put(&f, NULL, 4 * n);
    fbb_ref(&f, FSLOT(sg, 3), vops);
    for (int i = 0; i < nops; i++) {
        const tb_op *o = &ops[i];
        size_t ot = fbb_table(&f, 5, 1 | 2 | 4 | (o->nopt ? 16 : 0));
        fbb_ref(&f, vops + 4 + 4 * (size_t)i, ot);
        fbb_set32(&f, FSLOT(ot, 0), (uint32_t)i);
        size_t a = fbb_vec(&f, o->in, (uint32_t)o->nin, 4), b = fbb_vec(&f, o->out, (uint32_t)o->nout, 4);
        fbb_ref(&f, FSLOT(ot, 1), a);
        fbb_ref(&f, FSLOT(ot, 2), b);
        if (o->nopt) {
            size_t op = fbb_table(&f, o->nopt, (1u << o->nopt) - 1);
            for (int k = 0; k < o->nopt; k++)
                fbb_set32(&f, FSLOT(op, k), (uint32_t)o->opt[k]);
            fbb_ref(&f, FSLOT(ot, 4), op);
        }
    }
    n = (uint32_t)nt + 1;
    size_t bufs = fbb_put(&f, &n, 4);
    fbb_put(&f, NULL, 4 * n);
    fbb_ref(&f, FSLOT(model, 4), bufs);
    for (int i = 0; i < nt + 1; i++) {
        size_t bt = fbb_table(&f, 1, 1);
        fbb_ref(&f, bufs + 4 + 4 * (size_t)i, bt);
        size_t cnt = 1, esz = 0;
        const void *d = i ? t[i - 1].data : NULL;
        if (d) {
            for (int k = 0; k < t[i - 1].ndim; k++)
                cnt *= (size_t)t[i - 1].dims[k];
            esz = t[i - 1].type == 1 ? 2 : 4;
        }
        size_t v = fbb_vec(&f, d, d ? (uint32_t)(cnt * esz) : 0, 1);
        fbb_ref(&f, FSLOT(bt, 0), v);
    }
    *len = f.n;
    return f.b;
}

static int32_t tb_f(float x)
{
    int32_t v;
    memcpy(&v, &x, 4);
    return v;
}

#endif
