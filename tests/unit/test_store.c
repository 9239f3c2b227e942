/* test_store.c — the face store: put/lookup/load round trip, replacement on re-put, uncommitted
 * transactions leave nothing behind, flip fusion and "prominent face" loading, labels from paths. */
#include "harness.h"
#include "facecluster/embed.h"
#include "facecluster/store.h"

#include <regex.h>

static char db[256];

static fc_store_face face(double x1, double size, float v0, float v1, const float *flip)
{
    static float e[8][2];
    static int k;
    k = (k + 1) & 7;
    e[k][0] = v0, e[k][1] = v1;
    fc_store_face f;
    memset(&f, 0, sizeof f);
    f.box[0] = x1, f.box[1] = 0, f.box[2] = x1 + size, f.box[3] = size;
    f.score = 0.99;
    f.emb = e[k];
    f.emb_flip = flip;
    f.dim = 2;
    return f;
}

static void test_roundtrip(void)
{
    fc_store *s;
    CHECK(fc_store_open(db, &s) == 0);
    if (!s) return;
    fc_store_image a = {"/x/a.jpg", "p1/a.jpg", 100, 5, 200, 100, "ok", NULL, 2, "set", "p1"};
    fc_store_image b = {"/x/b.jpg", "p2/b.jpg", 100, 5, 200, 100, "ok", NULL, 1, "set", "p2"};
    fc_store_image c = {"/x/c.jpg", "p2/c.jpg", 0, 5, 0, 0, "error", "c.jpg: empty file", 0, "set", "p2"};
    float fl[2] = {0, 1};
    fc_store_face fa[2] = {face(0, 10, 1, 0, fl), face(50, 40, 0.6f, 0.8f, fl)};
    fc_store_face fb[1] = {face(0, 10, 0, 3, fl)};
    CHECK(fc_store_begin(s) == 0);
    CHECK(fc_store_put(s, &a, fa, 2, "M") == 0);
    CHECK(fc_store_put(s, &b, fb, 1, "M") == 0);
    CHECK(fc_store_put(s, &c, NULL, 0, "M") == 0);
    CHECK(fc_store_commit(s) == 0);
    CHECK(fc_store_is_done(s, "/x/a.jpg", 100, 5, "set") == 1);
    CHECK(fc_store_is_done(s, "/x/c.jpg", 0, 5, "set") == 3);     /* stored as unusable */
    CHECK(fc_store_is_done(s, "/x/a.jpg", 101, 5, "set") == 0);   /* size changed */
    CHECK(fc_store_is_done(s, "/x/a.jpg", 100, 6, "set") == 0);   /* mtime changed */
    CHECK(fc_store_is_done(s, "/x/a.jpg", 100, 5, "other") == 0); /* settings changed */
    /* a transaction that is never committed leaves nothing */
    fc_store_image d = {"/x/d.jpg", "p3/d.jpg", 1, 1, 10, 10, "ok", NULL, 1, "set", "p3"};
    CHECK(fc_store_begin(s) == 0);
    CHECK(fc_store_put(s, &d, fb, 1, "M") == 0);
    fc_store_close(s); /* no commit: like a killed run */
    CHECK(fc_store_open(db, &s) == 0);
    CHECK(fc_store_is_done(s, "/x/d.jpg", 1, 1, "set") == 0);
    long ni, ok, nf, ne, nfa;
    CHECK(fc_store_counts(s, &ni, &ok, &nf, &ne, &nfa) == 0);
    CHECK(ni == 3 && ok == 2 && ne == 1 && nfa == 3);
    /* re-putting a photo replaces its faces */
    CHECK(fc_store_begin(s) == 0);
    CHECK(fc_store_put(s, &b, fb, 1, "M") == 0);
    CHECK(fc_store_commit(s) == 0);
    CHECK(fc_store_counts(s, &ni, &ok, &nf, &ne, &nfa) == 0);
    CHECK(ni == 3 && nfa == 3);
    fc_store_close(s);

    fc_mat X;
    fc_truth t;
    fc_store_rows r;
    CHECK(fc_store_load(db, NULL, 0, &X, &t, &r) == 0);
    CHECK(X.rows == 3 && X.cols == 2 && t.n == 3 && t.k == 2);
    CHECK(!strcmp(r.relpath[0], "p1/a.jpg") && r.face_index[1] == 1 && !strcmp(r.relpath[2], "p2/b.jpg"));
    CHECK_NEAR(X.data[2 * 2 + 1], 1.0, 1e-12); /* (0, 3) normalised */
    fc_mat_free(&X), fc_truth_free(&t), fc_store_rows_free(&r);
    /* prominent: only a's larger face (index 1) */
    CHECK(fc_store_load(db, "M", FC_STORE_PROMINENT, &X, &t, &r) == 0);
    CHECK(X.rows == 2 && r.face_index[0] == 1);
    fc_mat_free(&X), fc_truth_free(&t), fc_store_rows_free(&r);
    /* flip fusion: (1,0) + (0,1) → (0.707, 0.707) */
    CHECK(fc_store_load(db, "M", FC_STORE_FLIP, &X, NULL, NULL) == 0);
    CHECK_NEAR(X.data[0], sqrt(0.5), 1e-12);
    CHECK_NEAR(X.data[1], sqrt(0.5), 1e-12);
    fc_mat_free(&X);
    CHECK(fc_store_load_embeddings(db, "nope", &X, &t) != 0);
    CHECK(fc_store_load_embeddings("/nonexistent/dir/x.db", NULL, &X, &t) != 0);
}

static void test_labels(void)
{
    char *l = fc_label_from_path(FC_LABEL_FOLDER, NULL, "/data/lfw", "George_W_Bush/George_W_Bush_0001.jpg");
    CHECK(l && !strcmp(l, "George_W_Bush"));
    free(l);
    regex_t re;
    CHECK(regcomp(&re, "i([0-9]{3})", REG_EXTENDED) == 0);
    l = fc_label_from_path(FC_LABEL_PATTERN, &re, "/muct", "jpg/i000qa-fn.jpg");
    CHECK(l && !strcmp(l, "000"));
    free(l);
    l = fc_label_from_path(FC_LABEL_PATTERN, &re, "/muct", "readme.jpg");
    CHECK(l == NULL);
    regfree(&re);
}

int main(void)
{
    snprintf(db, sizeof db, "/tmp/fc_test_store_%d.db", (int)getpid());
    RUN(test_roundtrip);
    RUN(test_labels);
    char cmd[900];
    snprintf(cmd, sizeof cmd, "rm -f %s %s-wal %s-shm", db, db, db);
    if (system(cmd)) {}
    return th_fail ? 1 : 0;
}
