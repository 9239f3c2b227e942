#!/usr/bin/env bash
# The main job on the default input (make demo): `facecluster analyze` with the quick preset (5 runs, LFW
# limited to a seeded random 150 of its 901 people with >= 3 images) on the shared personal set and that part
# of LFW, writing out/demo-report/ (open out/demo-report/index.html). A few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${FC_SHARED:-../shared}
E=$SHARED/embeddings
if [ ! -f "$E/personal/emb.npy" ] || [ ! -f "$E/lfw3/emb.npy" ]; then
    echo "demo: the shared data was not found ($E/personal and $E/lfw3)."
    echo "  Put it beside the project as ../shared (or set FC_SHARED): embeddings/<set>/ (emb.npy, truth.txt,"
    echo "  faces.tsv) and the photos in data/<set>/<person>/<image>."
    echo "  LFW is available from the LFW project site (http://vis-www.cs.umass.edu/lfw/, lfw.tgz);"
    echo "  unpack it as data/lfw/<person>/<image>.jpg."
    exit 0
fi
build/facecluster analyze "$E/personal" "$E/lfw3" --quick -o out/demo-report "$@"
