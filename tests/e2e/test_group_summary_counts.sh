#!/usr/bin/env bash
# The summary line of `facecluster group`: the photo count equals the sum of its parts in parentheses;
# unusable files are counted apart (it used to print "1 photos (1 with faces, 0 without a face, 0 duplicates, 2 unusable)",
# with the unusable files inside the parentheses though not in the total).
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
src=$SHARED/data/lfw/Colin_Powell/Colin_Powell_0001.jpg
[ -f "$src" ] || { echo "SKIP group_summary_counts_add_up: skipped: $src not found"; exit 0; }
"$FC" model check >/dev/null 2>&1 || { echo "SKIP group_summary_counts_add_up: skipped: models not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_gsum.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/p"
cp "$src" "$T/p/a.jpg"
echo "not a photo" >"$T/p/b.jpg"
: >"$T/p/c.jpg"
"$FC" group "$T/p" -o "$T/out" --dry-run >"$T/plan" 2>"$T/err"; rc=$?
line=$(tr '\r' '\n' <"$T/err" | grep '^group: ' | tail -n 1)
total=$(sed -n 's/^group: \([0-9]*\) photos (.*/\1/p' <<<"$line")
parts=$(sed -n 's/^group: [0-9]* photos (\([0-9]*\) with faces, \([0-9]*\) without a face, \([0-9]*\) duplicates.*/\1+\2+\3/p' <<<"$line")
if [ $rc -eq 1 ] && [ -n "$total" ] && [ -n "$parts" ] && [ "$total" -eq $((parts)) ] && [ "$total" -eq 1 ] &&
   grep -q "2 unusable" <<<"$line" && ! grep -q "([^)]*unusable[^)]*)" <<<"$line"; then
    echo "PASS group_summary_counts_add_up"
else
    echo "FAIL group_summary_counts_add_up: rc=$rc [$line]"
fi
# Real run twice: the re-run skips the unusable files as unchanged, says so once, and still exits 1.
"$FC" group "$T/p" -o "$T/out" --quiet >/dev/null 2>&1; rc1=$?
"$FC" group "$T/p" -o "$T/out" --quiet >/dev/null 2>"$T/err2"; rc2=$?
if [ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && ! grep -q "b.jpg\|c.jpg" "$T/err2" &&
   grep -q "^group: 2 unusable files from earlier runs skipped as unchanged" "$T/err2"; then
    echo "PASS group_rerun_counts_earlier_unusable"
else
    echo "FAIL group_rerun_counts_earlier_unusable: rc=$rc1/$rc2 [$(head -c 600 "$T/err2")]"
fi
