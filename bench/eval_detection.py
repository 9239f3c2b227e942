#!/usr/bin/env python3
"""eval_detection.py — MTCNN recall/precision on ../shared/data/detection (dlib imglab XML boxes).

Runs `facecluster embed` in photo mode (every face) on the folder, exports the boxes, and matches detections
to annotated boxes greedily by IoU (highest first). Boxes marked ignore='1' neither count as misses nor make
a matching detection a false positive. Prints a table at IoU 0.5 (the issue's criterion) and 0.3 (dlib's
boxes are tight eyebrow-to-chin crops, MTCNN's include the forehead, so IoU of a correct hit is often ~0.5).
Usage: eval_detection.py [FC_BIN] [SHARED]"""
import os, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

fc = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FC_BIN", "build/facecluster")
shared = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("FC_SHARED", "../shared")
d = os.path.join(shared, "data", "detection")
if not os.path.isdir(d):
    print(f"SKIP eval_detection: skipped: {d} not found")
    sys.exit(0)

truth = {}
for x in ("training.xml", "testing.xml"):
    for im in ET.parse(os.path.join(d, x)).getroot().iter("image"):
        boxes = []
        for b in im.iter("box"):
            l, t, w, h = (float(b.get(k)) for k in ("left", "top", "width", "height"))
            boxes.append((l, t, l + w, t + h, b.get("ignore") == "1"))
        truth[im.get("file")] = boxes

with tempfile.TemporaryDirectory() as tmp:
    db, tsv = os.path.join(tmp, "d.db"), os.path.join(tmp, "d.tsv")
    subprocess.run([fc, "embed", d, "--db", db, "--quiet"], check=False)
    subprocess.run([fc, "export", "--db", db, "--npy", os.path.join(tmp, "e.npy"), "--tsv", tsv], check=True,
                   stderr=subprocess.DEVNULL)
    dets = {}
    for line in open(tsv).read().splitlines()[1:]:
        f = line.split("\t")
        dets.setdefault(f[0], []).append(tuple(float(v) for v in f[3:8]))

def iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)

print(f"{'IoU':>5} {'faces':>6} {'found':>6} {'detections':>10} {'false pos':>9} {'recall':>7} {'precision':>9}")
for thr in (0.5, 0.3):
    n_true = tp = fp = n_det = 0
    for name in sorted(truth):  # only annotated photos (bald_guys.jpg, Tom_Cruise_*.jpg have no boxes)
        gt = truth.get(name, [])
        ds = dets.get(name, [])
        n_det += len(ds)
        n_true += sum(1 for g in gt if not g[4])
        pairs = sorted(((iou(dd, g), i, j) for i, dd in enumerate(ds) for j, g in enumerate(gt)), reverse=True)
        used_d, used_g = set(), set()
        for v, i, j in pairs:
            if v < thr or i in used_d or j in used_g:
                continue
            used_d.add(i), used_g.add(j)
            if not gt[j][4]:
                tp += 1
        fp += len(ds) - len(used_d)
    print(f"{thr:5.1f} {n_true:6d} {tp:6d} {n_det:10d} {fp:9d} {tp / max(n_true, 1):7.3f} "
          f"{tp / max(tp + fp, 1):9.3f}")
print(f"annotated photos: {len(truth)}; dogs.jpg detections: {len(dets.get('dogs.jpg', []))}; "
      + "; ".join(f"{k}: {len(v)} faces (not annotated)" for k, v in sorted(dets.items()) if k not in truth))
