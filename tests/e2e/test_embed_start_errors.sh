#!/usr/bin/env bash
# `facecluster embed` start-up errors: a bad --labels regular expression is a usage error (exit 2, one line
# naming the pattern and regerror's reason); missing models fail (exit 3) without leaving a store file behind.
set -u
FC=${FC_BIN:-build/facecluster}
T=$(mktemp -d /tmp/fc_e2e_embstart.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir "$T/photos" "$T/nomodels"
printf 'P5\n4 4\n255\n0000000000000000' >"$T/photos/a.pgm"
"$FC" embed "$T/photos" --db "$T/x.db" --labels 'pattern:([' >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "pattern:(\[: bad regular expression: ." "$T/err" &&
   [ ! -e "$T/x.db" ]; then
    echo "PASS embed_bad_regex_usage"
else
    echo "FAIL embed_bad_regex_usage: rc=$rc stderr: $(head -c 400 "$T/err")"
fi
"$FC" embed "$T/photos" --db "$T/y.db" --models "$T/nomodels" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 3 ] && [ ! -e "$T/y.db" ] && [ -z "$(ls "$T" | grep '^y\.db')" ]; then
    echo "PASS embed_no_models_no_store"
else
    echo "FAIL embed_no_models_no_store: rc=$rc files: $(ls "$T") stderr: $(head -c 400 "$T/err")"
fi
echo "not a model" >"$T/nomodels/MobileFaceNet.tflite"
for m in pnet rnet onet; do cp "$T/nomodels/MobileFaceNet.tflite" "$T/nomodels/$m.tflite"; done
"$FC" embed "$T/photos" --db "$T/z.db" --models "$T/nomodels" >"$T/out" 2>"$T/err"; rc=$?
if [ $rc -eq 3 ] && [ -z "$(ls "$T" | grep '^z\.db')" ]; then
    echo "PASS embed_corrupt_models_no_store"
else
    echo "FAIL embed_corrupt_models_no_store: rc=$rc files: $(ls "$T") stderr: $(head -c 400 "$T/err")"
fi
exit 0
