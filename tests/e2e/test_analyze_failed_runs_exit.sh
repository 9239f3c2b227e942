#!/usr/bin/env bash
# `facecluster analyze` must exit 1 (README "Exit codes": done, but something was left out and named on
# stderr) when some protocol runs failed, as `evaluate` does; it used to warn and exit 0. No clustering
# method fails on a small well-formed set from the command line, so the failed runs are planted in the
# protocol cache of a first run (a group result with runs_ok < runs, as a failing method leaves it) and
# picked up by --resume.
set -u
FC=${FC_BIN:-build/facecluster}
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP analyze_failed_runs_exit: skipped: python3-numpy not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anfail.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY - "$T" <<'PY'
import sys, os, numpy as np
T = sys.argv[1]
rng = np.random.default_rng(3)
os.makedirs(os.path.join(T, "a"))
X = (rng.normal(size=(24, 6)) + 3 * np.repeat(np.eye(4, 6), 6, axis=0)).astype(np.float32)
np.save(os.path.join(T, "a", "emb.npy"), X)
open(os.path.join(T, "a", "truth.txt"), "w").write("".join("p%d\n" % (i // 6) for i in range(24)))
PY
args=(--runs 2 --no-auto-k --sweep 0.8:0.8:0.1 --no-tsne)
ok=1
"$FC" analyze "s=$T/a" -o "$T/r" "${args[@]}" --quiet 2>/dev/null; rc=$?
[ $rc -eq 0 ] || { echo "  clean run: exit $rc (want 0)"; ok=0; }
g=$(ls "$T"/r/cache/s/hdbscan-*.tsv 2>/dev/null | head -1)
if [ -z "$g" ]; then
    echo "  no hdbscan group in the cache"; ok=0
else
    # first result line: runs_ok 2 -> 1, and the first failure's message after the scores
    awk -F'\t' 'BEGIN{OFS="\t"} NR==2{$2=$1-1; $0=$0 "run 2: planted failure"} {print}' "$g" > "$T/g" && mv "$T/g" "$g"
    err=$("$FC" analyze "s=$T/a" -o "$T/r" "${args[@]}" --resume 2>&1 >/dev/null); rc=$?
    [ $rc -eq 1 ] || { echo "  failed runs: exit $rc (want 1)"; ok=0; }
    grep -q "hdbscan failed in 1 of 2 runs: run 2: planted failure" <<<"$err" || { echo "  failure not named: $err"; ok=0; }
    [ -f "$T/r/index.html" ] || { echo "  no index.html"; ok=0; }
fi
[ $ok -eq 1 ] && echo "PASS analyze_failed_runs_exit" || echo "FAIL analyze_failed_runs_exit"
