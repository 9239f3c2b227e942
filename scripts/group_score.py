#!/usr/bin/python3
"""Scores a `facecluster group` result against identities hidden from the tool.

usage: scripts/group_score.py FACES.tsv ROOT... [--ari-vs OTHER_FACES.tsv]
FACES.tsv is `facecluster people --db DB faces` output. A photo under ROOT has the identity of its first
folder below ROOT (LFW / personal layout); photos elsewhere (e.g. unlabelled group photos) take part in the
grouping but are not scored. Only the largest face of each labelled photo is scored (the labelled subject;
background faces have no known identity). Faces in no person (person 0, "unknown") count as singletons.
Prints pairwise precision/recall/F, BCubed precision/recall/F, people found, and with --ari-vs the ARI
between the two groupings over the faces they share (the incremental check).
"""
import sys
from collections import Counter, defaultdict


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            p, fi, x1, y1, x2, y2, person = line.rstrip("\n").split("\t")
            rows.append((p, int(fi), (float(x2) - float(x1)) * (float(y2) - float(y1)), int(person)))
    return rows


def pred_labels(rows):
    return {(p, fi): (person if person else ("u", p, fi)) for p, fi, _, person in rows}


def comb2(n):
    return n * (n - 1) // 2


def pairwise(truth, pred):
    cells = Counter(zip(truth, pred))
    both = sum(comb2(c) for c in cells.values())
    sp = sum(comb2(c) for c in Counter(pred).values())
    st = sum(comb2(c) for c in Counter(truth).values())
    P = both / sp if sp else 1.0
    R = both / st if st else 1.0
    return P, R, (2 * P * R / (P + R) if P + R else 0.0)


def bcubed(truth, pred):
    cells = Counter(zip(truth, pred))
    ct, cp = Counter(truth), Counter(pred)
    n = len(truth)
    P = sum(cells[(t, p)] / cp[p] for t, p in zip(truth, pred)) / n
    R = sum(cells[(t, p)] / ct[t] for t, p in zip(truth, pred)) / n
    return P, R, 2 * P * R / (P + R)


def ari(a, b):
    cells = Counter(zip(a, b))
    n = len(a)
    idx = sum(comb2(c) for c in cells.values())
    sa = sum(comb2(c) for c in Counter(a).values())
    sb = sum(comb2(c) for c in Counter(b).values())
    exp = sa * sb / comb2(n)
    mx = (sa + sb) / 2
    return 1.0 if mx == exp else (idx - exp) / (mx - exp)


def main():
    args = sys.argv[1:]
    other = None
    if "--ari-vs" in args:
        i = args.index("--ari-vs")
        other = args[i + 1]
        del args[i:i + 2]
    faces, roots = args[0], [r.rstrip("/") + "/" for r in args[1:]]
    import os
    roots = [os.path.realpath(r) + "/" for r in roots]
    rows = load(faces)
    best = {}
    for p, fi, area, person in rows:
        root = next((r for r in roots if p.startswith(r)), None)
        if root is None or "/" not in p[len(root):]:
            continue
        if p not in best or area > best[p][1]:
            best[p] = (fi, area, p[len(root):].split("/")[0])
    pl = pred_labels(rows)
    keys = sorted(best)
    truth = [best[p][2] for p in keys]
    pred = [pl[(p, best[p][0])] for p in keys]
    P, R, F = pairwise(truth, pred)
    bP, bR, bF = bcubed(truth, pred)
    people = len({x for x in pred if not isinstance(x, tuple)})
    unknown = sum(1 for x in pred if isinstance(x, tuple))
    print(f"scored faces\t{len(keys)}\nidentities\t{len(set(truth))}\npeople found\t{people}\n"
          f"scored faces unknown\t{unknown}\npairwise precision\t{P:.4f}\npairwise recall\t{R:.4f}\n"
          f"pairwise F\t{F:.4f}\nBCubed precision\t{bP:.4f}\nBCubed recall\t{bR:.4f}\nBCubed F\t{bF:.4f}")
    if other:
        po = pred_labels(load(other))
        common = sorted(set(pl) & set(po))
        a = [pl[k] for k in common]
        b = [po[k] for k in common]
        print(f"faces in both\t{len(common)}\nARI between the groupings\t{ari(a, b):.4f}")
        # the same but only for scored faces
        sk = [(p, best[p][0]) for p in keys if (p, best[p][0]) in po]
        print(f"ARI (scored faces)\t{ari([pl[k] for k in sk], [po[k] for k in sk]):.4f}")


main()
