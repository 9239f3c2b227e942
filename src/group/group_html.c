/* group_html.c — PEOPLE_DIR/index.html: one row per person (name or folder, photo and face counts, face
 * thumbnails linking to the photos in the person's folder), then the unknown faces, duplicates and photos
 * without a face. Self-contained: no scripts or styles from the network, relative links only, so it opens
 * offline from the folder. A small inline script records broken images in body[data-broken] (read by the
 * headless-browser test). */
#include "group_layout.h"
#include "facecluster/html.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define esc fc_html_escape /* the report writer's escaping (& < > " ') */

/* percent-encodes a relative URL path (UTF-8 bytes, spaces, '#', '?' ...), keeping '/' */
static void url(FILE *f, const char *s)
{
    static const char *hex = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char ch = *p;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || strchr("-_.~/", ch))
            fputc(ch, f);
        else
            fprintf(f, "%%%c%c", hex[ch >> 4], hex[ch & 15]);
    }
}

static void faces_row(FILE *f, const gl_group *G)
{
    for (size_t k = 0; k < G->nshow; k++) {
        fputs("<a href=\"", f);
        url(f, G->folder);
        fputc('/', f);
        url(f, G->dest[G->show_photo[k]]);
        fprintf(f, "\"><img class=\"face\" src=\".facecluster/thumbs/f%lld.jpg\" alt=\"face\" title=\"",
                (long long)G->show_face_id[k]);
        esc(f, G->dest[G->show_photo[k]]);
        fputs("\"></a>", f);
    }
    if (G->nfaces > G->nshow) fprintf(f, "<span class=\"more\">+%zu more</span>", G->nfaces - G->nshow);
}

int gl_write_html(const char *path, const gl_layout *L, const gc_coll *c, const char *method, const char *threshold)
{
    FILE *f = fopen(path, "w");
    if (!f) return fc_fail(FC_EIO, "%s: cannot write: %s", path, strerror(errno));
    long dups = 0, noface = 0;
    for (size_t i = 0; i < c->nimg; i++) {
        if (c->img[i].dup_of >= 0) dups++;
        else if (c->img[i].status == G_NOFACE) noface++;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>People — facecluster</title>\n"
          "<style>body{font-family:sans-serif;margin:1em;background:#fafafa}"
          "table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:6px;vertical-align:top;"
          "text-align:left}img.face{width:56px;height:56px;margin:1px;border-radius:4px}"
          ".more{color:#666;margin-left:6px}.num{text-align:right}</style>\n</head>\n<body data-broken=\"?\">\n",
          f);
    fprintf(f, "<h1>People</h1>\n<p id=\"summary\">%zu people, %ld unknown faces, %zu faces in %zu photos",
            L->npeople, L->unknown_faces, c->nf, c->nimg);
    fprintf(f, "; %ld duplicate photos counted once; %ld photos without a face. Grouping: %s linkage, distance "
               "threshold %s.</p>\n",
            dups, noface, method ? method : "?", threshold ? threshold : "?");
    fputs("<table id=\"people\">\n<tr><th>person</th><th>name</th><th class=\"num\">photos</th>"
          "<th class=\"num\">faces</th><th>faces</th></tr>\n", f);
    for (size_t g = 0; g < L->npeople; g++) {
        const gl_group *G = &L->groups[g];
        fprintf(f, "<tr class=\"person\" data-id=\"%lld\"><td><a href=\"", (long long)G->id);
        url(f, G->folder);
        fputs("/\">", f);
        esc(f, G->folder);
        fputs("</a></td><td class=\"name\">", f);
        if (G->name) esc(f, G->name);
        fprintf(f, "</td><td class=\"num photos\">%zu</td><td class=\"num\">%zu</td><td>", G->nphotos, G->nfaces);
        faces_row(f, G);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    if (L->ngroups > L->npeople) {
        const gl_group *U = &L->groups[L->npeople];
        fprintf(f, "<h2>Unknown faces</h2>\n<p>%zu faces in %zu photos that belong to no person "
                   "(<a href=\"unknown/\">unknown/</a>).</p>\n<div id=\"unknown\">", U->nfaces, U->nphotos);
        faces_row(f, U);
        fputs("</div>\n", f);
    }
    if (dups) {
        fputs("<h2>Duplicates</h2>\n<ul id=\"duplicates\">\n", f);
        for (size_t i = 0; i < c->nimg; i++)
            if (c->img[i].dup_of >= 0) {
                fputs("<li>", f);
                esc(f, c->img[i].path);
                fputs(" — same bytes as ", f);
                esc(f, c->img[c->img[i].dup_of].path);
                fputs("</li>\n", f);
            }
        fputs("</ul>\n", f);
    }
    if (noface) {
        fputs("<h2>Photos without a face</h2>\n<ul id=\"noface\">\n", f);
        for (size_t i = 0; i < c->nimg; i++)
            if (c->img[i].dup_of < 0 && c->img[i].status == G_NOFACE) {
                fputs("<li>", f);
                esc(f, c->img[i].path);
                fputs("</li>\n", f);
            }
        fputs("</ul>\n", f);
    }
    fputs("<script>window.addEventListener('load',function(){var b=0,im=document.images;"
          "for(var i=0;i<im.length;i++)if(!im[i].complete||im[i].naturalWidth===0)b++;"
          "document.body.setAttribute('data-broken',String(b));"
          "document.body.setAttribute('data-images',String(im.length));});</script>\n</body></html>\n",
          f);
    return fclose(f) ? fc_fail(FC_EIO, "%s: write failed", path) : FC_OK;
}
