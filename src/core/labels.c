/* labels.c — ground-truth identity files and predicted label files (see labels.h). */
#include "facecluster/labels.h"
#include "facecluster/core.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int fc_truth_from_strings(const char *const *strings, size_t n, fc_truth *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = 16;
    while (cap < 2 * n + 16)
        cap *= 2;
    int *slots = malloc(cap * sizeof(int)); /* open addressing: slot holds id or -1 */
    out->ids = fc_malloc(n, sizeof(int));
    out->names = fc_malloc(n ? n : 1, sizeof(char *));
    if (!slots || !out->ids || !out->names) {
        free(slots);
        fc_truth_free(out);
        return fc_fail(FC_ENOMEM, "out of memory reading %zu labels", n);
    }
    for (size_t i = 0; i < cap; i++)
        slots[i] = -1;
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)(hash_str(strings[i]) & (cap - 1));
        while (slots[h] >= 0 && strcmp(out->names[slots[h]], strings[i]) != 0)
            h = (h + 1) & (cap - 1);
        if (slots[h] < 0) {
            slots[h] = (int)out->k;
            out->names[out->k] = strdup(strings[i]);
            if (!out->names[out->k]) {
                free(slots);
                fc_truth_free(out);
                return fc_fail(FC_ENOMEM, "out of memory");
            }
            out->k++;
        }
        out->ids[i] = slots[h];
    }
    out->n = n;
    free(slots);
    return FC_OK;
}

void fc_truth_free(fc_truth *t)
{
    if (t->names)
        for (size_t i = 0; i < t->k; i++)
            free(t->names[i]);
    free(t->names);
    free(t->ids);
    memset(t, 0, sizeof *t);
}

/* Reads every line (without its newline, CR stripped) into a growing array. */
static int read_lines(const char *path, char ***lines_out, size_t *n_out)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot open: %s", path, strerror(errno));
    char **lines = NULL, *buf = NULL;
    size_t n = 0, cap = 0, bufcap = 0;
    ssize_t len;
    int rc = FC_OK;
    while ((len = getline(&buf, &bufcap, fp)) >= 0) {
        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = 0;
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            char **grown = realloc(lines, cap * sizeof(char *));
            if (!grown) {
                rc = fc_fail(FC_ENOMEM, "out of memory reading %s", path);
                break;
            }
            lines = grown;
        }
        if (!(lines[n++] = strdup(buf))) {
            rc = fc_fail(FC_ENOMEM, "out of memory reading %s", path);
            break;
        }
    }
    free(buf);
    if (fp != stdin)
        fclose(fp);
    /* A final empty line is just the file's trailing newline convention. */
    while (rc == FC_OK && n > 0 && lines[n - 1][0] == 0)
        free(lines[--n]);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            free(lines[i]);
        free(lines);
        return rc;
    }
    *lines_out = lines;
    *n_out = n;
    return FC_OK;
}

static void free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

int fc_truth_read(const char *path, int tsv_column, int has_header, fc_truth *out)
{
    memset(out, 0, sizeof *out);
    char **lines;
    size_t n;
    int rc = read_lines(path, &lines, &n);
    if (rc)
        return rc;
    size_t first = has_header ? 1 : 0;
    if (n <= first) {
        free_lines(lines, n);
        return fc_fail(FC_EFORMAT, "%s: no labels in file", path);
    }
    const char **fields = fc_malloc(n - first, sizeof(char *));
    if (!fields) {
        free_lines(lines, n);
        return FC_ENOMEM;
    }
    for (size_t i = first; i < n && rc == FC_OK; i++) {
        char *f = lines[i];
        if (tsv_column > 0) {
            for (int c = 1; c < tsv_column && f; c++) {
                f = strchr(f, '\t');
                if (f)
                    f++;
            }
            if (!f)
                rc = fc_fail(FC_EFORMAT, "%s:%zu: no column %d", path, i + 1, tsv_column);
            else {
                char *tab = strchr(f, '\t');
                if (tab)
                    *tab = 0;
            }
        }
        if (rc == FC_OK && (!f || !*f))
            rc = fc_fail(FC_EFORMAT, "%s:%zu: empty label", path, i + 1);
        fields[i - first] = f;
    }
    if (rc == FC_OK && tsv_column > 0 && !has_header) {
        /* a TSV column whose first value is a column name: most likely a header the caller forgot */
        static const char *const words[] = {"identity", "identities", "label", "labels", "person", "people",
                                            "truth", "name", "id", "class"};
        for (size_t w = 0; w < sizeof words / sizeof *words; w++)
            if (!strcasecmp(fields[0], words[w])) {
                fc_warn("%s: line 1 ('%s') looks like a header; use --header to skip it", path, fields[0]);
                break;
            }
    }
    if (rc == FC_OK)
        rc = fc_truth_from_strings(fields, n - first, out);
    free(fields);
    free_lines(lines, n);
    return rc;
}

int fc_pred_read(const char *path, int **labels, size_t *n_out)
{
    char **lines;
    size_t n;
    int rc = read_lines(path, &lines, &n);
    if (rc)
        return rc;
    int *lab = fc_malloc(n, sizeof(int));
    for (size_t i = 0; lab && i < n && rc == FC_OK; i++) {
        char *end;
        errno = 0;
        long v = strtol(lines[i], &end, 10);
        while (*end == ' ' || *end == '\t')
            end++;
        if (end == lines[i] || *end || errno || v < -1 || v > 2147483647L)
            rc = fc_fail(FC_EFORMAT, "%s:%zu: '%s' is not a cluster label (an integer >= -1)", path, i + 1,
                         lines[i]);
        else
            lab[i] = (int)v;
    }
    free_lines(lines, n);
    if (!lab)
        return FC_ENOMEM;
    if (rc) {
        free(lab);
        return rc;
    }
    *labels = lab;
    *n_out = n;
    return FC_OK;
}

int fc_pred_write(const char *path, const int *labels, size_t n)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot write: %s", path, strerror(errno));
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++)
        ok = fprintf(fp, "%d\n", labels[i]) > 0;
    if (fp != stdout) {
        if (fclose(fp) != 0)
            ok = 0;
    } else if (fflush(fp) != 0)
        ok = 0;
    return ok ? FC_OK : fc_fail(FC_EIO, "%s: write failed", path);
}

int fc_labels_canonical(int *labels, size_t n)
{
    int max = -1;
    for (size_t i = 0; i < n; i++)
        if (labels[i] > max)
            max = labels[i];
    int *map = fc_malloc((size_t)max + 1, sizeof(int)), k = 0;
    if (!map)
        return -1;
    for (int i = 0; i <= max; i++)
        map[i] = -1;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0)
            continue;
        if (map[labels[i]] < 0)
            map[labels[i]] = k++;
        labels[i] = map[labels[i]];
    }
    free(map);
    return k;
}
