/* commands.c — the subcommand table; one line per subcommand, in the order --help lists them:
 * the main jobs first, then the pipeline stages, then the tools. */
#include "cli/commands.h"

int cmd_info(int argc, char **argv);
int cmd_cluster(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_embed(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_lfw_verify(int argc, char **argv);
int cmd_tsne(int argc, char **argv);
int cmd_gallery(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_group(int argc, char **argv);
int cmd_people(int argc, char **argv);

const cli_command cli_commands[] = {
    {"analyze", "the whole study on labelled datasets: tables, figures, error galleries, index.html", cmd_analyze},
    {"group", "photos -> one folder per person (+ unknown/, index.html); incremental", cmd_group},
    {"people", "list, name or merge the people found by group", cmd_people},
    {"embed", "photos -> faces -> embeddings in a face store (SQLite; resumable)", cmd_embed},
    {"export", "write a face store's embeddings as .npy + identities (+ TSV of faces)", cmd_export},
    {"lfw-verify", "LFW 10-fold verification accuracy of a face store on pairs.txt", cmd_lfw_verify},
    {"cluster", "cluster embeddings (.npy or a face store .db) with one method; writes one label per line", cmd_cluster},
    {"score", "score predicted labels against known identities (ARI, AMI, NMI, ...)", cmd_score},
    {"evaluate", "repeated-subsample evaluation of clustering methods, with sweeps", cmd_evaluate},
    {"tsne", "t-SNE map of embeddings, drawn as PNG/SVG/PDF (coloured by identity or cluster)", cmd_tsne},
    {"gallery", "HTML page of face thumbnails, one row per predicted cluster", cmd_gallery},
    {"plot", "line (with ±bands), grouped-bar or heatmap figure from a TSV table", cmd_plot},
    {"model", "inspect a TFLite model (info FILE) or verify the default models (check)", cmd_model},
    {"info", "describe an embeddings .npy file (rows, dimension, norms)", cmd_info},
};
const size_t cli_command_count = sizeof cli_commands / sizeof cli_commands[0];
