#!/usr/bin/env bash
# Argument checks of `facecluster analyze` (and gallery's -o) that used to let bad values through:
#  - `-o ""` wrote the whole report into the file-system root (the folder "" + "/figures" = "/figures");
#    gallery -o "" likewise wrote /index.html and /thumbs;
#  - `--sweep 0.5:0.9:0.2junk` was read as 0.5:0.9:0.2 (trailing text ignored);
#  - `--large -5:2` wrapped -5 to a huge N (no set is ever "large");
#  - `NAME=` (no folder) was reported as a missing dataset (exit 3), `--quick --full` silently took the last.
# Each is now a usage error (exit 2) naming the option. The dataset / inputs named here do not exist, so a
# binary without the checks stops with exit 3 before writing anything.
set -u
FC=$(realpath "${FC_BIN:-build/facecluster}")
T=$(mktemp -d /tmp/fc_e2e_anargs.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok=1
check() { # expected-text, args...
    local want=$1; shift
    err=$(cd "$T" && "$FC" "$@" 2>&1); rc=$?
    if [ $rc -ne 2 ] || ! grep -q -- "$want" <<<"$err"; then
        echo "  $*: rc=$rc: $(head -n 2 <<<"$err")"
        ok=0
    fi
}
check "-o" analyze "$T/none" -o ""
check "--sweep" analyze "$T/none" -o "$T/r" --sweep 0.5:0.9:0.2junk
check "--sweep" analyze "$T/none" -o "$T/r" --sweep 0.5:0.9:0.2:7
check "--large" analyze "$T/none" -o "$T/r" --large -5:2
check "--large" analyze "$T/none" -o "$T/r" --large 5:2x
check "no folder after" analyze "x=" -o "$T/r"
check "two presets" analyze "$T/none" -o "$T/r" --quick --full
check "-o" gallery --emb "$T/none.npy" --faces "$T/f.tsv" --images "$T" --pred "$T/p.txt" -o ""
[ $ok -eq 1 ] && echo "PASS analyze_args_strict" || echo "FAIL analyze_args_strict"
