#!/usr/bin/env bash
# `facecluster analyze --resume` must not reuse a t-SNE map made from other data: a dataset of the same name
# and the same number of rows but different embeddings used to get the old map (only the row count was
# checked), drawn with the new identities. Also: the report's "Command:" line names the program once.
set -u
FC=${FC_BIN:-build/facecluster}
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP analyze_resume_tsne_checks_data: skipped: python3-numpy not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anres.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY - "$T" <<'PY'
import sys, os, numpy as np
T = sys.argv[1]
rng = np.random.default_rng(1)
for name, shift in (("a", 0.0), ("b", 3.0)):
    os.makedirs(os.path.join(T, name))
    X = (rng.normal(size=(24, 6)) + shift * np.arange(6)).astype(np.float32)
    np.save(os.path.join(T, name, "emb.npy"), X)
    open(os.path.join(T, name, "truth.txt"), "w").write("".join("p%d\n" % (i % 4) for i in range(24)))
PY
args=(--runs 1 --no-beyond --no-auto-k --sweep 0.8:0.8:0.1)
ok=1
"$FC" analyze "s=$T/a" -o "$T/r" "${args[@]}" --quiet || { echo "  first run failed"; ok=0; }
cp "$T/r/datasets/s/tsne.npy" "$T/map_a.npy"
err=$("$FC" analyze "s=$T/b" -o "$T/r" "${args[@]}" --resume 2>&1) || { echo "  second run failed: $err"; ok=0; }
if grep -q "t-SNE map reused" <<<"$err" || cmp -s "$T/r/datasets/s/tsne.npy" "$T/map_a.npy"; then
    echo "  the map of 'a' was reused for 'b'"
    ok=0
fi
# the same data again: the map is reused
err=$("$FC" analyze "s=$T/b" -o "$T/r" "${args[@]}" --resume 2>&1)
grep -q "t-SNE map reused" <<<"$err" || { echo "  the map of 'b' was not reused for 'b'"; ok=0; }
[ $ok -eq 1 ] && echo "PASS analyze_resume_tsne_checks_data" || echo "FAIL analyze_resume_tsne_checks_data"
cmd=$(grep -o 'Command: <code>[^<]*' "$T/r/index.html")
if grep -q "Command: <code>facecluster analyze " <<<"$cmd" && ! grep -q "facecluster facecluster" <<<"$cmd"; then
    echo "PASS analyze_page_command_line"
else
    echo "FAIL analyze_page_command_line: $cmd"
fi
