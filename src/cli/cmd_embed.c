/* cmd_embed.c — `facecluster embed DIR... --db faces.db`: photos → faces → embeddings in the face store. */
#include "cli/cli.h"
#include "facecluster/embed.h"
#include "facecluster/image.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int stop_flag;

static void on_sigint(int sig)
{
    (void)sig;
    stop_flag = 1;
    signal(SIGINT, SIG_DFL); /* a second Ctrl-C kills at once (the store stays consistent anyway) */
}

static void usage(void)
{
    printf("usage: facecluster embed DIR... --db faces.db [--labels folder|pattern:REGEX] [--min-images N]\n"
           "                        [--all-faces] [--keep largest|central] [--retry-pad PX] [--flip] [--min-face PX] [--max-side PX] [--models DIR]\n"
           "                        [--threads N] [--batch N] [--limit N] [--quiet]\n\n"
           "Finds the faces in every photo under each DIR (recursively; format recognised by content), aligns\n"
           "them and stores box, landmarks, score, a thumbnail and the MobileFaceNet embedding in the SQLite\n"
           "face store. Re-running skips photos already stored unchanged and picks up new ones; a run killed\n"
           "at any moment loses only its last uncommitted batch.\n\n"
           "  --db FILE             the face store (created if missing)\n"
           "  --labels folder       identity = the photo's folder name (LFW layout)\n"
           "  --labels pattern:RE   identity = first group of RE matched on the file name, e.g.\n"
           "                        pattern:'i([0-9]{3})' for MUCT (i000qa-fn.jpg -> 000); \\d works too\n"
           "  --min-images N        labelled mode: keep only people with at least N photos\n"
           "  --all-faces           keep every face (default: every face without --labels, else one)\n"
           "  --keep largest|central  labelled mode: which face represents the photo: the largest box (default,\n"
           "                        as the reference embeddings) or the one nearest the photo centre (LFW-style\n"
           "                        photos centred on their subject: LFW verification 98.3 -> 99.3 %%)\n"
           "  --retry-pad PX        when no face is found, try again with a PX-pixel border (edge pixels\n"
           "                        repeated): recovers tight crops that fill the frame (e.g. 24)\n"
           "  --flip                also embed each face's mirror image (for test-time flip fusion)\n"
           "  --min-face PX         smallest face to detect, >= 12 (default 20)\n"
           "  --max-side PX         working size: larger photos are shrunk on load so that their longest side\n"
           "                        is PX (default %d; 0 = never shrink). Boxes are stored in original pixels.\n"
           "  --models DIR          where pnet/rnet/onet/MobileFaceNet.tflite are (default: search)\n"
           "  --threads N           worker threads (default: all cores)\n"
           "  --batch N             photos per transaction (default 32)\n"
           "  --limit N             process at most N new photos in this run\n"
           "  --quiet               no per-file lines or progress\n\n"
           "Exit: 0 all photos gave faces; 1 done, but some photos gave no face or were unusable (each named on\n"
           "stderr with its reason in the run that met it; a re-run skips them as unchanged, counts them in its\n"
           "summary and still exits 1); 2 usage; 3 failure (store or models unusable, nothing found);\n"
           "130 interrupted.\n",
           FC_IMAGE_DEFAULT_MAX_SIDE);
}

int cmd_embed(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},       {"labels", required_argument, 0, 'l'},
        {"min-images", required_argument, 0, 'n'}, {"all-faces", no_argument, 0, 'a'},
        {"flip", no_argument, 0, 'f'},           {"min-face", required_argument, 0, 'm'},
        {"max-side", required_argument, 0, 's'}, {"models", required_argument, 0, 'M'},
        {"threads", required_argument, 0, 't'},  {"batch", required_argument, 0, 'b'},
        {"limit", required_argument, 0, 'L'},    {"quiet", no_argument, 0, 'q'},       {"keep", required_argument, 0, 'k'},
        {"retry-pad", required_argument, 0, 'P'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    fc_embed_opts o = fc_embed_opts_default();
    int c, v;
    double dv;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case 'd': o.db = optarg; break;
        case 'l':
            if (!strcmp(optarg, "folder")) o.label_mode = FC_LABEL_FOLDER;
            else if (!strncmp(optarg, "pattern:", 8) && optarg[8]) o.label_mode = FC_LABEL_PATTERN, o.pattern = optarg + 8;
            else {
                cli_error("embed", "--labels expects 'folder' or 'pattern:REGEX', got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'n': if (cli_parse_int("embed", "--min-images", optarg, 0, 1000000, &o.min_images)) return EXIT_USAGE; break;
        case 'a': o.all_faces = 1; break;
        case 'f': o.flip = 1; break;
        case 'P': if (cli_parse_int("embed", "--retry-pad", optarg, 0, 4096, &o.retry_pad)) return EXIT_USAGE; break;
        case 'k':
            if (!strcmp(optarg, "largest")) o.keep_central = 0;
            else if (!strcmp(optarg, "central")) o.keep_central = 1;
            else {
                cli_error("embed", "--keep expects 'largest' or 'central', got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'm':
            if (cli_parse_double("embed", "--min-face", optarg, 12, 100000, &dv)) return EXIT_USAGE;
            o.det.min_size = dv;
            break;
        case 's':
            if (cli_parse_int("embed", "--max-side", optarg, 0, 1000000, &v)) return EXIT_USAGE;
            o.max_side = v == 0 ? -1 : v;
            if (v > 0 && v < 24) { cli_error("embed", "--max-side must be 0 or >= 24"); return EXIT_USAGE; }
            break;
        case 'M': o.models_dir = optarg; break;
        case 't': if (cli_parse_int("embed", "--threads", optarg, 1, 1024, &o.threads)) return EXIT_USAGE; break;
        case 'b': if (cli_parse_int("embed", "--batch", optarg, 1, 100000, &o.batch)) return EXIT_USAGE; break;
        case 'L': if (cli_parse_int("embed", "--limit", optarg, 1, 2000000000, &o.limit)) return EXIT_USAGE; break;
        case 'q': fc_set_quiet(1); break;
        default: return EXIT_USAGE;
        }
    }
    if (!o.db) {
        cli_error("embed", "--db FILE is required (see --help)");
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        cli_error("embed", "give at least one folder of photos (see --help)");
        return EXIT_USAGE;
    }
    if (o.min_images > 1 && o.label_mode == FC_LABEL_NONE) {
        cli_error("embed", "--min-images needs --labels");
        return EXIT_USAGE;
    }
    o.dirs = (const char *const *)(argv + optind);
    o.ndirs = argc - optind;
    o.stop = &stop_flag;
    signal(SIGINT, on_sigint);
    fc_embed_summary s;
    int rc = fc_embed_run(&o, &s);
    signal(SIGINT, SIG_DFL);
    if (rc) {
        cli_error("embed", "%s", fc_last_error());
        return rc == FC_EARG ? EXIT_USAGE : EXIT_FAILURE_; /* a bad --labels pattern is a usage error */
    }
    double rate = s.wall > 0 ? (double)s.processed / s.wall : 0;
    fprintf(stderr,
            "embed: %ld files, %ld already stored, %ld processed: %ld with faces (%ld faces stored), %ld without a "
            "face, %ld unusable%s; %.1f s, %.1f photos/s\n",
            s.files, s.skipped, s.processed, s.ok, s.faces, s.noface, s.failed,
            s.unlabelled ? ", some unlabelled" : "", s.wall, rate);
    if (s.skipped_noface || s.skipped_failed)
        fprintf(stderr, "embed: of the photos already stored, %ld have no face and %ld are unusable (from earlier "
                "runs; list them: sqlite3 %s \"select path, status, error from images where status != 'ok'\")\n",
                s.skipped_noface, s.skipped_failed, o.db);
    if (getenv("FC_EMBED_TIMES")) /* for the benchmark: the split of the time */
        fprintf(stderr, "times: wall %.3f detect_phase %.3f decode %.3f detect %.3f align %.3f embed %.3f store %.3f\n",
                s.wall, s.wall_detect_phase, s.t_decode, s.t_detect, s.t_align, s.t_embed, s.t_store);
    if (stop_flag) return EXIT_INTERRUPTED;
    if (s.files == 0) {
        cli_error("embed", "no photos found under the given folders");
        return EXIT_FAILURE_;
    }
    /* Exit 1 describes the input, not the run: it stays 1 while photos of this input are stored without a face
     * or as unusable, even when a re-run skipped them as unchanged. */
    return (s.noface || s.failed || s.unlabelled || s.skipped_noface || s.skipped_failed) ? EXIT_PARTIAL : EXIT_OK;
}
