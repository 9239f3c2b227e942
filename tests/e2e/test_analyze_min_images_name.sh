#!/usr/bin/env bash
# --min-images that drops people from a set makes it another set: it must not keep the name "personal" and
# with it the paper's personal column (the paper's numbers were set beside a 51-face subset).
set -u
FC=${FC_BIN:-build/facecluster}
E=${FC_SHARED:-../shared}/embeddings/personal
[ -f "$E/emb.npy" ] || { echo "SKIP analyze_min_images_name: skipped: $E not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_minimg.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$FC" analyze "$E" -o "$T/a" --quick --runs 2 --no-tsne --min-images 5 --quiet 2>/dev/null; rc=$?
hdr=$(grep -m1 '^| method' "$T/a/table.md" 2>/dev/null)
if [ $rc -eq 0 ] && grep -q 'personal-min5 (N=51, K=8)' <<<"$hdr" && ! grep -q 'paper' <<<"$hdr"; then
    echo "PASS analyze_min_images_renames_subset"
else
    echo "FAIL analyze_min_images_renames_subset: exit $rc, header: $hdr"
fi
# --min-images 1 (the default for a set not named lfw) drops nobody: the set and its paper column stay
"$FC" analyze "$E" -o "$T/b" --quick --runs 2 --no-tsne --min-images 1 --quiet 2>/dev/null; rc=$?
hdr=$(grep -m1 '^| method' "$T/b/table.md" 2>/dev/null)
if [ $rc -eq 0 ] && grep -q '| personal (N=79, K=19) | paper' <<<"$hdr"; then
    echo "PASS analyze_min_images_keeps_whole_set"
else
    echo "FAIL analyze_min_images_keeps_whole_set: exit $rc, header: $hdr"
fi
