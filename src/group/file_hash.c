/* file_hash.c — content hashes for byte-identical duplicate detection. Two independent 64-bit FNV-1a
 * lanes (different offsets and byte mixing) make accidental collisions negligible; the caller still
 * confirms a match byte by byte before calling two photos duplicates. */
#include "group_internal.h"

#include <stdio.h>
#include <string.h>

int gc_file_hash(const char *path, char out[33])
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
    const uint64_t P = 0x100000001b3ULL;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++) {
            a = (a ^ buf[i]) * P;
            b = (b ^ (unsigned char)(buf[i] + 0x5b)) * P;
            b ^= b >> 29;
        }
    int err = ferror(f);
    fclose(f);
    if (err) return -1;
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
    return 0;
}

int gc_files_equal(const char *pa, const char *pb)
{
    FILE *a = fopen(pa, "rb"), *b = fopen(pb, "rb");
    int eq = a && b;
    unsigned char x[65536], y[65536];
    while (eq) {
        size_t na = fread(x, 1, sizeof x, a), nb = fread(y, 1, sizeof y, b);
        if (na != nb || memcmp(x, y, na)) eq = 0;
        if (na == 0) break;
    }
    if (a) fclose(a);
    if (b) fclose(b);
    return eq;
}
