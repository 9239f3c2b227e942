/* group_layout.h — what goes where in the output folder (computed from the store), and index.html. */
#ifndef FC_GROUP_LAYOUT_H
#define FC_GROUP_LAYOUT_H

#include "group_internal.h"

#define GL_SHOW_PERSON 24   /* thumbnails per person row in index.html */
#define GL_SHOW_UNKNOWN 400 /* thumbnails of unknown faces */

typedef struct gl_group {
    int64_t id;          /* person id; 0 for unknown/ */
    char *name;          /* the person's name or NULL */
    char folder[160];
    size_t nphotos, nfaces;
    long *photo;         /* image indices, path order */
    char **dest;         /* file name inside the folder, per photo */
    size_t nshow;
    int64_t *show_face_id;
    size_t *show_photo;  /* index into photo[] of each shown face's photo */
} gl_group;

typedef struct gl_layout {
    gl_group *groups;    /* people by id, then unknown (when it has faces) */
    size_t ngroups, npeople;
    long unknown_faces;
} gl_layout;

int gl_build(sqlite3 *db, const gc_coll *c, gl_layout *L);
void gl_free(gl_layout *L);
int gl_write_html(const char *path, const gl_layout *L, const gc_coll *c, const char *method, const char *threshold);

#endif
