#!/usr/bin/env bash
# `facecluster analyze A B C D` where B does not exist and C cannot be loaded (truth.txt of the wrong length):
# each is named on stderr and the study goes on with A and D (report written, exit 1 = "done, but some
# inputs were skipped"). It used to stop at the first bad set with exit 3 and no table or index.html at all,
# after A's protocol had run. Nothing loadable at all is still exit 3.
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
E=$SHARED/embeddings
[ -f "$E/personal/emb.npy" ] && [ -f "$E/yale/emb.npy" ] || { echo "SKIP analyze_skips_bad_sets: skipped: $E not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anskipset.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/short"
cp "$E/personal/emb.npy" "$T/short/"
head -n 70 "$E/personal/truth.txt" >"$T/short/truth.txt"
args=(--runs 1 --no-tsne --no-auto-k --no-beyond --sweep 0.8:0.8:0.1)
ok=1
"$FC" analyze "$E/personal" "$T/missing" "$T/short" "$E/yale" -o "$T/r" "${args[@]}" >/dev/null 2>"$T/err"; rc=$?
if [ $rc -ne 1 ] || ! grep -q "$T/missing" "$T/err" || ! grep -q "short/truth.txt" "$T/err"; then
    echo "  mixed: rc=$rc $(grep -v '^analyze: \|^evaluate: ' "$T/err" | tail -n 3)"; ok=0
fi
head -n 3 "$T/r/table.md" 2>/dev/null | grep -q "personal.*yale" || { echo "  table.md lacks personal and yale"; ok=0; }
[ -f "$T/r/index.html" ] || { echo "  no index.html"; ok=0; }
"$FC" analyze "$T/missing" -o "$T/r2" "${args[@]}" >"$T/out" 2>&1; rc=$?
{ [ $rc -eq 3 ] && ! grep -q "no dataset found" "$T/out"; } || { echo "  only a missing set: rc=$rc $(tail -n 2 "$T/out")"; ok=0; }
"$FC" analyze "$T/short" -o "$T/r3" "${args[@]}" >"$T/out" 2>&1; rc=$?
[ $rc -eq 3 ] || { echo "  only a bad set: rc=$rc $(tail -n 2 "$T/out")"; ok=0; }
[ $ok -eq 1 ] && echo "PASS analyze_skips_bad_sets" || echo "FAIL analyze_skips_bad_sets"
