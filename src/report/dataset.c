/* dataset.c — loading an embeddings folder and filtering its identities (see dataset.h). */
#include "facecluster/dataset.h"
#include "facecluster/npy.h"
#include "facecluster/rng.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fc_glasses_from_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strstr(base, "noglasses"))
        return 0;
    if (strstr(base, "glasses"))
        return 1;
    return -1;
}

void fc_dataset_free(fc_dataset *d)
{
    if (d->image)
        for (size_t i = 0; i < d->X.rows; i++)
            free(d->image[i]);
    free(d->image);
    fc_mat_free(&d->X);
    fc_truth_free(&d->truth);
    free(d->box);
    free(d->glasses);
    memset(d, 0, sizeof *d);
}

/* Reads faces.tsv: the header, then n rows with a path in column 1 and the box in columns 3-6. */
static int read_faces(const char *path, size_t n, char ***image_out, double **box_out)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot open: %s", path, strerror(errno));
    char **image = calloc(n ? n : 1, sizeof *image);
    double *box = calloc(n ? 4 * n : 1, sizeof *box);
    char *line = NULL;
    size_t cap = 0, row = 0;
    ssize_t len;
    int rc = FC_OK, header = 1;
    if (!image || !box)
        rc = fc_fail(FC_ENOMEM, "%s: out of memory", path);
    while (rc == FC_OK && (len = getline(&line, &cap, fp)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (header) {
            header = 0;
            if (strncmp(line, "relpath", 7) == 0)
                continue;
        }
        if (len == 0)
            continue;
        if (row >= n) {
            rc = fc_fail(FC_EFORMAT, "%s: more than %zu face rows (emb.npy has %zu)", path, n, n);
            break;
        }
        char *save = NULL, *tok = strtok_r(line, "\t", &save);
        int col = 0;
        for (; tok && col < 6; tok = strtok_r(NULL, "\t", &save), col++) {
            if (col == 0 && !(image[row] = strdup(tok)))
                rc = fc_fail(FC_ENOMEM, "%s: out of memory", path);
            else if (col >= 2)
                box[4 * row + col - 2] = strtod(tok, NULL);
        }
        if (rc == FC_OK && col < 6)
            rc = fc_fail(FC_EFORMAT, "%s: row %zu has %d columns, expected at least 6", path, row + 2, col);
        row++;
    }
    free(line);
    fclose(fp);
    if (rc == FC_OK && row != n)
        rc = fc_fail(FC_EFORMAT, "%s: %zu face rows but emb.npy has %zu rows", path, row, n);
    if (rc) {
        for (size_t i = 0; image && i < n; i++)
            free(image[i]);
        free(image);
        free(box);
        return rc;
    }
    *image_out = image;
    *box_out = box;
    return FC_OK;
}

int fc_dataset_load(const char *dir, const char *name, const char *image_root, fc_dataset *out)
{
    memset(out, 0, sizeof *out);
    char path[4200];
    snprintf(out->name, sizeof out->name, "%s", name);
    if (image_root)
        snprintf(out->image_root, sizeof out->image_root, "%s", image_root);
    snprintf(path, sizeof path, "%s/emb.npy", dir);
    int rc = fc_npy_read_matrix(path, &out->X);
    if (rc)
        return rc;
    if (out->X.rows == 0 || out->X.cols == 0) {
        rc = fc_fail(FC_EFORMAT, "%s: no %s (shape %zu x %zu)", path, out->X.rows ? "columns" : "rows",
                     out->X.rows, out->X.cols);
        fc_mat_free(&out->X);
        return rc;
    }
    /* as cluster/evaluate/tsne: a NaN or infinity would silently turn every score into noise */
    for (size_t i = 0; i < out->X.rows * out->X.cols; i++)
        if (!isfinite(out->X.data[i])) {
            rc = fc_fail(FC_EFORMAT, "%s: row %zu has a NaN or infinite value", path, i / out->X.cols);
            fc_mat_free(&out->X);
            return rc;
        }
    fc_mat_l2_normalize_rows(&out->X);
    snprintf(path, sizeof path, "%s/truth.txt", dir);
    if ((rc = fc_truth_read(path, 0, 0, &out->truth))) {
        fc_dataset_free(out);
        return rc;
    }
    if (out->truth.n != out->X.rows) {
        rc = fc_fail(FC_EFORMAT, "%s has %zu lines but %s/emb.npy has %zu rows", path, out->truth.n, dir,
                     out->X.rows);
        fc_dataset_free(out);
        return rc;
    }
    size_t n = out->X.rows;
    snprintf(path, sizeof path, "%s/faces.tsv", dir);
    if (access(path, R_OK) == 0 && (rc = read_faces(path, n, &out->image, &out->box))) {
        fc_dataset_free(out);
        return rc;
    }
    out->glasses = fc_malloc(n, sizeof(int));
    if (!out->glasses) {
        fc_dataset_free(out);
        return FC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        out->glasses[i] = out->image ? fc_glasses_from_name(out->image[i]) : -1;
        if (out->glasses[i] >= 0)
            out->has_glasses++;
    }
    return FC_OK;
}

int fc_dataset_keep_rows(fc_dataset *d, const size_t *rows, size_t n)
{
    size_t old_n = d->X.rows;
    fc_mat X2;
    int rc = fc_mat_take_rows(&d->X, rows, n, &X2);
    if (rc)
        return rc;
    const char **names = fc_malloc(n ? n : 1, sizeof(char *));
    char **image = d->image ? fc_calloc(n ? n : 1, sizeof(char *)) : NULL;
    double *box = d->box ? fc_malloc(n ? 4 * n : 1, sizeof(double)) : NULL;
    int *glasses = fc_malloc(n ? n : 1, sizeof(int));
    fc_truth t2;
    if (!names || (d->image && !image) || (d->box && !box) || !glasses) {
        free(names), free(image), free(box), free(glasses), fc_mat_free(&X2);
        return FC_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = d->truth.names[d->truth.ids[rows[i]]];
    if ((rc = fc_truth_from_strings(names, n, &t2))) {
        free(names), free(image), free(box), free(glasses), fc_mat_free(&X2);
        return rc;
    }
    free(names);
    size_t known = 0;
    for (size_t i = 0; i < n; i++) {
        if (image) {
            image[i] = d->image[rows[i]];
            d->image[rows[i]] = NULL; /* moved (rows are distinct) */
        }
        if (box)
            memcpy(box + 4 * i, d->box + 4 * rows[i], 4 * sizeof(double));
        glasses[i] = d->glasses ? d->glasses[rows[i]] : -1;
        known += glasses[i] >= 0;
    }
    if (d->image)
        for (size_t i = 0; i < old_n; i++)
            free(d->image[i]);
    free(d->image);
    free(d->box);
    free(d->glasses);
    fc_mat_free(&d->X);
    fc_truth_free(&d->truth);
    d->X = X2;
    d->truth = t2;
    d->image = image;
    d->box = box;
    d->glasses = glasses;
    d->has_glasses = known;
    return FC_OK;
}

static int keep_ids(fc_dataset *d, const unsigned char *keep)
{
    size_t n = d->X.rows, m = 0;
    size_t *rows = fc_malloc(n, sizeof(size_t));
    if (!rows)
        return FC_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (keep[d->truth.ids[i]])
            rows[m++] = i;
    int rc = m == n ? FC_OK : m == 0 ? fc_fail(FC_EARG, "%s: the filter leaves no rows", d->name)
                                      : fc_dataset_keep_rows(d, rows, m);
    free(rows);
    return rc;
}

int fc_dataset_filter_min_images(fc_dataset *d, int min_images)
{
    if (min_images <= 1)
        return FC_OK;
    size_t k = d->truth.k;
    size_t *count = fc_calloc(k, sizeof(size_t));
    unsigned char *keep = fc_calloc(k, 1);
    if (!count || !keep) {
        free(count), free(keep);
        return FC_ENOMEM;
    }
    for (size_t i = 0; i < d->X.rows; i++)
        count[d->truth.ids[i]]++;
    for (size_t c = 0; c < k; c++)
        keep[c] = count[c] >= (size_t)min_images;
    int rc = keep_ids(d, keep);
    free(count), free(keep);
    return rc;
}

int fc_dataset_limit_identities(fc_dataset *d, size_t max_ids, uint64_t seed)
{
    size_t k = d->truth.k;
    if (max_ids == 0 || max_ids >= k)
        return FC_OK;
    size_t *order = fc_malloc(k, sizeof(size_t));
    unsigned char *keep = fc_calloc(k, 1);
    if (!order || !keep) {
        free(order), free(keep);
        return FC_ENOMEM;
    }
    for (size_t c = 0; c < k; c++)
        order[c] = c;
    fc_rng r;
    fc_rng_init(&r, seed ^ 0x5eed1d5ULL);
    fc_rng_shuffle(&r, order, k);
    for (size_t c = 0; c < max_ids; c++)
        keep[order[c]] = 1;
    int rc = keep_ids(d, keep);
    free(order), free(keep);
    return rc;
}
