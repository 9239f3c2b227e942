#!/usr/bin/env bash
# `facecluster model info` / `model check`: the listing of MobileFaceNet (ops, 1.29 M parameters,
# 234.1 M multiply-adds per face), a clear error for a file that is no model, and for a missing model dir.
set -u
BIN=${FC_BIN:-build/facecluster}
cd "$(dirname "$0")/../.."
if ! "$BIN" model check >/dev/null 2>&1; then
    echo "SKIP model_cli: skipped: models not found, run scripts/fetch_models.sh"
    exit 0
fi
out=$("$BIN" model info MobileFaceNet.tflite)
if grep -q "parameters 1292992" <<<"$out" && grep -q "234.1 M per batch item" <<<"$out" &&
    grep -q "DEPTHWISE_CONV_2D 17" <<<"$out"; then
    echo "PASS model_info_mobilefacenet"
else
    echo "FAIL model_info_mobilefacenet"
fi
tmp=$(mktemp); echo "this is not a model, just text in a file" >"$tmp"
err=$("$BIN" model info "$tmp" 2>&1); rc=$?; rm -f "$tmp"
if [ $rc -eq 3 ] && grep -q "not a TFLite model" <<<"$err"; then echo "PASS model_info_not_a_model"; else echo "FAIL model_info_not_a_model"; fi
err=$("$BIN" model check --models /nonexistent 2>&1); rc=$?
if [ $rc -eq 3 ] && grep -q "run scripts/fetch_models.sh" <<<"$err"; then echo "PASS model_check_missing"; else echo "FAIL model_check_missing"; fi
out=$("$BIN" model info --size 250x250 pnet.tflite)
if grep -q "output 0: pnet/prob1 *\[1,120,120,2\]" <<<"$out"; then echo "PASS model_info_pnet_resized"; else echo "FAIL model_info_pnet_resized"; fi
