#!/usr/bin/env bash
# The "clusters found ÷ true K" figures (DBSCAN vs eps, mean-shift vs bandwidth) draw a ±2·std band; a count
# cannot be negative, but the band's lower edge went below 0 and the y axis with it (ticks down to -1).
# The axis must start at 0. The tick labels are read back from the PDF with mutool.
set -u
FC=${FC_BIN:-build/facecluster}
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP analyze_clusters_axis_nonnegative: skipped: python3-numpy not found"; exit 0; }
command -v mutool >/dev/null || { echo "SKIP analyze_clusters_axis_nonnegative: skipped: mutool not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anaxis.XXXXXX)
trap 'rm -rf "$T"' EXIT
# 40 faces of 4 people; on subsets of 12 faces the number of DBSCAN clusters at eps 1.1 varies so much
# between runs that mean - 2·std < 0
$PY - "$T" <<'PY'
import sys, os, numpy as np
T = sys.argv[1]
rng = np.random.default_rng(5)
n, k, d = 40, 4, 8
C = rng.normal(size=(k, d)) * 0.3
ids = np.arange(n) % k
X = (C[ids] + rng.normal(size=(n, d)) * 0.1).astype(np.float32)
X /= np.linalg.norm(X, axis=1, keepdims=True)
os.makedirs(os.path.join(T, "a"))
np.save(os.path.join(T, "a", "emb.npy"), X)
open(os.path.join(T, "a", "truth.txt"), "w").write("".join("p%d\n" % i for i in ids))
PY
"$FC" analyze "s=$T/a" -o "$T/r" --runs 3 --fraction 0.3 --no-tsne --no-beyond --no-auto-k --quiet \
    --sweep 0.1:1.4:0.1 2>/dev/null
ok=1
# the premise: some setting's band does reach below 0
$PY - "$T/r/datasets/s/scores.json" <<'PY' || { echo "  premise: no clusters band below 0 in this data"; ok=0; }
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
sys.exit(0 if any(r["sweep"] and r["scores"]["k_found"]["mean"] - r["scores"]["k_found"]["std2"] < 0 for r in rows) else 1)
PY
for f in clusters_vs_eps clusters_vs_bandwidth; do
    txt=$(mutool draw -F txt "$T/r/figures/$f.pdf" 2>/dev/null)
    grep -q "clusters found" <<<"$txt" || { echo "  $f.pdf: no text read"; ok=0; }
    if grep -Eq "^[-−][0-9]" <<<"$txt"; then
        echo "  $f: negative y ticks: $(grep -E "^[-−][0-9]" <<<"$txt" | tr '\n' ' ')"; ok=0
    fi
done
[ $ok -eq 1 ] && echo "PASS analyze_clusters_axis_nonnegative" || echo "FAIL analyze_clusters_axis_nonnegative"
