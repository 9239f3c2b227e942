/* group_model.c — the default grouping method and threshold of each model: the threshold belongs to the
 * model (its distances have their own scale), so it is kept per model, built in for the pinned
 * MobileFaceNet and readable from a sidecar file next to any other model. */
#include "facecluster/group.h"
#include "facecluster/nn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chosen by scripts/group_threshold_sweep.py on ../shared/embeddings (see README, "Organising a photo
 * collection"): bench/bench_group_threshold.c sweeps average/complete/single linkage and Chinese whispers over 0.70..1.10;
 * the setting with pairwise precision >= 0.98 on personal and lfw3 (at this threshold and one 0.025 step
 * further) and the best lfw3 recall is average linkage at 0.95: lfw3 P 0.988 R 0.980, personal P 1 R 1. */
static const struct {
    const char *model;
    fc_linkage link;
    double threshold;
} builtin[] = {
    {"MobileFaceNet.tflite", FC_LINK_AVERAGE, 0.95},
};

static int parse_link(const char *s, fc_linkage *l)
{
    if (!strcmp(s, "average")) *l = FC_LINK_AVERAGE;
    else if (!strcmp(s, "complete")) *l = FC_LINK_COMPLETE;
    else if (!strcmp(s, "single")) *l = FC_LINK_SINGLE;
    else return -1;
    return 0;
}

int fc_group_linkage_parse(const char *s, fc_linkage *l) { return parse_link(s, l); }

int fc_group_model_default(const char *model, const char *models_dir, fc_linkage *link, double *threshold,
                           const char **source)
{
    const char *base = strrchr(model, '/');
    base = base ? base + 1 : model;
    int found = 0;
    for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
        if (!strcmp(builtin[i].model, base)) {
            *link = builtin[i].link;
            *threshold = builtin[i].threshold;
            if (source) *source = "built-in default for this model";
            found = 1;
        }
    /* a sidecar "<model>.group" next to the model overrides the built-in values */
    char mpath[4096], side[4200];
    if (fc_nn_find_model(models_dir, model, mpath, sizeof mpath) == 0) {
        snprintf(side, sizeof side, "%s.group", mpath);
        FILE *f = fopen(side, "r");
        if (f) {
            char line[256], key[64], val[128];
            int ok = 0;
            while (fgets(line, sizeof line, f)) {
                if (sscanf(line, "%63s %127s", key, val) != 2 || key[0] == '#') continue;
                if (!strcmp(key, "method") && parse_link(val, link) == 0) ok |= 1;
                if (!strcmp(key, "threshold")) {
                    char *end;
                    double t = strtod(val, &end);
                    if (end != val && t > 0) *threshold = t, ok |= 2;
                }
            }
            fclose(f);
            if (ok == 3 || (found && ok)) {
                if (source) *source = "the model's .group sidecar file";
                found = 1;
            }
        }
    }
    if (!found)
        return fc_fail(FC_EARG, "%s: no grouping threshold is known for this model; give --threshold (and "
                                "--method) or put a '%s.group' file next to it", model, base);
    return FC_OK;
}
