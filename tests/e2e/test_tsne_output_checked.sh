#!/usr/bin/env bash
# `facecluster tsne -o FILE`: an unknown figure type (exit 2) or an unwritable folder (exit 3) is reported
# before the map is computed (it used to run the whole t-SNE first, and exit 3 for the bad extension).
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
E=$SHARED/embeddings/personal/emb.npy
[ -f "$E" ] || { echo "SKIP tsne_output_checked_first: skipped: $E not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_tsneout.XXXXXX)
trap 'rm -rf "$T"' EXIT
err=$("$FC" tsne --emb "$E" -o "$T/map.xyz" 2>&1); rc=$?
err2=$("$FC" tsne --emb "$E" -o "$T/no/such/dir/map.png" 2>&1); rc2=$?
if [ $rc -eq 2 ] && grep -q "unknown figure type" <<<"$err" && ! grep -q "KL divergence" <<<"$err" &&
   [ $rc2 -eq 3 ] && grep -q "cannot write" <<<"$err2" && ! grep -q "KL divergence" <<<"$err2"; then
    echo "PASS tsne_output_checked_first"
else
    echo "FAIL tsne_output_checked_first: rc=$rc [$err] rc2=$rc2 [$err2]"
fi
"$FC" tsne --emb "$E" -o "$T/map.SVG" --quiet; rc=$?
[ $rc -eq 0 ] && [ -s "$T/map.SVG" ] && echo "PASS tsne_output_upper_case_ext" || echo "FAIL tsne_output_upper_case_ext: rc=$rc"
