#!/usr/bin/env bash
# `facecluster analyze` on an embeddings folder whose emb.npy holds a NaN / infinite value or has no columns
# must refuse it with one line naming the file (exit 3), as cluster/evaluate/tsne do. It used to run the
# whole protocol on it: garbage scores and exit 0 (NaN), or pages of OpenBLAS "illegal value" lines (0 columns).
set -u
FC=${FC_BIN:-build/facecluster}
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP analyze_bad_matrix: skipped: python3-numpy not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anbad.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY - "$T" <<'PY'
import sys, os, numpy as np
T = sys.argv[1]
rng = np.random.default_rng(0)
X = rng.normal(size=(12, 8)).astype(np.float32)
truth = "\n".join("p%d" % (i % 3) for i in range(12)) + "\n"
for name in ("nan", "inf", "nocols"):
    os.makedirs(os.path.join(T, name))
    Y = X.copy()
    if name == "nan": Y[4, 2] = np.nan
    if name == "inf": Y[7, 0] = -np.inf
    if name == "nocols": Y = np.zeros((12, 0), np.float32)
    np.save(os.path.join(T, name, "emb.npy"), Y)
    open(os.path.join(T, name, "truth.txt"), "w").write(truth)
PY
ok=1
for name in nan inf nocols; do
    err=$("$FC" analyze "$T/$name" -o "$T/r_$name" --runs 1 --no-tsne --no-beyond --sweep 0.8:0.8:0.1 2>&1); rc=$?
    lines=$(grep -c . <<<"$err")
    if [ $rc -ne 3 ] || ! grep -q "$name/emb.npy" <<<"$err" || grep -q "illegal value\|protocol done" <<<"$err" ||
       [ -e "$T/r_$name/table.md" ]; then
        echo "  $name: rc=$rc lines=$lines: $(tail -n 3 <<<"$err")"
        ok=0
    fi
done
[ $ok -eq 1 ] && echo "PASS analyze_bad_matrix_refused" || echo "FAIL analyze_bad_matrix_refused"
