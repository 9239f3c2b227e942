/* cmd_people.c — `facecluster people list | name N NAME | merge N M | faces`: the people of a grouped
 * collection; naming and merging rewrite the output folder. */
#include "cli/cli.h"
#include "facecluster/people.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf("usage: facecluster people [-o PEOPLE_DIR | --db FILE] list\n"
           "       facecluster people [-o PEOPLE_DIR | --db FILE] name N NAME\n"
           "       facecluster people [-o PEOPLE_DIR | --db FILE] merge N M\n"
           "       facecluster people [-o PEOPLE_DIR | --db FILE] faces [-]\n\n"
           "The people found by `facecluster group`.\n"
           "  list          one line per person: id, folder, photos, faces, name\n"
           "  name N NAME   names person N (\"\" removes the name); the folder becomes NAME\n"
           "  merge N M     moves every face of person M into person N and removes M (faces of M on a\n"
           "                photo where N already is become unknown: two faces of a photo are two people)\n"
           "  faces         TSV of every face: path, face_index, box, person (0 = unknown)\n\n"
           "  -o, --output DIR   the people folder (its store is DIR/.facecluster/faces.db)\n"
           "  --db FILE          the store, when group ran with --db\n"
           "  --no-rewrite       do not rewrite the people folder after name/merge\n");
}

static int parse_id(const char *s, int64_t *id)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || v <= 0) {
        cli_error("people", "'%s' is not a person number", s);
        return -1;
    }
    *id = v;
    return 0;
}

int cmd_people(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {"db", required_argument, 0, 'd'},
                                         {"no-rewrite", no_argument, 0, 'n'},   {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *out = NULL, *dbarg = NULL;
    int rewrite = 1, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return EXIT_OK;
        case 'o': out = optarg; break;
        case 'd': dbarg = optarg; break;
        case 'n': rewrite = 0; break;
        default: return EXIT_USAGE;
        }
    }
    if (!out && !dbarg) {
        cli_error("people", "give -o PEOPLE_DIR or --db FILE (see --help)");
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        cli_error("people", "give an action: list, name, merge or faces (see --help)");
        return EXIT_USAGE;
    }
    char db[4096];
    if (dbarg) snprintf(db, sizeof db, "%s", dbarg);
    else snprintf(db, sizeof db, "%s/.facecluster/faces.db", out);
    FILE *chk = fopen(db, "rb");
    if (!chk) {
        cli_error("people", "%s: no face store here (run facecluster group first)", db);
        return EXIT_FAILURE_;
    }
    fclose(chk);
    const char *act = argv[optind];
    int nargs = argc - optind - 1, rc = 0;
    char **a = argv + optind + 1;
    if (!strcmp(act, "list") && nargs == 0) {
        fc_person *v;
        size_t n;
        if (fc_people_list(db, &v, &n)) {
            cli_error("people", "%s", fc_last_error());
            return EXIT_FAILURE_;
        }
        printf("id\tfolder\tphotos\tfaces\tname\n");
        for (size_t i = 0; i < n; i++) {
            char folder[160];
            fc_person_folder(v[i].id, v[i].name, folder, sizeof folder);
            printf("%lld\t%s\t%ld\t%ld\t%s\n", (long long)v[i].id, folder, v[i].photos, v[i].faces,
                   v[i].name ? v[i].name : "");
        }
        fc_people_free(v, n);
        return EXIT_OK;
    } else if (!strcmp(act, "faces") && nargs <= 1) {
        if (fc_group_faces_tsv(db, nargs ? a[0] : "-")) {
            cli_error("people", "%s", fc_last_error());
            return EXIT_FAILURE_;
        }
        return EXIT_OK;
    } else if (!strcmp(act, "name") && nargs == 2) {
        int64_t id;
        if (parse_id(a[0], &id)) return EXIT_USAGE;
        rc = fc_people_name(db, id, a[1]);
    } else if (!strcmp(act, "merge") && nargs == 2) {
        int64_t n, m;
        long dropped = 0;
        if (parse_id(a[0], &n) || parse_id(a[1], &m)) return EXIT_USAGE;
        rc = fc_people_merge(db, n, m, &dropped);
        if (!rc && dropped)
            fprintf(stderr, "people: %ld face%s of person %lld share a photo with person %lld and became unknown\n",
                    dropped, dropped == 1 ? "" : "s", (long long)m, (long long)n);
    } else {
        cli_error("people", "unknown action or wrong number of arguments: '%s' (see --help)", act);
        return EXIT_USAGE;
    }
    if (rc) {
        cli_error("people", "%s", fc_last_error());
        return rc == FC_EARG ? EXIT_USAGE : EXIT_FAILURE_;
    }
    if (rewrite) {
        char *last = NULL;
        fc_link_mode mode;
        if (!fc_group_last_output(db, out, &last, &mode) && (last || out)) {
            fc_group_summary s;
            memset(&s, 0, sizeof s);
            if (fc_group_write(db, out ? out : last, mode, 0, &s)) {
                cli_error("people", "%s", fc_last_error());
                free(last);
                return EXIT_FAILURE_;
            }
        }
        free(last);
    }
    return EXIT_OK;
}
