#!/usr/bin/python3
"""Chooses `facecluster group`'s default method and distance threshold for a model by measurement.

For each reference set (../shared/embeddings/<set>/emb.npy + truth.txt) and each candidate method
(agglomerative average / complete linkage with a distance threshold, single linkage = threshold-graph
components = DBSCAN min_samples 1) it
sweeps the Euclidean threshold and prints pairwise precision and recall. This is the scikit-learn
cross-check of bench/bench_group_threshold.c (which also covers Chinese whispers and applies the choice rule
with its one-step margin); here the plain rule: precision >= 0.98 on every set, best recall on lfw3.
Usage: scripts/group_threshold_sweep.py [SHARED_DIR]   (TSV on stdout, the choice on stderr)
"""
import os, sys
import numpy as np
from sklearn.cluster import AgglomerativeClustering

shared = sys.argv[1] if len(sys.argv) > 1 else "../shared"
sets = ["personal", "lfw3"]
thresholds = [round(0.70 + 0.05 * i, 2) for i in range(13)]  # 0.70 .. 1.30


def pairwise_pr(truth, pred):
    """Pairwise precision/recall over same-cluster pairs (noise label -1 = singletons)."""
    pred = np.array(pred).copy()
    nxt = pred.max() + 1
    for i in np.where(pred < 0)[0]:
        pred[i] = nxt; nxt += 1
    _, t = np.unique(truth, return_inverse=True)
    _, p = np.unique(pred, return_inverse=True)
    c = np.zeros((t.max() + 1, p.max() + 1), dtype=np.int64)
    np.add.at(c, (t, p), 1)
    both = (c * (c - 1) // 2).sum()
    same_p = (np.bincount(p) * (np.bincount(p) - 1) // 2).sum()
    same_t = (np.bincount(t) * (np.bincount(t) - 1) // 2).sum()
    return both / max(same_p, 1), both / max(same_t, 1)


rows = []
print("set\tmethod\tthreshold\tprecision\trecall")
for s in sets:
    X = np.load(os.path.join(shared, "embeddings", s, "emb.npy")).astype(np.float64)
    truth = open(os.path.join(shared, "embeddings", s, "truth.txt")).read().split("\n")[: len(X)]
    for link in ["average", "complete", "single"]:
        for thr in thresholds:
            # sklearn keeps merges with distance < threshold
            lab = AgglomerativeClustering(n_clusters=None, linkage=link, distance_threshold=thr).fit_predict(X)
            p, r = pairwise_pr(truth, lab)
            rows.append((s, "agglomerative-" + link, thr, p, r))
            print(f"{s}\tagglomerative-{link}\t{thr}\t{p:.4f}\t{r:.4f}", flush=True)

best = None
for m in sorted({r[1] for r in rows}):
    for thr in thresholds:
        per = {r[0]: r for r in rows if r[1] == m and r[2] == thr}
        if len(per) < len(sets) or any(per[s][3] < 0.98 for s in sets):
            continue
        key = per["lfw3"][4]
        if best is None or key > best[0]:
            best = (key, m, thr, {s: (per[s][3], per[s][4]) for s in sets})
print(f"# choice: {best}", file=sys.stderr)
