#!/usr/bin/env bash
# `facecluster group` run again after a byte-identical copy of an already grouped photo was added under a
# name that sorts first: the photo already in the person's folder keeps its place and name, the new copy
# is the duplicate (it used to take over: person_001/b.jpg vanished and person_001/a_copy.jpg appeared).
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
src=$SHARED/data/lfw/Colin_Powell
[ -e "$src/Colin_Powell_0003.jpg" ] || { echo "SKIP group_duplicate_keeps_first: skipped: $src not found"; exit 0; }
"$FC" model check >/dev/null 2>&1 || { echo "SKIP group_duplicate_keeps_first: skipped: models not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_groupdup.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/photos"
for i in 1 2 3; do cp "$src/Colin_Powell_000$i.jpg" "$T/photos/powell_$i.jpg"; done
"$FC" group "$T/photos" -o "$T/people" --quiet >"$T/log1" 2>&1; rc1=$?
before=$(cd "$T/people" && ls person_001 2>/dev/null | tr '\n' ' ')
cp "$T/photos/powell_2.jpg" "$T/photos/a_copy.jpg"
"$FC" group "$T/photos" -o "$T/people" --quiet >"$T/log2" 2>&1; rc2=$?
after=$(cd "$T/people" && ls person_001 2>/dev/null | tr '\n' ' ')
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ "$before" = "powell_1.jpg powell_2.jpg powell_3.jpg " ] && [ "$after" = "$before" ]; then
    echo "PASS group_duplicate_keeps_first"
else
    echo "FAIL group_duplicate_keeps_first: rc $rc1/$rc2, before [$before], after [$after]"
fi
