/* test_protocol.c — subsets (sizes, determinism, bootstrap duplicates), sweep parsing, the evaluation
 * loop (true K handed over, determinism across thread counts, failures recorded) and the writers. */
#include "harness.h"
#include "facecluster/core.h"
#include "facecluster/eval_output.h"
#include "facecluster/protocol.h"
#include "facecluster/rng.h"

static void test_subset_sizes(void)
{
    CHECK(fc_subset_size(100, 0.8) == 80);
    CHECK(fc_subset_size(79, 0.8) == 63); /* int(63.2) */
    CHECK(fc_subset_size(7606, 0.8) == 6084);
    CHECK(fc_subset_size(1, 0.8) == 1);
    CHECK(fc_subset_size(10, 1.0) == 10);
}

static void test_subset_without_replacement(void)
{
    size_t n = 200, m = fc_subset_size(n, 0.8), a[200], b[200], c[200];
    CHECK(fc_draw_subset(n, 0.8, 0, 7, 3, a) == 0);
    CHECK(fc_draw_subset(n, 0.8, 0, 7, 3, b) == 0);
    CHECK(!memcmp(a, b, m * sizeof *a)); /* same seed and run: same subset */
    int ordered = 1;
    for (size_t i = 1; i < m; i++)
        ordered &= a[i] > a[i - 1]; /* strictly increasing: no repeats */
    CHECK(ordered && a[m - 1] < n);
    CHECK(fc_draw_subset(n, 0.8, 0, 7, 4, c) == 0);
    CHECK(memcmp(a, c, m * sizeof *a) != 0); /* another run */
    CHECK(fc_draw_subset(n, 0.8, 0, 8, 3, c) == 0);
    CHECK(memcmp(a, c, m * sizeof *a) != 0); /* another seed */
    CHECK(fc_draw_subset(n, 1.5, 0, 0, 0, c) == FC_EARG);
    CHECK(fc_draw_subset(n, 0, 1, 0, 0, c) == FC_EARG);
}

static void test_subset_bootstrap(void)
{
    size_t n = 50, m = fc_subset_size(n, 0.8), a[50];
    int count[50] = {0}, dup = 0, in_range = 1;
    CHECK(fc_draw_subset(n, 0.8, 1, 1, 0, a) == 0);
    for (size_t i = 0; i < m; i++) {
        in_range &= a[i] < n;
        if (a[i] < n && count[a[i]]++)
            dup = 1;
    }
    CHECK(in_range);
    CHECK(dup); /* 40 draws from 50 with replacement: P(no repeat) < 1e-6 */
    size_t big[400];
    CHECK(fc_draw_subset(200, 2.0, 1, 1, 0, big) == 0); /* bootstrap allows fraction > 1 */
}

static void test_sweep_parse(void)
{
    fc_sweep s;
    CHECK(fc_sweep_parse("eps=0.1:1.2:0.1", &s) == 0);
    CHECK(!strcmp(s.name, "eps") && s.count == 12);
    if (s.count == 12) {
        CHECK(s.values[2] == 0.3); /* exactly the typed value, no 0.30000000000000004 */
        CHECK(s.values[11] == 1.2);
    }
    fc_sweep_free(&s);
    CHECK(fc_sweep_parse("min_samples=1,2,5", &s) == 0);
    CHECK(s.count == 3 && s.values[2] == 5);
    fc_sweep_free(&s);
    CHECK(fc_sweep_parse("k=10:30:10", &s) == 0 && s.count == 3);
    fc_sweep_free(&s);
    CHECK(fc_sweep_parse("bandwidth=0.5", &s) == 0 && s.count == 1);
    fc_sweep_free(&s);
    CHECK(fc_sweep_parse("min_cluster_size=2,3", &s) == 0 && s.count == 2);
    fc_sweep_free(&s);
    const char *bad[] = {"eps", "=1:2:1", "eps=1:0:0.1", "eps=0.1:1:0", "eps=0.1:1", "foo=1:2:1", "min_samples=1.5",
                         "eps=a,b", "eps=-1,1", "eps=0.1:1:0.1:3", "eps=", "k=0", "min_cluster_size=1,2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = fc_sweep_parse(bad[i], &s);
        if (rc != FC_EARG)
            fprintf(stderr, "  sweep '%s' was accepted\n", bad[i]);
        CHECK(rc == FC_EARG);
    }
}

static void test_param_applies(void)
{
    fc_cluster_method db = {"dbscan", "", 0, NULL}, km = {"kmeans", "", 1, NULL}, ms = {"meanshift", "", 0, NULL};
    CHECK(fc_param_applies(&db, "eps") && !fc_param_applies(&km, "eps"));
    CHECK(fc_param_applies(&km, "k") && !fc_param_applies(&db, "k"));
    CHECK(fc_param_applies(&ms, "bandwidth") && !fc_param_applies(&db, "bandwidth"));
    fc_eval_job j;
    memset(&j, 0, sizeof j);
    fc_cluster_params_init(&j.params);
    CHECK(fc_param_set(&j, "k", 12) == 0 && j.k_mode == FC_K_FIXED && j.k_fixed == 12);
    CHECK(fc_param_set(&j, "eps", 0.7) == 0 && j.params.eps == 0.7);
    CHECK(fc_param_set(&j, "nope", 1) == FC_EARG);
}

/* A K-based test method: labels row i with (i mod k), and records the largest K it was given. */
static int seen_k_max;
static int fake_k_run(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    for (size_t i = 0; i < X->rows; i++)
        labels[i] = (int)(i % (size_t)p->k);
#pragma omp critical(fake_k)
    if (p->k > seen_k_max)
        seen_k_max = p->k;
    return 0;
}
static int failing_run(const fc_mat *X, const fc_cluster_params *p, int *labels)
{
    (void)X; (void)labels;
    return p->seed % 2 ? fc_fail(FC_EINTERNAL, "fake failure") : (memset(labels, 0, X->rows * sizeof *labels), 0);
}

/* Blobs: 12 identities of 10 points around well-separated unit vectors. */
static void blobs(fc_mat *X, int *truth)
{
    fc_mat_alloc(X, 120, 16);
    fc_rng r;
    fc_rng_init(&r, 99);
    for (size_t i = 0; i < 120; i++) {
        truth[i] = (int)(i / 10);
        for (size_t d = 0; d < 16; d++)
            fc_mat_row(X, i)[d] = (d == (size_t)truth[i] ? 1.0 : 0.0) + 0.03 * fc_rng_normal(&r);
    }
    fc_mat_l2_normalize_rows(X);
}

static void test_evaluate_dbscan_and_k(void)
{
    fc_mat X;
    int truth[120];
    blobs(&X, truth);
    const fc_cluster_method *db = fc_cluster_find("dbscan");
    if (!db) {
        fc_mat_free(&X);
        SKIP("skipped: dbscan not registered");
    }
    static const fc_cluster_method fake = {"fake-k", "test", 1, fake_k_run};
    fc_eval_job jobs[2];
    memset(jobs, 0, sizeof jobs);
    jobs[0].method = db;
    fc_cluster_params_init(&jobs[0].params);
    jobs[0].params.eps = 0.5;
    jobs[0].params.min_samples = 1;
    jobs[1].method = &fake;
    jobs[1].params = jobs[0].params;
    jobs[1].k_mode = FC_K_TRUE;
    fc_eval_config cfg;
    fc_eval_config_init(&cfg);
    cfg.runs = 6;
    cfg.threads = 2;
    fc_eval_result r2[2], r1[2];
    seen_k_max = 0;
    CHECK(fc_evaluate(&X, truth, jobs, 2, &cfg, r2) == 0);
    CHECK(r2[0].runs == 6 && r2[0].runs_ok == 6);
    CHECK_NEAR(r2[0].mean.ari, 1.0, 1e-12); /* separated blobs: DBSCAN is perfect */
    CHECK_NEAR(r2[0].std2.ari, 0.0, 1e-12);
    CHECK_NEAR(r2[0].mean.k_found, 12, 0);
    CHECK_NEAR(r2[1].k_used_mean, 12, 0); /* 96 of 120 rows: all 12 identities present... */
    CHECK(seen_k_max == 12);               /* ...and the method was given exactly that K */
    CHECK_NEAR(r2[1].mean.k_found, 12, 0);
    /* same seed, one thread: identical per-run scores */
    cfg.threads = 1;
    CHECK(fc_evaluate(&X, truth, jobs, 2, &cfg, r1) == 0);
    for (int r = 0; r < 6; r++)
        CHECK(!memcmp(&r1[1].per_run[r], &r2[1].per_run[r], sizeof(fc_scores)));
    /* std2 is twice the population std of the per-run values */
    double mu = 0, ss = 0;
    for (int r = 0; r < 6; r++)
        mu += r1[1].per_run[r].ari / 6;
    for (int r = 0; r < 6; r++)
        ss += (r1[1].per_run[r].ari - mu) * (r1[1].per_run[r].ari - mu);
    CHECK_NEAR(r1[1].mean.ari, mu, 1e-12);
    CHECK_NEAR(r1[1].std2.ari, 2 * sqrt(ss / 6), 1e-12);
    /* a fixed K (capped by the subset size) */
    jobs[1].k_mode = FC_K_FIXED;
    jobs[1].k_fixed = 5;
    fc_eval_result r3[2];
    CHECK(fc_evaluate(&X, truth, jobs + 1, 1, &cfg, r3) == 0);
    CHECK_NEAR(r3[0].k_used_mean, 5, 0);
    fc_eval_results_free(r1, 2);
    fc_eval_results_free(r2, 2);
    fc_eval_results_free(r3, 1);
    fc_mat_free(&X);
}

static void test_evaluate_failures_and_bootstrap(void)
{
    fc_mat X;
    int truth[120];
    blobs(&X, truth);
    static const fc_cluster_method bad = {"flaky", "test", 0, failing_run};
    fc_eval_job job;
    memset(&job, 0, sizeof job);
    job.method = &bad;
    fc_cluster_params_init(&job.params);
    fc_eval_config cfg;
    fc_eval_config_init(&cfg);
    cfg.runs = 8;
    cfg.bootstrap = 1;
    fc_eval_result r;
    CHECK(fc_evaluate(&X, truth, &job, 1, &cfg, &r) == 0);
    CHECK(r.runs_ok > 0 && r.runs_ok < 8); /* some seeds odd, some even */
    CHECK(strstr(r.error, "fake failure") != NULL);
    CHECK_NEAR(r.mean.ari, 0, 0); /* all in one cluster */
    fc_eval_results_free(&r, 1);
    cfg.runs = 0;
    CHECK(fc_evaluate(&X, truth, &job, 1, &cfg, &r) == FC_EARG);
    fc_mat_free(&X);
}

static void test_writers(void)
{
    static const fc_cluster_method m = {"my_method", "test", 0, NULL};
    fc_eval_job jobs[2];
    memset(jobs, 0, sizeof jobs);
    jobs[0].method = jobs[1].method = &m;
    snprintf(jobs[1].sweep_name, sizeof jobs[1].sweep_name, "eps");
    jobs[1].sweep_value = 0.7;
    fc_eval_result res[2];
    memset(res, 0, sizeof res);
    res[0].runs = res[0].runs_ok = res[1].runs = 3;
    res[0].mean.ari = 0.5;
    res[1].runs_ok = 0;
    for (int i = 0; i < FC_NUM_SCORES; i++) {
        fc_scores_set(&res[1].mean, i, NAN);
        fc_scores_set(&res[1].std2, i, NAN);
    }
    snprintf(res[1].error, sizeof res[1].error, "run 1: \"quoted\"\tand tabbed");
    fc_eval_config cfg;
    fc_eval_config_init(&cfg);
    fc_eval_report rep = {"a_b&c.npy", 10, 4, 3, &cfg, jobs, res, 2, NULL, 0, 1.5};
    char *buf;
    size_t len;
    /* TSV: every row has as many fields as the header */
    FILE *fp = open_memstream(&buf, &len);
    CHECK(fc_eval_write(fp, FC_FMT_TSV, &rep) == 0);
    fclose(fp);
    int lines = 0, fields = -1, same = 1;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        int f = 1;
        for (char *q = line; *q; q++)
            f += *q == '\t';
        if (fields < 0)
            fields = f;
        same &= f == fields;
        lines++;
    }
    CHECK(lines == 3 && same && fields == 9 + 2 * FC_NUM_SCORES);
    free(buf);
    /* JSON: escaped quotes, NaN as null, balanced braces */
    fp = open_memstream(&buf, &len);
    CHECK(fc_eval_write(fp, FC_FMT_JSON, &rep) == 0);
    fclose(fp);
    CHECK(strstr(buf, "\\\"quoted\\\"\\tand") != NULL);
    CHECK(strstr(buf, "\"mean\": null") != NULL);
    CHECK(strstr(buf, "nan") == NULL);
    int depth = 0, ok = 1, in_str = 0;
    for (char *q = buf; *q; q++) {
        if (in_str) {
            if (*q == '\\')
                q++;
            else if (*q == '"')
                in_str = 0;
            continue;
        }
        if (*q == '"')
            in_str = 1;
        depth += (*q == '{' || *q == '[') - (*q == '}' || *q == ']');
        ok &= depth >= 0;
    }
    CHECK(ok && depth == 0);
    free(buf);
    /* LaTeX: booktabs rules, names escaped */
    fp = open_memstream(&buf, &len);
    CHECK(fc_eval_write(fp, FC_FMT_TEX, &rep) == 0);
    fclose(fp);
    CHECK(strstr(buf, "\\toprule") && strstr(buf, "\\midrule") && strstr(buf, "\\bottomrule"));
    CHECK(strstr(buf, "my\\_method") != NULL);
    CHECK(strstr(buf, "a\\_b\\&c.npy") != NULL);
    CHECK(strstr(buf, "$0.500 \\pm 0.000$") != NULL);
    free(buf);
    /* Markdown: header, rule and one line per row */
    fp = open_memstream(&buf, &len);
    CHECK(fc_eval_write(fp, FC_FMT_MD, &rep) == 0);
    fclose(fp);
    CHECK(strstr(buf, "| method | settings | runs | K | ARI |") != NULL);
    CHECK(strstr(buf, "0.500 ± 0.000") != NULL);
    CHECK(strstr(buf, "| my_method |  | 0/3 |") != NULL);
    free(buf);
    fc_eval_format f;
    CHECK(fc_eval_format_parse("latex", &f) == 0 && f == FC_FMT_TEX);
    CHECK(fc_eval_format_parse("xml", &f) == FC_EARG);
}

TEST_MAIN(RUN(test_subset_sizes); RUN(test_subset_without_replacement); RUN(test_subset_bootstrap);
          RUN(test_sweep_parse); RUN(test_param_applies); RUN(test_evaluate_dbscan_and_k);
          RUN(test_evaluate_failures_and_bootstrap); RUN(test_writers))
