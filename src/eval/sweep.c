/* sweep.c — parameter sweeps: parsing "NAME=A:B:STEP" / "NAME=V1,V2", setting a cluster parameter by
 * name, which methods a parameter affects, and one-line descriptions of a job's settings (see protocol.h). */
#include "facecluster/protocol.h"
#include "facecluster/cluster_more.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FC_SWEEP_MAX 10000

/* Rounds away binary noise (0.1 + 2·0.1 = 0.30000000000000004) so values print and compare as typed. */
static double tidy(double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.12g", v);
    return strtod(buf, NULL);
}

static int parse_num(const char *s, const char *end, double *v)
{
    char buf[64];
    size_t len = (size_t)(end - s);
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    char *e;
    errno = 0;
    *v = strtod(buf, &e);
    return (*e || errno || !isfinite(*v)) ? -1 : 0;
}

void fc_sweep_free(fc_sweep *s)
{
    free(s->values);
    memset(s, 0, sizeof *s);
}

int fc_sweep_parse(const char *spec, fc_sweep *out)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof out->name)
        return fc_fail(FC_EARG, "sweep '%s': expected NAME=START:STOP:STEP or NAME=V1,V2,...", spec);
    memcpy(out->name, spec, (size_t)(eq - spec));
    out->name[eq - spec] = 0;
    fc_eval_job probe;
    memset(&probe, 0, sizeof probe);
    fc_cluster_params_init(&probe.params);
    static const char *const known[] = {"eps", "min_samples", "bandwidth", "threshold", "k", "gamma", "n_neighbors",
                                        "min_cluster_size", "distance_threshold", NULL};
    int is_known = 0;
    for (size_t i = 0; known[i]; i++)
        is_known |= !strcmp(out->name, known[i]);
    if (!is_known)
        return fc_fail(FC_EARG, "sweep '%s': unknown parameter '%s' (eps, min_samples, bandwidth, threshold, "
                                "k, gamma, n_neighbors, min_cluster_size, distance_threshold)", spec, out->name);
    const char *body = eq + 1;
    if (strchr(body, ':')) {
        const char *c1 = strchr(body, ':'), *c2 = strchr(c1 + 1, ':');
        double a, b, step;
        if (!c2 || strchr(c2 + 1, ':') || parse_num(body, c1, &a) || parse_num(c1 + 1, c2, &b) ||
            parse_num(c2 + 1, c2 + 1 + strlen(c2 + 1), &step))
            return fc_fail(FC_EARG, "sweep '%s': expected NAME=START:STOP:STEP with three numbers", spec);
        if (!(step > 0) || b < a)
            return fc_fail(FC_EARG, "sweep '%s': needs STEP > 0 and STOP >= START", spec);
        double cnt = floor((b - a) / step + 1e-9) + 1;
        if (cnt > FC_SWEEP_MAX)
            return fc_fail(FC_EARG, "sweep '%s': %.0f values is more than %d", spec, cnt, FC_SWEEP_MAX);
        out->count = (size_t)cnt;
        out->values = fc_malloc(out->count, sizeof(double));
        if (!out->values)
            return FC_ENOMEM;
        for (size_t i = 0; i < out->count; i++)
            out->values[i] = tidy(a + (double)i * step);
    } else {
        size_t cnt = 1;
        for (const char *p = body; *p; p++)
            cnt += *p == ',';
        if (cnt > FC_SWEEP_MAX)
            return fc_fail(FC_EARG, "sweep '%s': too many values", spec);
        out->values = fc_malloc(cnt, sizeof(double));
        if (!out->values)
            return FC_ENOMEM;
        const char *p = body;
        for (size_t i = 0; i < cnt; i++) {
            const char *e = strchr(p, ',');
            if (!e)
                e = p + strlen(p);
            if (parse_num(p, e, &out->values[i])) {
                fc_sweep_free(out);
                return fc_fail(FC_EARG, "sweep '%s': '%.*s' is not a number", spec, (int)(e - p), p);
            }
            p = *e ? e + 1 : e;
        }
        out->count = cnt;
    }
    /* Each value must be valid for the parameter. */
    for (size_t i = 0; i < out->count; i++) {
        int rc = fc_param_set(&probe, out->name, out->values[i]);
        if (rc) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s", fc_last_error());
            fc_sweep_free(out);
            return fc_fail(FC_EARG, "sweep '%s': %s", spec, msg);
        }
    }
    return FC_OK;
}

static int int_param(const char *name, double v, int lo, int *dst)
{
    if (v != floor(v) || v < lo || v > 1e9)
        return fc_fail(FC_EARG, "%s must be an integer >= %d (got %g)", name, lo, v);
    *dst = (int)v;
    return FC_OK;
}

static int pos_param(const char *name, double v, double *dst)
{
    if (!(v > 0))
        return fc_fail(FC_EARG, "%s must be > 0 (got %g)", name, v);
    *dst = v;
    return FC_OK;
}

int fc_param_set(fc_eval_job *job, const char *name, double v)
{
    fc_cluster_params *p = &job->params;
    if (!strcmp(name, "eps"))
        return pos_param(name, v, &p->eps);
    if (!strcmp(name, "bandwidth"))
        return pos_param(name, v, &p->bandwidth);
    if (!strcmp(name, "threshold"))
        return pos_param(name, v, &p->threshold);
    if (!strcmp(name, "gamma"))
        return pos_param(name, v, &p->gamma);
    if (!strcmp(name, "distance_threshold"))
        return pos_param(name, v, &p->distance_threshold);
    if (!strcmp(name, "min_samples"))
        return int_param(name, v, 1, &p->min_samples);
    if (!strcmp(name, "min_cluster_size"))
        return int_param(name, v, 2, &p->min_cluster_size);
    if (!strcmp(name, "n_neighbors"))
        return int_param(name, v, 1, &p->n_neighbors);
    if (!strcmp(name, "k")) {
        int rc = int_param(name, v, 1, &job->k_fixed);
        if (!rc)
            job->k_mode = FC_K_FIXED;
        return rc;
    }
    return fc_fail(FC_EARG, "unknown parameter '%s'", name);
}

static int name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(name, *list))
            return 1;
    return 0;
}

int fc_param_applies(const fc_cluster_method *method, const char *param)
{
    static const char *const eps[] = {"dbscan", NULL};
    static const char *const min_samples[] = {"dbscan", "hdbscan", NULL};
    static const char *const min_cluster_size[] = {"hdbscan", NULL};
    static const char *const bandwidth[] = {"meanshift", NULL};
    static const char *const threshold[] = {"graph", "chinese_whispers", NULL};
    static const char *const spectral[] = {"spectral", NULL};
    static const char *const agglo[] = {"agglomerative", NULL};
    const char *m = method->name;
    if (!strcmp(param, "k"))
        return method->needs_k;
    if (!strcmp(param, "eps"))
        return name_in(m, eps);
    if (!strcmp(param, "min_samples"))
        return name_in(m, min_samples);
    if (!strcmp(param, "min_cluster_size"))
        return name_in(m, min_cluster_size);
    if (!strcmp(param, "bandwidth"))
        return name_in(m, bandwidth);
    if (!strcmp(param, "threshold"))
        return name_in(m, threshold);
    if (!strcmp(param, "gamma") || !strcmp(param, "n_neighbors"))
        return name_in(m, spectral);
    if (!strcmp(param, "distance_threshold"))
        return name_in(m, agglo);
    return 0;
}

static const char *linkage_name(fc_linkage l)
{
    switch (l) {
    case FC_LINK_WARD: return "ward";
    case FC_LINK_COMPLETE: return "complete";
    case FC_LINK_AVERAGE: return "average";
    case FC_LINK_SINGLE: return "single";
    }
    return "?";
}

void fc_eval_job_describe(const fc_eval_job *job, char *buf, size_t len)
{
    const fc_cluster_params *p = &job->params;
    const char *m = job->method ? job->method->name : "?";
    char k[32];
    if (job->k_mode == FC_K_TRUE)
        snprintf(k, sizeof k, "K=true");
    else if (job->k_mode == FC_K_AUTO)
        snprintf(k, sizeof k, "K=auto");
    else
        snprintf(k, sizeof k, "K=%d", job->k_fixed);
    if (!strcmp(m, "dbscan"))
        snprintf(buf, len, "eps=%g min_samples=%d", p->eps, p->min_samples);
    else if (!strcmp(m, "meanshift")) {
        if (p->bandwidth > 0)
            snprintf(buf, len, "bandwidth=%g%s", p->bandwidth, p->bin_seeding ? " bin_seeding" : "");
        else
            snprintf(buf, len, "bandwidth=auto%s", p->bin_seeding ? " bin_seeding" : "");
    } else if (!strcmp(m, "agglomerative")) {
        if (p->distance_threshold > 0)
            snprintf(buf, len, "%s, distance_threshold=%g", linkage_name(p->linkage), p->distance_threshold);
        else
            snprintf(buf, len, "%s, %s", linkage_name(p->linkage), k);
    } else if (!strcmp(m, "spectral")) {
        if (p->affinity == FC_AFFINITY_RBF)
            snprintf(buf, len, "rbf gamma=%g, %s", p->gamma, k);
        else
            snprintf(buf, len, "knn n_neighbors=%d, %s", p->n_neighbors, k);
    } else if (!strcmp(m, "hdbscan"))
        snprintf(buf, len, "min_cluster_size=%d min_samples=%d", p->min_cluster_size,
                 p->min_samples > 0 ? p->min_samples : p->min_cluster_size);
    else if (fc_param_applies(job->method, "threshold")) {
        /* 0 stands for the method's own default: name the value that runs, not the 0 */
        double t = p->threshold > 0 ? p->threshold : !strcmp(m, "chinese_whispers") ? FC_CW_THRESHOLD : FC_GRAPH_THRESHOLD;
        snprintf(buf, len, "threshold=%g", t);
    }
    else if (job->method && job->method->needs_k)
        snprintf(buf, len, "%s", k);
    else
        buf[0] = 0;
}
