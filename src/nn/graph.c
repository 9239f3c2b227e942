/* graph.c — loading, graph checks, pattern fusion, shape re-inference, arena planning and execution. */
#include "nn/nn_internal.h"

#include <cblas.h>
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MAX_FILE ((size_t)1 << 31)

const char *nn_op_name(int code)
{
    switch (code) {
    case TFL_ADD: return "ADD";
    case TFL_AVERAGE_POOL_2D: return "AVERAGE_POOL_2D";
    case TFL_CONCATENATION: return "CONCATENATION";
    case TFL_CONV_2D: return "CONV_2D";
    case TFL_DEPTHWISE_CONV_2D: return "DEPTHWISE_CONV_2D";
    case TFL_DEQUANTIZE: return "DEQUANTIZE";
    case TFL_FULLY_CONNECTED: return "FULLY_CONNECTED";
    case TFL_L2_NORMALIZATION: return "L2_NORMALIZATION";
    case TFL_MAX_POOL_2D: return "MAX_POOL_2D";
    case TFL_MUL: return "MUL";
    case TFL_RELU: return "RELU";
    case TFL_RELU6: return "RELU6";
    case TFL_RESHAPE: return "RESHAPE";
    case TFL_SOFTMAX: return "SOFTMAX";
    case TFL_PAD: return "PAD";
    case TFL_MEAN: return "MEAN";
    case TFL_SUB: return "SUB";
    case TFL_DIV: return "DIV";
    case TFL_EXP: return "EXP";
    case TFL_PRELU: return "PRELU";
    case TFL_NEG: return "NEG";
    case TFL_SUM: return "SUM";
    case TFL_REDUCE_MAX: return "REDUCE_MAX";
    case TFL_LEAKY_RELU: return "LEAKY_RELU";
    case TFL_ABS: return "ABS";
    case TFL_LOGISTIC: return "LOGISTIC";
    case TFL_TANH: return "TANH";
    case TFL_TRANSPOSE: return "TRANSPOSE";
    case TFL_RESIZE_BILINEAR: return "RESIZE_BILINEAR";
    case TFL_CUSTOM: return "CUSTOM";
    default: return "unsupported op";
    }
}

/* ---- limits ---- */
static size_t g_mem_limit;

void fc_nn_set_memory_limit(size_t bytes) { g_mem_limit = bytes; }

static size_t mem_limit(void)
{
    if (!g_mem_limit) {
        uint64_t phys = fc_physical_memory();
        g_mem_limit = phys ? (size_t)(phys / 4 * 3) : ((size_t)8 << 30);
    }
    return g_mem_limit;
}

/* ---- threads ---- */
static int g_threads;

void fc_nn_set_threads(int n)
{
    if (n <= 0)
        n = omp_get_num_procs();
    g_threads = n;
    omp_set_num_threads(n);
    openblas_set_num_threads(n); /* for BLAS calls outside fc_nn_run (fc_nn_run uses 1 inside) */
    omp_set_max_active_levels(1); /* kernels inside batch-parallel workers run single-threaded */
}

int fc_nn_threads(void)
{
    if (!g_threads)
        fc_nn_set_threads(0);
    return g_threads;
}

/* ---- graph preparation ---- */
static void count_consumers(fc_nn_model *m)
{
    for (int i = 0; i < m->ntensors; i++) {
        m->t[i].consumers = 0;
        m->t[i].producer = -1;
        m->t[i].is_input = m->t[i].is_output = 0;
    }
    for (int k = 0; k < m->nops; k++) {
        nn_op *op = &m->ops[k];
        if (op->dead)
            continue;
        for (int i = 0; i < op->nin; i++)
            if (op->in[i] >= 0)
                m->t[op->in[i]].consumers++;
        if (op->act == ACT_PRELU)
            m->t[op->prelu_slope].consumers++;
        if (op->residual >= 0)
            m->t[op->residual].consumers++;
        for (int i = 0; i < op->nout; i++)
            m->t[op->out[i]].producer = k;
    }
    for (int i = 0; i < m->nin; i++)
        m->t[m->inputs[i]].is_input = 1;
    for (int i = 0; i < m->nout; i++)
        m->t[m->outputs[i]].is_output = 1;
}

/* The op producing tensor t if it is alive, has code `code`, and t is used only once and is no output. */
static nn_op *single_use(fc_nn_model *m, int t, int code, int uses)
{
    if (t < 0 || m->t[t].is_output || m->t[t].consumers != uses || m->t[t].producer < 0)
        return NULL;
    nn_op *p = &m->ops[m->t[t].producer];
    return !p->dead && p->code == code ? p : NULL;
}

static int add_const_tensor(fc_nn_model *m, const nn_tensor *like, const char *suffix, float scale, int *idx)
{
    nn_tensor *nt = realloc(m->t, sizeof(nn_tensor) * (size_t)(m->ntensors + 1));
    if (!nt)
        return fc_fail(FC_ENOMEM, "%s: out of memory", m->name);
    m->t = nt;
    nn_tensor *t = &m->t[m->ntensors];
    *t = *like;
    snprintf(t->name, sizeof t->name, "%.100s%s", like->name, suffix);
    float *d = fc_malloc(like->count ? like->count : 1, sizeof(float));
    if (!d)
        return FC_ENOMEM;
    for (size_t i = 0; i < like->count; i++)
        d[i] = ((const float *)like->cdata)[i] * scale;
    t->cdata = t->data = d;
    *idx = m->ntensors++;
    return 0;
}

static int const_float(const fc_nn_model *m, int t) { return t >= 0 && m->t[t].is_const && m->t[t].type == TT_FLOAT32; }

/* relu(x) + c * (x - |x|)       →  prelu(x, 2c)   (MobileFaceNet's export)
 * relu(x) + c * -relu(-x)      →  prelu(x, c)    (MTCNN's export)
 * relu(x) + c * relu(-x)       →  prelu(x, -c)                              */
static int fuse_prelu(fc_nn_model *m, int k)
{
    nn_op *add = &m->ops[k];
    if (add->code != TFL_ADD || add->nin != 2 || add->act != ACT_NONE)
        return 0;
    for (int s = 0; s < 2; s++) {
        nn_op *relu = single_use(m, add->in[s], TFL_RELU, 1), *mul = single_use(m, add->in[1 - s], TFL_MUL, 1);
        if (!relu || !mul || mul->act != ACT_NONE || mul->nin != 2)
            continue;
        int x = relu->in[0];
        for (int c = 0; c < 2; c++) {
            int ct = mul->in[c], tt = mul->in[1 - c];
            if (!const_float(m, ct))
                continue;
            float scale;
            nn_op *sub = single_use(m, tt, TFL_SUB, 1), *r2 = single_use(m, tt, TFL_RELU, 1), *p2 = NULL;
            nn_op *n2 = single_use(m, tt, TFL_NEG, 1), *n2r = n2 ? single_use(m, n2->in[0], TFL_RELU, 1) : NULL;
            nn_op *n2rn = n2r ? single_use(m, n2r->in[0], TFL_NEG, 1) : NULL;
            if (sub && sub->in[0] == x && sub->act == ACT_NONE && (p2 = single_use(m, sub->in[1], TFL_ABS, 1)) &&
                p2->in[0] == x) {
                scale = 2.0f;
            } else if (r2 && (p2 = single_use(m, r2->in[0], TFL_NEG, 1)) && p2->in[0] == x) {
                scale = -1.0f;
                sub = r2;
            } else if (n2rn && n2rn->in[0] == x) { /* c * -relu(-x) = c * min(x, 0) */
                scale = 1.0f;
                sub = n2r;
                p2 = n2rn;
                n2->dead = 1;
            } else {
                continue;
            }
            int slope = -1;
            nn_tensor copy = m->t[ct];
            if (add_const_tensor(m, &copy, "/prelu_slope", scale, &slope))
                return FC_ENOMEM;
            add = &m->ops[k];
            add->code = TFL_PRELU;
            add->in[0] = x;
            add->in[1] = slope;
            relu->dead = mul->dead = sub->dead = p2->dead = 1;
            return 1;
        }
    }
    return 0;
}

static int axis_is_last(const fc_nn_model *m, int t, int rank)
{
    if (t < 0 || !m->t[t].is_const || m->t[t].type != TT_INT32 || m->t[t].count != 1)
        return 0;
    int a = ((int *)m->t[t].cdata)[0];
    return a == -1 || a == rank - 1;
}

/* e / sum(e, -1) with e = exp(x - max(x, -1))  →  softmax(x) */
static int fuse_softmax(fc_nn_model *m, int k)
{
    nn_op *div = &m->ops[k];
    if (div->code != TFL_DIV || div->nin != 2 || div->act != ACT_NONE)
        return 0;
    nn_op *sum = single_use(m, div->in[1], TFL_SUM, 1);
    nn_op *ex = single_use(m, div->in[0], TFL_EXP, 2);
    if (!sum || !ex || sum->in[0] != div->in[0] || !sum->keep_dims)
        return 0;
    nn_op *sub = single_use(m, ex->in[0], TFL_SUB, 1);
    if (!sub || sub->act != ACT_NONE)
        return 0;
    int x = sub->in[0];
    nn_op *mx = single_use(m, sub->in[1], TFL_REDUCE_MAX, 1);
    if (!mx || mx->in[0] != x || !mx->keep_dims)
        return 0;
    int rank = m->t[x].ndim;
    if (!axis_is_last(m, mx->in[1], rank) || !axis_is_last(m, sum->in[1], rank))
        return 0;
    div->code = TFL_SOFTMAX;
    div->nin = 1;
    div->in[0] = x;
    div->beta = 1.0f;
    sum->dead = ex->dead = sub->dead = mx->dead = 1;
    return 1;
}

/* conv/depthwise/FC without activation whose only consumer is a per-channel PReLU → fused epilogue. */
static int fuse_epilogue(fc_nn_model *m, int k)
{
    nn_op *pr = &m->ops[k];
    if (pr->code != TFL_PRELU || !const_float(m, pr->in[1]))
        return 0;
    int t = pr->in[0];
    if (t < 0 || m->t[t].is_output || m->t[t].consumers != 1 || m->t[t].producer < 0)
        return 0;
    nn_op *c = &m->ops[m->t[t].producer];
    if (c->dead || c->act != ACT_NONE ||
        (c->code != TFL_CONV_2D && c->code != TFL_DEPTHWISE_CONV_2D && c->code != TFL_FULLY_CONNECTED))
        return 0;
    const nn_tensor *w = &m->t[c->in[1]];
    size_t O = c->code == TFL_DEPTHWISE_CONV_2D ? (size_t)w->dims[w->ndim - 1] : (size_t)w->dims[0];
    const nn_tensor *sl = &m->t[pr->in[1]];
    /* the slope must be one value per output channel laid out along the last axis */
    if (sl->count != O || (sl->ndim > 0 && (size_t)sl->dims[sl->ndim - 1] != O))
        return 0;
    c->act = ACT_PRELU;
    c->prelu_slope = pr->in[1];
    c->out[0] = pr->out[0];
    pr->dead = 1;
    return 1;
}

/* conv/depthwise/FC whose only consumer is ADD(out, r) of the same shape (a residual connection)
 * → the ADD happens in the conv's epilogue. r must be an activation computed before the conv. */
static int fuse_residual(fc_nn_model *m, int k)
{
    nn_op *add = &m->ops[k];
    if (add->code != TFL_ADD || add->nin != 2 || add->act != ACT_NONE)
        return 0;
    for (int s = 0; s < 2; s++) {
        int t = add->in[s], r = add->in[1 - s];
        if (t < 0 || r < 0 || t == r || m->t[t].is_output || m->t[t].consumers != 1 || m->t[t].producer < 0 ||
            m->t[r].is_const)
            continue;
        nn_op *c = &m->ops[m->t[t].producer];
        if (c->dead || c->residual >= 0 ||
            (c->code != TFL_CONV_2D && c->code != TFL_DEPTHWISE_CONV_2D && c->code != TFL_FULLY_CONNECTED))
            continue;
        const nn_tensor *a = &m->t[t], *b = &m->t[r];
        if (a->ndim != b->ndim || memcmp(a->dims, b->dims, sizeof(int) * (size_t)a->ndim))
            continue;
        if (m->t[r].producer > (int)(c - m->ops)) /* r must exist when the conv runs */
            continue;
        if (c->code == TFL_FULLY_CONNECTED && a->ndim != 2)
            continue;
        c->residual = r;
        c->out[0] = add->out[0];
        add->dead = 1;
        return 1;
    }
    return 0;
}

static int fold_dequantize(fc_nn_model *m, int k)
{
    nn_op *op = &m->ops[k];
    if (op->code != TFL_DEQUANTIZE || op->nin != 1 || op->nout != 1 || !const_float(m, op->in[0]))
        return 0;
    nn_tensor *src = &m->t[op->in[0]], *dst = &m->t[op->out[0]];
    if (dst->is_const || dst->is_input)
        return 0;
    float *d = fc_malloc(src->count ? src->count : 1, sizeof(float));
    if (!d)
        return FC_ENOMEM;
    memcpy(d, src->cdata, sizeof(float) * src->count);
    dst->cdata = dst->data = d;
    dst->is_const = 1;
    dst->type = TT_FLOAT32;
    dst->ndim = src->ndim;
    memcpy(dst->dims, src->dims, sizeof src->dims);
    dst->count = src->count;
    op->dead = 1;
    return 1;
}

static int check_graph(fc_nn_model *m)
{
    /* each tensor written once, read only after it is written (ops are in execution order) */
    char *ready = calloc((size_t)m->ntensors, 1);
    if (!ready)
        return FC_ENOMEM;
    int rc = 0;
    for (int i = 0; i < m->ntensors; i++)
        ready[i] = (char)m->t[i].is_const;
    for (int i = 0; i < m->nin; i++) {
        if (m->t[m->inputs[i]].is_const || m->t[m->inputs[i]].type != TT_FLOAT32) {
            rc = fc_fail(FC_EUNSUP, "%s: graph input %d is not a float32 activation", m->name, i);
            goto out;
        }
        ready[m->inputs[i]] = 1;
    }
    for (int k = 0; k < m->nops && !rc; k++) {
        nn_op *op = &m->ops[k];
        for (int i = 0; i < op->nin; i++)
            if (op->in[i] >= 0 && !ready[op->in[i]])
                rc = fc_fail(FC_EFORMAT, "%s: op %d (%s) reads tensor %d before it is computed", m->name, k,
                             nn_op_name(op->code), op->in[i]);
        for (int i = 0; i < op->nout && !rc; i++) {
            if (ready[op->out[i]])
                rc = fc_fail(FC_EFORMAT, "%s: op %d (%s) overwrites tensor %d", m->name, k, nn_op_name(op->code),
                             op->out[i]);
            ready[op->out[i]] = 1;
        }
    }
    for (int i = 0; i < m->nout && !rc; i++)
        if (!ready[m->outputs[i]] || m->t[m->outputs[i]].is_const)
            rc = fc_fail(FC_EFORMAT, "%s: graph output %d is never computed", m->name, i);
out:
    free(ready);
    return rc;
}

static int infer_all(fc_nn_model *m)
{
    for (int k = 0; k < m->nops; k++) {
        if (m->ops[k].dead)
            continue;
        int rc = nn_infer_op(m, &m->ops[k]);
        if (rc)
            return rc;
    }
    m->planned = 0;
    return 0;
}

static int prepare(fc_nn_model *m)
{
    int rc = check_graph(m);
    if (rc)
        return rc;
    count_consumers(m);
    for (int k = 0; k < m->nops; k++)
        if ((rc = fold_dequantize(m, k)) < 0)
            return rc;
    /* Original shapes first: the fusion checks look at ranks and channel counts. */
    if ((rc = infer_all(m)))
        return rc == FC_EARG ? FC_EFORMAT : rc;
    count_consumers(m);
    for (int k = 0; k < m->nops; k++) {
        if (m->ops[k].dead)
            continue;
        if ((rc = fuse_prelu(m, k)) < 0 || (rc = fuse_softmax(m, k)) < 0)
            return rc;
        if (rc)
            count_consumers(m);
    }
    count_consumers(m);
    for (int k = 0; k < m->nops; k++)
        if (!m->ops[k].dead && fuse_epilogue(m, k))
            count_consumers(m);
    for (int k = 0; k < m->nops; k++)
        if (!m->ops[k].dead && fuse_residual(m, k))
            count_consumers(m);
    count_consumers(m);
    if ((rc = infer_all(m)))
        return rc == FC_EARG ? FC_EFORMAT : rc;
    for (int k = 0; k < m->nops; k++)
        if ((rc = nn_prepare_op(m, &m->ops[k])))
            return rc;
    return 0;
}

/* ---- memory planning: every activation gets an arena range; ranges of tensors alive at the same time
 * are disjoint (greedy first fit, largest first). ---- */
typedef struct {
    int t;
    size_t size;
} plan_item;

static int cmp_size(const void *a, const void *b)
{
    const plan_item *x = a, *y = b;
    return x->size < y->size ? 1 : x->size > y->size ? -1 : x->t - y->t;
}

static int plan(fc_nn_model *m)
{
    for (int i = 0; i < m->ntensors; i++) {
        m->t[i].first = INT_MAX;
        m->t[i].last = -1;
    }
    for (int i = 0; i < m->nin; i++)
        m->t[m->inputs[i]].first = -1;
    size_t scratch = 0;
    m->plan_threads = m->fixed_threads ? m->fixed_threads : fc_nn_threads();
    for (int k = 0; k < m->nops; k++) {
        nn_op *op = &m->ops[k];
        if (op->dead)
            continue;
        for (int i = 0; i < op->nin; i++)
            if (op->in[i] >= 0 && m->t[op->in[i]].last < k)
                m->t[op->in[i]].last = k;
        if (op->residual >= 0 && m->t[op->residual].last < k)
            m->t[op->residual].last = k;
        for (int i = 0; i < op->nout; i++) {
            nn_tensor *t = &m->t[op->out[i]];
            if (t->first > k)
                t->first = k;
            if (t->last < k)
                t->last = k;
        }
        size_t s = nn_op_scratch(m, op, m->plan_threads);
        scratch = s > scratch ? s : scratch;
    }
    for (int i = 0; i < m->nout; i++)
        m->t[m->outputs[i]].last = INT_MAX;
    for (int i = 0; i < m->nin; i++)
        if (m->t[m->inputs[i]].last < 0)
            m->t[m->inputs[i]].last = 0;

    plan_item *items = fc_malloc((size_t)m->ntensors, sizeof(plan_item));
    if (!items)
        return FC_ENOMEM;
    int n = 0;
    for (int i = 0; i < m->ntensors; i++)
        if (!m->t[i].is_const && m->t[i].last >= 0 && m->t[i].first != INT_MAX)
            items[n++] = (plan_item){i, (m->t[i].count + 15) & ~(size_t)15};
    qsort(items, (size_t)n, sizeof *items, cmp_size);
    size_t total = 0;
    for (int a = 0; a < n; a++) {
        nn_tensor *t = &m->t[items[a].t];
        size_t off = 0;
        for (int again = 1; again;) { /* bump past every placed, overlapping-in-time range */
            again = 0;
            for (int b = 0; b < a; b++) {
                nn_tensor *u = &m->t[items[b].t];
                if (u->last < t->first || t->last < u->first)
                    continue;
                if (off < u->off + items[b].size && u->off < off + items[a].size) {
                    off = u->off + items[b].size;
                    again = 1;
                }
            }
        }
        t->off = off;
        if (off + items[a].size > total)
            total = off + items[a].size;
    }
    if (total > mem_limit() / sizeof(float) || scratch > mem_limit() / sizeof(float) - total) {
        free(items);
        return fc_fail(FC_ENOMEM, "%s: the graph needs %.1f MB of activations at this input shape (limit %.1f MB)",
                       m->name, (double)(total + scratch) * 4 / 1048576.0, (double)mem_limit() / 1048576.0);
    }
    if (total > m->arena_floats) {
        free(m->arena);
        m->arena = fc_malloc(total ? total : 16, sizeof(float));
        if (!m->arena) {
            m->arena_floats = 0;
            free(items);
            return fc_fail(FC_ENOMEM, "%s: cannot allocate %zu MB of activations", m->name, total * 4 >> 20);
        }
        m->arena_floats = total;
    }
    for (int a = 0; a < n; a++)
        m->t[items[a].t].data = m->arena + m->t[items[a].t].off;
    free(items);
    if (scratch > m->scratch_floats) {
        free(m->scratch);
        m->scratch = fc_malloc(scratch, sizeof(float));
        if (!m->scratch) {
            m->scratch_floats = 0;
            return fc_fail(FC_ENOMEM, "%s: cannot allocate the convolution scratch", m->name);
        }
        m->scratch_floats = scratch;
    }
    m->planned = 1;
    return 0;
}

/* ---- public API ---- */
int fc_nn_load_buffer(const void *data, size_t size, const char *name, fc_nn_model **out)
{
    *out = NULL;
    fc_nn_model *m = fc_calloc(1, sizeof *m);
    if (!m)
        return FC_ENOMEM;
    snprintf(m->name, sizeof m->name, "%s", name ? name : "model");
    int rc = nn_parse_tflite(data, size, m->name, m);
    if (!rc)
        rc = prepare(m);
    if (rc) {
        fc_nn_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

int fc_nn_load(const char *path, fc_nn_model **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return fc_fail(FC_EIO, "%s: cannot open model file (run scripts/fetch_models.sh?)", path);
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return fc_fail(FC_EIO, "%s: is a directory, not a model file", path);
    }
    uint8_t *buf = NULL;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        len = ftell(f);
    if (len < 0 || (size_t)len > MAX_FILE || fseek(f, 0, SEEK_SET)) {
        fclose(f);
        return fc_fail(FC_EIO, "%s: cannot read the model file (size %ld)", path, len);
    }
    buf = malloc(len ? (size_t)len : 1);
    if (!buf) {
        fclose(f);
        return fc_fail(FC_ENOMEM, "%s: out of memory", path);
    }
    size_t got = fread(buf, 1, (size_t)len, f);
    fclose(f);
    if (got != (size_t)len) {
        free(buf);
        return fc_fail(FC_EIO, "%s: short read", path);
    }
    int rc = fc_nn_load_buffer(buf, (size_t)len, path, out);
    free(buf);
    return rc;
}

static void free_workers(fc_nn_model *m)
{
    for (int i = 0; i < m->nworkers; i++)
        fc_nn_free(m->workers[i]);
    free(m->workers);
    m->workers = NULL;
    m->nworkers = 0;
}

void fc_nn_free(fc_nn_model *m)
{
    if (!m)
        return;
    free_workers(m);
    if (m->t && !m->shared_consts)
        for (int i = 0; i < m->ntensors; i++)
            free(m->t[i].cdata);
    if (m->ops && !m->shared_consts)
        for (int k = 0; k < m->nops; k++)
            free(m->ops[k].wt);
    free(m->t);
    free(m->ops);
    free(m->inputs);
    free(m->outputs);
    free(m->arena);
    free(m->scratch);
    free(m->profile);
    free(m);
}

int fc_nn_num_inputs(const fc_nn_model *m) { return m->nin; }
int fc_nn_num_outputs(const fc_nn_model *m) { return m->nout; }

static void fill_info(const nn_tensor *t, fc_nn_tensor_info *info)
{
    info->name = t->name;
    info->ndim = t->ndim;
    memset(info->dims, 0, sizeof info->dims);
    memcpy(info->dims, t->dims, sizeof(int) * (size_t)t->ndim);
    info->count = t->count;
}

int fc_nn_input_info(const fc_nn_model *m, int i, fc_nn_tensor_info *info)
{
    if (i < 0 || i >= m->nin)
        return fc_fail(FC_EARG, "%s: no input %d", m->name, i);
    fill_info(&m->t[m->inputs[i]], info);
    return 0;
}

int fc_nn_output_info(const fc_nn_model *m, int i, fc_nn_tensor_info *info)
{
    if (i < 0 || i >= m->nout)
        return fc_fail(FC_EARG, "%s: no output %d", m->name, i);
    fill_info(&m->t[m->outputs[i]], info);
    return 0;
}

int fc_nn_find_output(const fc_nn_model *m, const char *substr)
{
    for (int i = 0; i < m->nout; i++)
        if (strstr(m->t[m->outputs[i]].name, substr))
            return i;
    return -1;
}

int fc_nn_resize_input(fc_nn_model *m, int i, int batch, int h, int w, int c)
{
    if (i < 0 || i >= m->nin)
        return fc_fail(FC_EARG, "%s: no input %d", m->name, i);
    nn_tensor *t = &m->t[m->inputs[i]];
    if (batch < 1 || batch > (1 << 20) || h > (1 << 16) || w > (1 << 16) || c > (1 << 16))
        return fc_fail(FC_EARG, "%s: input shape %d×%d×%d×%d out of range", m->name, batch, h, w, c);
    int old[FC_NN_MAX_DIMS];
    memcpy(old, t->dims, sizeof old);
    size_t oldc = t->count;
    if (t->ndim >= 1)
        t->dims[0] = batch;
    if (t->ndim == 4) {
        if (h > 0)
            t->dims[1] = h;
        if (w > 0)
            t->dims[2] = w;
        if (c > 0)
            t->dims[3] = c;
    }
    t->count = 1;
    for (int d = 0; d < t->ndim; d++)
        t->count *= (size_t)t->dims[d];
    free_workers(m);
    int rc = infer_all(m);
    if (rc) { /* restore the previous, valid shapes */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", fc_last_error());
        memcpy(t->dims, old, sizeof old);
        t->count = oldc;
        infer_all(m);
        return fc_fail(FC_EARG, "%s", msg);
    }
    return 0;
}

float *fc_nn_input_data(fc_nn_model *m, int i)
{
    if (i < 0 || i >= m->nin)
        return NULL;
    if (!m->planned && plan(m))
        return NULL;
    return m->t[m->inputs[i]].data;
}

int fc_nn_set_input(fc_nn_model *m, int i, const float *data, size_t count)
{
    if (i < 0 || i >= m->nin)
        return fc_fail(FC_EARG, "%s: no input %d", m->name, i);
    nn_tensor *t = &m->t[m->inputs[i]];
    if (count != t->count)
        return fc_fail(FC_EARG, "%s: input %d takes %zu values, got %zu", m->name, i, t->count, count);
    float *d = fc_nn_input_data(m, i);
    if (!d)
        return FC_ENOMEM;
    memcpy(d, data, sizeof(float) * count);
    return 0;
}

/* Does every op treat dimension 0 as an independent batch index at the current shapes? */
static int batch_separable(const fc_nn_model *m, int N)
{
    for (int i = 0; i < m->nin; i++)
        if (m->t[m->inputs[i]].ndim < 2 || m->t[m->inputs[i]].dims[0] != N)
            return 0;
    for (int k = 0; k < m->nops; k++) {
        const nn_op *op = &m->ops[k];
        if (op->dead)
            continue;
        const nn_tensor *y = &m->t[op->out[0]];
        if (y->ndim < 2 || y->dims[0] != N)
            return 0;
        for (int i = 0; i < op->nin; i++) {
            const nn_tensor *t = op->in[i] >= 0 ? &m->t[op->in[i]] : NULL;
            if (t && !t->is_const && (t->ndim < 2 || t->dims[0] != N))
                return 0;
            /* constants that broadcast along the batch are fine; ones with a batch-sized dim 0 are not */
            if (t && t->is_const && (op->code == TFL_ADD || op->code == TFL_SUB || op->code == TFL_MUL ||
                                     op->code == TFL_DIV || op->code == TFL_PRELU) &&
                t->ndim == y->ndim && t->dims[0] != 1)
                return 0;
        }
        if ((op->code == TFL_MEAN || op->code == TFL_SUM || op->code == TFL_REDUCE_MAX)) {
            const nn_tensor *a = &m->t[op->in[1]];
            for (size_t j = 0; j < a->count; j++) {
                int ax = ((const int *)a->cdata)[j];
                if (ax == 0 || ax == -m->t[op->in[0]].ndim)
                    return 0;
            }
        }
        if (op->code == TFL_FULLY_CONNECTED && m->t[op->in[0]].count / (size_t)m->t[op->in[1]].dims[1] != (size_t)N)
            return 0;
    }
    return 1;
}

static int make_worker(const fc_nn_model *m, int chunk, fc_nn_model **out)
{
    fc_nn_model *w = fc_calloc(1, sizeof *w);
    if (!w)
        return FC_ENOMEM;
    memcpy(w->name, m->name, sizeof w->name);
    w->ntensors = m->ntensors, w->nops = m->nops, w->nin = m->nin, w->nout = m->nout;
    w->shared_consts = 1;
    w->fixed_threads = 1;
    w->t = fc_malloc((size_t)m->ntensors, sizeof(nn_tensor));
    w->ops = fc_malloc((size_t)m->nops ? (size_t)m->nops : 1, sizeof(nn_op));
    w->inputs = fc_malloc((size_t)m->nin, sizeof(int));
    w->outputs = fc_malloc((size_t)m->nout, sizeof(int));
    if (!w->t || !w->ops || !w->inputs || !w->outputs) {
        fc_nn_free(w);
        return FC_ENOMEM;
    }
    memcpy(w->t, m->t, sizeof(nn_tensor) * (size_t)m->ntensors);
    memcpy(w->ops, m->ops, sizeof(nn_op) * (size_t)m->nops);
    memcpy(w->inputs, m->inputs, sizeof(int) * (size_t)m->nin);
    memcpy(w->outputs, m->outputs, sizeof(int) * (size_t)m->nout);
    for (int i = 0; i < w->nin; i++) {
        nn_tensor *t = &w->t[w->inputs[i]];
        t->count = t->count / (size_t)t->dims[0] * (size_t)chunk;
        t->dims[0] = chunk;
    }
    int rc = infer_all(w);
    if (!rc)
        rc = plan(w);
    if (rc) {
        fc_nn_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

static void run_ops(fc_nn_model *m)
{
    for (int k = 0; k < m->nops; k++) {
        if (m->ops[k].dead)
            continue;
        if (m->profile) { /* CPU seconds of the process: immune to other programs' load */
            struct timespec a, b;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
            nn_run_op(m, &m->ops[k]);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
            m->profile[k] += (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
        } else {
            nn_run_op(m, &m->ops[k]);
        }
    }
}

/* Runs chunks [c0, c1) of the batch in worker w: copy inputs in, run, copy outputs out. */
static void run_chunk(fc_nn_model *m, fc_nn_model *w, int s0, int n)
{
    for (int i = 0; i < m->nin; i++) {
        nn_tensor *src = &m->t[m->inputs[i]], *dst = &w->t[w->inputs[i]];
        size_t per = src->count / (size_t)src->dims[0];
        memcpy(dst->data, src->data + (size_t)s0 * per, sizeof(float) * per * (size_t)n);
    }
    run_ops(w);
    for (int i = 0; i < m->nout; i++) {
        nn_tensor *src = &w->t[w->outputs[i]], *dst = &m->t[m->outputs[i]];
        size_t per = dst->count / (size_t)dst->dims[0];
        memcpy(dst->data + (size_t)s0 * per, src->data, sizeof(float) * per * (size_t)n);
    }
}

int fc_nn_run(fc_nn_model *m)
{
    int rc;
    int want = m->fixed_threads ? m->fixed_threads : fc_nn_threads();
    if ((!m->planned || m->plan_threads != want) && (rc = plan(m)))
        return rc;
    /* OpenMP is the one thread pool: OpenBLAS runs single-threaded inside it, then gets its count back
     * (other modules call it outside parallel regions with all threads). */
    /* Inside a caller's parallel region (several models run at once, fc_nn_set_threads(1) set OpenBLAS
     * to one thread already) the global count is left alone: restoring it would race. */
    int touch_blas = !omp_in_parallel();
    int blas_threads = touch_blas ? openblas_get_num_threads() : 1;
    if (touch_blas && blas_threads != 1)
        openblas_set_num_threads(1);
    int N = m->t[m->inputs[0]].ndim ? m->t[m->inputs[0]].dims[0] : 1;
    int chunk = 2; /* measured: 1-2 samples per chunk keep MobileFaceNet's activations in L2 */
    if (want > 1 && N >= 2 * want && !m->profile && batch_separable(m, N)) {
        if (m->nworkers != want || m->worker_chunk != chunk) {
            free_workers(m);
            m->workers = fc_calloc((size_t)want, sizeof(fc_nn_model *));
            if (!m->workers) {
                if (touch_blas && blas_threads != 1)
                    openblas_set_num_threads(blas_threads);
                return FC_ENOMEM;
            }
            for (int i = 0; i < want; i++)
                if ((rc = make_worker(m, chunk, &m->workers[i]))) {
                    m->nworkers = i;
                    free_workers(m);
                    if (touch_blas && blas_threads != 1)
                        openblas_set_num_threads(blas_threads);
                    return rc;
                }
            m->nworkers = want;
            m->worker_chunk = chunk;
        }
        int nchunks = N / chunk;
#pragma omp parallel for schedule(dynamic, 1) num_threads(want)
        for (int c = 0; c < nchunks; c++)
            run_chunk(m, m->workers[omp_get_thread_num()], c * chunk, chunk);
        if (N % chunk) { /* a last, smaller chunk: the whole model, all threads */
            fc_nn_model *w;
            if ((rc = make_worker(m, N % chunk, &w)) == 0) {
                run_chunk(m, w, nchunks * chunk, N % chunk);
                fc_nn_free(w);
            }
        }
    } else {
        run_ops(m);
    }
    if (touch_blas && blas_threads != 1)
        openblas_set_num_threads(blas_threads);
    return rc = 0;
}

const float *fc_nn_output(const fc_nn_model *m, int i)
{
    if (i < 0 || i >= m->nout || !m->planned)
        return NULL;
    return m->t[m->outputs[i]].data;
}

int fc_nn_stats_get(fc_nn_model *m, fc_nn_stats *st)
{
    memset(st, 0, sizeof *st);
    int rc;
    if (!m->planned && (rc = plan(m)))
        return rc;
    st->n_tensors = m->ntensors;
    for (int k = 0; k < m->nops; k++)
        if (!m->ops[k].dead) {
            st->n_ops++;
            st->macs += m->ops[k].macs;
        }
    for (int i = 0; i < m->ntensors; i++)
        if (m->t[i].is_const && m->t[i].type == TT_FLOAT32 && !strstr(m->t[i].name, "/prelu_slope"))
            st->n_params += m->t[i].count;
    st->arena_bytes = m->arena_floats * sizeof(float);
    return 0;
}

static void shape_str(const nn_tensor *t, char *buf, size_t len)
{
    int at = snprintf(buf, len, "[");
    for (int d = 0; d < t->ndim && at < (int)len; d++)
        at += snprintf(buf + at, len - (size_t)at, d ? ",%d" : "%d", t->dims[d]);
    if (at < (int)len)
        snprintf(buf + at, len - (size_t)at, "]");
}

int fc_nn_describe(fc_nn_model *m, void *fp)
{
    FILE *f = fp;
    char s1[64], s2[64];
    int counts[128] = {0};
    for (int i = 0; i < m->nin; i++) {
        shape_str(&m->t[m->inputs[i]], s1, sizeof s1);
        fprintf(f, "input  %d: %-40s %s\n", i, m->t[m->inputs[i]].name, s1);
    }
    for (int i = 0; i < m->nout; i++) {
        shape_str(&m->t[m->outputs[i]], s1, sizeof s1);
        fprintf(f, "output %d: %-40s %s\n", i, m->t[m->outputs[i]].name, s1);
    }
    fprintf(f, "\n  #  op                  input shape          -> output shape         MACs     notes\n");
    int n = 0;
    for (int k = 0; k < m->nops; k++) {
        nn_op *op = &m->ops[k];
        if (op->dead)
            continue;
        if (op->code >= 0 && op->code < 128)
            counts[op->code]++;
        shape_str(&m->t[op->in[0] >= 0 ? op->in[0] : op->out[0]], s1, sizeof s1);
        shape_str(&m->t[op->out[0]], s2, sizeof s2);
        char note[96] = "";
        if (op->code == TFL_CONV_2D || op->code == TFL_DEPTHWISE_CONV_2D) {
            const nn_tensor *w = &m->t[op->in[1]];
            snprintf(note, sizeof note, "%dx%d/%d%s%s%s", w->dims[1], w->dims[2], op->stride_h,
                     op->padding == PAD_SAME ? " same" : " valid",
                     op->act == ACT_PRELU ? " +prelu" : op->act == ACT_RELU ? " +relu" : op->act ? " +act" : "",
                     op->residual >= 0 ? " +residual add" : "");
        } else if (op->code == TFL_FULLY_CONNECTED && op->act == ACT_PRELU) {
            snprintf(note, sizeof note, "+prelu");
        }
        fprintf(f, "%3d  %-18s  %-20s -> %-20s %8.3gM  %s\n", n++, nn_op_name(op->code), s1, s2, op->macs / 1e6,
                note);
    }
    fprintf(f, "\nop counts (after fusing decomposed PReLU/softmax):");
    for (int c = 0; c < 128; c++)
        if (counts[c])
            fprintf(f, " %s %d", nn_op_name(c), counts[c]);
    fprintf(f, "\n");
    return 0;
}
