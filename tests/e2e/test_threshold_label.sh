#!/usr/bin/env bash
# A method run at its default threshold (graph 0.8, Chinese whispers 0.9) must be labelled with that value in
# the score tables and on the report's error section; both said "threshold=0" (the "use the default" code).
set -u
FC=${FC_BIN:-build/facecluster}
E=${FC_SHARED:-../shared}/embeddings/personal
[ -f "$E/emb.npy" ] || { echo "SKIP threshold_label: skipped: $E not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_thr.XXXXXX)
trap 'rm -rf "$T"' EXIT
out=$("$FC" evaluate --emb "$E/emb.npy" --truth "$E/truth.txt" --methods graph,chinese_whispers --runs 2 --quiet 2>&1)
if grep -q $'^graph\tthreshold=0.8\t' <<<"$out" && grep -q $'^chinese_whispers\tthreshold=0.9\t' <<<"$out" \
   && ! grep -qP 'threshold=0(?![.0-9])' <<<"$out"; then
    echo "PASS threshold_label_evaluate"
else
    echo "FAIL threshold_label_evaluate: $(cut -f1-2 <<<"$out" | tr '\n' ' ')"
fi
"$FC" analyze "$E" -o "$T/r" --quick --runs 2 --no-tsne --errors chinese_whispers --quiet 2>/dev/null
if grep -q 'What goes wrong: chinese_whispers threshold=0.9 ' "$T/r/index.html" 2>/dev/null; then
    echo "PASS threshold_label_report"
else
    echo "FAIL threshold_label_report: $(grep -o 'What goes wrong: [^<]*' "$T/r/index.html" 2>/dev/null)"
fi
