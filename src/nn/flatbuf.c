/* flatbuf.c — bounds-checked FlatBuffers primitives (see flatbuf.h). Every read is preceded by a range
 * check written so that it cannot overflow: `n - at < k` after `at <= n`. */
#include "nn/flatbuf.h"

#include <string.h>

static int in_range(const fb_buf *b, size_t at, size_t k) { return at <= b->n && b->n - at >= k; }

static uint16_t rd16(const fb_buf *b, size_t at)
{
    uint16_t v;
    memcpy(&v, b->p + at, 2);
    return v;
}

static uint32_t rd32(const fb_buf *b, size_t at)
{
    uint32_t v;
    memcpy(&v, b->p + at, 4);
    return v;
}

int fb_table_at(const fb_buf *b, size_t pos, fb_table *t)
{
    if (!in_range(b, pos, 4))
        return -1;
    int32_t soff = (int32_t)rd32(b, pos);
    int64_t vt = (int64_t)pos - (int64_t)soff;
    if (vt < 0 || !in_range(b, (size_t)vt, 4))
        return -1;
    unsigned vtsize = rd16(b, (size_t)vt), tsize = rd16(b, (size_t)vt + 2);
    if (vtsize < 4 || (vtsize & 1) || !in_range(b, (size_t)vt, vtsize) || tsize < 4 || !in_range(b, pos, tsize))
        return -1;
    t->b = b;
    t->pos = pos;
    t->vt = (size_t)vt;
    t->vtsize = vtsize;
    t->tsize = tsize;
    return 0;
}

int fb_root(const fb_buf *b, fb_table *t)
{
    if (!in_range(b, 0, 8))
        return -1;
    return fb_table_at(b, rd32(b, 0), t);
}

/* Position of a field's inline value with `size` bytes; 0 = absent; -1 = out of the table. */
static int field_pos(const fb_table *t, int field, size_t size, size_t *pos)
{
    size_t idx = 4 + 2 * (size_t)field;
    if (field < 0 || idx + 2 > t->vtsize)
        return 0;
    unsigned off = rd16(t->b, t->vt + idx);
    if (off == 0)
        return 0;
    if (off < 4 || off + size > t->tsize || !in_range(t->b, t->pos + off, size))
        return -1;
    *pos = t->pos + off;
    return 1;
}

#define SCALAR_GETTER(fname, type, sz)                                                             \
    int fname(const fb_table *t, int field, type def, type *out)                                   \
    {                                                                                              \
        size_t at;                                                                                 \
        int r = field_pos(t, field, sz, &at);                                                      \
        if (r < 0)                                                                                 \
            return -1;                                                                             \
        if (r == 0)                                                                                \
            *out = def;                                                                            \
        else                                                                                       \
            memcpy(out, t->b->p + at, sz);                                                         \
        return 0;                                                                                  \
    }
SCALAR_GETTER(fb_u8, uint8_t, 1)
SCALAR_GETTER(fb_i32, int32_t, 4)
SCALAR_GETTER(fb_u32, uint32_t, 4)
SCALAR_GETTER(fb_u64, uint64_t, 8)
SCALAR_GETTER(fb_f32, float, 4)

/* Follows a uoffset field to its target position. */
static int ref_target(const fb_table *t, int field, size_t *target)
{
    size_t at;
    int r = field_pos(t, field, 4, &at);
    if (r <= 0)
        return r;
    uint32_t off = rd32(t->b, at);
    if (off == 0 || off > t->b->n - at)
        return -1;
    *target = at + off;
    return 1;
}

int fb_subtable(const fb_table *t, int field, fb_table *sub)
{
    size_t target;
    int r = ref_target(t, field, &target);
    if (r <= 0)
        return r;
    return fb_table_at(t->b, target, sub) ? -1 : 1;
}

int fb_vector(const fb_table *t, int field, size_t elem_size, fb_vec *v)
{
    size_t target;
    int r = ref_target(t, field, &target);
    if (r <= 0) {
        v->b = t->b;
        v->start = 0;
        v->len = 0;
        return r;
    }
    if (!in_range(t->b, target, 4))
        return -1;
    uint32_t len = rd32(t->b, target);
    size_t start = target + 4;
    if (elem_size && (size_t)len > (t->b->n - start) / elem_size)
        return -1;
    v->b = t->b;
    v->start = start;
    v->len = len;
    return 1;
}

int fb_string(const fb_table *t, int field, char *buf, size_t len)
{
    fb_vec v;
    buf[0] = 0;
    int r = fb_vector(t, field, 1, &v);
    if (r <= 0)
        return r;
    size_t k = v.len < len - 1 ? v.len : len - 1;
    memcpy(buf, t->b->p + v.start, k);
    buf[k] = 0;
    for (size_t i = 0; i < k; i++) /* names are printed: keep them printable */
        if (buf[i] < 32 || buf[i] > 126)
            buf[i] = '?';
    return 1;
}

int fb_vec_table(const fb_vec *v, uint32_t i, fb_table *t)
{
    size_t at = v->start + 4 * (size_t)i;
    if (!in_range(v->b, at, 4))
        return -1;
    uint32_t off = rd32(v->b, at);
    if (off == 0 || off > v->b->n - at)
        return -1;
    return fb_table_at(v->b, at + off, t);
}

int32_t fb_vec_i32(const fb_vec *v, uint32_t i) { return (int32_t)rd32(v->b, v->start + 4 * (size_t)i); }
