"""t-SNE benchmark: facecluster tsne against scikit-learn 1.2.1 TSNE (same defaults: perplexity 30, PCA
start, learning rate 'auto', 1000 iterations; Barnes-Hut angle 0.5 for N >= 1000, exact below, as our
default picks) on orl (N=400) and lfw3 (N=7606).

Both final maps are scored by ONE exact evaluator, because the KL each side prints in Barnes-Hut mode is
its own tree estimate: the input affinities P are scikit-learn's own (_joint_probabilities_nn on the
k = min(N-1, int(3*perplexity+1)) nearest neighbours with squared Euclidean distances for Barnes-Hut,
_joint_probabilities on all squared distances for exact), and Q is exact, its normaliser Z summed over
all pairs in row blocks. Each side runs FC_BENCH_SEEDS seeds (default 3; ours --seed s, scikit-learn
random_state s; with the default PCA start our map does not depend on the seed, scikit-learn's only
through its randomized PCA; FC_BENCH_INIT=random starts both from seeded random maps), back to back, and is timed by wall clock and CPU (user + system of the child process for
ours, process_time for scikit-learn in-process; both include all threads). Prints every run, then a summary
table of means with [min, max]. FC_BENCH_SETS="orl lfw3" chooses the sets."""
import os
import re
import resource
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
n_seeds = int(os.environ.get("FC_BENCH_SEEDS", "3"))
INIT = os.environ.get("FC_BENCH_INIT", "pca")  # "random": random starts, so that both sides vary by seed
PERPLEXITY = 30.0
EPS = np.finfo(np.double).eps


def sklearn_p(X, method):
    """scikit-learn's joint P for `method`, built the way TSNE._fit builds it, as a CSR matrix."""
    from scipy.sparse import csr_matrix
    from scipy.spatial.distance import squareform
    from sklearn.manifold import _t_sne
    from sklearn.metrics import pairwise_distances
    from sklearn.neighbors import NearestNeighbors
    n = X.shape[0]
    if method == "exact":
        D = pairwise_distances(X, metric="euclidean", squared=True)
        return csr_matrix(squareform(_t_sne._joint_probabilities(D, PERPLEXITY, 0)))
    k = min(n - 1, int(3.0 * PERPLEXITY + 1))
    knn = NearestNeighbors(algorithm="auto", n_neighbors=k, metric="euclidean").fit(X)
    D = knn.kneighbors_graph(mode="distance")
    D.data **= 2
    return _t_sne._joint_probabilities_nn(D, PERPLEXITY, 0).tocsr()


def exact_kl(P, Y, block=512):
    """KL(P || Q) with the exact Student-t Q (Z over all pairs i != j), q clamped at machine epsilon as
    scikit-learn's exact objective does; only the stored (nonzero) P entries contribute."""
    Y = np.asarray(Y, dtype=np.float64)
    n = Y.shape[0]
    sq = (Y * Y).sum(1)
    Z = 0.0
    for a in range(0, n, block):
        b = min(n, a + block)
        d2 = np.maximum(sq[a:b, None] + sq[None, :] - 2.0 * Y[a:b] @ Y.T, 0.0)
        Z += (1.0 / (1.0 + d2)).sum() - (b - a)  # drop the diagonal's w_ii = 1
    P = P.tocoo()
    kl = 0.0
    for a in range(0, P.nnz, 1 << 20):
        i, j, p = P.row[a:a + (1 << 20)], P.col[a:a + (1 << 20)], P.data[a:a + (1 << 20)].astype(np.float64)
        keep = i != j
        i, j, p = i[keep], j[keep], p[keep]
        d2 = ((Y[i] - Y[j]) ** 2).sum(1)
        q = np.maximum(1.0 / (1.0 + d2) / Z, EPS)
        kl += float(np.dot(p, np.log(np.maximum(p, EPS) / q)))
    return kl


def run_ours(emb, seed, d):
    out = os.path.join(d, "y.npy")
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run([BIN, "tsne", "--emb", emb, "--npy", out, "--seed", str(seed), "--init", INIT, "--quiet"],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode:
        print(r.stderr, file=sys.stderr)
        return None
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    kl_self = float(re.search(r"KL divergence ([0-9.]+)", r.stderr).group(1))
    return wall, cpu, kl_self, np.load(out)


def run_sklearn(X, method, seed):
    from sklearn.manifold import TSNE
    t, c = time.perf_counter(), time.process_time()
    ts = TSNE(method=method, init=INIT, learning_rate="auto", random_state=seed)
    Y = ts.fit_transform(X)
    return time.perf_counter() - t, time.process_time() - c, float(ts.kl_divergence_), Y


def stat(v):
    v = np.asarray(v)
    return "%s [%s, %s]" % tuple(fmt(x) for x in (v.mean(), v.min(), v.max()))


def fmt(x):
    return "%.4f" % x if x < 10 else "%.1f" % x


def main():
    summary = []
    print("| set | seed | side | wall (s) | CPU (s) | KL self-reported | KL exact |")
    print("|---|---|---|---|---|---|---|")
    for name in sets:
        emb = os.path.join(SHARED, "embeddings", name, "emb.npy")
        if not os.path.exists(emb):
            print("bench_tsne: skipped %s: %s not found" % (name, emb))
            continue
        X = np.load(emb).astype(np.float64)
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        n = X.shape[0]
        method = "barnes_hut" if n >= 1000 else "exact"
        P = sklearn_p(X, method)
        runs = {"ours": [], "sklearn": []}
        for seed in range(n_seeds):
            with tempfile.TemporaryDirectory() as d:
                o = run_ours(emb, seed, d)
            if o is None:
                continue
            s = run_sklearn(X, method, seed)
            for side, (wall, cpu, kl_self, Y) in (("ours", o), ("sklearn", s)):
                kl = exact_kl(P, Y)
                runs[side].append((wall, cpu, kl_self, kl))
                print("| %s | %d | %s | %.1f | %.1f | %.4f | %.4f |" % (name, seed, side, wall, cpu, kl_self, kl),
                      flush=True)
        if runs["ours"]:
            summary.append((name, n, method, runs))
    print()
    print("| set | N | gradient | runs | side | wall (s) | CPU (s) | KL self-reported | KL exact |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, n, method, runs in summary:
        for side in ("ours", "sklearn"):
            r = np.array(runs[side])
            print("| %s | %d | %s | %d | %s | %s | %s | %s | %s |" % (
                name, n, method, len(r), side, stat(r[:, 0]), stat(r[:, 1]), stat(r[:, 2]), stat(r[:, 3])))
    print()
    print("| set | wall ratio sklearn/ours (per seed) | CPU ratio | exact KL ours − sklearn (per seed) |")
    print("|---|---|---|---|")
    for name, n, method, runs in summary:
        o, s = np.array(runs["ours"]), np.array(runs["sklearn"])
        print("| %s | %s | %s | %s |" % (name, stat(s[:, 0] / o[:, 0]), stat(s[:, 1] / o[:, 1]),
                                          "%+.4f [%+.4f, %+.4f]" % ((o[:, 3] - s[:, 3]).mean(),
                                                                     (o[:, 3] - s[:, 3]).min(),
                                                                     (o[:, 3] - s[:, 3]).max())))


main()
