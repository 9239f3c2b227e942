#!/usr/bin/env bash
# With --no-tsne the report page must say the map was not asked for; it said "No t-SNE map (too few faces
# for the perplexity)", which is only true of a set too small for a map.
set -u
FC=${FC_BIN:-build/facecluster}
PY=/usr/bin/python3
$PY -c "import numpy" 2>/dev/null || { echo "SKIP analyze_no_tsne_page: skipped: python3-numpy not found"; exit 0; }
T=$(mktemp -d /tmp/fc_e2e_annotsne.XXXXXX)
trap 'rm -rf "$T"' EXIT
$PY - "$T" <<'PY'
import sys, os, numpy as np
T = sys.argv[1]
rng = np.random.default_rng(5)
for name, n in (("big", 24), ("tiny", 4)):
    os.makedirs(os.path.join(T, name))
    np.save(os.path.join(T, name, "emb.npy"), rng.normal(size=(n, 6)).astype(np.float32))
    open(os.path.join(T, name, "truth.txt"), "w").write("".join("p%d\n" % (i % 2) for i in range(n)))
PY
args=(--runs 1 --no-beyond --no-auto-k --sweep 0.8:0.8:0.1 --quiet)
ok=1
"$FC" analyze "s=$T/big" -o "$T/r1" "${args[@]}" --no-tsne 2>/dev/null
grep -q "No t-SNE map (not asked for: --no-tsne)" "$T/r1/index.html" || { echo "  --no-tsne not said"; ok=0; }
grep -q "too few faces" "$T/r1/index.html" && { echo "  --no-tsne page still blames too few faces"; ok=0; }
"$FC" analyze "s=$T/tiny" -o "$T/r2" "${args[@]}" 2>/dev/null
grep -q "too few faces" "$T/r2/index.html" || { echo "  tiny set: reason missing"; ok=0; }
grep -q "no-tsne" "$T/r2/index.html" && { echo "  tiny set: blames --no-tsne"; ok=0; }
[ $ok -eq 1 ] && echo "PASS analyze_no_tsne_page" || echo "FAIL analyze_no_tsne_page"
