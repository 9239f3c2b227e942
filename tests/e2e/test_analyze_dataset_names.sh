#!/usr/bin/env bash
# Dataset names of `facecluster analyze` become folder names (datasets/NAME, cache/NAME, thumbs/NAME):
#  - two datasets of one name (`personal=A personal=B`, or two folders both called personal) wrote into the
#    same folders, the second overwriting the first, and the table got two "personal" columns: now a usage
#    error naming the name;
#  - `..=DIR` wrote the scores and cache files into the report folder itself, `=DIR` into datasets/: usage error;
#  - a folder given as `.` is named after the folder it is (not ".").
set -u
FC=$(realpath "${FC_BIN:-build/facecluster}")
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP analyze_dataset_names: skipped: python3-numpy not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_annames.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY - "$T" <<'PY'
import sys, os, numpy as np
T = sys.argv[1]
rng = np.random.default_rng(2)
for d in ("one/personal", "two/personal", "myset"):
    os.makedirs(os.path.join(T, d))
    np.save(os.path.join(T, d, "emb.npy"), rng.normal(size=(12, 5)).astype(np.float32))
    open(os.path.join(T, d, "truth.txt"), "w").write("".join("p%d\n" % (i % 3) for i in range(12)))
PY
args=(--runs 1 --no-tsne --no-auto-k --no-beyond --sweep 0.8:0.8:0.1)
ok=1
for spec in "$T/one/personal $T/two/personal" "x=$T/one/personal x=$T/myset" "..=$T/myset" "=$T/myset" ".=$T/myset"; do
    err=$("$FC" analyze $spec -o "$T/r" "${args[@]}" 2>&1); rc=$?
    if [ $rc -ne 2 ] || ! grep -qi "name" <<<"$err" || [ -e "$T/r" ]; then
        echo "  analyze $spec: rc=$rc $(head -n 2 <<<"$err")"
        ok=0
    fi
    rm -rf "$T/r"
done
err=$(cd "$T/myset" && "$FC" analyze . -o "$T/r" "${args[@]}" 2>&1); rc=$?
if [ $rc -ne 0 ] || [ ! -f "$T/r/datasets/myset/scores.tsv" ]; then
    echo "  analyze . (in myset): rc=$rc $(ls "$T/r/datasets" 2>&1 | head -n 3) $(tail -n 1 <<<"$err")"
    ok=0
fi
[ $ok -eq 1 ] && echo "PASS analyze_dataset_names" || echo "FAIL analyze_dataset_names"
