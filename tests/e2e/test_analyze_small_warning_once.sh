#!/usr/bin/env bash
# The warning "subsets have only N rows ..." is about the dataset, not a setting: analyze must print it once
# per dataset; it came once per settings group (11 times per set).
set -u
FC=${FC_BIN:-build/facecluster}
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP analyze_small_warning_once: skipped: python3-numpy not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_ansmall.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY - "$T" <<'PY'
import sys, os, numpy as np
T = sys.argv[1]
rng = np.random.default_rng(9)
for name in ("a", "b"):
    os.makedirs(os.path.join(T, name))
    np.save(os.path.join(T, name, "emb.npy"), rng.normal(size=(8, 5)).astype(np.float32))
    open(os.path.join(T, name, "truth.txt"), "w").write("".join("p%d\n" % (i % 2) for i in range(8)))
PY
err=$("$FC" analyze "a=$T/a" "b=$T/b" -o "$T/r" --runs 2 --no-tsne --sweep 0.8:0.9:0.1 2>&1 >/dev/null); rc=$?
n=$(grep -c "subsets have only" <<<"$err")
if [ $rc -eq 0 ] && [ "$n" -eq 2 ]; then
    echo "PASS analyze_small_warning_once"
else
    echo "FAIL analyze_small_warning_once: exit $rc, $n warnings for 2 datasets"
fi
