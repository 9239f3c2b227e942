"""bench_cluster.py — facecluster's clustering methods against scikit-learn 1.2 on the same inputs.

For each case: wall time, CPU time (user + system) and peak RSS of `facecluster cluster` and of a Python
process running sklearn (both measured by /usr/bin/time, each in its own process, one after the other), the
ratios, the same for the fit alone (sklearn: perf_counter / process_time around fit_predict; facecluster:
FC_TIMING=1, which makes `facecluster cluster` report the clustering call), and the
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
    """(wall seconds, CPU seconds, peak MB, (fit wall, fit CPU)) of a command, via /usr/bin/time; the fit
    times come from the line 'fit: W s wall, C s CPU' the command prints to stderr. CPU time is the fairer
    comparison on a shared, loaded machine (wall time there includes waiting for a core)."""
    tf = os.path.join(TMP, "time.txt")
    r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", tf] + cmd, capture_output=True, text=True,
                       env=dict(os.environ, FC_TIMING="1"))
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()[-300:]))
    sec, user, sys_, kb = open(tf).read().split()[-4:]
    fit = re.search(r"fit: ([0-9.]+) s wall, ([0-9.]+) s CPU", r.stderr)
    fit = (float(fit.group(1)), float(fit.group(2))) if fit else (float("nan"),) * 2
    return float(sec), float(user) + float(sys_), int(kb) / 1024, fit


def run_case(dataset, path, method, params, fc_args):
    out_fc, out_sk = os.path.join(TMP, "fc.txt"), os.path.join(TMP, "sk.txt")
    t_fc, c_fc, m_fc, f_fc = timed([FC_BIN, "cluster", "--emb", path, "--no-normalize", "--quiet", "--method", method,
                        "-o", out_fc] + fc_args)
    code = ("import sys, time\nimport numpy as np\nX = np.load(%r)\n%s\n"
            "w, c = time.perf_counter(), time.process_time()\nl = m.fit_predict(X)\n"
            "print('fit: %%.4f s wall, %%.4f s CPU' %% (time.perf_counter() - w, time.process_time() - c), file=sys.stderr)\n"
            "np.savetxt(%r, l, fmt='%%d')\n" % (path, SK[method].format(**params), out_sk))
    t_sk, c_sk, m_sk, f_sk = timed(["/usr/bin/python3", "-c", code])
    a = adjusted_rand_score(np.loadtxt(out_sk, dtype=int), np.loadtxt(out_fc, dtype=int))
    desc = method + " " + " ".join("%s=%s" % kv for kv in params.items())
    print("| %s | %s | %.2f / %.2f | %.2f / %.2f | %.1fx / %.1fx | %.3f / %.3f | %.3f / %.3f | %.1fx / %.1fx "
          "| %.4f | %.0f | %.0f |"
          % (dataset, desc, t_fc, c_fc, t_sk, c_sk, t_sk / t_fc, c_sk / max(c_fc, 1e-3), f_fc[0], f_fc[1], f_sk[0],
             f_sk[1], f_sk[0] / max(f_fc[0], 1e-4), f_sk[1] / max(f_fc[1], 1e-4), a, m_fc, m_sk), flush=True)


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
          "| fit only: fc wall / CPU s | sk wall / CPU s | speed-up wall / CPU | ARI fc vs sk | fc peak MB | sk peak MB |")
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
