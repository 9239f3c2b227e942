"""Parity of `facecluster cluster --method spectral` with sklearn.cluster.SpectralClustering (1.2.1).

k-means on the embedding draws from a different random stream, so single runs differ where k-means
itself is unstable; the comparison is (a) the partition on well-separated blobs (ARI to sklearn's
partition >= 0.99) and (b) the mean ARI to the true identities over 5 seeds on the real embeddings,
within 0.01 of sklearn's (0.03 on the lfw3 subset, where seed-to-seed spread is larger; one-sided for
orl's kNN graph, where sklearn's ARPACK returns wrong eigenvectors, see below).
Prints PASS/FAIL/SKIP lines."""
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from sklearn.cluster import SpectralClustering
from sklearn.metrics import adjusted_rand_score as ari

warnings.filterwarnings("ignore")
FC = os.environ.get("FC_BIN", "build/facecluster")
SHARED = os.environ.get("FC_SHARED", "../shared")
tmp = tempfile.mkdtemp()


def ours(X, k, seed, extra=()):
    e = os.path.join(tmp, "e.npy")
    o = os.path.join(tmp, "o.txt")
    np.save(e, X)
    subprocess.run([FC, "cluster", "--emb", e, "--method", "spectral", "--k", str(k), "--seed", str(seed),
                    "--no-normalize", "--quiet", "-o", o, *extra], check=True)
    return np.loadtxt(o, dtype=int)


def report(name, ok, msg):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + msg))
    sys.stderr.write(f"  {name}: {msg}\n")


def blobs():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(6, 16)) * 3
    X = np.vstack([c + 0.3 * rng.normal(size=(40, 16)) for c in centres])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X


def test_blobs():
    X = blobs()
    for aff, extra, kw in [("rbf", (), {}), ("knn", ("--affinity", "nearest_neighbors"),
                                            {"affinity": "nearest_neighbors"})]:
        worst = 1.0
        for seed in range(3):
            sk = SpectralClustering(n_clusters=6, random_state=seed, **kw).fit(X).labels_
            worst = min(worst, ari(sk, ours(X, 6, seed, extra)))
        report(f"spectral_blobs_{aff}", worst >= 0.99, f"min ARI to sklearn over 3 seeds {worst:.4f}")


def load(name):
    e = os.path.join(SHARED, "embeddings", name, "emb.npy")
    t = os.path.join(SHARED, "embeddings", name, "truth.txt")
    if not (os.path.exists(e) and os.path.exists(t)):
        return None, None
    return np.load(e).astype(np.float64), np.array(open(t).read().split())


def test_real(name, X, truth, tol, extra=(), kw=None, label=None, one_sided=False):
    kw = kw or {}
    k = len(set(truth))
    a_sk, a_us, cross = [], [], []
    for seed in range(5):
        sk = SpectralClustering(n_clusters=k, random_state=seed, **kw).fit(X).labels_
        us = ours(X, k, seed, extra)
        a_sk.append(ari(truth, sk))
        a_us.append(ari(truth, us))
        cross.append(ari(sk, us))
    d = abs(np.mean(a_sk) - np.mean(a_us))
    ok = (np.mean(a_us) >= np.mean(a_sk) - tol) if one_sided else d <= tol
    report(label or f"spectral_{name}", ok,
           f"N={len(X)} K={k} mean ARI sklearn {np.mean(a_sk):.4f} ours {np.mean(a_us):.4f} "
           f"(|diff| {d:.4f}, tol {tol}); mean ARI ours vs sklearn {np.mean(cross):.4f}")


def main():
    test_blobs()
    for name in ["personal", "yale", "orl"]:
        X, truth = load(name)
        if X is None:
            print(f"SKIP spectral_{name}: skipped: {SHARED}/embeddings/{name} not found")
            continue
        test_real(name, X, truth, 0.01)
    X, truth = load("orl")
    if X is not None:
        # orl's 10-NN graph has 36 components for K = 40: the 40 smallest eigenvalues are 0 (x36) and
        # 0.0102 (x4). ARPACK (sklearn) misses two of the 36 zeros and returns two eigenvalues 1.035
        # instead, which costs it ARI; LAPACK returns the true 40, so here ours may only be better.
        test_real("orl", X, truth, 0.01, ("--affinity", "nearest_neighbors"), {"affinity": "nearest_neighbors"},
                  "spectral_orl_knn", one_sided=True)
    X, truth = load("lfw3")
    if X is None:
        print(f"SKIP spectral_lfw3_subset: skipped: {SHARED}/embeddings/lfw3 not found")
        return
    # a subset of whole identities: every 12th person (76 people, ~700 faces) keeps the test short
    ids = sorted(set(truth))
    keep = set(ids[::12])
    rows = np.array([i for i, t in enumerate(truth) if t in keep])
    test_real("lfw3", X[rows], truth[rows], 0.03, label="spectral_lfw3_subset")


main()
