#!/usr/bin/env bash
# `facecluster analyze` on a labelled photo folder where some files are unusable (junk, truncated, no face)
# names each on stderr and goes on; its exit code must then be 1 ("done, but some inputs were skipped",
# README's exit codes; `embed` on the same folder exits 1). It used to exit 0 -- also on the re-run, where
# the skipped files are remembered by the face store. A clean folder still exits 0.
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
src=$SHARED/data/lfw
[ -f "$src/Colin_Powell/Colin_Powell_0003.jpg" ] || { echo "SKIP analyze_photo_skips_exit: skipped: $src not found"; exit 0; }
"$FC" model check >/dev/null 2>&1 || { echo "SKIP analyze_photo_skips_exit: skipped: models not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anskip.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/clean/Colin_Powell" "$T/clean/George_W_Bush"
for i in 1 2; do
    cp "$src/Colin_Powell/Colin_Powell_000$i.jpg" "$T/clean/Colin_Powell/"
    cp "$src/George_W_Bush/George_W_Bush_000$i.jpg" "$T/clean/George_W_Bush/"
done
cp -r "$T/clean" "$T/messy"
echo "not a photo" >"$T/messy/Colin_Powell/junk.jpg"
head -c 2000 "$src/Colin_Powell/Colin_Powell_0003.jpg" >"$T/messy/George_W_Bush/cut.jpg"
args=(--runs 1 --no-tsne --no-auto-k --no-beyond --sweep 0.8:0.8:0.1)
ok=1
"$FC" analyze "$T/clean" -o "$T/r1" "${args[@]}" >/dev/null 2>"$T/err"; rc=$?
[ $rc -eq 0 ] || { echo "  clean folder: rc=$rc $(tail -n 2 "$T/err")"; ok=0; }
for pass in first re-run; do
    "$FC" analyze "$T/messy" -o "$T/r2" "${args[@]}" >/dev/null 2>"$T/err"; rc=$?
    if [ $rc -ne 1 ] || [ ! -f "$T/r2/index.html" ]; then
        echo "  messy folder ($pass): rc=$rc $(grep -v '^evaluate\|^analyze: ' "$T/err" | tail -n 3)"
        ok=0
    fi
    if [ $pass = first ] && ! { grep -q "junk.jpg" "$T/err" && grep -q "cut.jpg" "$T/err"; }; then
        echo "  the unusable files are not named: $(tail -n 3 "$T/err")"
        ok=0
    fi
done
[ $ok -eq 1 ] && echo "PASS analyze_photo_skips_exit" || echo "FAIL analyze_photo_skips_exit"
