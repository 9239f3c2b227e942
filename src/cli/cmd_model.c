/* cmd_model.c — `facecluster model info FILE|NAME` (the graph: ops, shapes, parameters, multiply-adds) and
 * `facecluster model check` (the default models are present with their pinned SHA-256). */
#include "cli/cli.h"
#include "facecluster/nn.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(void)
{
    printf("usage: facecluster model info [--models DIR] [--batch N] [--size HxW] FILE|NAME\n"
           "       facecluster model check [--models DIR]\n\n"
           "info   prints the graph of a TFLite model as the engine runs it (after fusing decomposed PReLU and\n"
           "       softmax): inputs, outputs, every op with its shapes and multiply-adds, parameter count and\n"
           "       multiply-adds per inference. --batch/--size re-plan the graph at another input shape.\n"
           "check  loads the four default models (pnet, rnet, onet, MobileFaceNet) and verifies their SHA-256\n"
           "       against models.sha256; says to run scripts/fetch_models.sh when something is wrong.\n"
           "Models are searched in --models DIR, $FACECLUSTER_MODELS, <build>/../models, ./models,\n"
           "/usr/local/share/facecluster/models.\n");
}

static int info(const char *models, const char *file, int batch, int h, int w)
{
    char path[4096], local[4096];
    struct stat st_file;
    /* a bare name that exists here is that file (as for any command); otherwise a model to search for */
    if (!strchr(file, '/') && stat(file, &st_file) == 0) {
        snprintf(local, sizeof local, "./%s", file);
        file = local;
    }
    if (fc_nn_find_model(models, file, path, sizeof path)) {
        cli_error("model", "%s", fc_last_error());
        return EXIT_FAILURE_;
    }
    fc_nn_model *m;
    if (fc_nn_load(path, &m)) {
        cli_error("model", "%s", fc_last_error());
        return EXIT_FAILURE_;
    }
    if ((batch > 0 || h > 0) && fc_nn_resize_input(m, 0, batch > 0 ? batch : 1, h, w, 0)) {
        cli_error("model", "%s", fc_last_error());
        fc_nn_free(m);
        return EXIT_USAGE;
    }
    fc_nn_stats st;
    if (fc_nn_stats_get(m, &st)) {
        cli_error("model", "%s", fc_last_error());
        fc_nn_free(m);
        return EXIT_FAILURE_;
    }
    printf("model %s\n", path);
    fc_nn_describe(m, stdout);
    fc_nn_tensor_info in;
    fc_nn_input_info(m, 0, &in);
    printf("ops %d, tensors %d, parameters %zu (%.2f M), multiply-adds per inference %.1f M "
           "(%.1f M per batch item), activation arena %.1f MB\n",
           st.n_ops, st.n_tensors, st.n_params, st.n_params / 1e6, st.macs / 1e6,
           st.macs / 1e6 / (in.dims[0] > 0 ? in.dims[0] : 1), st.arena_bytes / 1048576.0);
    fc_nn_free(m);
    return EXIT_OK;
}

/* The pin list models.sha256: beside the models folder (the project root when models/ is the project's),
 * else the project of this program (<binary dir>/.. or <binary dir>/../..), so that models copied to any
 * folder are still checked against the repository's pins. */
static int find_pins(const char *model_dir, char *out, size_t len)
{
    snprintf(out, len, "%s/../models.sha256", model_dir);
    if (access(out, R_OK) == 0)
        return 0;
    char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0)
        return -1;
    exe[k] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = 0;
    for (int up = 1; up <= 2; up++) {
        snprintf(out, len, "%s/%smodels.sha256", exe, up == 1 ? "../" : "../../");
        if (access(out, R_OK) == 0)
            return 0;
    }
    return -1;
}

/* SHA-256 through the coreutils tool against the pinned list (find_pins). */
static int check(const char *models)
{
    static const char *names[] = {"pnet.tflite", "rnet.tflite", "onet.tflite", "MobileFaceNet.tflite"};
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        char path[4096];
        if (fc_nn_find_model(models, names[i], path, sizeof path)) {
            cli_error("model", "%s", fc_last_error());
            bad = 1;
            continue;
        }
        fc_nn_model *m;
        if (fc_nn_load(path, &m)) {
            cli_error("model", "%s (run scripts/fetch_models.sh)", fc_last_error());
            bad = 1;
            continue;
        }
        fc_nn_free(m);
        char dir[4096], pins[4200], cmd[9000];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = 0;
        if (find_pins(dir, pins, sizeof pins)) {
            printf("%-22s %s  %s\n", names[i], "UNPINNED", path);
            cli_error("model", "%s: no models.sha256 found beside %s or this program, so its SHA-256 cannot be "
                      "checked", path, dir);
            bad = 1;
            continue;
        }
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && grep ' %s$' '%s' | sha256sum -c --quiet - >/dev/null 2>&1", dir, names[i], pins);
        int ok = system(cmd) == 0;
        printf("%-22s %s  %s\n", names[i], ok ? "ok      " : "MISMATCH", path);
        if (!ok) {
            cli_error("model", "%s: SHA-256 differs from %s; run scripts/fetch_models.sh", path, pins);
            bad = 1;
        }
    }
    return bad ? EXIT_FAILURE_ : EXIT_OK;
}

int cmd_model(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {"models", required_argument, 0, 'm'},
                                         {"batch", required_argument, 0, 'b'}, {"size", required_argument, 0, 's'},
                                         {0, 0, 0, 0}};
    const char *models = NULL;
    int c, batch = 0, h = 0, w = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hm:b:s:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case 'm': models = optarg; break;
        case 'b':
            if (cli_parse_int("model", "--batch", optarg, 1, 4096, &batch))
                return EXIT_USAGE;
            break;
        case 's':
            if (sscanf(optarg, "%dx%d", &h, &w) != 2 || h < 1 || w < 1 || h > 65536 || w > 65536) {
                cli_error("model", "--size expects HxW, got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        default: return EXIT_USAGE;
        }
    }
    if (optind < argc && !strcmp(argv[optind], "info") && optind + 2 == argc)
        return info(models, argv[optind + 1], batch, h, w);
    if (optind < argc && !strcmp(argv[optind], "check") && optind + 1 == argc)
        return check(models);
    cli_error("model", "expects 'info FILE' or 'check' (see --help)");
    return EXIT_USAGE;
}
