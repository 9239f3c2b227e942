#!/usr/bin/env bash
# Runs every benchmark: bench programs built from bench/*.c, then bench/*.py (with /usr/bin/python3) and
# bench/bench_*.sh. Each prints its own table.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export FC_BIN="$PWD/$BUILD/facecluster"
export FC_SHARED=${FC_SHARED:-$(cd .. && pwd)/shared}
for b in "$BUILD"/bench/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b"
done
for b in bench/*.py; do
    [ -f "$b" ] || continue
    echo "== $(basename "$b")"
    /usr/bin/python3 "$b"
done
for b in bench/bench_*.sh; do
    [ -f "$b" ] || continue
    echo "== $(basename "$b")"
    bash "$b"
done
