#!/usr/bin/env bash
# `facecluster export --truth T` on a store embedded without --labels fails (exit 3) and writes nothing
# (it used to write E.npy and then fail, leaving half an export behind).
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
src=$SHARED/data/lfw/Colin_Powell/Colin_Powell_0001.jpg
[ -f "$src" ] || { echo "SKIP export_no_identity_writes_nothing: skipped: $src not found"; exit 0; }
"$FC" model check >/dev/null 2>&1 || { echo "SKIP export_no_identity_writes_nothing: skipped: models not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_exp.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/p"; cp "$src" "$T/p/a.jpg"
"$FC" embed "$T/p" --db "$T/f.db" --quiet 2>/dev/null
err=$("$FC" export --db "$T/f.db" --npy "$T/e.npy" --truth "$T/t.txt" --tsv "$T/f.tsv" 2>&1); rc=$?
if [ $rc -eq 3 ] && grep -q "no identity" <<<"$err" && [ ! -e "$T/e.npy" ] && [ ! -e "$T/t.txt" ] && [ ! -e "$T/f.tsv" ]; then
    echo "PASS export_no_identity_writes_nothing"
else
    echo "FAIL export_no_identity_writes_nothing: rc=$rc [$err] $(ls "$T")"
fi
"$FC" export --db "$T/f.db" --npy "$T/e.npy" --tsv "$T/f.tsv" 2>/dev/null; rc=$?
[ $rc -eq 0 ] && [ -s "$T/e.npy" ] && [ -s "$T/f.tsv" ] && echo "PASS export_without_truth" || echo "FAIL export_without_truth: rc=$rc"
