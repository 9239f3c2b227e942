#!/usr/bin/env bash
# `facecluster analyze NAME=FOLDER` on a flat photo folder (no PERSON/ subfolders) makes one identity of
# every face; the scores are then meaningless (ARI 1.000): a warning must say so (there was none).
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
src=$SHARED/data/lfw/Colin_Powell
[ -f "$src/Colin_Powell_0003.jpg" ] || { echo "SKIP analyze_one_identity_warns: skipped: $src not found"; exit 0; }
"$FC" model check >/dev/null 2>&1 || { echo "SKIP analyze_one_identity_warns: skipped: models not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_an1.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/flat"
for i in 1 2 3 4; do cp "$src/Colin_Powell_000$i.jpg" "$T/flat/p$i.jpg"; done
"$FC" analyze flat="$T/flat" -o "$T/r" --runs 1 --no-tsne --no-auto-k --no-beyond --sweep 0.8:0.8:0.1 \
    >"$T/out" 2>"$T/err"; rc=$?
if grep -q "only 1 identity" "$T/err"; then
    echo "PASS analyze_one_identity_warns"
else
    echo "FAIL analyze_one_identity_warns: rc=$rc $(tr '\r' '\n' <"$T/err" | grep -v '^$' | tail -n 3)"
fi
