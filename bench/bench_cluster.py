"""bench_cluster.py — facecluster's clustering methods against scikit-learn 1.2 on the same inputs.

For each case: wall time, CPU time (user + system) and peak RSS of `facecluster cluster` and of a Python
process running sklearn (both measured by /usr/bin/time, each in its own process, one after the other), the
ratios; then the same for the fit alone (sklearn: perf_counter / process_time around fit_predict;
facecluster: its --time report around the clustering call), without start-up, imports and file I/O; and the
ARI between the two partitions (1.0 = identical up to relabelling). Inputs: ../shared/embeddings lfw3
(N=7606) and lfw (N=13232), L2-normalised in float64 once and passed to both.
Usage: /usr/bin/python3 bench/bench_cluster.py [--quick] [REGEX]   (--quick: lfw3 only; REGEX: only the
cases whose "set method params" text matches)
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from sklearn.metrics import adjusted_rand_score

FC_BIN = os.environ.get("FC_BIN", "build/facecluster")
SHARED = os.environ.get("FC_SHARED", "../shared")
TMP = tempfile.mkdtemp(prefix="fc_bench_cluster_")

SK = {
    "dbscan": "from sklearn.cluster import DBSCAN as M; m = M(eps={eps}, min_samples={ms})",
    "agglomerative": "from sklearn.cluster import AgglomerativeClustering as M; m = M(n_clusters={k}, linkage='{link}')",
    "kmeans": "from sklearn.cluster import KMeans as M; m = M({k}, n_init=10, random_state=0)",
    "meanshift": "from sklearn.cluster import MeanShift as M; m = M(bandwidth={bw})",
}


def timed(cmd):
    """(wall seconds, CPU seconds, peak MB) of a command, via /usr/bin/time. CPU time is the fairer
    comparison on a shared, loaded machine (wall time there includes waiting for a core)."""
    tf = os.path.join(TMP, "time.txt")
    r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", tf] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()[-300:]))
    sec, user, sys_, kb = open(tf).read().split()[-4:]
    return float(sec), float(user) + float(sys_), int(kb) / 1024, r.stderr


def run_case(dataset, path, method, params, fc_args):
    out_fc, out_sk = os.path.join(TMP, "fc.txt"), os.path.join(TMP, "sk.txt")
    t_fc, c_fc, m_fc, err = timed([FC_BIN, "cluster", "--emb", path, "--no-normalize", "--quiet", "--method",
                                   method, "-o", out_fc, "--time"] + fc_args)
    f = re.search(r"time: cluster ([0-9.]+) s wall ([0-9.]+) s cpu", err)
    fw_fc, fc_fc = (float(f.group(1)), float(f.group(2))) if f else (float("nan"), float("nan"))
    fit_sk = os.path.join(TMP, "fit.txt")
    code = ("import time\nimport numpy as np\nX = np.load(%r)\n%s\nw, c = time.perf_counter(), time.process_time()\n"
            "l = m.fit_predict(X)\nopen(%r, 'w').write('%%f %%f' %% (time.perf_counter() - w, time.process_time() - c))\n"
            "np.savetxt(%r, l, fmt='%%d')\n" % (path, SK[method].format(**params), fit_sk, out_sk))
    t_sk, c_sk, m_sk, _ = timed(["/usr/bin/python3", "-c", code])
    fw_sk, fc_sk = map(float, open(fit_sk).read().split())
    a = adjusted_rand_score(np.loadtxt(out_sk, dtype=int), np.loadtxt(out_fc, dtype=int))
    desc = method + " " + " ".join("%s=%s" % kv for kv in params.items())
    print("| %s | %s | %.2f / %.2f | %.2f / %.2f | %.1fx / %.1fx | %.2f / %.2f | %.2f / %.2f | %.1fx / %.1fx "
          "| %.4f | %.0f | %.0f |"
          % (dataset, desc, t_fc, c_fc, t_sk, c_sk, t_sk / t_fc, c_sk / max(c_fc, 1e-3), fw_fc, fc_fc, fw_sk, fc_sk,
             fw_sk / max(fw_fc, 1e-3), fc_sk / max(fc_fc, 1e-3), a, m_fc, m_sk), flush=True)


def main():
    quick = "--quick" in sys.argv
    rest = [a for a in sys.argv[1:] if not a.startswith("--")]
    pattern = rest[0] if rest else None
    cases = {
        "lfw3": [
            ("dbscan", {"eps": 0.8, "ms": 1}, ["--eps", "0.8", "--min-samples", "1"]),
            ("dbscan", {"eps": 0.6, "ms": 5}, ["--eps", "0.6", "--min-samples", "5"]),
            ("agglomerative", {"k": 901, "link": "ward"}, ["--k", "901"]),
            ("agglomerative", {"k": 901, "link": "average"}, ["--k", "901", "--linkage", "average"]),
            ("agglomerative", {"k": 901, "link": "single"}, ["--k", "901", "--linkage", "single"]),
            ("kmeans", {"k": 901}, ["--k", "901", "--seed", "0"]),
            ("meanshift", {"bw": 0.7}, ["--bandwidth", "0.7"]),
        ],
        "lfw": [
            ("dbscan", {"eps": 0.8, "ms": 1}, ["--eps", "0.8", "--min-samples", "1"]),
            ("agglomerative", {"k": 5748, "link": "ward"}, ["--k", "5748"]),
            ("meanshift", {"bw": 0.7}, ["--bandwidth", "0.7"]),
        ],
    }
    print("| set | method | facecluster wall / CPU s | sklearn wall / CPU s | speed-up wall / CPU "
          "| fc fit wall / CPU s | sk fit wall / CPU s | fit speed-up wall / CPU | ARI fc vs sk "
          "| fc peak MB | sk peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for ds in (["lfw3"] if quick else ["lfw3", "lfw"]):
        src = os.path.join(SHARED, "embeddings", ds, "emb.npy")
        if not os.path.exists(src):
            print("SKIP bench_cluster %s: skipped: %s not found" % (ds, src))
            continue
        X = np.load(src).astype(np.float64)
        X /= np.linalg.norm(X, axis=1, keepdims=True)
        path = os.path.join(TMP, ds + ".npy")
        np.save(path, X)
        for method, params, args in cases[ds]:
            desc = "%s %s %s" % (ds, method, " ".join("%s=%s" % kv for kv in params.items()))
            if pattern and not re.search(pattern, desc):
                continue
            run_case(ds, path, method, params, args)


if __name__ == "__main__":
    main()
