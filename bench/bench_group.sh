#!/usr/bin/env bash
# bench_group.sh — `facecluster group` end to end: wall time and peak memory for N photos (default 10,000:
# the first N LFW images in directory order, read in place), into a fresh store and people folder.
# BENCH_QUICK=1 (or BENCH_GROUP_N) makes it smaller. A second run on the same folder (nothing new to embed)
# shows the cost of the grouping and output alone.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
FC=${FC_BIN:-$root/build/facecluster}
SHARED=${FC_SHARED:-$root/../shared}
N=${BENCH_GROUP_N:-10000}
[ "${BENCH_QUICK:-0}" = 1 ] && N=${BENCH_GROUP_N:-300}
lfw=$SHARED/data/lfw
[ -d "$lfw" ] || { echo "SKIP bench_group: skipped: $lfw not found"; exit 0; }
W=$(mktemp -d /tmp/fc_bench_group.XXXXXX)
trap 'rm -rf "$W"' EXIT
/usr/bin/python3 - "$lfw" "$N" > "$W/files.txt" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2]); out = []
for d in sorted(x for x in os.listdir(root) if os.path.isdir(os.path.join(root, x))):
    out += [os.path.join(root, d, f) for f in sorted(os.listdir(os.path.join(root, d)))]
    if len(out) >= n: break
print("\n".join(out[:n]))
PY
mapfile -t F < "$W/files.txt"
models=()
[ -d "$root/models" ] && models=(--models "$root/models")
run() {
    /usr/bin/time -f "%e %M" -o "$W/time.txt" "$FC" group "${F[@]}" -o "$W/people" "${models[@]}" --quiet 2> "$W/err.txt"
    read -r wall kb < "$W/time.txt"
    printf "%-28s %8d %10.1f %10.1f %12.0f\n" "$1" "${#F[@]}" "$wall" "$(echo "${#F[@]} / $wall" | bc -l)" \
        "$(echo "$kb / 1024" | bc -l)"
}
printf "%-28s %8s %10s %10s %12s\n" "run" "photos" "wall s" "photos/s" "peak RSS MB"
run "first run (embed + group)"
run "second run (nothing new)"
grep '^group:' "$W/err.txt" | tail -1
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
