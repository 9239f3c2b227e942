#!/usr/bin/env bash
# The main job on a default input (make demo): the paper's evaluation, quick preset, on the LFW
# embeddings (lfw3: LFW people with >= 3 photos, 7,606 faces, 901 people). The five methods at sensible
# settings for MobileFaceNet embeddings (DBSCAN eps 0.8 with min_samples 1, mean-shift bandwidth 0.7,
# true K for k-means / ward / spectral), 3 runs on random 30 % subsets so that it ends in a couple of
# minutes on 2 cores; the full protocol is scripts/paper_table.sh. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${FC_SHARED:-../shared}
E=$SHARED/embeddings/lfw3
if [ ! -f "$E/emb.npy" ]; then
    echo "demo: $E/emb.npy not found; put the shared data beside the project (see README)"
    exit 0
fi
build/facecluster info "$E/emb.npy"
echo
build/facecluster evaluate --emb "$E/emb.npy" --truth "$E/truth.txt" \
    --methods kmeans,agglomerative,spectral,dbscan,meanshift --eps 0.8 --min-samples 1 --bandwidth 0.7 \
    --runs "${DEMO_RUNS:-3}" --fraction "${DEMO_FRACTION:-0.3}" --seed 1 --format md \
    --scores ari,ami,nmi,bcubed_f,k_found,singleton_share
