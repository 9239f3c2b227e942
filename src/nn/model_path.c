/* model_path.c — where model files are found (see fc_nn_find_model in nn.h). */
#include "facecluster/nn.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int exists(const char *p) { return access(p, R_OK) == 0; }

int fc_nn_find_model(const char *dir, const char *name, char *path, size_t len)
{
    char cand[6][PATH_MAX];
    int n = 0;
    if (strchr(name, '/')) { /* a path, used as is */
        snprintf(path, len, "%s", name);
        if (exists(path))
            return 0;
        return fc_fail(FC_EIO, "model file %s not found", name);
    }
    if (dir && *dir)
        snprintf(cand[n++], PATH_MAX, "%s", dir);
    const char *env = getenv("FACECLUSTER_MODELS");
    if (env && *env)
        snprintf(cand[n++], PATH_MAX, "%s", env);
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0; /* exe dir, e.g. <project>/build or <project>/build/tests */
            snprintf(cand[n++], PATH_MAX, "%.3800s/../models", exe);
            snprintf(cand[n++], PATH_MAX, "%.3800s/../../models", exe);
        }
    }
    snprintf(cand[n++], PATH_MAX, "models");
    snprintf(cand[n++], PATH_MAX, "/usr/local/share/facecluster/models");
    char looked[2048] = "";
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        char p[4300];
        snprintf(p, sizeof p, "%.4000s/%.200s", cand[i], name);
        if (exists(p)) {
            char *real = realpath(p, NULL);
            snprintf(path, len, "%s", real ? real : p);
            free(real);
            return 0;
        }
        if (at < sizeof looked)
            at += (size_t)snprintf(looked + at, sizeof looked - at, "%s%s", i ? ", " : "", cand[i]);
        /* an explicit directory (--models) that lacks the file is the answer, not a fallback */
        if (i == 0 && dir && *dir)
            break;
    }
    return fc_fail(FC_EIO, "model %s not found (looked in %s); run scripts/fetch_models.sh", name, looked);
}
