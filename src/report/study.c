/* study.c — the study's jobs on one dataset, run group by group with an on-disk cache (see study.h). */
#include "facecluster/study.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void fc_study_config_init(fc_study_config *c)
{
    memset(c, 0, sizeof *c);
    c->runs = 30;
    c->fraction = 0.8;
    c->sweep_lo = 0.1;
    c->sweep_hi = 1.4;
    c->sweep_step = 0.1;
    c->auto_k = 1;
    c->beyond = 1;
    c->progress = 1;
}

static int in_list(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        if (l == len && strncmp(p, name, len) == 0)
            return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

static int is_large(const fc_study_config *c, size_t n) { return c->large_n > 0 && n > c->large_n; }

int fc_study_build_jobs(const fc_study_config *c, size_t n_rows, fc_eval_job **jobs_out, size_t *njobs_out)
{
    static const char *const kbased[] = {"kmeans", "agglomerative", "spectral"};
    static const char *const beyond[] = {"hdbscan", "graph", "chinese_whispers"};
    char spec[2][96];
    fc_sweep sw[2];
    snprintf(spec[0], sizeof spec[0], "eps=%.10g:%.10g:%.10g", c->sweep_lo, c->sweep_hi, c->sweep_step);
    snprintf(spec[1], sizeof spec[1], "bandwidth=%.10g:%.10g:%.10g", c->sweep_lo, c->sweep_hi, c->sweep_step);
    int rc = fc_sweep_parse(spec[0], &sw[0]);
    if (rc)
        return rc;
    if ((rc = fc_sweep_parse(spec[1], &sw[1]))) {
        fc_sweep_free(&sw[0]);
        return rc;
    }
    size_t cap = 16 + sw[0].count + sw[1].count, n = 0;
    fc_eval_job *jobs = fc_calloc(cap, sizeof *jobs);
    if (!jobs) {
        fc_sweep_free(&sw[0]), fc_sweep_free(&sw[1]);
        return FC_ENOMEM;
    }
    const char *skip = is_large(c, n_rows) ? c->large_skip : "";
    for (int mode = 0; mode < (c->auto_k ? 2 : 1); mode++)
        for (int m = 0; m < 3; m++) {
            const fc_cluster_method *method = fc_cluster_find(kbased[m]);
            char tagged[64];
            snprintf(tagged, sizeof tagged, "%s@%s", kbased[m], mode == 0 ? "true" : "auto");
            if (!method || in_list(skip, kbased[m]) || in_list(skip, tagged))
                continue;
            fc_eval_job *j = &jobs[n++];
            j->method = method;
            fc_cluster_params_init(&j->params);
            j->k_mode = mode == 0 ? FC_K_TRUE : FC_K_AUTO;
        }
    const char *swept[2] = {"dbscan", "meanshift"};
    for (int s = 0; s < 2; s++) {
        const fc_cluster_method *method = fc_cluster_find(swept[s]);
        if (!method || in_list(skip, swept[s]))
            continue;
        for (size_t v = 0; v < sw[s].count; v++) {
            fc_eval_job *j = &jobs[n++];
            j->method = method;
            fc_cluster_params_init(&j->params);
            j->params.min_samples = 1; /* the paper's DBSCAN setting */
            fc_param_set(j, sw[s].name, sw[s].values[v]);
            memcpy(j->sweep_name, sw[s].name, sizeof j->sweep_name); /* same size, NUL-terminated */
            j->sweep_value = sw[s].values[v];
        }
    }
    for (int m = 0; c->beyond && m < 3; m++) {
        const fc_cluster_method *method = fc_cluster_find(beyond[m]);
        if (!method || in_list(skip, beyond[m]))
            continue;
        fc_eval_job *j = &jobs[n++];
        j->method = method;
        fc_cluster_params_init(&j->params);
    }
    fc_sweep_free(&sw[0]);
    fc_sweep_free(&sw[1]);
    *jobs_out = jobs;
    *njobs_out = n;
    return FC_OK;
}

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

uint64_t fc_study_matrix_hash(const fc_mat *X)
{
    uint64_t h = 1469598103934665603ULL;
    h = fnv(h, &X->rows, sizeof X->rows);
    h = fnv(h, &X->cols, sizeof X->cols);
    return fnv(h, X->data, X->rows * X->cols * sizeof(double));
}

static uint64_t data_hash(const fc_dataset *d)
{
    return fnv(fc_study_matrix_hash(&d->X), d->truth.ids, d->truth.n * sizeof(int));
}

static uint64_t group_hash(uint64_t h, const fc_eval_config *e, const fc_eval_job *jobs, size_t n)
{
    h = fnv(h, &e->runs, sizeof e->runs);
    h = fnv(h, &e->fraction, sizeof e->fraction);
    h = fnv(h, &e->bootstrap, sizeof e->bootstrap);
    h = fnv(h, &e->seed, sizeof e->seed);
    h = fnv(h, &e->noise, sizeof e->noise);
    for (size_t j = 0; j < n; j++) {
        char desc[256];
        fc_eval_job_describe(&jobs[j], desc, sizeof desc);
        h = fnv(h, jobs[j].method->name, strlen(jobs[j].method->name));
        h = fnv(h, desc, strlen(desc));
        h = fnv(h, &jobs[j].k_mode, sizeof jobs[j].k_mode);
    }
    return h;
}

static void group_path(const fc_study_config *c, const fc_eval_job *j, uint64_t h, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s-%s-%016llx.tsv", c->cache_dir, j->method->name,
             j->k_mode == FC_K_AUTO ? "kauto" : j->method->needs_k ? "ktrue" : "all", (unsigned long long)h);
}

static int write_group(const char *path, const fc_eval_result *res, size_t n, double seconds)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    if (!fp)
        return fc_fail(FC_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    fprintf(fp, "# facecluster study cache v1\t%zu\t%.17g\n", n, seconds);
    for (size_t j = 0; j < n; j++) {
        fprintf(fp, "%d\t%d\t%.17g\t%.17g", res[j].runs, res[j].runs_ok, res[j].k_used_mean, res[j].seconds_mean);
        for (int i = 0; i < FC_NUM_SCORES; i++)
            fprintf(fp, "\t%.17g", fc_scores_get(&res[j].mean, i));
        for (int i = 0; i < FC_NUM_SCORES; i++)
            fprintf(fp, "\t%.17g", fc_scores_get(&res[j].std2, i));
        /* the error text cannot hold tabs or newlines: replace them */
        fputc('\t', fp);
        for (const char *e = res[j].error; *e; e++)
            fputc(*e == '\t' || *e == '\n' ? ' ' : *e, fp);
        fputc('\n', fp);
    }
    if (fclose(fp) != 0 || rename(tmp, path) != 0)
        return fc_fail(FC_EIO, "%s: cannot write", path);
    return FC_OK;
}

static int read_group(const char *path, fc_eval_result *res, size_t n, double *seconds)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return FC_EIO;
    char *line = NULL;
    size_t cap = 0, got = 0, count = 0;
    int rc = FC_OK;
    if (getline(&line, &cap, fp) < 0 || sscanf(line, "# facecluster study cache v1\t%zu\t%lf", &count, seconds) != 2
        || count != n)
        rc = FC_EFORMAT;
    while (rc == FC_OK && got < n && getline(&line, &cap, fp) >= 0) {
        fc_eval_result *r = &res[got];
        memset(r, 0, sizeof *r);
        char *p = line, *end;
        r->runs = (int)strtol(p, &end, 10), p = end;
        r->runs_ok = (int)strtol(p, &end, 10), p = end;
        r->k_used_mean = strtod(p, &end), p = end;
        r->seconds_mean = strtod(p, &end), p = end;
        for (int i = 0; i < 2 * FC_NUM_SCORES; i++) {
            double v = strtod(p, &end);
            if (end == p) {
                rc = FC_EFORMAT;
                break;
            }
            p = end;
            if (i < FC_NUM_SCORES)
                ((double *)&r->mean)[i] = v;
            else
                ((double *)&r->std2)[i - FC_NUM_SCORES] = v;
        }
        if (*p == '\t')
            p++;
        size_t len = strcspn(p, "\n");
        if (len >= sizeof r->error)
            len = sizeof r->error - 1;
        memcpy(r->error, p, len);
        r->error[len] = 0;
        got++;
    }
    free(line);
    fclose(fp);
    return rc == FC_OK && got == n ? FC_OK : FC_EFORMAT;
}

void fc_study_free(fc_study *s)
{
    if (s->results)
        fc_eval_results_free(s->results, s->njobs);
    free(s->results);
    free(s->jobs);
    memset(s, 0, sizeof *s);
}

int fc_study_run(const fc_dataset *d, const fc_study_config *c, fc_study *out)
{
    memset(out, 0, sizeof *out);
    int rc = fc_study_build_jobs(c, d->X.rows, &out->jobs, &out->njobs);
    if (rc)
        return rc;
    out->results = fc_calloc(out->njobs ? out->njobs : 1, sizeof *out->results);
    if (!out->results) {
        fc_study_free(out);
        return FC_ENOMEM;
    }
    fc_eval_config_init(&out->eval);
    out->eval.runs = c->runs;
    out->eval.fraction = c->fraction;
    out->eval.bootstrap = c->bootstrap;
    out->eval.seed = c->seed;
    out->eval.threads = c->threads;
    out->eval.progress = c->progress;
    if (c->cache_dir && mkdir(c->cache_dir, 0777) != 0 && errno != EEXIST) {
        rc = fc_fail(FC_EIO, "%s: cannot create: %s", c->cache_dir, strerror(errno));
        fc_study_free(out);
        return rc;
    }
    uint64_t dh = data_hash(d);
    int small_warned = 0; /* the small-subset warning concerns the data: once per study, not per group */
    size_t ngroups = 0;
    for (size_t a = 0; a < out->njobs;) {
        size_t b = a + 1;
        while (b < out->njobs && out->jobs[b].method == out->jobs[a].method && out->jobs[b].k_mode == out->jobs[a].k_mode)
            b++;
        ngroups++;
        a = b;
    }
    out->groups = ngroups;
    size_t g = 0;
    for (size_t a = 0; a < out->njobs; g++) {
        size_t b = a + 1;
        while (b < out->njobs && out->jobs[b].method == out->jobs[a].method && out->jobs[b].k_mode == out->jobs[a].k_mode)
            b++;
        const fc_eval_job *j = &out->jobs[a];
        char path[4200] = "", what[160];
        if (j->sweep_name[0])
            snprintf(what, sizeof what, "%s over %s %g…%g (%zu values)", j->method->name, j->sweep_name,
                     j->sweep_value, out->jobs[b - 1].sweep_value, b - a);
        else
            snprintf(what, sizeof what, "%s%s", j->method->name,
                     !j->method->needs_k ? "" : j->k_mode == FC_K_AUTO ? ", automatic K" : ", true K");
        fc_eval_config e = out->eval;
        e.small_warned = &small_warned;
        if (is_large(c, d->X.rows) && c->large_runs > 0 && (!c->large_slow[0] || in_list(c->large_slow, j->method->name)))
            e.runs = c->large_runs;
        if (c->cache_dir)
            group_path(c, j, group_hash(dh, &e, j, b - a), path, sizeof path);
        double secs = 0;
        if (c->cache_dir && c->resume && read_group(path, out->results + a, b - a, &secs) == FC_OK) {
            out->groups_cached++;
            out->seconds += secs;
            if (c->note)
                c->note(c->note_ctx, "%s: [%zu/%zu] %s: reused from %s", d->name, g + 1, ngroups, what, path);
        } else {
            if (c->note)
                c->note(c->note_ctx, "%s: [%zu/%zu] %s, %d runs on %zu rows", d->name, g + 1, ngroups, what,
                        e.runs, d->X.rows);
            double t0 = fc_now();
            rc = fc_evaluate(&d->X, d->truth.ids, out->jobs + a, b - a, &e, out->results + a);
            if (rc) {
                fc_study_free(out);
                return rc;
            }
            secs = fc_now() - t0;
            out->seconds += secs;
            if (c->cache_dir && (rc = write_group(path, out->results + a, b - a, secs))) {
                fc_study_free(out);
                return rc;
            }
        }
        a = b;
    }
    return FC_OK;
}

long fc_study_best(const fc_study *s, const char *method, fc_k_mode k_mode)
{
    long best = -1;
    for (size_t j = 0; j < s->njobs; j++) {
        if (strcmp(s->jobs[j].method->name, method) != 0 || s->jobs[j].k_mode != k_mode)
            continue;
        double a = s->results[j].mean.ari;
        if (isnan(a) || s->results[j].runs_ok == 0)
            continue;
        if (best < 0 || a > s->results[best].mean.ari)
            best = (long)j;
    }
    return best;
}
