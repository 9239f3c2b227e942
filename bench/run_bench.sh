#!/usr/bin/env bash
# Runs every benchmark (each prints its own table). BUILD=build by default.
# BENCH_QUICK=1 makes the ones that support it shorter.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
quick=()
[ "${BENCH_QUICK:-0}" = 1 ] && quick=(--quick)
for b in "$BUILD"/bench/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    case $(basename "$b") in
    bench_nn) "$b" "${quick[@]}" ;;
    *) "$b" ;;
    esac
done
for s in bench/*.py bench/*.sh; do
    [ -f "$s" ] || continue
    [ "$(basename "$s")" = run_bench.sh ] && continue
    echo "== $(basename "$s")"
    case $s in
    *.py) /usr/bin/python3 "$s" ;;
    *.sh) bash "$s" ;;
    esac
done
