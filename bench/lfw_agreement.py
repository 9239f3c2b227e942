#!/usr/bin/env python3
"""lfw_agreement.py — compares a face store of the whole of LFW with the reference embeddings
(../shared/embeddings/lfw) and scores verification variants on pairs.txt.

Usage: lfw_agreement.py STORE.db [FC_BIN] [SHARED]
Needs a store made by `facecluster embed ../shared/data/lfw --db STORE.db --labels folder --flip` (a full run
takes tens of minutes, so `make bench` runs this only when $FC_LFW_DB names such a store).
Prints: photos with a face (ours vs reference), mean/min cosine similarity of matched faces, max box and
landmark-free box differences, and 10-fold accuracy for: plain, flip-fused, centred (mean embedding of LFW
subtracted, then re-normalised), flip + centred."""
import os, subprocess, sys, tempfile
import numpy as np

if len(sys.argv) < 2 and not os.environ.get("FC_LFW_DB"):
    print("skipped: no LFW store given (set FC_LFW_DB=STORE.db, made by embed --labels folder --flip)")
    sys.exit(0)
db = sys.argv[1] if len(sys.argv) > 1 else os.environ["FC_LFW_DB"]
fc = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("FC_BIN", "build/facecluster")
shared = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("FC_SHARED", "../shared")
ref_dir = os.path.join(shared, "embeddings", "lfw")

def export(flags):
    with tempfile.TemporaryDirectory() as t:
        subprocess.run([fc, "export", "--db", db, "--npy", f"{t}/e.npy", "--tsv", f"{t}/f.tsv", "--prominent"] + flags,
                       check=True, stderr=subprocess.DEVNULL)
        rows = [l.split("\t") for l in open(f"{t}/f.tsv").read().splitlines()[1:]]
        return np.load(f"{t}/e.npy").astype(np.float64), rows

E, rows = export([])
EF, _ = export(["--flip"])
paths = [r[0] for r in rows]
ref = np.load(os.path.join(ref_dir, "emb.npy")).astype(np.float64)
ref_rows = [l.split("\t") for l in open(os.path.join(ref_dir, "faces.tsv")).read().splitlines()[1:]]
ri = {r[0]: i for i, r in enumerate(ref_rows)}
common = [(i, ri[p]) for i, p in enumerate(paths) if p in ri]
a = np.array([i for i, _ in common]); b = np.array([j for _, j in common])
cos = np.sum(E[a] * ref[b], axis=1)
box = np.array([[float(v) for v in rows[i][3:7]] for i in a]); rbox = np.array([[float(v) for v in ref_rows[j][2:6]] for j in b])
bd = np.abs(box - rbox).max(axis=1)
print(f"photos with a face: ours {len(paths)}, reference {len(ref_rows)} (of 13,232); matched {len(common)}")
print(f"cosine similarity of matched faces: mean {cos.mean():.6f}, min {cos.min():.6f}, "
      f"< 0.99: {(cos < 0.99).sum()}; box max |diff| median {np.median(bd):.2e} px, "
      f"faces with a box off by > 1 px: {(bd > 1).sum()}")

pairs_path = os.path.join(shared, "data", "lfw", "pairs.txt")
lines = open(pairs_path).read().splitlines()
folds, per = map(int, lines[0].split())
pairs = []
k = 1
for f in range(folds):
    for s in range(2 * per):
        p = lines[k].split(); k += 1
        if len(p) == 3:
            pairs.append((f"{p[0]}/{p[0]}_{int(p[1]):04d}.jpg", f"{p[0]}/{p[0]}_{int(p[2]):04d}.jpg", 1, f))
        else:
            pairs.append((f"{p[0]}/{p[0]}_{int(p[1]):04d}.jpg", f"{p[2]}/{p[2]}_{int(p[3]):04d}.jpg", 0, f))
pi = {p: i for i, p in enumerate(paths)}

def kfold(X):
    d = np.array([np.sum((X[pi[x]] - X[pi[y]]) ** 2) if x in pi and y in pi else np.inf for x, y, _, _ in pairs])
    same = np.array([s for _, _, s, _ in pairs]); fold = np.array([f for _, _, _, f in pairs])
    accs = []
    for f in range(folds):
        tr = fold != f
        ds = np.sort(np.unique(d[tr][np.isfinite(d[tr])]))
        cands = np.concatenate([[ds[0] - 1e-9], (ds[:-1] + ds[1:]) / 2, [ds[-1] + 1e-9]])
        acc_tr = [np.mean((d[tr] < t) == same[tr]) for t in cands]
        t = cands[int(np.argmax(acc_tr))]
        accs.append(np.mean((d[~tr] < t) == same[~tr]))
    return 100 * np.mean(accs), 100 * np.std(accs)

def norm(X): return X / np.linalg.norm(X, axis=1, keepdims=True)
print(f"{'variant':<28} {'accuracy %':>10} {'std':>6}")
for name, X in [("plain", E), ("flip-fused", EF), ("centred", norm(E - E.mean(0))),
                ("flip-fused + centred", norm(EF - EF.mean(0))), ("reference embeddings", None)]:
    if X is None:
        X = np.zeros_like(E); X[a] = ref[b]
    m, s = kfold(X)
    print(f"{name:<28} {m:10.2f} {s:6.2f}")
