#!/usr/bin/env bash
# `facecluster analyze --errors SPEC` with an unknown method or a bad value is a usage error found before
# any work (it used to surface only after the t-SNE map and the whole protocol had run); so is a
# --large-skip / --large-slow item that names no method.
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
set_dir=$SHARED/embeddings/personal
[ -f "$set_dir/emb.npy" ] || { echo "SKIP analyze_errors_spec_checked_first: skipped: $set_dir not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anerr.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok=1
for spec in foo dbscan:eps=-1 dbscan:eps=abc dbscan:eps; do
    err=$("$FC" analyze "$set_dir" -o "$T/r" --quick --no-tsne --errors "$spec" 2>&1); rc=$?
    if [ $rc -ne 2 ] || grep -q "protocol done\|\[1/11\]" <<<"$err" || ! grep -q -- "--errors" <<<"$err"; then
        echo "  --errors $spec: rc=$rc: $(tr '\r' '\n' <<<"$err" | tail -n 3)"
        ok=0
    fi
done
[ $ok -eq 1 ] && echo "PASS analyze_errors_spec_checked_first" || echo "FAIL analyze_errors_spec_checked_first"
# --large-skip / --large-slow with a name that is no method (it used to be accepted and match nothing)
ok=1
for opt in "--large-skip foo" "--large-skip spectral@sometimes" "--large-slow kmeans,foo" "--large-slow spectral@auto"; do
    err=$("$FC" analyze "$set_dir" -o "$T/r" --quick --no-tsne $opt 2>&1); rc=$?
    if [ $rc -ne 2 ] || grep -q "protocol done\|\[1/11\]" <<<"$err" || ! grep -q "is not a method" <<<"$err"; then
        echo "  $opt: rc=$rc: $(tr '\r' '\n' <<<"$err" | tail -n 2)"
        ok=0
    fi
done
err=$("$FC" analyze "$set_dir" -o "$T/r2" --runs 1 --no-tsne --no-beyond --no-auto-k --sweep 0.8:0.8:0.1 \
      --large 10:1 --large-skip spectral@true,meanshift --large-slow kmeans,agglomerative 2>&1); rc=$?
[ $rc -eq 0 ] || { echo "  valid lists refused: rc=$rc $(tail -n 2 <<<"$err")"; ok=0; }
[ $ok -eq 1 ] && echo "PASS analyze_method_lists_checked" || echo "FAIL analyze_method_lists_checked"
