/* flatbuf.h — a bounds-checked reader of FlatBuffers binary data (the TFLite file format's container).
 *
 * Contract: every accessor checks that what it reads lies inside the buffer and returns -1 (never reads
 * out of bounds) when it does not; absent fields give the schema default. Offsets are size_t positions in
 * the buffer. Little-endian host assumed (x86-64, AArch64), reads go through memcpy (no alignment needs).
 */
#ifndef FC_NN_FLATBUF_H
#define FC_NN_FLATBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct fb_buf {
    const uint8_t *p;
    size_t n;
} fb_buf;

typedef struct fb_table {
    const fb_buf *b;
    size_t pos;      /* table start */
    size_t vt;       /* vtable start */
    unsigned vtsize; /* vtable size in bytes */
    unsigned tsize;  /* inline table size in bytes */
} fb_table;

typedef struct fb_vec {
    const fb_buf *b;
    size_t start; /* first element */
    uint32_t len;
} fb_vec;

int fb_root(const fb_buf *b, fb_table *t);
int fb_table_at(const fb_buf *b, size_t pos, fb_table *t);

/* Scalars: 0 with *out set (the default when the field is absent), -1 when out of bounds. */
int fb_u8(const fb_table *t, int field, uint8_t def, uint8_t *out);
int fb_i32(const fb_table *t, int field, int32_t def, int32_t *out);
int fb_u32(const fb_table *t, int field, uint32_t def, uint32_t *out);
int fb_u64(const fb_table *t, int field, uint64_t def, uint64_t *out);
int fb_f32(const fb_table *t, int field, float def, float *out);

/* References: 1 when present (and valid), 0 when absent, -1 when invalid. */
int fb_subtable(const fb_table *t, int field, fb_table *sub);
int fb_vector(const fb_table *t, int field, size_t elem_size, fb_vec *v);
/* A string copied into buf (NUL-terminated, truncated to len-1); "" when absent. */
int fb_string(const fb_table *t, int field, char *buf, size_t len);

/* Elements of vectors (caller guarantees i < v->len, which fb_vector validated against the buffer). */
int fb_vec_table(const fb_vec *v, uint32_t i, fb_table *t);
int32_t fb_vec_i32(const fb_vec *v, uint32_t i);

#endif
