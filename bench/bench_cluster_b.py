"""Benchmark of spectral clustering, HDBSCAN, the threshold graph and Chinese whispers (make bench).

Table 1: spectral (rbf, true K, seed 0) against sklearn.cluster.SpectralClustering on orl and lfw3:
wall and CPU seconds, peak memory, ARI to the truth, ARI between the two partitions. sklearn's lfw3 run
takes minutes; its labels and times are cached in $FC_BUILD/bench_cache (delete them or set
FC_BENCH_SKLEARN_FRESH=1 to re-run; FC_BENCH_SKLEARN=0 skips sklearn runs that are not cached). The
speed-up column is printed only when sklearn ran in this same run, right after ours (same machine load);
the 1-minute load average at each run is printed next to the times.
Table 2: the methods without K at their defaults on personal, yale, orl and lfw3: ARI to the truth,
clusters found, noise, time and peak memory."""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.metrics import adjusted_rand_score as ari

warnings.filterwarnings("ignore")
FC = os.environ.get("FC_BIN", "build/facecluster")
SHARED = os.environ.get("FC_SHARED", "../shared")
CACHE = os.path.join(os.environ.get("FC_BUILD", "build"), "bench_cache")
tmp = tempfile.mkdtemp()


def load(name):
    e = os.path.join(SHARED, "embeddings", name, "emb.npy")
    t = os.path.join(SHARED, "embeddings", name, "truth.txt")
    if not (os.path.exists(e) and os.path.exists(t)):
        return None, None
    return e, open(t).read().split()


def run_ours(emb, method, *extra):
    """Runs the CLI under /usr/bin/time; returns labels, wall s, CPU s, peak RSS MB."""
    out = os.path.join(tmp, "o.txt")
    tf = os.path.join(tmp, "time.txt")
    t = time.time()
    subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", tf, FC, "cluster", "--emb", emb, "--method", method,
                    "--quiet", "-o", out, *extra], check=True)
    wall = time.time() - t
    u, s, m = open(tf).read().split()[-3:]
    return np.loadtxt(out, dtype=int), wall, float(u) + float(s), float(m) / 1024


def sklearn_spectral(name, emb, k, seed):
    os.makedirs(CACHE, exist_ok=True)
    cl = os.path.join(CACHE, f"sk_spectral_{name}_{seed}.txt")
    ct = os.path.join(CACHE, f"sk_spectral_{name}_{seed}.json")
    fresh = os.environ.get("FC_BENCH_SKLEARN_FRESH", "0") == "1"
    if os.path.exists(cl) and os.path.exists(ct) and not fresh:
        return np.loadtxt(cl, dtype=int), json.load(open(ct)), True
    if os.environ.get("FC_BENCH_SKLEARN", "1") == "0":
        return None, None, False
    code = ("import numpy as np, os, time, json, resource, sys, warnings; warnings.filterwarnings('ignore');"
            "from sklearn.cluster import SpectralClustering;"
            f"X = np.load('{emb}').astype(np.float64); t = time.time(); c0 = time.process_time();"
            f"l = SpectralClustering(n_clusters={k}, random_state={seed}).fit(X).labels_;"
            "w = time.time() - t; c = time.process_time() - c0;"
            f"np.savetxt('{cl}', l, fmt='%d');"
            "json.dump({'wall': w, 'cpu': c, 'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
            " 'load': os.getloadavg()[0]},"
            f" open('{ct}', 'w'))")
    subprocess.run(["/usr/bin/python3", "-c", code], check=True)
    return np.loadtxt(cl, dtype=int), json.load(open(ct)), False


def table_spectral():
    print("### Spectral clustering (rbf, gamma 1, true K, seed 0) vs sklearn 1.2.1\n")
    print("| set | N | K | ours wall s | ours CPU s | ours peak MB | sklearn wall s | sklearn CPU s | sklearn peak MB "
          "| speed-up | ARI ours | ARI sklearn | ARI ours vs sklearn |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in ["orl", "lfw3"]:
        emb, truth = load(name)
        if emb is None:
            print(f"| {name} | skipped: {SHARED}/embeddings/{name} not found |")
            continue
        k = len(set(truth))
        load_ours = os.getloadavg()[0]
        lo, w, c, m = run_ours(emb, "spectral", "--k", str(k), "--seed", "0")
        ls, st, cached = sklearn_spectral(name, emb, k, 0)
        if ls is None:
            print(f"| {name} | {len(truth)} | {k} | {w:.1f} | {c:.1f} | {m:.0f} | not run | | | | "
                  f"{ari(truth, lo):.3f} | | |")
            continue
        note = (" (cached)" if cached else "") + (f" [load {st['load']:.1f}]" if "load" in st else "")
        # A cached sklearn time was measured at another moment, under another load: no ratio from it.
        speedup = ("- (sklearn time cached from an earlier run)" if cached
                   else f"{st['wall'] / w:.1f}x wall, {st['cpu'] / max(c, 1e-9):.1f}x CPU")
        print(f"| {name} | {len(truth)} | {k} | {w:.1f} [load {load_ours:.1f}] | {c:.1f} | {m:.0f} | {st['wall']:.1f}{note} | {st['cpu']:.1f} "
              f"| {st['rss_mb']:.0f} | {speedup} | {ari(truth, lo):.3f} | {ari(truth, ls):.3f} "
              f"| {ari(ls, lo):.3f} |")
        sys.stdout.flush()


def table_nok():
    print("\n### Methods without K, at their defaults\n")
    print("| set | method | ARI | clusters | noise | wall s | CPU s | peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    runs = [("graph", ()), ("chinese_whispers", ()), ("hdbscan", ()),
            ("hdbscan", ("--min-cluster-size", "2")), ("hdbscan", ("--min-cluster-size", "3"))]
    for name in ["personal", "yale", "orl", "lfw3"]:
        emb, truth = load(name)
        if emb is None:
            print(f"| {name} | skipped: {SHARED}/embeddings/{name} not found |")
            continue
        for method, extra in runs:
            lab, w, c, m = run_ours(emb, method, *extra)
            label = method + (" " + " ".join(extra) if extra else "")
            print(f"| {name} | {label} | {ari(truth, lab):.3f} | {lab.max() + 1} | {(lab < 0).sum()} | {w:.2f} "
                  f"| {c:.2f} | {m:.0f} |")
            sys.stdout.flush()


table_spectral()
table_nok()
