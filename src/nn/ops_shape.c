/* ops_shape.c — shape inference and validation of every op at the current input shapes. Called at load
 * (errors are FC_EFORMAT: the file is inconsistent) and after fc_nn_resize_input (FC_EARG: the graph cannot
 * take that shape). Kernels rely on what is checked here, so every index they use is proven in range. */
#include "nn/nn_internal.h"

#include <string.h>

#define MAX_COUNT ((size_t)1 << 31)

static int set_shape(nn_tensor *t, int ndim, const int *dims)
{
    size_t c = 1;
    for (int d = 0; d < ndim; d++) {
        if (dims[d] < 0)
            return -1;
        c *= (size_t)dims[d];
        if (c > MAX_COUNT)
            return -1;
    }
    t->ndim = ndim;
    memcpy(t->dims, dims, sizeof(int) * (size_t)ndim);
    t->count = c;
    return 0;
}

static int out_size(int in, int filt, int stride, int dil, int padding, int *pad_before)
{
    int eff = (filt - 1) * dil + 1;
    if (padding == PAD_SAME) {
        int out = (in + stride - 1) / stride;
        long total = (long)(out - 1) * stride + eff - in;
        *pad_before = total > 0 ? (int)(total / 2) : 0;
        return out;
    }
    *pad_before = 0;
    if (in < eff)
        return 0;
    return (in - eff) / stride + 1;
}

#define FAIL(...) return fc_fail(FC_EARG, __VA_ARGS__)

static int need_inputs(const fc_nn_model *m, const nn_op *op, int lo, int hi)
{
    if (op->nin < lo || op->nin > hi || op->nout != 1)
        FAIL("%s: %s op has %d inputs and %d outputs", m->name, nn_op_name(op->code), op->nin, op->nout);
    for (int i = 0; i < op->nin; i++)
        if (op->in[i] < 0 && i < lo)
            FAIL("%s: %s op lacks input %d", m->name, nn_op_name(op->code), i);
    return 0;
}

/* numpy broadcasting of two shapes into out. */
static int broadcast(const nn_tensor *a, const nn_tensor *b, int *ndim, int *dims)
{
    int n = a->ndim > b->ndim ? a->ndim : b->ndim;
    for (int d = 0; d < n; d++) {
        int da = d - (n - a->ndim) >= 0 ? a->dims[d - (n - a->ndim)] : 1;
        int db = d - (n - b->ndim) >= 0 ? b->dims[d - (n - b->ndim)] : 1;
        if (da != db && da != 1 && db != 1)
            return -1;
        dims[d] = da == 1 ? db : da;
    }
    *ndim = n;
    return 0;
}

static int const_i32(const nn_tensor *t) { return t->is_const && t->type == TT_INT32; }

int nn_infer_op(fc_nn_model *m, nn_op *op)
{
    nn_tensor *x = op->nin > 0 && op->in[0] >= 0 ? &m->t[op->in[0]] : NULL;
    nn_tensor *y = op->nout > 0 ? &m->t[op->out[0]] : NULL;
    int dims[FC_NN_MAX_DIMS], nd = 0, rc;
    const char *nm = nn_op_name(op->code);
    op->macs = 0;
    switch (op->code) {
    case TFL_CONV_2D:
    case TFL_DEPTHWISE_CONV_2D: {
        if ((rc = need_inputs(m, op, 2, 3)))
            return rc;
        nn_tensor *w = &m->t[op->in[1]], *b = op->nin > 2 && op->in[2] >= 0 ? &m->t[op->in[2]] : NULL;
        if (x->ndim != 4 || w->ndim != 4 || !w->is_const || w->type != TT_FLOAT32)
            FAIL("%s: %s needs a rank-4 input and constant rank-4 float weights", m->name, nm);
        if (op->stride_w < 1 || op->stride_h < 1 || op->dil_w < 1 || op->dil_h < 1 || op->stride_w > 1024 ||
            op->stride_h > 1024 || op->dil_w > 1024 || op->dil_h > 1024 || op->padding > 1)
            FAIL("%s: %s has invalid stride/dilation/padding", m->name, nm);
        int C = x->dims[3], KH = w->dims[1], KW = w->dims[2], O;
        if (op->code == TFL_CONV_2D) {
            O = w->dims[0];
            if (w->dims[3] != C)
                FAIL("%s: CONV_2D weights take %d channels, input has %d", m->name, w->dims[3], C);
        } else {
            O = w->dims[3];
            if (w->dims[0] != 1 || C == 0 || O % C != 0)
                FAIL("%s: DEPTHWISE_CONV_2D weights [%d,..,%d] do not fit %d input channels", m->name, w->dims[0],
                     O, C);
            op->depth_mult = O / C;
        }
        if (b && (!b->is_const || b->type != TT_FLOAT32 || b->count != (size_t)O))
            FAIL("%s: %s bias must be a constant of %d floats", m->name, nm, O);
        if (KH < 1 || KW < 1 || O < 1)
            FAIL("%s: %s has an empty kernel", m->name, nm);
        if ((long)(KH - 1) * op->dil_h >= (1L << 24) || (long)(KW - 1) * op->dil_w >= (1L << 24))
            FAIL("%s: %s dilated kernel is too large", m->name, nm);
        int oh = out_size(x->dims[1], KH, op->stride_h, op->dil_h, op->padding, &op->pad_top);
        int ow = out_size(x->dims[2], KW, op->stride_w, op->dil_w, op->padding, &op->pad_left);
        if (oh < 1 || ow < 1)
            FAIL("%s: %s: input %dx%d is too small for a %dx%d kernel", m->name, nm, x->dims[1], x->dims[2], KH, KW);
        dims[0] = x->dims[0], dims[1] = oh, dims[2] = ow, dims[3] = O, nd = 4;
        op->macs = (double)x->dims[0] * oh * ow * O * KH * KW * (op->code == TFL_CONV_2D ? C : 1);
        break;
    }
    case TFL_FULLY_CONNECTED: {
        if ((rc = need_inputs(m, op, 2, 3)))
            return rc;
        nn_tensor *w = &m->t[op->in[1]], *b = op->nin > 2 && op->in[2] >= 0 ? &m->t[op->in[2]] : NULL;
        if (w->ndim != 2 || !w->is_const || w->type != TT_FLOAT32 || w->dims[1] < 1)
            FAIL("%s: FULLY_CONNECTED needs constant [out,in] float weights", m->name);
        int O = w->dims[0], I = w->dims[1];
        if (x->count % (size_t)I)
            FAIL("%s: FULLY_CONNECTED input of %zu values is not a multiple of %d", m->name, x->count, I);
        if (b && (!b->is_const || b->type != TT_FLOAT32 || b->count != (size_t)O))
            FAIL("%s: FULLY_CONNECTED bias must be a constant of %d floats", m->name, O);
        size_t rows = x->count / (size_t)I;
        if (op->keep_dims && x->ndim >= 1 && x->dims[x->ndim - 1] == I) {
            nd = x->ndim;
            memcpy(dims, x->dims, sizeof(int) * (size_t)nd);
            dims[nd - 1] = O;
        } else {
            dims[0] = (int)rows, dims[1] = O, nd = 2;
        }
        op->macs = (double)rows * O * I;
        break;
    }
    case TFL_MAX_POOL_2D:
    case TFL_AVERAGE_POOL_2D:
        if ((rc = need_inputs(m, op, 1, 1)))
            return rc;
        if (x->ndim != 4 || op->filter_w < 1 || op->filter_h < 1 || op->stride_w < 1 || op->stride_h < 1 ||
            op->filter_w > 4096 || op->filter_h > 4096 || op->stride_w > 4096 || op->stride_h > 4096 || op->padding > 1)
            FAIL("%s: %s needs a rank-4 input and a valid window", m->name, nm);
        dims[1] = out_size(x->dims[1], op->filter_h, op->stride_h, 1, op->padding, &op->pad_top);
        dims[2] = out_size(x->dims[2], op->filter_w, op->stride_w, 1, op->padding, &op->pad_left);
        if (dims[1] < 1 || dims[2] < 1)
            FAIL("%s: %s: input %dx%d is smaller than the window", m->name, nm, x->dims[1], x->dims[2]);
        dims[0] = x->dims[0], dims[3] = x->dims[3], nd = 4;
        break;
    case TFL_ADD:
    case TFL_SUB:
    case TFL_MUL:
    case TFL_DIV:
    case TFL_PRELU: {
        if ((rc = need_inputs(m, op, 2, 2)))
            return rc;
        nn_tensor *b = &m->t[op->in[1]];
        if (b->type != TT_FLOAT32)
            FAIL("%s: %s operand is not float32", m->name, nm);
        if (broadcast(x, b, &nd, dims))
            FAIL("%s: %s operands do not broadcast", m->name, nm);
        if (op->code == TFL_PRELU && (nd != x->ndim || memcmp(dims, x->dims, sizeof(int) * (size_t)nd)))
            FAIL("%s: PRELU slope does not broadcast to the input", m->name);
        break;
    }
    case TFL_NEG:
    case TFL_ABS:
    case TFL_RELU:
    case TFL_RELU6:
    case TFL_EXP:
    case TFL_LEAKY_RELU:
    case TFL_DEQUANTIZE:
    case TFL_SOFTMAX:
    case TFL_L2_NORMALIZATION:
        if ((rc = need_inputs(m, op, 1, 1)))
            return rc;
        if ((op->code == TFL_SOFTMAX || op->code == TFL_L2_NORMALIZATION) && x->ndim < 1)
            FAIL("%s: %s needs rank >= 1", m->name, nm);
        nd = x->ndim;
        memcpy(dims, x->dims, sizeof(int) * (size_t)nd);
        break;
    case TFL_RESHAPE: {
        if ((rc = need_inputs(m, op, 1, 2)))
            return rc;
        int want[FC_NN_MAX_DIMS], n = -1;
        if (op->nin == 2 && op->in[1] >= 0 && const_i32(&m->t[op->in[1]]) && m->t[op->in[1]].count <= FC_NN_MAX_DIMS) {
            n = (int)m->t[op->in[1]].count;
            memcpy(want, m->t[op->in[1]].cdata, sizeof(int) * (size_t)n);
        } else if (op->new_shape_n >= 0) {
            n = op->new_shape_n;
            memcpy(want, op->new_shape, sizeof(int) * (size_t)n);
        } else if (op->nin == 2 && op->in[1] >= 0) {
            FAIL("%s: RESHAPE with a computed shape is not supported", m->name);
        } else {
            FAIL("%s: RESHAPE without a target shape", m->name);
        }
        /* -1 is inferred; a fixed leading (batch) dimension that no longer fits the element count
         * (the file's static batch was overridden) is recomputed from the rest. */
        size_t known = 1;
        int unknown = -1;
        for (int d = 0; d < n; d++) {
            if (want[d] == -1 && unknown < 0)
                unknown = d;
            else if (want[d] < 0)
                FAIL("%s: RESHAPE target has invalid dimension %d", m->name, want[d]);
            else
                known *= (size_t)want[d];
            if (known > MAX_COUNT)
                FAIL("%s: RESHAPE target too large", m->name);
        }
        if (unknown < 0 && known != x->count && n >= 1 && want[0] > 0) {
            known /= (size_t)want[0];
            unknown = 0;
        }
        if (unknown >= 0) {
            if (known == 0 || x->count % known)
                FAIL("%s: cannot reshape %zu values to the target shape", m->name, x->count);
            want[unknown] = (int)(x->count / known);
        } else if (known != x->count)
            FAIL("%s: cannot reshape %zu values into %zu", m->name, x->count, known);
        nd = n;
        memcpy(dims, want, sizeof(int) * (size_t)n);
        break;
    }
    case TFL_CONCATENATION: {
        if (op->nin < 1 || op->nout != 1)
            FAIL("%s: CONCATENATION needs inputs", m->name);
        for (int i = 0; i < op->nin; i++)
            if (op->in[i] < 0)
                FAIL("%s: CONCATENATION input missing", m->name);
        int ax = op->axis < 0 ? op->axis + x->ndim : op->axis;
        if (ax < 0 || ax >= x->ndim)
            FAIL("%s: CONCATENATION axis %d out of range", m->name, op->axis);
        nd = x->ndim;
        memcpy(dims, x->dims, sizeof(int) * (size_t)nd);
        long sum = 0;
        for (int i = 0; i < op->nin; i++) {
            nn_tensor *t = &m->t[op->in[i]];
            if (t->ndim != nd)
                FAIL("%s: CONCATENATION inputs differ in rank", m->name);
            for (int d = 0; d < nd; d++)
                if (d != ax && t->dims[d] != dims[d])
                    FAIL("%s: CONCATENATION inputs differ in dimension %d", m->name, d);
            if (t->type != TT_FLOAT32)
                FAIL("%s: CONCATENATION input is not float32", m->name);
            sum += t->dims[ax];
        }
        if (sum > (1 << 30))
            FAIL("%s: CONCATENATION too large", m->name);
        dims[ax] = (int)sum;
        op->axis = ax;
        break;
    }
    case TFL_MEAN:
    case TFL_SUM:
    case TFL_REDUCE_MAX: {
        if ((rc = need_inputs(m, op, 2, 2)))
            return rc;
        nn_tensor *a = &m->t[op->in[1]];
        if (!const_i32(a))
            FAIL("%s: %s needs constant int32 axes", m->name, nm);
        int red[FC_NN_MAX_DIMS] = {0};
        for (size_t i = 0; i < a->count; i++) {
            int ax = ((int *)a->cdata)[i];
            ax = ax < 0 ? ax + x->ndim : ax;
            if (ax < 0 || ax >= x->ndim)
                FAIL("%s: %s axis out of range", m->name, nm);
            red[ax] = 1;
        }
        for (int d = 0; d < x->ndim; d++) {
            if (!red[d])
                dims[nd++] = x->dims[d];
            else if (op->keep_dims)
                dims[nd++] = 1;
        }
        break;
    }
    case TFL_PAD: {
        if ((rc = need_inputs(m, op, 2, 2)))
            return rc;
        nn_tensor *p = &m->t[op->in[1]];
        if (!const_i32(p) || p->count != 2 * (size_t)x->ndim)
            FAIL("%s: PAD needs constant int32 paddings [rank, 2]", m->name);
        const int *pv = p->cdata;
        nd = x->ndim;
        for (int d = 0; d < nd; d++) {
            if (pv[2 * d] < 0 || pv[2 * d + 1] < 0 || pv[2 * d] > (1 << 20) || pv[2 * d + 1] > (1 << 20))
                FAIL("%s: PAD amounts out of range", m->name);
            dims[d] = x->dims[d] + pv[2 * d] + pv[2 * d + 1];
        }
        break;
    }
    default:
        return fc_fail(FC_EUNSUP, "%s: op %s is not supported", m->name, nm);
    }
    if (x && (x->is_const ? 0 : x->type != TT_FLOAT32))
        FAIL("%s: %s input is not float32", m->name, nm);
    if (!y || y->is_const)
        FAIL("%s: %s writes a constant tensor", m->name, nm);
    if (set_shape(y, nd, dims))
        FAIL("%s: %s output would be too large", m->name, nm);
    y->type = TT_FLOAT32;
    return 0;
}
