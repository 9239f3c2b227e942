"""Parity of `facecluster score` with scikit-learn 1.2 metrics on many random labellings.

For each case the labels are written to files, `facecluster score --json` is run in both noise modes,
and every score sklearn has is compared to 1e-9 (absolute). Scores sklearn lacks (pairwise, BCubed,
counts) are checked against a direct pair-by-pair / item-by-item Python computation.
Prints PASS/FAIL lines per group of cases.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from sklearn import metrics as M

FC_BIN = os.environ.get("FC_BIN", "build/facecluster")
TOL = 1e-9


def as_singletons(lab):
    lab = np.array(lab, dtype=np.int64)
    out = lab.copy()
    nxt = (lab.max() + 1) if lab.size else 0
    for i in np.where(lab < 0)[0]:
        out[i] = nxt
        nxt += 1
    return out


def brute(t, p):
    """Pairwise and BCubed scores by direct counting (small N only)."""
    t, p = np.asarray(t), np.asarray(p)
    n = len(t)
    same_t = t[:, None] == t[None, :]
    same_p = p[:, None] == p[None, :]
    off = ~np.eye(n, dtype=bool)
    tp = np.sum(same_t & same_p & off)
    sp, st = np.sum(same_p & off), np.sum(same_t & off)
    pp = tp / sp if sp else 1.0
    pr = tp / st if st else 1.0
    pf = 2 * pp * pr / (pp + pr) if pp + pr > 0 else 0.0
    both = (same_t & same_p).sum(axis=1)
    bp = np.mean(both / same_p.sum(axis=1))
    br = np.mean(both / same_t.sum(axis=1))
    bf = 2 * bp * br / (bp + br)
    return dict(pair_precision=pp, pair_recall=pr, pair_f=pf, bcubed_precision=bp, bcubed_recall=br,
                bcubed_f=bf)


def reference(t, p, raw_pred):
    if len(t) > 100000:  # sklearn's AMI is slow here; the point of this case is the integer range
        return dict(ari=M.adjusted_rand_score(t, p), fmi=M.fowlkes_mallows_score(t, p),
                    nmi=M.normalized_mutual_info_score(t, p))
    h, c, v = M.homogeneity_completeness_v_measure(t, p)
    ref = dict(ari=M.adjusted_rand_score(t, p), ami=M.adjusted_mutual_info_score(t, p),
               nmi=M.normalized_mutual_info_score(t, p), homogeneity=h, completeness=c, v_measure=v,
               fmi=M.fowlkes_mallows_score(t, p))
    if len(t) <= 600:
        ref.update(brute(t, p))
    raw = np.asarray(raw_pred)
    ref["k_found"] = len(np.unique(raw[raw >= 0]))
    ref["noise_share"] = np.mean(raw < 0)
    vals, cnt = np.unique(raw[raw >= 0], return_counts=True)
    ref["singleton_share"] = np.sum(cnt == 1) / len(raw)
    ref["k_true"] = len(np.unique(t))
    return ref


def run_fc(tmp, truth, pred, mode):
    tp, pp = os.path.join(tmp, "t.txt"), os.path.join(tmp, "p.txt")
    with open(tp, "w") as f:
        f.write("".join("id%d\n" % x for x in truth))
    with open(pp, "w") as f:
        f.write("".join("%d\n" % x for x in pred))
    r = subprocess.run([FC_BIN, "score", "--truth", tp, "--pred", pp, "--json", "--noise", mode],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("facecluster score failed: " + r.stderr)
    return json.loads(r.stdout)["scores"]


def cases():
    rng = np.random.default_rng(12345)
    yield "n1", [0], [0]
    yield "n1_noise", [0], [-1]
    yield "n2_split", [0, 0], [0, 1]
    yield "all_one_both", [3] * 20, [7] * 20
    yield "truth_one_pred_many", [0] * 20, list(range(20))
    yield "all_singletons_both", list(range(30)), list(range(30))
    yield "truth_many_pred_one", list(range(25)), [0] * 25
    yield "all_noise", [0, 0, 1, 1, 2, 2], [-1] * 6
    yield "sklearn_doc", [0, 0, 1, 1], [0, 1, 0, 1]
    yield "big_label_values", [5, 5, 9, 9, 9], [2000000000, 2000000000, -1, 7, 7]
    for i in range(90):
        n = int(rng.choice([3, 10, 40, 150, 400, 1000]))
        kt = int(rng.integers(1, max(2, n // 2) + 1))
        kp = int(rng.integers(1, n + 1))
        t = rng.integers(0, kt, n)
        if i % 3 == 0:  # a prediction correlated with the truth
            p = np.where(rng.random(n) < 0.7, t, rng.integers(0, kp, n))
        else:
            p = rng.integers(0, kp, n)
        if i % 4 == 1:
            p = np.where(rng.random(n) < 0.2, -1, p)
        yield "random%d_n%d" % (i, n), list(t), list(p)
    # Big, skewed (an LFW-like head identity) to exercise EMI on large clusters.
    t = np.concatenate([np.zeros(530, int), np.repeat(np.arange(1, 300), 3)])
    p = np.where(rng.random(len(t)) < 0.1, rng.integers(0, 400, len(t)), t)
    yield "skewed_lfw_like", list(t), list(p)
    # N = 300,000: pair-count products pass 2^63, so 64-bit integer or float ARI would be wrong here.
    t = rng.integers(0, 50, 300000)
    p = np.where(rng.random(len(t)) < 0.5, t, rng.integers(0, 60, len(t)))
    yield "large_n_overflow", list(t), list(p)


def main():
    groups = {}
    worst = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, t, p in cases():
            group = name.rstrip("0123456789_n") if name.startswith("random") else name
            for mode in ("singletons", "cluster"):
                got = run_fc(tmp, t, p, mode)
                pm = as_singletons(p) if mode == "singletons" else np.asarray(p)
                ref = reference(np.asarray(t), pm, p)
                bad = []
                for k, v in ref.items():
                    d = abs(got[k] - float(v))
                    worst[k] = max(worst.get(k, 0.0), d)
                    if not d <= TOL:
                        bad.append("%s: ours %.15g sklearn %.15g" % (k, got[k], v))
                if bad:
                    print("  %s (%s): %s" % (name, mode, "; ".join(bad)), file=sys.stderr)
                groups.setdefault(group, []).append(not bad)
    for g, oks in groups.items():
        print("%s parity_%s (%d checks)" % ("PASS" if all(oks) else "FAIL", g, len(oks)))
    print("  largest differences: " + ", ".join("%s %.1e" % kv for kv in sorted(worst.items())))


if __name__ == "__main__":
    main()
