/* sptree.c — a flat-array quadtree with centres of mass, for Barnes-Hut repulsion (see sptree.h). */
#include "viz/sptree.h"
#include "facecluster/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 48 };

static int new_node(fc_qtree *t, double cx, double cy, double hw, double hh)
{
    if (t->n_nodes == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        fc_qnode *nn = realloc(t->nodes, cap * sizeof *nn);
        if (!nn)
            return -1;
        t->nodes = nn;
        t->cap = cap;
    }
    fc_qnode *q = &t->nodes[t->n_nodes];
    memset(q, 0, sizeof *q);
    q->cx = cx;
    q->cy = cy;
    q->hw = hw;
    q->hh = hh;
    q->child = -1;
    return (int)t->n_nodes++;
}

static int quadrant(const fc_qnode *q, double x, double y) { return (x >= q->cx) + 2 * (y >= q->cy); }

/* Splits leaf `id` into 4 children and moves its point(s) into the right child. */
static int split(fc_qtree *t, int id)
{
    double hw = t->nodes[id].hw / 2, hh = t->nodes[id].hh / 2;
    int first = -1;
    for (int c = 0; c < 4; c++) {
        double cx = t->nodes[id].cx + ((c & 1) ? hw : -hw), cy = t->nodes[id].cy + ((c & 2) ? hh : -hh);
        int k = new_node(t, cx, cy, hw, hh);
        if (k < 0)
            return -1;
        if (c == 0)
            first = k;
    }
    fc_qnode *q = &t->nodes[id];
    q->child = first;
    fc_qnode *dst = &t->nodes[first + quadrant(q, q->px, q->py)];
    dst->count = q->count;
    dst->mx = q->mx;
    dst->my = q->my;
    dst->px = q->px;
    dst->py = q->py;
    return 0;
}

static int insert(fc_qtree *t, double x, double y)
{
    int id = 0;
    for (int depth = 0;; depth++) {
        fc_qnode *q = &t->nodes[id];
        if (q->child < 0) {
            if (q->count == 0 || (fabs(q->px - x) <= FC_QTREE_DUP && fabs(q->py - y) <= FC_QTREE_DUP) || depth >= MAX_DEPTH) {
                if (q->count == 0) {
                    q->px = x;
                    q->py = y;
                }
                q->count++;
                q->mx += x;
                q->my += y;
                return 0;
            }
            if (split(t, id))
                return -1;
            q = &t->nodes[id]; /* split may have moved the array */
        }
        q->count++;
        q->mx += x;
        q->my += y;
        id = q->child + quadrant(q, x, y);
    }
}

int fc_qtree_build(fc_qtree *t, const double *y, size_t n)
{
    memset(t, 0, sizeof *t);
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < 2; d++) {
            lo[d] = fmin(lo[d], y[2 * i + d]);
            hi[d] = fmax(hi[d], y[2 * i + d]);
        }
    /* the root is the data's bounding box, not a square around it (as scikit-learn's quad tree): cells
     * follow the map's aspect ratio, and the Barnes-Hut test uses each cell's longer side */
    double hw = (hi[0] - lo[0]) / 2, hh = (hi[1] - lo[1]) / 2;
    hw = hw * (1 + 1e-6) + 1e-12;
    hh = hh * (1 + 1e-6) + 1e-12;
    if (new_node(t, (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, hw, hh) < 0)
        goto oom;
    for (size_t i = 0; i < n; i++)
        if (insert(t, y[2 * i], y[2 * i + 1]))
            goto oom;
    t->cells = malloc(t->n_nodes * sizeof *t->cells);
    if (!t->cells)
        goto oom;
    for (size_t k = 0; k < t->n_nodes; k++) {
        const fc_qnode *q = &t->nodes[k];
        fc_qcell *c = &t->cells[k];
        c->count = q->count;
        c->child = q->child;
        c->w2 = 4 * fmax(q->hw, q->hh) * fmax(q->hw, q->hh);
        if (q->child < 0) { /* a leaf stands at its first point, duplicates included */
            c->mx = q->px;
            c->my = q->py;
        } else if (q->count) {
            c->mx = q->mx / q->count;
            c->my = q->my / q->count;
        } else
            c->mx = c->my = 0;
    }
    free(t->nodes);
    t->nodes = NULL;
    return FC_OK;
oom:
    fc_qtree_free(t);
    return fc_fail(FC_ENOMEM, "t-SNE: out of memory building the quadtree (%zu points)", n);
}

void fc_qtree_free(fc_qtree *t)
{
    free(t->nodes);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

double fc_qtree_repulsion(const fc_qtree *t, const double *y, double theta, double *force)
{
    int stack[4 * MAX_DEPTH + 8];
    int sp = 0;
    double z = 0, fx = 0, fy = 0, theta2 = theta * theta;
    const fc_qcell *cells = t->cells;
    stack[sp++] = 0;
    while (sp) {
        const fc_qcell *q = &cells[stack[--sp]];
        if (!q->count)
            continue;
        double dx = y[0] - q->mx, dy = y[1] - q->my, d2 = dx * dx + dy * dy;
        if (q->child < 0 || q->w2 < theta2 * d2) {
            double cnt = q->count;
            if (q->child < 0 && fabs(dx) <= FC_QTREE_DUP && fabs(dy) <= FC_QTREE_DUP)
                continue; /* y's own leaf: y and its duplicates (see sptree.h) */
            if (cnt <= 0)
                continue;
            double qz = 1.0 / (1.0 + d2);
            z += cnt * qz;
            double m = cnt * qz * qz;
            fx += m * dx;
            fy += m * dy;
        } else {
            int c = q->child;
            stack[sp++] = c;
            stack[sp++] = c + 1;
            stack[sp++] = c + 2;
            stack[sp++] = c + 3;
        }
    }
    force[0] = fx;
    force[1] = fy;
    return z;
}
