#!/usr/bin/env python3
"""lfw_face_choice.py — does the choice of face in photos with several detections matter for LFW verification?

Usage: lfw_face_choice.py MAIN.db ALL.db [SHARED]
MAIN.db: the whole of LFW embedded in labelled mode (largest face, --flip); ALL.db: the photos with more than one
detection embedded again with --all-faces --flip. Compares "largest box" (the reference's rule) with "box centre
nearest the photo centre" (LFW photos are centred on their subject) and "highest detector score"."""
import os, sqlite3, sys
import numpy as np

if len(sys.argv) < 3:
    print("skipped: needs MAIN.db ALL.db (see the docstring)")
    sys.exit(0)
main, alldb = sys.argv[1], sys.argv[2]
shared = sys.argv[3] if len(sys.argv) > 3 else os.environ.get("FC_SHARED", "../shared")

def load(db):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out = {}
    for rel, w, h, x1, y1, x2, y2, s, e, ef in c.execute(
            "select i.relpath, i.width, i.height, f.x1, f.y1, f.x2, f.y2, f.score, f.embedding, f.embedding_flip "
            "from faces f join images i on i.id = f.image_id"):
        out.setdefault(rel, []).append((w, h, (x1, y1, x2, y2), s, np.frombuffer(e, np.float32).astype(np.float64),
                                        np.frombuffer(ef, np.float32).astype(np.float64)))
    return out

M, A = load(main), load(alldb)
rules = {
    "largest box": lambda fs: max(fs, key=lambda f: (f[2][2] - f[2][0]) * (f[2][3] - f[2][1])),
    "nearest the centre": lambda fs: min(fs, key=lambda f: ((f[2][0] + f[2][2]) / 2 - f[0] / 2) ** 2
                                         + ((f[2][1] + f[2][3]) / 2 - f[1] / 2) ** 2),
    "highest score": lambda fs: max(fs, key=lambda f: f[3]),
}
lines = open(os.path.join(shared, "data", "lfw", "pairs.txt")).read().splitlines()
folds, per = map(int, lines[0].split())
pairs, k = [], 1
for f in range(folds):
    for s in range(2 * per):
        p = lines[k].split(); k += 1
        a = f"{p[0]}/{p[0]}_{int(p[1]):04d}.jpg"
        b = f"{p[0]}/{p[0]}_{int(p[2]):04d}.jpg" if len(p) == 3 else f"{p[2]}/{p[2]}_{int(p[3]):04d}.jpg"
        pairs.append((a, b, int(len(p) == 3), f))

def kfold(emb):
    d = np.array([np.sum((emb[a] - emb[b]) ** 2) for a, b, _, _ in pairs])
    same = np.array([p[2] for p in pairs]); fold = np.array([p[3] for p in pairs])
    accs = []
    for f in range(folds):
        tr = fold != f
        ds = np.sort(np.unique(d[tr]))
        cands = np.concatenate([[ds[0] - 1e-9], (ds[:-1] + ds[1:]) / 2, [ds[-1] + 1e-9]])
        t = cands[int(np.argmax([np.mean((d[tr] < c) == same[tr]) for c in cands]))]
        accs.append(np.mean((d[~tr] < t) == same[~tr]))
    return 100 * np.mean(accs), 100 * np.std(accs)

def unit(v): return v / np.linalg.norm(v)
print(f"photos with several detections: {len(A)}")
print(f"{'face choice':<22} {'changed':>8} {'plain %':>8} {'flip %':>8}")
for name, rule in rules.items():
    plain, flip, changed = {}, {}, 0
    for rel, fs in M.items():
        f = rule(A[rel]) if rel in A else fs[0]
        if rel in A and np.dot(f[4], fs[0][4]) < 0.9999: changed += 1
        plain[rel] = f[4]
        flip[rel] = unit(f[4] + f[5])
    print(f"{name:<22} {changed:8d} {kfold(plain)[0]:8.2f} {kfold(flip)[0]:8.2f}")
