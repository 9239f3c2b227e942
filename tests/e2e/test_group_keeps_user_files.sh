#!/usr/bin/env bash
# A file of the user's own inside a person folder survives a re-run of `facecluster group` and a rename by
# `people name` (it used to be deleted: the folder was emptied of every file, not only the tool's links);
# the tool's own links are still removed when the person's folder changes.
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
src=$SHARED/data/lfw/Colin_Powell
[ -f "$src/Colin_Powell_0003.jpg" ] || { echo "SKIP group_keeps_user_files: skipped: $src not found"; exit 0; }
"$FC" model check >/dev/null 2>&1 || { echo "SKIP group_keeps_user_files: skipped: models not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_gkeep.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/p"
for i in 1 2 3; do cp "$src/Colin_Powell_000$i.jpg" "$T/p/c$i.jpg"; done
"$FC" group "$T/p" -o "$T/out" --quiet 2>/dev/null
echo "my notes" >"$T/out/person_001/notes.txt"
"$FC" group "$T/p" -o "$T/out" --quiet 2>/dev/null; rc=$?
got=$(ls "$T/out/person_001" 2>/dev/null | tr '\n' ' ')
if [ $rc -eq 0 ] && [ "$got" = "c1.jpg c2.jpg c3.jpg notes.txt " ]; then
    echo "PASS group_rerun_keeps_user_files"
else
    echo "FAIL group_rerun_keeps_user_files: rc=$rc person_001: [$got]"
fi
"$FC" people -o "$T/out" name 1 Colin >/dev/null 2>&1; rc=$?
old=$(ls "$T/out/person_001" 2>/dev/null | tr '\n' ' ')
new=$(ls "$T/out/Colin" 2>/dev/null | tr '\n' ' ')
if [ $rc -eq 0 ] && [ "$old" = "notes.txt " ] && [ "$new" = "c1.jpg c2.jpg c3.jpg " ]; then
    echo "PASS group_rename_keeps_user_files"
else
    echo "FAIL group_rename_keeps_user_files: rc=$rc person_001: [$old] Colin: [$new]"
fi
