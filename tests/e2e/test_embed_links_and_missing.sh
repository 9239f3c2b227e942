#!/usr/bin/env bash
# Folder walking of `embed` and `group` (found in a newcomer's break-it pass): a symbolic link back up the
# tree is scanned once, with one warning, instead of over and over; a missing folder among the arguments is
# one unusable entry (named on stderr, exit 1) and the other folders are still processed.
set -u
FC=${FC_BIN:-build/facecluster}
"$FC" model check >/dev/null 2>&1 || { echo "SKIP embed_links: skipped: models not found (run scripts/fetch_models.sh)"; exit 0; }
models=()
[ -d models ] && models=(--models models)
T=$(mktemp -d /tmp/fc_e2e_links.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/w/sub" "$T/other"
printf 'P5\n8 8\n255\n' >"$T/w/sub/a.pgm"
head -c 64 /dev/zero >>"$T/w/sub/a.pgm"
cp "$T/w/sub/a.pgm" "$T/other/b.pgm"
ln -s .. "$T/w/sub/up"
timeout 120 "$FC" embed "$T/w" "$T/missing" "$T/other" --db "$T/x.db" "${models[@]}" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "embed: 3 files" "$T/err" && [ "$(grep -c 'not scanned again' "$T/err")" -eq 1 ] &&
   grep -q "$T/missing: .*No such file or directory" "$T/err"; then
    echo "PASS embed_link_loop_and_missing_folder"
else
    echo "FAIL embed_link_loop_and_missing_folder: rc=$rc stderr: $(grep -v '^embed: [0-9]*/' "$T/err" | head -c 600)"
fi
timeout 120 "$FC" group "$T/w" -o "$T/people" "${models[@]}" >"$T/gout" 2>"$T/gerr"; rc=$?
if [ $rc -le 1 ] && [ "$(grep -c 'not scanned again' "$T/gerr")" -eq 1 ] && ! grep -q "Too many levels" "$T/gerr"; then
    echo "PASS group_link_loop_scanned_once"
else
    echo "FAIL group_link_loop_scanned_once: rc=$rc stderr: $(head -c 600 "$T/gerr")"
fi
exit 0
