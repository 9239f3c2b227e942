/* cmd_group.c — `facecluster group PHOTOS... -o PEOPLE_DIR`: a folder of photos in, one folder per person
 * out, plus unknown/ and index.html (the pipeline is in src/group/, contract in people.h). */
#include "cli/cli.h"
#include "facecluster/group.h"
#include "facecluster/image.h"
#include "facecluster/people.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: facecluster group PHOTOS... -o PEOPLE_DIR [--link hard|sym|copy] [--dry-run]\n"
           "                        [--method average|complete|single] [--threshold X] [--min-faces N]\n"
           "                        [--db FILE] [--models DIR] [--threads N] [--max-side PX] [--min-face PX]\n"
           "                        [--quiet]\n\n"
           "Finds every face in every photo under PHOTOS (folders, scanned recursively, or single files),\n"
           "groups the faces into people and writes PEOPLE_DIR/person_001/, person_002/, ... (one folder per\n"
           "person, holding every photo the person is in; named people get their name as folder name),\n"
           "PEOPLE_DIR/unknown/ (photos with a face in no person) and PEOPLE_DIR/index.html (open it in a\n"
           "browser, works offline). A photo with three people appears in three folders. Originals are never\n"
           "moved or modified. Two faces of one photo are never the same person.\n\n"
           "Incremental: the store (PEOPLE_DIR/.facecluster/faces.db) remembers people; running again after\n"
           "adding photos puts new faces into the existing people (nearest person within the threshold) without\n"
           "renumbering anyone, and forms new people from the rest. Name and merge people with\n"
           "`facecluster people`.\n\n"
           "  -o, --output DIR      the people folder (created; must be outside the photo folders)\n"
           "  --link MODE           hard (default; a copy, with a warning, across file systems), sym, copy\n"
           "  --dry-run             print the plan (person -> photos) and write nothing\n"
           "  --method M            linkage: average, complete or single (default: the model's, see below)\n"
           "  --threshold X         distance threshold (default: the model's; MobileFaceNet: average, 0.95)\n"
           "  --min-faces N         a new person needs at least N faces (default 2; smaller groups -> unknown)\n"
           "  --db FILE             the face store (default PEOPLE_DIR/.facecluster/faces.db)\n"
           "  --models DIR          where pnet/rnet/onet/MobileFaceNet.tflite are (default: search)\n"
           "  --threads N           worker threads (default: all cores)\n"
           "  --max-side PX         working size for detection (default %d; 0 = never shrink)\n"
           "  --min-face PX         smallest face to detect, >= 12 (default 20)\n"
           "  --quiet               no per-file lines or progress\n\n"
           "Exit: 0 ok; 1 done, but some files were unusable (each named on stderr in the run that met it; re-runs\n"
           "skip them as unchanged, count them and still exit 1); 2 usage; 3 failure.\n",
           FC_IMAGE_DEFAULT_MAX_SIDE);
}

int cmd_group(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},   {"link", required_argument, 0, 'l'},
        {"dry-run", no_argument, 0, 'n'},        {"method", required_argument, 0, 'm'},
        {"threshold", required_argument, 0, 'T'}, {"min-faces", required_argument, 0, 'F'},
        {"db", required_argument, 0, 'd'},       {"models", required_argument, 0, 'M'},
        {"threads", required_argument, 0, 't'},  {"max-side", required_argument, 0, 's'},
        {"min-face", required_argument, 0, 'f'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    fc_group_opts o = fc_group_opts_default();
    int c, v;
    double dv;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case 'o': o.out_dir = optarg; break;
        case 'l':
            if (!strcmp(optarg, "hard")) o.link = FC_LINK_HARD;
            else if (!strcmp(optarg, "sym")) o.link = FC_LINK_SYM;
            else if (!strcmp(optarg, "copy")) o.link = FC_LINK_COPY;
            else {
                cli_error("group", "--link expects hard, sym or copy, got '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'n': o.dry_run = 1; break;
        case 'm':
            if (fc_group_linkage_parse(optarg, &o.linkage)) {
                cli_error("group", "--method expects average, complete or single, got '%s'", optarg);
                return EXIT_USAGE;
            }
            o.have_method = 1;
            break;
        case 'T': if (cli_parse_double("group", "--threshold", optarg, 1e-9, 100, &o.threshold)) return EXIT_USAGE; break;
        case 'F': if (cli_parse_int("group", "--min-faces", optarg, 1, 1000000, &o.min_faces)) return EXIT_USAGE; break;
        case 'd': o.db = optarg; break;
        case 'M': o.models_dir = optarg; break;
        case 't': if (cli_parse_int("group", "--threads", optarg, 1, 1024, &o.threads)) return EXIT_USAGE; break;
        case 's':
            if (cli_parse_int("group", "--max-side", optarg, 0, 1000000, &v)) return EXIT_USAGE;
            if (v > 0 && v < 24) {
                cli_error("group", "--max-side must be 0 or >= 24");
                return EXIT_USAGE;
            }
            o.max_side = v == 0 ? -1 : v;
            break;
        case 'f':
            if (cli_parse_double("group", "--min-face", optarg, 12, 100000, &dv)) return EXIT_USAGE;
            o.det.min_size = dv;
            break;
        case 'q': fc_set_quiet(1); break;
        default: return EXIT_USAGE;
        }
    }
    if (!o.out_dir) {
        cli_error("group", "-o PEOPLE_DIR is required (see --help)");
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        cli_error("group", "give at least one folder of photos (see --help)");
        return EXIT_USAGE;
    }
    o.dirs = (const char *const *)(argv + optind);
    o.ndirs = argc - optind;
    fc_group_summary s;
    if (fc_group_run(&o, &s)) {
        cli_error("group", "%s", fc_last_error());
        return EXIT_FAILURE_;
    }
    fprintf(stderr,
            "group: %ld photos (%ld with faces, %ld without a face, %ld duplicates counted once); %ld unusable "
            "files skipped in this run; "
            "%ld faces -> %ld people (%ld new; %ld faces added to known people), %ld unknown faces; %s linkage, "
            "threshold %.3g; %.1f s\n",
            s.photos, s.photos_with_faces, s.noface, s.duplicates, s.unusable, s.faces, s.people, s.new_people,
            s.attached, s.unknown_faces, s.method ? s.method : "?", s.threshold, s.wall);
    if (s.copies_fallback) fprintf(stderr, "group: %ld photos were copied (hard links impossible)\n", s.copies_fallback);
    if (s.unusable_earlier)
        fprintf(stderr, "group: %ld unusable files from earlier runs skipped as unchanged (list them: sqlite3 "
                "PEOPLE_DIR/.facecluster/faces.db \"select path, error from images where status = 'error'\")\n",
                s.unusable_earlier);
    /* exit 1 while this input holds unusable files, whether met in this run or an earlier one */
    return s.unusable || s.unusable_earlier ? EXIT_PARTIAL : EXIT_OK;
}
