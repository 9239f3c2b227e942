#!/usr/bin/env bash
# Ctrl-C (SIGINT) or SIGTERM during `facecluster analyze` must end with exit 130 (README "Exit codes") and
# one line saying that finished parts are kept for --resume; analyze used to die silently. A --resume
# afterwards must finish the study.
set -u
FC=${FC_BIN:-build/facecluster}
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP analyze_interrupt_exit_130: skipped: python3-numpy not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_anint.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY - "$T" <<'PY'
import sys, os, numpy as np
T = sys.argv[1]
rng = np.random.default_rng(7)
n, k, d = 1000, 50, 64
C = rng.normal(size=(k, d)) * 0.6
ids = np.arange(n) % k
X = (C[ids] + rng.normal(size=(n, d)) * 0.25).astype(np.float32)
X /= np.linalg.norm(X, axis=1, keepdims=True)
os.makedirs(os.path.join(T, "a"))
np.save(os.path.join(T, "a", "emb.npy"), X)
open(os.path.join(T, "a", "truth.txt"), "w").write("".join("p%d\n" % i for i in ids))
PY
args=(--runs 20 --no-tsne --threads 2)
for sig in INT TERM; do
    ok=1
    rm -rf "$T/r"
    start=$(date +%s.%N)
    err=$(timeout --preserve-status -s $sig 1 "$FC" analyze "s=$T/a" -o "$T/r" "${args[@]}" 2>&1 >/dev/null); rc=$?
    if [ $rc -ne 130 ]; then
        echo "  SIG$sig: exit $rc (want 130) after $(echo "$(date +%s.%N) - $start" | bc 2>/dev/null) s"; ok=0
    fi
    n=$(grep -c "analyze: interrupted; finished parts are kept: re-run with --resume" <<<"$err")
    [ "$n" -eq 1 ] || { echo "  SIG$sig: the interruption line appears $n times: $(tail -3 <<<"$err")"; ok=0; }
    "$FC" analyze "s=$T/a" -o "$T/r" "${args[@]}" --resume --quiet 2>/dev/null; rc=$?
    [ $rc -eq 0 ] || { echo "  SIG$sig: --resume afterwards: exit $rc"; ok=0; }
    [ -f "$T/r/index.html" ] || { echo "  SIG$sig: no index.html after --resume"; ok=0; }
    [ $ok -eq 1 ] && echo "PASS analyze_interrupt_exit_130_sig$sig" || echo "FAIL analyze_interrupt_exit_130_sig$sig"
done

# Two signals in a row (timeout and terminals can send more than one) reached two threads at once and the
# line came twice in about 1 run of 5 (during the multi-threaded t-SNE); the first signal's handler alone must
# speak. 8 tries, signalled 0.3 s in (t-SNE); without the guard 2 of 3 runs of this test failed.
twice=0
for try in 1 2 3 4 5 6 7 8; do
    rm -rf "$T/r2"
    "$FC" analyze "s=$T/a" -o "$T/r2" --runs 20 --threads 2 2> "$T/err2" > /dev/null & p=$!
    sleep 0.3
    kill -INT $p 2>/dev/null; kill -INT $p 2>/dev/null
    wait $p; rc=$?
    n=$(grep -c "analyze: interrupted" "$T/err2")
    { [ "$n" -le 1 ] && { [ $rc -eq 130 ] || [ $rc -eq 0 ]; }; } || twice=$((twice + 1))
done
[ $twice -eq 0 ] && echo "PASS analyze_interrupt_two_signals_one_line" \
    || echo "FAIL analyze_interrupt_two_signals_one_line: $twice of 8 tries printed the line more than once (or a bad exit)"
