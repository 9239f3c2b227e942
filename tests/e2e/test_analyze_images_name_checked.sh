#!/usr/bin/env bash
# `facecluster analyze --images NAME=DIR` whose NAME is no dataset of the run (a typo) was silently ignored,
# leaving the galleries without thumbnails; now a usage error naming it, before any work.
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
set_dir=$SHARED/embeddings/personal
[ -f "$set_dir/emb.npy" ] || { echo "SKIP analyze_images_name_checked: skipped: $set_dir not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_animg.XXXXXX)
trap 'rm -rf "$T"' EXIT
args=(--runs 1 --no-tsne --no-auto-k --no-beyond --sweep 0.8:0.8:0.1)
ok=1
err=$("$FC" analyze "$set_dir" -o "$T/r" "${args[@]}" --images persnal="$T" 2>&1); rc=$?
if [ $rc -ne 2 ] || ! grep -q "persnal" <<<"$err" || [ -e "$T/r" ]; then
    echo "  typo: rc=$rc $(head -n 2 <<<"$err")"; ok=0
fi
"$FC" analyze "$set_dir" -o "$T/r2" "${args[@]}" --images personal="$SHARED/data/personal" --quiet; rc=$?
[ $rc -eq 0 ] || { echo "  valid --images refused: rc=$rc"; ok=0; }
[ $ok -eq 1 ] && echo "PASS analyze_images_name_checked" || echo "FAIL analyze_images_name_checked"
