#!/usr/bin/env bash
# `facecluster cluster --method agglomerative --k K --distance-threshold X` is a usage error, as in
# scikit-learn (it used to ignore --k silently and cut at the threshold).
set -u
FC=${FC_BIN:-build/facecluster}
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP cluster_k_and_threshold_refused: skipped: python3-numpy not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_kdt.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY -c "
import numpy as np
rng = np.random.default_rng(0)
np.save('$T/x.npy', np.vstack([rng.normal(c, 0.05, (10, 3)) for c in (0, 1, 2)]))"
err=$("$FC" cluster --emb "$T/x.npy" --method agglomerative --k 2 --distance-threshold 0.5 -o "$T/l.txt" 2>&1); rc=$?
"$FC" cluster --emb "$T/x.npy" --method agglomerative --k 2 -o "$T/k.txt" --quiet 2>/dev/null; rck=$?
if [ $rc -eq 2 ] && grep -q "not both" <<<"$err" && [ ! -e "$T/l.txt" ] && [ $rck -eq 0 ] && [ "$(sort -u "$T/k.txt" | wc -l)" -eq 2 ]; then
    echo "PASS cluster_k_and_threshold_refused"
else
    echo "FAIL cluster_k_and_threshold_refused: rc=$rc [$err] rck=$rck"
fi
