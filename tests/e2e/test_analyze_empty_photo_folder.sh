#!/usr/bin/env bash
# A photo folder with no photos, or with photos but not one face, is named in the error (the message named
# the internal face store: ".../cache/NAME/faces.db: the store holds no faces"); the set is left out, exit 3.
set -u
FC=${FC_BIN:-build/facecluster}
MODELS=${FC_MODELS:-models}
ls "$MODELS"/*.tflite > /dev/null 2>&1 \
    || { echo "SKIP analyze_empty_photo_folder: skipped: models not found (scripts/fetch_models.sh)"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_emptyphotos.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/empty/alice" "$T/noface/bob"
{ printf 'P6\n160 160\n255\n'; head -c $((160 * 160 * 3)) /dev/zero | tr '\0' '\200'; } > "$T/noface/bob/grey.ppm"
err=$("$FC" analyze "e=$T/empty" -o "$T/r1" --quick --no-tsne 2>&1 >/dev/null); rc=$?
if [ $rc -eq 3 ] && grep -q "$T/empty: no photos found" <<<"$err" && ! grep -v '^analyze:' <<<"$err" | grep -q 'faces.db'; then
    echo "PASS analyze_empty_photo_folder_named"
else
    echo "FAIL analyze_empty_photo_folder_named: exit $rc: $(grep -v '^analyze:' <<<"$err" | head -2 | tr '\n' ' ')"
fi
err=$("$FC" analyze "n=$T/noface" -o "$T/r2" --quick --no-tsne 2>&1 >/dev/null); rc=$?
if [ $rc -eq 3 ] && grep -q "$T/noface: no face was found in any of its 1 photos" <<<"$err"; then
    echo "PASS analyze_faceless_photo_folder_named"
else
    echo "FAIL analyze_faceless_photo_folder_named: exit $rc: $(grep -v '^analyze:' <<<"$err" | head -2 | tr '\n' ' ')"
fi
