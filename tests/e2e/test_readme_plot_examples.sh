#!/usr/bin/env bash
# The README's `facecluster plot lines` and `plot bars` examples must name columns that the tables really
# have: `evaluate --format tsv` (value, ari_mean, ari_2std; stacked with a dataset column) and analyze's
# table.tsv (ari_mean, ari_2std). The example read --x eps --y ari, columns no table has.
set -u
FC=$(realpath "${FC_BIN:-build/facecluster}")
PY=/usr/bin/python3
names="readme_plot_lines_example readme_plot_bars_example"
$PY -c "import numpy" 2>/dev/null || { for n in $names; do echo "SKIP $n: skipped: python3-numpy not found"; done; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_readmeplot.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY - "$T" <<'PY'
import sys, os, numpy as np
T = sys.argv[1]
rng = np.random.default_rng(2)
for name in ("a", "b"):
    os.makedirs(os.path.join(T, name))
    X = (rng.normal(size=(30, 6)) * 0.2 + 2 * np.repeat(np.eye(3, 6), 10, axis=0)).astype(np.float32)
    np.save(os.path.join(T, name, "emb.npy"), X)
    open(os.path.join(T, name, "truth.txt"), "w").write("".join("p%d\n" % (i // 10) for i in range(30)))
PY
# the README's command line, with its placeholders for this run's files and optional parts dropped
readme_cmd() { # kind
    grep -m1 "^facecluster plot $1 " README.md | sed -e 's/\[[^]]*\]//g' -e 's/^facecluster //'
}
# plot lines: evaluate's sweeps stacked with a dataset column (as the README's figure caption says)
for s in a b; do
    "$FC" evaluate --emb "$T/$s/emb.npy" --truth "$T/$s/truth.txt" --methods dbscan,meanshift \
        --sweep eps=0.2:0.6:0.2 --sweep bandwidth=0.2:0.6:0.2 --runs 2 --format tsv -o "$T/$s.tsv" 2>/dev/null
done
{ printf 'dataset\t'; head -1 "$T/a.tsv"; for s in a b; do tail -n +2 "$T/$s.tsv" | sed "s/^/$s\t/"; done; } > "$T/sweep.tsv"
cmd=$(readme_cmd lines)
read -ra argv <<<"$cmd"
( cd "$T" && "$FC" "${argv[@]}" ) 2>"$T/err" && [ -s "$T/ari_vs_eps.png" ] \
    && echo "PASS readme_plot_lines_example" || echo "FAIL readme_plot_lines_example: $cmd: $(cat "$T/err")"
# plot bars: analyze's table.tsv
"$FC" analyze "a=$T/a" "b=$T/b" -o "$T/r" --runs 2 --no-tsne --no-beyond --no-auto-k --sweep 0.4:0.6:0.2 \
    --quiet 2>/dev/null
cp "$T/r/table.tsv" "$T/table.tsv"
cmd=$(readme_cmd bars)
read -ra argv <<<"$cmd"
( cd "$T" && "$FC" "${argv[@]}" ) 2>"$T/err" && [ -s "$T/bars.svg" ] \
    && echo "PASS readme_plot_bars_example" || echo "FAIL readme_plot_bars_example: $cmd: $(cat "$T/err")"
