#!/usr/bin/env bash
# facecluster cluster with the spectral / hdbscan / graph / chinese_whispers methods and automatic K:
# labels written one per row, the documented defaults, usage errors exit 2. Prints PASS/FAIL/SKIP lines.
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
E="$SHARED/embeddings/personal/emb.npy"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$E" ]; then
    echo "SKIP cluster_b_cli: skipped: $SHARED/embeddings/personal not found"
    exit 0
fi
check() { # name, condition-command...
    local name=$1; shift
    if "$@"; then echo "PASS $name"; else echo "FAIL $name"; fi
}
nclusters() { sort -n "$1" | tail -1 | awk '{print $1 + 1}'; }

for m in graph chinese_whispers hdbscan; do
    "$FC" cluster --emb "$E" --method "$m" --quiet -o "$tmp/$m.txt"
    check "cli_${m}_rows" test "$(wc -l < "$tmp/$m.txt")" -eq 79
done
# personal has 19 people; measured (README): graph at 0.8 finds 20 groups, Chinese whispers at 0.9 finds 19
check cli_graph_default_k test "$(nclusters "$tmp/graph.txt")" -eq 20
check cli_cw_default_k test "$(nclusters "$tmp/chinese_whispers.txt")" -eq 19
# HDBSCAN defaults (min_cluster_size 5, min_samples = 5): some noise on this small set
check cli_hdbscan_noise grep -q -- '^-1$' "$tmp/hdbscan.txt"
"$FC" cluster --emb "$E" --method hdbscan --min-cluster-size 2 --quiet -o "$tmp/h2.txt"
check cli_hdbscan_mcs2 test "$(nclusters "$tmp/h2.txt")" -eq 19
# spectral without --k: K estimated by the default estimator (components) = 19, reported on stderr
"$FC" cluster --emb "$E" --method spectral -o "$tmp/s.txt" 2> "$tmp/err.txt"
check cli_spectral_auto_k grep -q "K estimated as 19 (components)" "$tmp/err.txt"
check cli_spectral_auto_k_labels test "$(nclusters "$tmp/s.txt")" -eq 19
"$FC" cluster --emb "$E" --method spectral --k-estimator bogus -o "$tmp/x.txt" 2> /dev/null
check cli_bad_estimator_exit2 test $? -eq 2
"$FC" cluster --emb "$E" --method spectral --affinity cosine -o "$tmp/x.txt" 2> /dev/null
check cli_bad_affinity_exit2 test $? -eq 2
"$FC" cluster --help > "$tmp/help.txt"
check cli_help_lists_methods grep -q "chinese_whispers" "$tmp/help.txt"
