"""Parity of the automatic-K building blocks with sklearn/scipy: the silhouette score
(sklearn.metrics.silhouette_score) and the normalised-Laplacian eigenvalues of the kNN affinity that the
eigengap estimator reads (scipy.sparse.csgraph.laplacian of sklearn's kneighbors_graph, numpy eigh).
Runs the helper modes of the unit-test program build/tests/test_cluster_estimate_k. Prints PASS/FAIL/SKIP."""
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.sparse.csgraph import laplacian
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.neighbors import kneighbors_graph

BUILD = os.environ.get("FC_BUILD", "build")
SHARED = os.environ.get("FC_SHARED", "../shared")
HELPER = os.path.join(BUILD, "tests", "test_cluster_estimate_k")
tmp = tempfile.mkdtemp()


def run(*args):
    return [float(v) for v in subprocess.run([HELPER, *args], check=True, capture_output=True,
                                             text=True).stdout.split()]


def report(name, ok, msg):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + msg))
    sys.stderr.write(f"  {name}: {msg}\n")


def load(name):
    e = os.path.join(SHARED, "embeddings", name, "emb.npy")
    t = os.path.join(SHARED, "embeddings", name, "truth.txt")
    if not (os.path.exists(e) and os.path.exists(t)):
        return None, None
    X = np.load(e).astype(np.float64)
    _, truth = np.unique(open(t).read().split(), return_inverse=True)
    return X, truth


def silhouette_cases():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 5))
    yield "silhouette_random", X, rng.integers(0, 4, size=120)
    lab = rng.integers(0, 6, size=120)
    lab[:3] = [7, 8, 9]  # singleton clusters score 0
    yield "silhouette_singletons", X, lab
    for name in ["personal", "orl"]:
        Xr, truth = load(name)
        if Xr is None:
            print(f"SKIP silhouette_{name}: skipped: {SHARED}/embeddings/{name} not found")
            continue
        yield f"silhouette_{name}_truth", Xr, truth
        yield f"silhouette_{name}_kmeans", Xr, KMeans(n_clusters=len(set(truth)) // 2, n_init=1,
                                                        random_state=0).fit(Xr).labels_


def main():
    if not os.access(HELPER, os.X_OK):
        print(f"FAIL estimate_k_parity: {HELPER} not built")
        return
    for name, X, lab in silhouette_cases():
        e, l = os.path.join(tmp, "x.npy"), os.path.join(tmp, "l.txt")
        np.save(e, X)
        np.savetxt(l, lab, fmt="%d")
        ours = run("--silhouette", e, l)[0]
        ref = silhouette_score(X, lab)
        report(name, abs(ours - ref) < 1e-9, f"ours {ours:.12f} sklearn {ref:.12f}")
    for name, m in [("yale", 30), ("orl", 60)]:
        X, _ = load(name)
        if X is None:
            print(f"SKIP eigvals_{name}: skipped: {SHARED}/embeddings/{name} not found")
            continue
        e = os.path.join(tmp, "x.npy")
        np.save(e, X)
        ours = np.array(run("--eigvals", e, str(m), "10"))
        C = kneighbors_graph(X, 10, include_self=True)
        L = laplacian((0.5 * (C + C.T)).toarray(), normed=True)
        ref = np.linalg.eigvalsh(L)[:m]
        err = np.abs(ours - ref).max()
        report(f"eigvals_knn_{name}", err < 1e-9, f"{m} smallest eigenvalues, max |ours - numpy| {err:.2e}")


main()
