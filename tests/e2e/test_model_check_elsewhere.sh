#!/usr/bin/env bash
# `facecluster model check --models DIR` with the right models in a folder that has no models.sha256 beside
# it: the project's pin file is used (it used to report "SHA-256 differs" for intact copies); a file that
# really differs is still reported as a mismatch.
set -u
FC=${FC_BIN:-build/facecluster}
case $FC in /*) ;; *) FC=$PWD/$FC ;; esac
cd "$(dirname "$0")/../.."
dir=$(dirname "$("$FC" model check 2>/dev/null | awk '$1 == "pnet.tflite" { print $3 }')")
[ -f "$dir/pnet.tflite" ] || { echo "SKIP model_check_other_folder: skipped: models not found, run scripts/fetch_models.sh"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_mcheck.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/deep/mymodels"
cp "$dir"/{pnet,rnet,onet,MobileFaceNet}.tflite "$T/deep/mymodels/"
out=$("$FC" model check --models "$T/deep/mymodels" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c ' ok ' <<<"$out")" -eq 4 ]; then
    echo "PASS model_check_other_folder"
else
    echo "FAIL model_check_other_folder: rc=$rc $out"
fi
printf '\0\0\0\0' >>"$T/deep/mymodels/onet.tflite"   # still loads; hash differs
out=$("$FC" model check --models "$T/deep/mymodels" 2>&1); rc=$?
if [ $rc -eq 3 ] && grep -q "onet.tflite.*SHA-256 differs" <<<"$out" && [ "$(grep -c ' ok ' <<<"$out")" -eq 3 ]; then
    echo "PASS model_check_other_folder_mismatch"
else
    echo "FAIL model_check_other_folder_mismatch: rc=$rc $out"
fi
