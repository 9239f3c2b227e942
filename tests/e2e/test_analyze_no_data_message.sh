#!/usr/bin/env bash
# `facecluster analyze` with no DATASET and nothing under --shared says where it looked and exits 0 (README).
# With --from-photos it looks for the photo folders data/{personal,lfw,orl,yale}, so the message must name
# those; it named embeddings/.../emb.npy, which --from-photos does not read.
set -u
FC=${FC_BIN:-build/facecluster}
T=$(mktemp -d /tmp/fc_e2e_annodata.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok=1
out=$("$FC" analyze --shared "$T" -o "$T/r" 2>&1); rc=$?
{ [ $rc -eq 0 ] && grep -q "$T/embeddings/{personal,lfw3,orl,yale}/emb.npy" <<<"$out"; } || { echo "  embeddings: rc=$rc $out"; ok=0; }
out=$("$FC" analyze --shared "$T" --from-photos -o "$T/r" 2>&1); rc=$?
{ [ $rc -eq 0 ] && grep -q "$T/data/{personal,lfw,orl,yale}" <<<"$out" && ! grep -q "emb.npy)" <<<"$out"; } ||
    { echo "  --from-photos: rc=$rc $(head -n 1 <<<"$out")"; ok=0; }
[ -e "$T/r" ] && { echo "  a report folder was made"; ok=0; }
[ $ok -eq 1 ] && echo "PASS analyze_no_data_message" || echo "FAIL analyze_no_data_message"
