/* commands.c — the subcommand table; one line per subcommand, in the order --help lists them. */
#include "cli/commands.h"

int cmd_info(int argc, char **argv);
int cmd_tsne(int argc, char **argv);
int cmd_gallery(int argc, char **argv);
int cmd_plot(int argc, char **argv);

const cli_command cli_commands[] = {
    {"info", "describe an embeddings .npy file (rows, dimension, norms)", cmd_info},
    {"tsne", "t-SNE map of embeddings, drawn as PNG/SVG/PDF (coloured by identity or cluster)", cmd_tsne},
    {"gallery", "HTML page of face thumbnails, one row per predicted cluster", cmd_gallery},
    {"plot", "line (with ±bands), grouped-bar or heatmap figure from a TSV table", cmd_plot},
};
const size_t cli_command_count = sizeof cli_commands / sizeof cli_commands[0];
