#!/usr/bin/env bash
# `facecluster plot` and `facecluster tsne` from the command line: each figure type written in the format its
# extension asks for, and the usage errors (unknown column, unsafe --format, unknown extension, perplexity
# too large for N) give exit code 2 with a message. Prints PASS/FAIL lines.
set -u
BIN=${FC_BIN:-build/facecluster}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'dataset\teps\tari\tari_2std\npersonal\t0.6\t0.9\t0.04\npersonal\t0.5\t0.6\t0.05\nlfw3\t0.5\t0.3\t0.02\nlfw3\t0.6\t0.7\t\n' > "$tmp/s.tsv"
magic() { head -c 8 "$1" | od -An -c | tr -d ' \n'; }
ok=1
"$BIN" plot lines --tsv "$tmp/s.tsv" --x eps --y ari --band ari_2std --series dataset -o "$tmp/l.png" || ok=0
"$BIN" plot lines --tsv "$tmp/s.tsv" --x eps --y ari --series dataset --style dataset -o "$tmp/l2.pdf" || ok=0
"$BIN" plot bars --tsv "$tmp/s.tsv" --category eps --series dataset --value ari --err ari_2std -o "$tmp/b.svg" || ok=0
"$BIN" plot heatmap --tsv "$tmp/s.tsv" --row dataset --col eps --value ari --format '%.2f' -o "$tmp/h.pdf" || ok=0
case "$(magic "$tmp/l.png")" in *PNG*) ;; *) ok=0 ;; esac
head -c 300 "$tmp/b.svg" | grep -q '<svg' || ok=0
case "$(magic "$tmp/h.pdf")" in %PDF*) ;; *) ok=0 ;; esac
[ $ok = 1 ] && echo "PASS plot_cli_figures" || echo "FAIL plot_cli_figures"

expect_usage() { # name, command...
    local name=$1; shift
    "$@" > /dev/null 2> "$tmp/err"
    local rc=$?
    if [ $rc -eq 2 ] && [ -s "$tmp/err" ]; then echo "PASS $name"; else echo "FAIL $name: exit $rc"; cat "$tmp/err" >&2; fi
}
expect_usage plot_cli_unknown_column "$BIN" plot bars --tsv "$tmp/s.tsv" --category nope --value ari -o "$tmp/x.png"
expect_usage plot_cli_unsafe_format "$BIN" plot heatmap --tsv "$tmp/s.tsv" --row dataset --col eps --value ari --format '%s%n' -o "$tmp/x.png"
expect_usage plot_cli_bad_extension "$BIN" plot lines --tsv "$tmp/s.tsv" --x eps --y ari -o "$tmp/x.gif"
/usr/bin/python3 -c "import numpy as np; np.save('$tmp/e.npy', np.random.RandomState(0).randn(20, 8))" 2>/dev/null \
    && expect_usage tsne_cli_perplexity_too_large "$BIN" tsne --emb "$tmp/e.npy" -o "$tmp/m.png" --quiet
"$BIN" tsne --help | grep -q perplexity && "$BIN" gallery --help | grep -q faces.tsv && "$BIN" plot --help | grep -q heatmap \
    && echo "PASS viz_cli_help" || echo "FAIL viz_cli_help"
