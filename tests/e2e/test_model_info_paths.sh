#!/usr/bin/env bash
# `facecluster model info FILE` with a file in the current folder given by its bare name (it used to be
# searched only among the model folders: "model x.tflite not found" although ./x.tflite exists), a
# non-model file given that way, and a directory (it used to say "cannot read the model file (size
# 9223372036854775807)").
set -u
BIN=${FC_BIN:-build/facecluster}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
cd "$(dirname "$0")/../.."
pnet=$("$BIN" model check 2>/dev/null | awk '$1 == "pnet.tflite" { print $3 }')
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if [ -n "$pnet" ] && [ -f "$pnet" ]; then
    cp "$pnet" "$tmp/my_pnet_copy.tflite"
    out=$(cd "$tmp" && "$BIN" model info my_pnet_copy.tflite 2>&1); rc=$?
    if [ $rc -eq 0 ] && grep -q "^model .*my_pnet_copy.tflite" <<<"$out"; then
        echo "PASS model_info_bare_name_in_cwd"
    else
        echo "FAIL model_info_bare_name_in_cwd: rc=$rc $(head -c 300 <<<"$out")"
    fi
else
    echo "SKIP model_info_bare_name_in_cwd: skipped: models not found, run scripts/fetch_models.sh"
fi
echo "just some text" >"$tmp/notes.tflite"
err=$(cd "$tmp" && "$BIN" model info notes.tflite 2>&1); rc=$?
if [ $rc -eq 3 ] && grep -q "not a TFLite model" <<<"$err"; then
    echo "PASS model_info_bare_name_not_a_model"
else
    echo "FAIL model_info_bare_name_not_a_model: rc=$rc $err"
fi
mkdir "$tmp/adir.tflite"
err=$("$BIN" model info "$tmp/adir.tflite" 2>&1); rc=$?
if [ $rc -eq 3 ] && grep -q "is a directory" <<<"$err"; then
    echo "PASS model_info_directory"
else
    echo "FAIL model_info_directory: rc=$rc $err"
fi
