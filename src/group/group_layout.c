/* group_layout.c — folders, file names and shown thumbnails per person (group_layout.h). */
#include "group_layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gl_free(gl_layout *L)
{
    for (size_t g = 0; g < L->ngroups; g++) {
        gl_group *G = &L->groups[g];
        for (size_t k = 0; k < G->nphotos; k++) free(G->dest[k]);
        free(G->dest), free(G->photo), free(G->name), free(G->show_face_id), free(G->show_photo);
    }
    free(L->groups);
    memset(L, 0, sizeof *L);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static const gc_coll *gc_sort_c; /* for the qsort below; layouts are built one at a time */
static const long *gc_sort_ph;
static int dest_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(base_name(gc_sort_c->img[gc_sort_ph[x]].path), base_name(gc_sort_c->img[gc_sort_ph[y]].path));
    return c ? c : (x < y ? -1 : 1);
}

/* Distinct file names inside one folder: the photo's own name, "name~2.ext" etc. for clashes. */
static int name_files(const gc_coll *c, gl_group *G)
{
    G->dest = calloc(G->nphotos + 1, sizeof *G->dest);
    size_t *ord = malloc((G->nphotos + 1) * sizeof *ord);
    if (!G->dest || !ord) {
        free(ord);
        return fc_fail(FC_ENOMEM, "group: out of memory");
    }
    for (size_t k = 0; k < G->nphotos; k++) ord[k] = k;
    gc_sort_c = c, gc_sort_ph = G->photo;
    qsort(ord, G->nphotos, sizeof *ord, dest_cmp);
    int dup = 1;
    for (size_t r = 0; r < G->nphotos; r++) {
        const char *b = base_name(c->img[G->photo[ord[r]]].path);
        if (r > 0 && !strcmp(b, base_name(c->img[G->photo[ord[r - 1]]].path))) dup++;
        else dup = 1;
        if (dup == 1) {
            G->dest[ord[r]] = strdup(b);
        } else {
            const char *dot = strrchr(b, '.');
            size_t stem = dot && dot != b ? (size_t)(dot - b) : strlen(b);
            size_t n = strlen(b) + 16;
            char *s = malloc(n);
            snprintf(s, n, "%.*s~%d%s", (int)stem, b, dup, b + stem);
            G->dest[ord[r]] = s;
        }
    }
    free(ord);
    return FC_OK;
}

/* Fills one group from the faces whose person is `id` (0 = unknown). */
static int fill_group(const gc_coll *c, int64_t id, size_t show_max, gl_group *G)
{
    G->id = id;
    G->photo = malloc((c->nf + 1) * sizeof *G->photo);
    G->show_face_id = malloc((show_max + 1) * sizeof *G->show_face_id);
    G->show_photo = malloc((show_max + 1) * sizeof *G->show_photo);
    if (!G->photo || !G->show_face_id || !G->show_photo) return fc_fail(FC_ENOMEM, "group: out of memory");
    for (size_t i = 0; i < c->nf; i++) {
        const gc_face *f = &c->f[i];
        if (f->person != id) continue;
        G->nfaces++;
        /* faces come in path order, so a photo's faces are adjacent */
        if (G->nphotos == 0 || G->photo[G->nphotos - 1] != f->img) G->photo[G->nphotos++] = f->img;
        if (G->nshow < show_max) {
            G->show_face_id[G->nshow] = f->id;
            G->show_photo[G->nshow++] = G->nphotos - 1;
        }
    }
    return name_files(c, G);
}

int gl_build(sqlite3 *db, const gc_coll *c, gl_layout *L)
{
    memset(L, 0, sizeof *L);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT id, name FROM people ORDER BY id", -1, &q, NULL))
        return fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(db));
    size_t cap = 16;
    L->groups = calloc(cap, sizeof *L->groups);
    int rc = FC_OK;
    while (!rc && sqlite3_step(q) == SQLITE_ROW) {
        if (L->ngroups + 2 > cap) {
            gl_group *t = realloc(L->groups, 2 * cap * sizeof *t);
            if (!t) {
                rc = fc_fail(FC_ENOMEM, "group: out of memory");
                break;
            }
            memset(t + cap, 0, cap * sizeof *t);
            L->groups = t, cap *= 2;
        }
        gl_group *G = &L->groups[L->ngroups];
        const char *name = (const char *)sqlite3_column_text(q, 1);
        G->name = name && name[0] ? strdup(name) : NULL;
        rc = fill_group(c, sqlite3_column_int64(q, 0), GL_SHOW_PERSON, G);
        L->ngroups++;
        if (!rc && G->nfaces == 0) { /* a person whose photos are all gone: no folder */
            gl_group t = *G;
            L->ngroups--;
            for (size_t k = 0; k < t.nphotos; k++) free(t.dest[k]);
            free(t.dest), free(t.photo), free(t.name), free(t.show_face_id), free(t.show_photo);
            memset(G, 0, sizeof *G);
            continue;
        }
        if (!rc) fc_person_folder(G->id, G->name, G->folder, sizeof G->folder);
        /* two people with the same name: the later one gets its id appended */
        for (size_t g = 0; !rc && g + 1 < L->ngroups; g++)
            if (!strcmp(L->groups[g].folder, G->folder)) {
                size_t n = strlen(G->folder);
                snprintf(G->folder + (n > 140 ? 140 : n), sizeof G->folder - (n > 140 ? 140 : n), "_%lld",
                         (long long)G->id);
                break;
            }
    }
    sqlite3_finalize(q);
    if (rc) return rc;
    L->npeople = L->ngroups;
    gl_group U;
    memset(&U, 0, sizeof U);
    rc = fill_group(c, 0, GL_SHOW_UNKNOWN, &U);
    snprintf(U.folder, sizeof U.folder, "unknown");
    L->unknown_faces = (long)U.nfaces;
    if (!rc && U.nfaces) {
        L->groups[L->ngroups++] = U;
    } else {
        for (size_t k = 0; U.dest && k < U.nphotos; k++) free(U.dest[k]);
        free(U.dest), free(U.photo), free(U.show_face_id), free(U.show_photo);
    }
    return rc;
}
