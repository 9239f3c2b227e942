#!/usr/bin/env bash
# A photo lying at the top of a labelled photo folder (PERSON/IMAGE) is in no person folder: analyze made it
# an extra person named after the folder itself. It is now left out with one warning naming the folder, the
# people are studied, and the exit code (1) says that something was left out.
set -u
FC=${FC_BIN:-build/facecluster}
P=${FC_SHARED:-../shared}/data/personal
[ -d "$P/biden" ] || { echo "SKIP analyze_loose_root_photo: skipped: $P not found"; exit 0; }
ls "${FC_MODELS:-models}"/*.tflite > /dev/null 2>&1 \
    || { echo "SKIP analyze_loose_root_photo: skipped: models not found (scripts/fetch_models.sh)"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_loose.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/set/alex" "$T/set/biden"
for f in "$P"/alex_lacamoire/*; do ln -s "$(realpath "$f")" "$T/set/alex/"; done
for f in "$P"/biden/*; do ln -s "$(realpath "$f")" "$T/set/biden/"; done
f=$(ls "$P"/id01_img1/* | head -1); ln -s "$(realpath "$f")" "$T/set/stray.${f##*.}"
err=$("$FC" analyze "s=$T/set" -o "$T/r" --runs 2 --no-tsne 2>&1 >/dev/null); rc=$?
if [ $rc -eq 1 ] && grep -q "$T/set: 1 photo lies at the top of the folder" <<<"$err" \
   && grep -q 'analyze: s: 5 faces of 2 people' <<<"$err"; then
    echo "PASS analyze_loose_root_photo_left_out"
else
    echo "FAIL analyze_loose_root_photo_left_out: exit $rc: $(grep -E 'top of|faces of' <<<"$err" | tr '\n' ' ')"
fi
