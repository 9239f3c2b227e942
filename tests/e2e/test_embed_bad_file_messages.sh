#!/usr/bin/env bash
# `facecluster embed` on a truncated JPEG: exactly one line naming the file and the reason, exit 1, and
# none of libvips' own "VIPS-WARNING" lines (which used to follow, twice over, on stderr).
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
src=$SHARED/data/lfw/Colin_Powell/Colin_Powell_0001.jpg
[ -f "$src" ] || { echo "SKIP embed_truncated_one_line: skipped: $src not found"; exit 0; }
"$FC" model check >/dev/null 2>&1 || { echo "SKIP embed_truncated_one_line: skipped: models not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_embadfile.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/p"
head -c 4000 "$src" >"$T/p/cut short.jpg"
"$FC" embed "$T/p" --db "$T/f.db" >"$T/out" 2>"$T/err"; rc=$?
tr '\r' '\n' <"$T/err" | grep -v '^embed: ' | grep -v '^[[:space:]]*$' >"$T/lines"
if [ $rc -eq 1 ] && [ "$(wc -l <"$T/lines")" -eq 1 ] && grep -q "cut short.jpg: truncated or corrupt image" "$T/lines"; then
    echo "PASS embed_truncated_one_line"
else
    echo "FAIL embed_truncated_one_line: rc=$rc stderr: $(head -c 600 "$T/lines")"
fi
# A re-run skips the unusable file as unchanged: no per-file line again, the summary counts it, exit stays 1.
"$FC" embed "$T/p" --db "$T/f.db" >"$T/out" 2>"$T/err"; rc=$?
tr '\r' '\n' <"$T/err" >"$T/lines"
if [ $rc -eq 1 ] && ! grep -q "truncated or corrupt" "$T/lines" && grep -q "^embed: 1 files, 1 already stored" "$T/lines" &&
   grep -q "0 have no face and 1 are unusable (from earlier runs" "$T/lines"; then
    echo "PASS embed_rerun_counts_earlier_unusable"
else
    echo "FAIL embed_rerun_counts_earlier_unusable: rc=$rc stderr: $(head -c 600 "$T/lines")"
fi
