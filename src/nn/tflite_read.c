/* tflite_read.c — TFLite (schema v3) file → nn graph. Uses only the bounds-checked accessors of flatbuf.c,
 * and validates every index (opcode, tensor, buffer) and every size (shape × element size = data length)
 * before anything is used, so a hostile file ends in FC_EFORMAT, not in a crash. */
#include "nn/flatbuf.h"
#include "nn/nn_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TENSORS (1 << 20)
#define MAX_OPS (1 << 20)
#define MAX_COUNT ((size_t)1 << 31) /* elements per tensor */

/* Schema field numbers (table fields are numbered in declaration order). */
enum { MODEL_VERSION = 0, MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, MODEL_BUFFERS = 4 };
enum { OPC_DEPRECATED = 0, OPC_BUILTIN = 3 };
enum { SG_TENSORS = 0, SG_INPUTS = 1, SG_OUTPUTS = 2, SG_OPERATORS = 3 };
enum { TEN_SHAPE = 0, TEN_TYPE = 1, TEN_BUFFER = 2, TEN_NAME = 3 };
enum { BUF_DATA = 0, BUF_OFFSET = 1, BUF_SIZE = 2 };
enum { OP_OPCODE = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_OPTIONS = 4 };

static const int supported_codes[] = {TFL_ADD, TFL_AVERAGE_POOL_2D, TFL_CONCATENATION, TFL_CONV_2D,
    TFL_DEPTHWISE_CONV_2D, TFL_DEQUANTIZE, TFL_FULLY_CONNECTED, TFL_L2_NORMALIZATION, TFL_MAX_POOL_2D, TFL_MUL,
    TFL_RELU, TFL_RELU6, TFL_RESHAPE, TFL_SOFTMAX, TFL_PAD, TFL_MEAN, TFL_SUB, TFL_DIV, TFL_EXP, TFL_PRELU,
    TFL_NEG, TFL_SUM, TFL_REDUCE_MAX, TFL_LEAKY_RELU, TFL_ABS};

static int is_supported(int code)
{
    for (size_t i = 0; i < sizeof supported_codes / sizeof supported_codes[0]; i++)
        if (supported_codes[i] == code)
            return 1;
    return 0;
}

#define BAD(...) fc_fail(FC_EFORMAT, __VA_ARGS__)

static float half_to_float(uint16_t h)
{
    int s = h >> 15, e = (h >> 10) & 31, f = h & 1023;
    float v;
    if (e == 0)
        v = ldexpf((float)f, -24);
    else if (e == 31)
        v = f ? NAN : INFINITY;
    else
        v = ldexpf((float)(f | 1024), e - 25);
    return s ? -v : v;
}

static int read_int_vector(const fb_table *t, int field, const char *what, const char *name, int limit,
                           int *out, int maxn, int *n, int allow_neg1)
{
    fb_vec v;
    if (fb_vector(t, field, 4, &v) < 0)
        return BAD("%s: %s: bad vector reference", name, what);
    if ((int)v.len > maxn || v.len > (uint32_t)maxn)
        return BAD("%s: %s has %u entries (at most %d supported)", name, what, v.len, maxn);
    for (uint32_t i = 0; i < v.len; i++) {
        int x = fb_vec_i32(&v, i);
        if ((x < 0 && !(allow_neg1 && x == -1)) || (limit > 0 && x >= limit))
            return BAD("%s: %s[%u] = %d is out of range", name, what, i, x);
        out[i] = x;
    }
    *n = (int)v.len;
    return 0;
}

static int read_tensor(const fb_buf *b, const fb_vec *buffers, const fb_table *tt, int idx, const char *name,
                       nn_tensor *t)
{
    int32_t shape[FC_NN_MAX_DIMS + 1];
    fb_vec sv;
    if (fb_vector(tt, TEN_SHAPE, 4, &sv) < 0)
        return BAD("%s: tensor %d: bad shape vector", name, idx);
    if (sv.len > FC_NN_MAX_DIMS)
        return fc_fail(FC_EUNSUP, "%s: tensor %d has rank %u (at most %d supported)", name, idx, sv.len,
                       FC_NN_MAX_DIMS);
    t->ndim = (int)sv.len;
    t->count = 1;
    for (int d = 0; d < t->ndim; d++) {
        shape[d] = fb_vec_i32(&sv, (uint32_t)d);
        if (shape[d] < 0 || shape[d] > (1 << 24))
            return BAD("%s: tensor %d: dimension %d = %d is out of range", name, idx, d, shape[d]);
        t->dims[d] = shape[d];
        t->count *= (size_t)shape[d];
        if (t->count > MAX_COUNT)
            return BAD("%s: tensor %d has more than 2^31 elements", name, idx);
    }
    uint8_t type;
    uint32_t bi;
    if (fb_u8(tt, TEN_TYPE, 0, &type) || fb_u32(tt, TEN_BUFFER, 0, &bi))
        return BAD("%s: tensor %d: bad fields", name, idx);
    if (fb_string(tt, TEN_NAME, t->name, sizeof t->name) < 0)
        return BAD("%s: tensor %d: bad name", name, idx);
    t->type = type;
    t->producer = -1;
    if (bi >= buffers->len && bi != 0)
        return BAD("%s: tensor %d refers to buffer %u of %u", name, idx, bi, buffers->len);
    if (bi == 0 || buffers->len == 0)
        return 0;
    fb_table bt;
    if (fb_vec_table(buffers, bi, &bt))
        return BAD("%s: buffer %u: bad table", name, bi);
    fb_vec dv;
    if (fb_vector(&bt, BUF_DATA, 1, &dv) < 0)
        return BAD("%s: buffer %u: bad data vector", name, bi);
    const uint8_t *src = b->p + dv.start;
    size_t nbytes = dv.len;
    if (nbytes == 0) {
        uint64_t off, size;
        if (fb_u64(&bt, BUF_OFFSET, 0, &off) || fb_u64(&bt, BUF_SIZE, 0, &size))
            return BAD("%s: buffer %u: bad fields", name, bi);
        if (off > 1 && size > 0) { /* data placed after the flatbuffer (large models) */
            if (off > b->n || size > b->n - off)
                return BAD("%s: buffer %u lies outside the file (offset %llu, size %llu)", name, bi,
                           (unsigned long long)off, (unsigned long long)size);
            src = b->p + off;
            nbytes = (size_t)size;
        }
    }
    if (nbytes == 0)
        return 0; /* an activation */
    size_t esize = type == TT_FLOAT32 || type == TT_INT32 ? 4 : type == TT_FLOAT16 ? 2 : type == TT_INT64 ? 8 : 0;
    if (!esize)
        return fc_fail(FC_EUNSUP, "%s: constant tensor %d ('%s') has type %d (only float32, float16, int32, "
                       "int64 are supported; quantised models are not)", name, idx, t->name, type);
    if (nbytes != t->count * esize)
        return BAD("%s: tensor %d ('%s'): buffer holds %zu bytes, shape needs %zu", name, idx, t->name, nbytes,
                   t->count * esize);
    size_t n = t->count ? t->count : 1;
    if (type == TT_FLOAT32 || type == TT_FLOAT16) {
        float *f = fc_malloc(n, sizeof(float));
        if (!f)
            return FC_ENOMEM;
        if (type == TT_FLOAT32)
            memcpy(f, src, t->count * 4);
        else
            for (size_t i = 0; i < t->count; i++) {
                uint16_t h;
                memcpy(&h, src + 2 * i, 2);
                f[i] = half_to_float(h);
            }
        t->cdata = f;
        t->data = f;
        t->type = TT_FLOAT32; /* float16 constants are widened once, here */
    } else {
        int32_t *v = fc_malloc(n, sizeof(int32_t));
        if (!v)
            return FC_ENOMEM;
        for (size_t i = 0; i < t->count; i++) {
            if (type == TT_INT32) {
                memcpy(&v[i], src + 4 * i, 4);
            } else {
                int64_t w;
                memcpy(&w, src + 8 * i, 8);
                v[i] = w > INT32_MAX ? INT32_MAX : w < INT32_MIN ? INT32_MIN : (int32_t)w;
            }
        }
        t->cdata = v;
        t->type = TT_INT32;
    }
    t->is_const = 1;
    return 0;
}

/* Options tables, by op code (field numbers from the schema's *Options tables). */
static int read_options(const fb_table *ot, int have, nn_op *op, const char *name, int idx)
{
    int32_t i0 = 0, i1 = 0, i2 = 0, i3 = 0, i4 = 0, i5 = 0, i6 = 0;
    uint8_t u0 = 0, u1 = 0, u2 = 0;
    float f0;
    int r = 0;
    op->stride_w = op->stride_h = op->dil_w = op->dil_h = op->depth_mult = 1;
    op->beta = 1.0f;
    op->alpha = 0.2f;
    op->new_shape_n = -1;
    if (!have)
        return 0;
    switch (op->code) {
    case TFL_CONV_2D:
        r = fb_u8(ot, 0, 0, &u0) | fb_i32(ot, 1, 1, &i1) | fb_i32(ot, 2, 1, &i2) | fb_u8(ot, 3, 0, &u1) |
            fb_i32(ot, 4, 1, &i4) | fb_i32(ot, 5, 1, &i5);
        op->padding = u0, op->stride_w = i1, op->stride_h = i2, op->act = u1, op->dil_w = i4, op->dil_h = i5;
        break;
    case TFL_DEPTHWISE_CONV_2D:
        r = fb_u8(ot, 0, 0, &u0) | fb_i32(ot, 1, 1, &i1) | fb_i32(ot, 2, 1, &i2) | fb_i32(ot, 3, 1, &i3) |
            fb_u8(ot, 4, 0, &u1) | fb_i32(ot, 5, 1, &i5) | fb_i32(ot, 6, 1, &i6);
        op->padding = u0, op->stride_w = i1, op->stride_h = i2, op->depth_mult = i3, op->act = u1;
        op->dil_w = i5, op->dil_h = i6;
        break;
    case TFL_MAX_POOL_2D:
    case TFL_AVERAGE_POOL_2D:
        r = fb_u8(ot, 0, 0, &u0) | fb_i32(ot, 1, 1, &i1) | fb_i32(ot, 2, 1, &i2) | fb_i32(ot, 3, 1, &i3) |
            fb_i32(ot, 4, 1, &i4) | fb_u8(ot, 5, 0, &u1);
        op->padding = u0, op->stride_w = i1, op->stride_h = i2, op->filter_w = i3, op->filter_h = i4;
        op->act = u1;
        break;
    case TFL_FULLY_CONNECTED:
        r = fb_u8(ot, 0, 0, &u0) | fb_u8(ot, 1, 0, &u1) | fb_u8(ot, 2, 0, &u2);
        op->act = u0;
        op->keep_dims = u2;
        if (u1 != 0)
            return fc_fail(FC_EUNSUP, "%s: op %d: shuffled FULLY_CONNECTED weights are not supported", name, idx);
        break;
    case TFL_SOFTMAX:
        r = fb_f32(ot, 0, 1.0f, &f0);
        op->beta = f0;
        break;
    case TFL_LEAKY_RELU:
        r = fb_f32(ot, 0, 0.0f, &f0);
        op->alpha = f0;
        break;
    case TFL_CONCATENATION:
        r = fb_i32(ot, 0, 0, &i0) | fb_u8(ot, 1, 0, &u1);
        op->axis = i0, op->act = u1;
        break;
    case TFL_ADD:
    case TFL_SUB:
    case TFL_MUL:
    case TFL_DIV:
    case TFL_L2_NORMALIZATION:
        r = fb_u8(ot, 0, 0, &u0);
        op->act = u0;
        break;
    case TFL_MEAN:
    case TFL_SUM:
    case TFL_REDUCE_MAX:
        r = fb_u8(ot, 0, 0, &u0);
        op->keep_dims = u0;
        break;
    case TFL_RESHAPE: {
        int n = 0;
        if (read_int_vector(ot, 0, "RESHAPE new_shape", name, 0, op->new_shape, FC_NN_MAX_DIMS, &n, 1))
            return FC_EFORMAT;
        fb_vec v;
        if (fb_vector(ot, 0, 4, &v) > 0)
            op->new_shape_n = n;
        break;
    }
    default:
        break;
    }
    if (r)
        return BAD("%s: op %d (%s): bad options table", name, idx, nn_op_name(op->code));
    if (op->act != ACT_NONE && op->act != ACT_RELU && op->act != ACT_RELU_N1_TO_1 && op->act != ACT_RELU6)
        return fc_fail(FC_EUNSUP, "%s: op %d (%s): fused activation %d is not supported", name, idx,
                       nn_op_name(op->code), op->act);
    return 0;
}

int nn_parse_tflite(const uint8_t *data, size_t size, const char *name, fc_nn_model *m)
{
    fb_buf b = {data, size};
    fb_table root, sg;
    if (size < 8)
        return BAD("%s: file too short (%zu bytes) to be a TFLite model", name, size);
    if (memcmp(data + 4, "TFL3", 4) != 0)
        return BAD("%s: not a TFLite model (file identifier is not TFL3)", name);
    if (fb_root(&b, &root))
        return BAD("%s: corrupt TFLite file: bad root table", name);
    uint32_t version;
    if (fb_u32(&root, MODEL_VERSION, 0, &version))
        return BAD("%s: corrupt TFLite file: bad version field", name);
    if (version != 3)
        return fc_fail(FC_EUNSUP, "%s: TFLite schema version %u (only 3 is supported)", name, version);

    fb_vec codes, subgraphs, buffers;
    if (fb_vector(&root, MODEL_OPCODES, 4, &codes) < 0 || fb_vector(&root, MODEL_SUBGRAPHS, 4, &subgraphs) < 0 ||
        fb_vector(&root, MODEL_BUFFERS, 4, &buffers) < 0)
        return BAD("%s: corrupt TFLite file: bad model vectors", name);
    if (subgraphs.len < 1)
        return BAD("%s: the model has no subgraph", name);
    if (subgraphs.len > 1)
        return fc_fail(FC_EUNSUP, "%s: %u subgraphs (only single-subgraph models are supported)", name,
                       subgraphs.len);
    int *opcode = codes.len ? fc_malloc(codes.len, sizeof(int)) : NULL;
    if (codes.len && !opcode)
        return FC_ENOMEM;
    for (uint32_t i = 0; i < codes.len; i++) {
        fb_table ct;
        uint8_t dep;
        int32_t bc;
        if (fb_vec_table(&codes, i, &ct) || fb_u8(&ct, OPC_DEPRECATED, 0, &dep) || fb_i32(&ct, OPC_BUILTIN, 0, &bc)) {
            free(opcode);
            return BAD("%s: corrupt operator code %u", name, i);
        }
        opcode[i] = (int)dep > bc ? (int)dep : bc;
    }
    int rc = 0;
    fb_vec tens, ops, vin, vout;
    if (fb_vec_table(&subgraphs, 0, &sg) || fb_vector(&sg, SG_TENSORS, 4, &tens) < 0 ||
        fb_vector(&sg, SG_OPERATORS, 4, &ops) < 0 || fb_vector(&sg, SG_INPUTS, 4, &vin) < 0 ||
        fb_vector(&sg, SG_OUTPUTS, 4, &vout) < 0) {
        rc = BAD("%s: corrupt subgraph table", name);
        goto out;
    }
    if (tens.len > MAX_TENSORS || ops.len > MAX_OPS || tens.len == 0) {
        rc = BAD("%s: implausible graph size (%u tensors, %u ops)", name, tens.len, ops.len);
        goto out;
    }
    m->ntensors = (int)tens.len;
    m->nops = (int)ops.len;
    m->t = fc_calloc(tens.len, sizeof(nn_tensor));
    m->ops = fc_calloc(ops.len ? ops.len : 1, sizeof(nn_op));
    if (!m->t || !m->ops) {
        rc = FC_ENOMEM;
        goto out;
    }
    for (uint32_t i = 0; i < tens.len; i++) {
        fb_table tt;
        if (fb_vec_table(&tens, i, &tt)) {
            rc = BAD("%s: tensor %u: bad table", name, i);
            goto out;
        }
        if ((rc = read_tensor(&b, &buffers, &tt, (int)i, name, &m->t[i])))
            goto out;
    }
    for (uint32_t i = 0; i < ops.len; i++) {
        fb_table ot, opt;
        nn_op *op = &m->ops[i];
        uint32_t oc;
        if (fb_vec_table(&ops, i, &ot) || fb_u32(&ot, OP_OPCODE, 0, &oc)) {
            rc = BAD("%s: op %u: bad table", name, i);
            goto out;
        }
        if (oc >= codes.len) {
            rc = BAD("%s: op %u uses operator code %u of %u", name, i, oc, codes.len);
            goto out;
        }
        op->code = opcode[oc];
        if (!is_supported(op->code)) {
            rc = fc_fail(FC_EUNSUP, "%s: op %u is %s (code %d), which this engine does not run", name, i,
                         nn_op_name(op->code), op->code);
            goto out;
        }
        if (read_int_vector(&ot, OP_INPUTS, "op inputs", name, m->ntensors, op->in, NN_MAX_OP_IO, &op->nin, 1) ||
            read_int_vector(&ot, OP_OUTPUTS, "op outputs", name, m->ntensors, op->out, NN_MAX_OP_IO, &op->nout, 0)) {
            rc = FC_EFORMAT;
            goto out;
        }
        int have = fb_subtable(&ot, OP_OPTIONS, &opt);
        if (have < 0) {
            rc = BAD("%s: op %u: bad options reference", name, i);
            goto out;
        }
        if ((rc = read_options(&opt, have, op, name, (int)i)))
            goto out;
        op->prelu_slope = -1;
        op->residual = -1;
    }
    m->nin = (int)vin.len;
    m->nout = (int)vout.len;
    if (m->nin < 1 || m->nout < 1 || vin.len > 64 || vout.len > 64) {
        rc = BAD("%s: the graph has %u inputs and %u outputs", name, vin.len, vout.len);
        goto out;
    }
    m->inputs = fc_malloc(vin.len, sizeof(int));
    m->outputs = fc_malloc(vout.len, sizeof(int));
    if (!m->inputs || !m->outputs) {
        rc = FC_ENOMEM;
        goto out;
    }
    if (read_int_vector(&sg, SG_INPUTS, "graph inputs", name, m->ntensors, m->inputs, 64, &m->nin, 0) ||
        read_int_vector(&sg, SG_OUTPUTS, "graph outputs", name, m->ntensors, m->outputs, 64, &m->nout, 0))
        rc = FC_EFORMAT;
out:
    free(opcode);
    return rc;
}
