#!/usr/bin/env bash
# The main job on a default input (make demo). Grows with the project: for now, describe the LFW embeddings.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${FC_SHARED:-../shared}
if [ ! -f "$SHARED/embeddings/lfw3/emb.npy" ]; then
    echo "demo: $SHARED/embeddings/lfw3/emb.npy not found; put the shared data beside the project (see README)"
    exit 0
fi
build/facecluster info "$SHARED/embeddings/lfw3/emb.npy"
