#!/usr/bin/env bash
# Runs every benchmark: programs built from bench/*.c (into $BUILD/bench/), then bench/*.py (with
# /usr/bin/python3, which has scikit-learn) and bench/bench_*.sh. Each prints its own table.
# BENCH_QUICK=1 makes the ones that support it shorter; BENCH_FILTER=regex runs a subset.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export FC_BIN="$PWD/$BUILD/facecluster"
export FC_SHARED=${FC_SHARED:-$(cd .. && pwd)/shared}
filter=${BENCH_FILTER:-.}
quick=()
[ "${BENCH_QUICK:-0}" = 1 ] && quick=(--quick)
for b in "$BUILD"/bench/* bench/*.py bench/bench_*.sh; do
    [ -f "$b" ] || continue
    name=$(basename "$b")
    [[ $name =~ $filter ]] || continue
    echo "== $name"
    case $b in
    *.py) /usr/bin/python3 "$b" ;;
    *.sh) bash "$b" ;;
    */bench_nn) "$b" "${quick[@]}" ;;
    *) [ -x "$b" ] && "$b" ;;
    esac
done
