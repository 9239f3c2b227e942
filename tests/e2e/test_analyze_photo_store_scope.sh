#!/usr/bin/env bash
# `facecluster analyze NAME=FOLDER` keeps its face store in REPORT_DIR/cache/NAME/faces.db. The dataset must
# be the photos now under FOLDER: it used to be every face in that store, so after pointing NAME at another
# folder the old folder's photos stayed in the study (4 photos of 2 people became 8 faces of 4 people), and
# a photo deleted from the folder stayed in it too.
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
src=$SHARED/data/lfw
[ -f "$src/Colin_Powell/Colin_Powell_0003.jpg" ] || { echo "SKIP analyze_photo_store_scope: skipped: $src not found"; exit 0; }
"$FC" model check >/dev/null 2>&1 || { echo "SKIP analyze_photo_store_scope: skipped: models not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anscope.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/a/Colin_Powell" "$T/a/George_W_Bush" "$T/b/Tony_Blair" "$T/b/Donald_Rumsfeld"
for i in 1 2 3; do
    cp "$src/Colin_Powell/Colin_Powell_000$i.jpg" "$T/a/Colin_Powell/"
    cp "$src/George_W_Bush/George_W_Bush_000$i.jpg" "$T/a/George_W_Bush/"
    cp "$src/Tony_Blair/Tony_Blair_000$i.jpg" "$T/b/Tony_Blair/"
    cp "$src/Donald_Rumsfeld/Donald_Rumsfeld_000$i.jpg" "$T/b/Donald_Rumsfeld/"
done
args=(--runs 1 --no-tsne --no-auto-k --no-beyond --sweep 0.8:0.8:0.1)
faces() { grep -o "[0-9]* faces of [0-9]* people (of" "$1" | head -n 1; }
ok=1
"$FC" analyze "s=$T/a" -o "$T/r" "${args[@]}" >/dev/null 2>"$T/err1" || { echo "  run on a failed"; ok=0; }
[ "$(faces "$T/err1")" = "6 faces of 2 people (of" ] || { echo "  a: $(faces "$T/err1")"; ok=0; }
"$FC" analyze "s=$T/b" -o "$T/r" "${args[@]}" >/dev/null 2>"$T/err2" || { echo "  run on b failed"; ok=0; }
[ "$(faces "$T/err2")" = "6 faces of 2 people (of" ] || { echo "  b after a (same name): $(faces "$T/err2")"; ok=0; }
grep -q "Colin_Powell" "$T/r/datasets/s/scores.json" "$T/r/index.html" && { echo "  a's people in b's report"; ok=0; }
rm "$T/b/Tony_Blair/Tony_Blair_0003.jpg"
"$FC" analyze "s=$T/b" -o "$T/r" "${args[@]}" >/dev/null 2>"$T/err3" || { echo "  re-run on b failed"; ok=0; }
[ "$(faces "$T/err3")" = "5 faces of 2 people (of" ] || { echo "  b after a deletion: $(faces "$T/err3")"; ok=0; }
[ $ok -eq 1 ] && echo "PASS analyze_photo_store_scope" || echo "FAIL analyze_photo_store_scope"
