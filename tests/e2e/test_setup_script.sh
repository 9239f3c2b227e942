#!/usr/bin/env bash
# scripts/setup.sh --print-missing: the packages setup would apt-get install. A tool already on PATH
# (e.g. npm bundled with NodeSource's nodejs, which conflicts with Debian's npm package) must not be asked
# of apt: `apt-get install npm` then fails and stops the set-up and CI. A fake dpkg knows either no package
# or every package; fake node/npm/chromium stand for installed tools; apt-get, sudo and make are faked too
# so that nothing is installed or built whatever the script does.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/none" "$tmp/all"
fake() { printf '#!/bin/sh\nexit %s\n' "$3" >"$1/$2"; chmod +x "$1/$2"; }
for d in none all; do for c in apt-get sudo make; do fake "$tmp/$d" $c 0; done; done
fake "$tmp/none" dpkg 1
fake "$tmp/all" dpkg 0
for c in node npm chromium; do fake "$tmp/none" $c 0; done
out=$(PATH="$tmp/none:$PATH" bash scripts/setup.sh --print-missing 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -qw libvips-dev <<<"$out" && grep -qw python3-sklearn <<<"$out" &&
    ! grep -qwE 'npm|nodejs|chromium' <<<"$out"; then
    echo "PASS setup_tools_on_path_not_reinstalled"
else
    echo "FAIL setup_tools_on_path_not_reinstalled: rc=$rc missing=[$out]"
fi
out=$(PATH="$tmp/all:$PATH" bash scripts/setup.sh --print-missing 2>&1); rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then
    echo "PASS setup_nothing_missing"
else
    echo "FAIL setup_nothing_missing: rc=$rc missing=[$out]"
fi
