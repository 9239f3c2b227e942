#!/usr/bin/env bash
# `facecluster info` on a matrix with NaN / inf rows names them and keeps the norm statistics of the other
# rows finite (it used to print "row norms min 1 mean nan max 1" and nothing else).
set -u
FC=${FC_BIN:-build/facecluster}
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP info_nonfinite_rows: skipped: python3-numpy not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_info.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY - "$T/x.npy" <<'PY'
import sys, numpy as np
X = np.zeros((5, 4), np.float32); X[:, 0] = 1
X[2, 1] = np.nan; X[4, 3] = np.inf
np.save(sys.argv[1], X)
PY
out=$("$FC" info "$T/x.npy" 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q "2 rows with NaN or infinite values (first: row 2" <<<"$out" && grep -q "mean 1 max 1" <<<"$out" &&
   ! grep -qi "nan max\|mean nan\|mean inf" <<<"$out"; then
    echo "PASS info_nonfinite_rows"
else
    echo "FAIL info_nonfinite_rows: rc=$rc $out"
fi
