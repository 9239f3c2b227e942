"""t-SNE benchmark: facecluster tsne against scikit-learn 1.2.1 TSNE (same defaults: perplexity 30, PCA
start, learning rate 'auto', 1000 iterations; Barnes-Hut angle 0.5 for N >= 1000, exact below, as our
default picks) on orl (N=400) and lfw3 (N=7606). Prints a table: wall time each, time ratio (sklearn / ours)
and final KL divergence each. Set FC_BENCH_SETS="orl lfw3" to choose sets."""
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
BIN = os.environ.get("FC_BIN", "build/facecluster")
SHARED = os.environ.get("FC_SHARED", "../shared")
sets = os.environ.get("FC_BENCH_SETS", "orl lfw3").split()


def main():
    from sklearn.manifold import TSNE
    rows = []
    for name in sets:
        emb = os.path.join(SHARED, "embeddings", name, "emb.npy")
        if not os.path.exists(emb):
            print("bench_tsne: skipped %s: %s not found" % (name, emb))
            continue
        X = np.load(emb).astype(np.float64)
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        n = X.shape[0]
        method = "barnes_hut" if n >= 1000 else "exact"
        with tempfile.TemporaryDirectory() as d:
            t = time.time()
            r = subprocess.run([BIN, "tsne", "--emb", emb, "--npy", os.path.join(d, "y.npy"), "--quiet"],
                               capture_output=True, text=True)
            t_ours = time.time() - t
            if r.returncode:
                print(r.stderr, file=sys.stderr)
                continue
            kl_ours = float(re.search(r"KL divergence ([0-9.]+)", r.stderr).group(1))
        t = time.time()
        ts = TSNE(method=method, init="pca", learning_rate="auto", random_state=0)
        ts.fit_transform(X)
        t_sk = time.time() - t
        rows.append((name, n, method, t_ours, t_sk, kl_ours, ts.kl_divergence_))
    print("| set | N | gradient | ours (s) | sklearn (s) | speed-up | KL ours | KL sklearn |")
    print("|---|---|---|---|---|---|---|---|")
    for name, n, method, a, b, ka, kb in rows:
        print("| %s | %d | %s | %.1f | %.1f | %.2f× | %.4f | %.4f |" % (name, n, method, a, b, b / a, ka, kb))


main()
