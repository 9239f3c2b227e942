#!/usr/bin/env bash
# Runs every test: the C unit tests (build/tests/test_*), then the scripted tests (tests/parity/*.py,
# tests/e2e/*.sh). Each prints PASS/FAIL/SKIP lines; this script counts them and ends with
# "N passed, N failed, N skipped". Exit status is non-zero when anything failed.
# FC_TEST_FILTER=regex runs only the test programs whose file name matches.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export FC_BIN="$PWD/$BUILD/facecluster"
export FC_SHARED=${FC_SHARED:-$(cd .. && pwd)/shared}
export FC_BUILD="$PWD/$BUILD"
PY=/usr/bin/python3
log=$(mktemp)
trap 'rm -f "$log"' EXIT
filter=${FC_TEST_FILTER:-.}

run_one() { # name, command...
    local name=$1; shift
    echo "== $name"
    local start=$SECONDS
    "$@" 2>&1 | tee -a "$log" | grep -E '^(PASS|FAIL|SKIP)|check failed|Error|error' || true
    local rc=${PIPESTATUS[0]}
    if [ "$rc" -ne 0 ] && ! grep -q "^FAIL" <(tail -n 200 "$log"); then
        echo "FAIL $name: exited with status $rc" | tee -a "$log"
    fi
    echo "   ($((SECONDS - start)) s)"
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    [[ $(basename "$t") =~ $filter ]] || continue
    run_one "$(basename "$t")" "$t"
done
for t in tests/parity/*.py; do
    [ -f "$t" ] || continue
    [[ $(basename "$t") =~ $filter ]] || continue
    run_one "$(basename "$t")" "$PY" "$t"
done
for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    [[ $(basename "$t") =~ $filter ]] || continue
    run_one "$(basename "$t")" bash "$t"
done

pass=$(grep -c '^PASS' "$log")
fail=$(grep -c '^FAIL' "$log")
skip=$(grep -c '^SKIP' "$log")
echo
grep '^FAIL' "$log" || true
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
