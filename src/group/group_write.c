/* group_write.c — lays out the output folder from the store: one folder per person, unknown/, thumbnails
 * and index.html; or, for a dry run, prints that plan and writes nothing (people.h). */
#include "group_internal.h"
#include "group_layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void fc_person_folder(int64_t id, const char *name, char *buf, size_t len)
{
    size_t o = 0;
    if (name) {
        /* keep UTF-8 and ordinary punctuation; '/', control characters and leading dots go */
        for (const unsigned char *p = (const unsigned char *)name; *p && o + 1 < len && o < 120; p++) {
            unsigned char ch = *p;
            if (ch < 0x20 || ch == '/' || ch == '\\' || ch == 0x7f) ch = '_';
            if (o == 0 && (ch == '.' || ch == ' ')) continue;
            buf[o++] = (char)ch;
        }
        while (o > 0 && (buf[o - 1] == ' ' || buf[o - 1] == '.')) o--;
        /* never collide with the tool's own folders */
        buf[o] = 0;
        if (!strcmp(buf, "unknown") || !strncmp(buf, "person_", 7) || !strcmp(buf, "index.html")) o = 0;
    }
    if (o == 0) snprintf(buf, len, "person_%03lld", (long long)id);
    else buf[o] = 0;
}

static int copy_file(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY), out = -1, rc = 0;
    if (in < 0) return -1;
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            rc = -1;
            break;
        }
    if (n < 0) rc = -1;
    close(in);
    if (close(out)) rc = -1;
    return rc;
}

static int place(const char *src, const char *dst, fc_link_mode mode, fc_group_summary *sum, int *warned)
{
    if (mode == FC_LINK_SYM) {
        if (symlink(src, dst) == 0) return 0;
    } else if (mode == FC_LINK_HARD) {
        if (link(src, dst) == 0) return 0;
        if (errno == EXDEV || errno == EPERM || errno == EMLINK || errno == EACCES) {
            if (!*warned)
                fc_warn("%s: cannot hard-link into the output (%s, e.g. another file system): copying instead",
                        src, strerror(errno));
            *warned = 1;
            if (copy_file(src, dst) == 0) {
                sum->copies_fallback++;
                return 0;
            }
        }
    } else if (copy_file(src, dst) == 0) {
        return 0;
    }
    return fc_fail(FC_EIO, "%s: cannot place it as %s: %s", src, dst, strerror(errno));
}

/* Empties and removes one folder the tool made earlier: only its files and links, never a subfolder's
 * content and never anything a link points to. */
static void remove_made_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char p[PATH_MAX];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && !S_ISDIR(st.st_mode)) unlink(p);
    }
    closedir(d);
    rmdir(dir); /* fails, harmlessly, when the user put a folder of their own inside */
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return fc_fail(FC_EIO, "%s: cannot write: %s", path, strerror(errno));
    fputs(text, f);
    return fclose(f) ? fc_fail(FC_EIO, "%s: write failed", path) : FC_OK;
}

static int write_thumbs(sqlite3 *db, const char *dir, const gl_layout *L)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT thumb FROM faces WHERE id=?", -1, &q, NULL))
        return fc_fail(FC_EIO, "store: %s", sqlite3_errmsg(db));
    char p[PATH_MAX * 3];
    int rc = FC_OK;
    for (size_t g = 0; g < L->ngroups && !rc; g++)
        for (size_t k = 0; k < L->groups[g].nshow; k++) {
            int64_t id = L->groups[g].show_face_id[k];
            sqlite3_reset(q);
            sqlite3_bind_int64(q, 1, id);
            if (sqlite3_step(q) != SQLITE_ROW) continue;
            const void *b = sqlite3_column_blob(q, 0);
            int n = sqlite3_column_bytes(q, 0);
            if (!b || n <= 0) continue;
            snprintf(p, sizeof p, "%s/f%lld.jpg", dir, (long long)id);
            FILE *f = fopen(p, "wb");
            if (!f || fwrite(b, 1, (size_t)n, f) != (size_t)n) rc = fc_fail(FC_EIO, "%s: cannot write", p);
            if (f) fclose(f);
        }
    sqlite3_finalize(q);
    return rc;
}

static void print_plan(const gl_layout *L, const gc_coll *c, const char *out)
{
    printf("plan for %s (dry run: nothing is written)\n", out);
    for (size_t g = 0; g < L->ngroups; g++) {
        const gl_group *G = &L->groups[g];
        printf("%s: %zu photo%s, %zu face%s%s%s\n", G->folder, G->nphotos, G->nphotos == 1 ? "" : "s", G->nfaces,
               G->nfaces == 1 ? "" : "s", G->name ? " — " : "", G->name ? G->name : "");
        for (size_t k = 0; k < G->nphotos; k++)
            printf("  %s -> %s/%s\n", c->img[G->photo[k]].path, G->folder, G->dest[k]);
    }
    for (size_t i = 0; i < c->nimg; i++)
        if (c->img[i].dup_of >= 0)
            printf("duplicate: %s (same bytes as %s; counted once)\n", c->img[i].path, c->img[c->img[i].dup_of].path);
    for (size_t i = 0; i < c->nimg; i++)
        if (c->img[i].dup_of < 0 && c->img[i].status == G_NOFACE) printf("no face: %s\n", c->img[i].path);
}

int fc_group_write(const char *db, const char *out, fc_link_mode mode, int dry_run, fc_group_summary *sum)
{
    sqlite3 *h = NULL;
    gc_coll c;
    gl_layout L;
    memset(&c, 0, sizeof c);
    memset(&L, 0, sizeof L);
    int rc = gc_open(db, &h);
    if (!rc) rc = gc_load(h, 0, &c);
    if (!rc) rc = gl_build(h, &c, &L);
    if (rc) goto out;
    /* summary counts (whole collection) */
    sum->photos = sum->noface = sum->duplicates = sum->photos_with_faces = 0;
    for (size_t i = 0; i < c.nimg; i++) {
        if (c.img[i].status == G_ERROR) continue;
        sum->photos++;
        if (c.img[i].dup_of >= 0) sum->duplicates++;
        else if (c.img[i].status == G_NOFACE) sum->noface++;
        else sum->photos_with_faces++;
    }
    sum->faces = (long)c.nf;
    sum->people = (long)L.npeople;
    sum->unknown_faces = L.unknown_faces;
    if (dry_run) {
        print_plan(&L, &c, out);
        goto out;
    }
    char p[PATH_MAX * 2], meta[PATH_MAX];
    snprintf(meta, sizeof meta, "%s/.facecluster", out);
    mkdir(out, 0777);
    mkdir(meta, 0777);
    /* remove what the previous run made, then rebuild: the files it placed (placed.txt: FOLDER/FILE lines),
     * then its folders (folders.txt), which stay when the user put files of their own in them. A store
     * from before placed.txt existed falls back to emptying the listed folders. */
    snprintf(p, sizeof p, "%s/placed.txt", meta);
    FILE *pf = fopen(p, "r");
    int have_placed = pf != NULL;
    if (pf) {
        char line[PATH_MAX], d[PATH_MAX * 3];
        while (fgets(line, sizeof line, pf)) {
            line[strcspn(line, "\n")] = 0;
            char *slash = strchr(line, '/');
            if (!slash || slash == line || strchr(slash + 1, '/') || !slash[1] || line[0] == '.' ||
                !strcmp(slash + 1, "..") || !strcmp(slash + 1, "."))
                continue;
            snprintf(d, sizeof d, "%s/%s", out, line);
            struct stat st;
            if (lstat(d, &st) == 0 && !S_ISDIR(st.st_mode)) unlink(d);
        }
        fclose(pf);
    }
    snprintf(p, sizeof p, "%s/folders.txt", meta);
    FILE *mf = fopen(p, "r");
    if (mf) {
        char line[PATH_MAX], d[PATH_MAX * 3];
        while (fgets(line, sizeof line, mf)) {
            line[strcspn(line, "\n")] = 0;
            if (!line[0] || strchr(line, '/') || !strcmp(line, "..") || !strcmp(line, ".")) continue;
            snprintf(d, sizeof d, "%s/%s", out, line);
            if (have_placed)
                rmdir(d); /* fails, harmlessly, when the user keeps files of their own there */
            else
                remove_made_folder(d);
        }
        fclose(mf);
    }
    snprintf(p, sizeof p, "%s/thumbs", meta);
    remove_made_folder(p);
    if (mkdir(p, 0777) && errno != EEXIST) {
        rc = fc_fail(FC_EIO, "%s: cannot create: %s", p, strerror(errno));
        goto out;
    }
    if ((rc = write_thumbs(h, p, &L))) goto out;
    /* the manifest first, so that an interrupted write is still cleaned up by the next run */
    size_t cap = 64, len = 0;
    char *man = malloc(cap);
    man[0] = 0;
    for (size_t g = 0; g < L.ngroups; g++) {
        size_t need = len + strlen(L.groups[g].folder) + 2;
        if (need > cap) man = realloc(man, cap = 2 * need);
        len += (size_t)sprintf(man + len, "%s\n", L.groups[g].folder);
    }
    snprintf(p, sizeof p, "%s/folders.txt", meta);
    rc = write_text(p, man);
    /* every file about to be placed, also before placing, for the same reason */
    len = 0;
    man[0] = 0;
    for (size_t g = 0; g < L.ngroups; g++)
        for (size_t k = 0; k < L.groups[g].nphotos; k++) {
            size_t need = len + strlen(L.groups[g].folder) + strlen(L.groups[g].dest[k]) + 3;
            if (need > cap) man = realloc(man, cap = 2 * need);
            len += (size_t)sprintf(man + len, "%s/%s\n", L.groups[g].folder, L.groups[g].dest[k]);
        }
    snprintf(p, sizeof p, "%s/placed.txt", meta);
    if (!rc) rc = write_text(p, man);
    free(man);
    int warned = 0;
    for (size_t g = 0; g < L.ngroups && !rc; g++) {
        const gl_group *G = &L.groups[g];
        snprintf(p, sizeof p, "%s/%s", out, G->folder);
        if (mkdir(p, 0777) && errno != EEXIST) {
            rc = fc_fail(FC_EIO, "%s: cannot create: %s", p, strerror(errno));
            break;
        }
        for (size_t k = 0; k < G->nphotos && !rc; k++) {
            char d[PATH_MAX * 3];
            snprintf(d, sizeof d, "%s/%s/%s", out, G->folder, G->dest[k]);
            rc = place(c.img[G->photo[k]].path, d, mode, sum, &warned);
            sum->links++;
        }
    }
    if (!rc) {
        snprintf(p, sizeof p, "%s/index.html", out);
        char *meth = gc_meta_get(h, "method"), *thr = gc_meta_get(h, "threshold");
        rc = gl_write_html(p, &L, &c, meth, thr);
        free(meth), free(thr);
    }
out:
    gl_free(&L);
    gc_free(&c);
    sqlite3_close(h);
    return rc;
}
