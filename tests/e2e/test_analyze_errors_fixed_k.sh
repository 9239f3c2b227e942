#!/usr/bin/env bash
# `facecluster analyze --errors kmeans:k=5` must cluster with K = 5: the K went to the protocol's "fixed K"
# field, which the error analysis never read, so it silently used the true K (19 on personal) while the page
# said "K=5". Also: a K larger than the set is one error line (exit 3), not a silent true-K run.
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
set_dir=$SHARED/embeddings/personal
[ -f "$set_dir/emb.npy" ] || { echo "SKIP analyze_errors_fixed_k: skipped: $set_dir not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anerrk.XXXXXX)
trap 'rm -rf "$T"' EXIT
args=(--runs 1 --no-tsne --no-auto-k --no-beyond --sweep 0.8:0.8:0.1)
ok=1
"$FC" analyze "$set_dir" -o "$T/r" "${args[@]}" --errors kmeans:k=5 >/dev/null 2>"$T/err" || { echo "  run failed: $(tail -n 2 "$T/err")"; ok=0; }
found=$(tr '\n' ' ' <"$T/r/index.html" | sed 's/<[^>]*>/ /g' | grep -o "clusters found / identities *[0-9]* */ *[0-9]*" | head -n 1)
grep -q "identities *5 */ *19" <<<"$found" || { echo "  page: '$found' (want 5 / 19)"; ok=0; }
err=$("$FC" analyze "$set_dir" -o "$T/r2" "${args[@]}" --errors kmeans:k=1000 2>&1); rc=$?
if [ $rc -ne 3 ] || ! grep -q "K = 1000" <<<"$err"; then
    echo "  k=1000 on 79 faces: rc=$rc $(tail -n 1 <<<"$err")"
    ok=0
fi
[ $ok -eq 1 ] && echo "PASS analyze_errors_fixed_k" || echo "FAIL analyze_errors_fixed_k"
