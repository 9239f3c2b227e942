"""Parity of `facecluster cluster` with scikit-learn 1.2 on the same inputs.

DBSCAN, agglomerative (every linkage, by K and by distance threshold) and mean-shift (given and estimated
bandwidth, bin seeding, cluster_all off) must give identical partitions (ARI 1.0 up to relabelling, and the
same noise points). k-means uses a different random stream, so it must match statistically: ARI >= 0.99 to
sklearn's partition on well-separated blobs, and mean ARI-to-truth within 0.01 of sklearn's over seeds.
Real inputs: ../shared/embeddings personal, orl, yale and a slice of lfw3 (SKIP when missing).
"""
import os
import subprocess
import sys
import tempfile

# sklearn's own threads are not what is tested; one thread keeps it quick and steady on a busy machine
FC_ENV = dict(os.environ)
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans, MeanShift, estimate_bandwidth  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

FC_BIN = os.environ.get("FC_BIN", "build/facecluster")
SHARED = os.environ.get("FC_SHARED", "../shared")
TMP = tempfile.mkdtemp(prefix="fc_parity_cluster_")


def report(name, ok, detail=""):
    print(("PASS " if ok else "FAIL ") + name + (("  # " + detail) if detail else ""), flush=True)


def skip(name, reason):
    print("SKIP %s: %s" % (name, reason), flush=True)


def save(name, X):
    path = os.path.join(TMP, name + ".npy")
    np.save(path, np.ascontiguousarray(X, dtype=np.float64))
    return path


def fc(path, *args):
    out = os.path.join(TMP, "labels.txt")
    cmd = [FC_BIN, "cluster", "--emb", path, "--no-normalize", "--quiet", "-o", out] + [str(a) for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True, env=FC_ENV)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return np.loadtxt(out, dtype=int, ndmin=1)


def same_partition(a, b):
    """Identical up to relabelling, with noise (-1) on the same points."""
    if not np.array_equal(a == -1, b == -1):
        return False
    m = a != -1
    if m.sum() == 0:
        return True
    pairs = set(zip(a[m].tolist(), b[m].tolist()))
    return len(pairs) == len(set(a[m].tolist())) == len(set(b[m].tolist()))


def load_real(name, rows=None):
    d = os.path.join(SHARED, "embeddings", name)
    if not os.path.exists(os.path.join(d, "emb.npy")):
        return None, None
    X = np.load(os.path.join(d, "emb.npy")).astype(np.float64)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    with open(os.path.join(d, "truth.txt")) as f:
        truth = np.unique([l.rstrip("\n") for l in f], return_inverse=True)[1]
    if rows:
        X, truth = X[:rows], truth[:rows]
    return X, truth


def blobs(n_per, centers, dim, spread, seed):
    rng = np.random.RandomState(seed)
    C = rng.uniform(-10, 10, size=(centers, dim))
    X = np.vstack([c + spread * rng.randn(n_per, dim) for c in C])
    y = np.repeat(np.arange(centers), n_per)
    p = rng.permutation(len(X))
    return X[p], y[p]


def check(name, ref, got):
    ok = same_partition(ref, got)
    report(name, ok, "" if ok else "ARI %.6f, K sk %d fc %d" % (adjusted_rand_score(ref, got), ref.max() + 1,
                                                                  got.max() + 1))


def main():
    sets = []
    for name, rows in [("personal", None), ("orl", None), ("yale", None), ("lfw3", 1500)]:
        X, y = load_real(name, rows)
        label = name if rows is None else "%s%d" % (name, rows)
        if X is None:
            skip("parity_cluster_" + label, "skipped: %s/embeddings/%s not found" % (SHARED, name))
            continue
        sets.append((label, X, y, save(label, X)))
    Xb, yb = blobs(60, 6, 5, 0.8, 0)
    blob_path = save("blobs", Xb)
    # Many exactly tied distances and duplicate rows (integer lattice points, each drawn several times):
    # checks the tie-breaking of the NN-chain scans, also after the matrix is compacted (n >= 64).
    rng = np.random.RandomState(3)
    Xt = rng.randint(0, 4, size=(300, 3)).astype(np.float64)
    yt = (Xt[:, 0] >= 2).astype(int) * 2 + (Xt[:, 1] >= 2).astype(int)
    ties_path = save("ties", Xt)

    # DBSCAN
    for label, X, y, path in sets + [("blobs", Xb, yb, blob_path)]:
        eps_list = [0.6, 0.8, 1.0] if label != "blobs" else [1.0, 2.0]
        for eps in eps_list:
            for ms in (1, 5):
                ref = DBSCAN(eps=eps, min_samples=ms).fit_predict(X)
                check("dbscan_%s_eps%g_ms%d" % (label, eps, ms), ref, fc(path, "--method", "dbscan", "--eps", eps,
                                                                          "--min-samples", ms))

    # Agglomerative, every linkage, by K and by threshold
    for label, X, y, path in sets[:3] + [(l, X[:800], y[:800], save(l + "_800", X[:800])) for l, X, y, _ in sets[3:]] + [
            ("blobs", Xb, yb, blob_path), ("ties", Xt, yt, ties_path)]:
        k = int(y.max() + 1)
        for link in ("ward", "complete", "average", "single"):
            ref = AgglomerativeClustering(n_clusters=k, linkage=link).fit_predict(X)
            check("agglo_%s_%s_k%d" % (label, link, k), ref,
                  fc(path, "--method", "agglomerative", "--linkage", link, "--k", k))
            thr = {"ward": 1.5, "complete": 1.1, "average": 0.9, "single": 0.7}[link]
            if label in ("blobs", "ties"):
                thr *= 4
            ref = AgglomerativeClustering(n_clusters=None, distance_threshold=thr, linkage=link).fit_predict(X)
            check("agglo_%s_%s_t%g" % (label, link, thr), ref,
                  fc(path, "--method", "agglomerative", "--linkage", link, "--distance-threshold", thr))

    # Mean-shift
    for label, X, y, path in sets:
        # 1.1 and 1.3 reach most rows: the dense GEMM walk of meanshift.c (lists above N/4) runs there
        for bw in ((0.7,) if label.startswith("lfw3") else (0.7, 0.9, 1.1, 1.3)):  # sklearn is slow on lfw3
            ref = MeanShift(bandwidth=bw).fit_predict(X)
            check("meanshift_%s_bw%g" % (label, bw), ref, fc(path, "--method", "meanshift", "--bandwidth", bw))
        if label in ("yale", "personal"):
            ref = MeanShift(bandwidth=0.8, cluster_all=False).fit_predict(X)
            check("meanshift_%s_bw0.8_noclusterall" % label, ref,
                  fc(path, "--method", "meanshift", "--bandwidth", 0.8, "--no-cluster-all"))
            ref = MeanShift().fit_predict(X)
            check("meanshift_%s_estimated_bw" % label, ref, fc(path, "--method", "meanshift"))
    for bw in (2.0, 3.0):
        ref = MeanShift(bandwidth=bw, bin_seeding=True).fit_predict(Xb)
        check("meanshift_blobs_bw%g_binseeding" % bw, ref,
              fc(blob_path, "--method", "meanshift", "--bandwidth", bw, "--bin-seeding"))
        ref = MeanShift(bandwidth=bw, bin_seeding=True, cluster_all=False).fit_predict(Xb)
        check("meanshift_blobs_bw%g_binseeding_noclusterall" % bw, ref,
              fc(blob_path, "--method", "meanshift", "--bandwidth", bw, "--bin-seeding", "--no-cluster-all"))
    ref = MeanShift().fit_predict(Xb)
    check("meanshift_blobs_estimated_bw", ref, fc(blob_path, "--method", "meanshift"))
    est = estimate_bandwidth(Xb, quantile=0.3)
    report("meanshift_blobs_estimated_bw_value", True, "sklearn %.6f" % est)

    # k-means: blobs (ARI to sklearn's partition) and real sets (mean ARI to truth over seeds)
    Xk, yk = blobs(50, 8, 10, 1.0, 1)
    kp = save("kblobs", Xk)
    ref = KMeans(8, n_init=10, random_state=0).fit_predict(Xk)
    a = adjusted_rand_score(ref, fc(kp, "--method", "kmeans", "--k", 8, "--seed", 0))
    report("kmeans_blobs_ari_to_sklearn", a >= 0.99, "ARI %.4f" % a)
    for label, X, y, path in sets[:3]:
        k = int(y.max() + 1)
        seeds = range(8)
        sk = np.mean([adjusted_rand_score(y, KMeans(k, n_init=10, random_state=s).fit_predict(X)) for s in seeds])
        me = np.mean([adjusted_rand_score(y, fc(path, "--method", "kmeans", "--k", k, "--seed", s)) for s in seeds])
        report("kmeans_%s_mean_ari_to_truth" % label, abs(sk - me) <= 0.01 or me > sk,
               "sklearn %.4f facecluster %.4f over %d seeds" % (sk, me, len(seeds)))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash is a failure, not a silent pass
        report("parity_cluster", False, repr(e))
        sys.exit(1)
