#!/usr/bin/env bash
# End-to-end: `facecluster evaluate` and `facecluster score` on the personal embeddings. Checks that the
# TSV and JSON outputs load in Python, that the numbers are sane (DBSCAN eps 0.9 ARI >= 0.95, as sklearn
# gets 1.000 there), that a seed repeats and another seed differs, and that `score` agrees with sklearn
# on a labelling made by `facecluster cluster`.
set -u
FC_BIN=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
PY=/usr/bin/python3
E=$SHARED/embeddings/personal
if [ ! -f "$E/emb.npy" ]; then
    echo "SKIP e2e_evaluate: skipped: $E/emb.npy not found"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }

common=(--emb "$E/emb.npy" --truth "$E/truth.txt" --methods dbscan,kmeans,agglomerative --sweep eps=0.7:1.0:0.1
        --runs 10 --quiet)
"$FC_BIN" evaluate "${common[@]}" --format tsv -o "$tmp/a.tsv"; rc1=$?
"$FC_BIN" evaluate "${common[@]}" --format json -o "$tmp/a.json"; rc2=$?
"$FC_BIN" evaluate "${common[@]}" --format md > "$tmp/a.md"; rc3=$?
"$FC_BIN" evaluate "${common[@]}" --format tex > "$tmp/a.tex"; rc4=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ $rc3 -eq 0 ] && [ $rc4 -eq 0 ]; then pass e2e_evaluate_runs
else fail e2e_evaluate_runs "exit codes $rc1 $rc2 $rc3 $rc4"; fi

"$PY" - "$tmp" <<'PYEOF'
import csv, json, sys
tmp = sys.argv[1]
def check(name, ok, why=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why))
try:
    rows = list(csv.DictReader(open(tmp + "/a.tsv"), delimiter="\t"))
    js = json.load(open(tmp + "/a.json"))
    check("e2e_evaluate_tsv_json_load", len(rows) == 6 and len(js["rows"]) == 6 and js["n"] == 79,
          "%d TSV rows, %d JSON rows" % (len(rows), len(js["rows"])))
    db = {float(r["value"]): r for r in rows if r["method"] == "dbscan"}
    ari09 = float(db[0.9]["ari_mean"])
    check("e2e_evaluate_dbscan_eps09_ari", ari09 >= 0.95, "ARI %.3f" % ari09)
    km = [r for r in rows if r["method"] == "kmeans"][0]
    ag = [r for r in rows if r["method"] == "agglomerative"][0]
    check("e2e_evaluate_kbased_sane", 0.85 <= float(km["ari_mean"]) <= 1 and float(ag["ari_mean"]) >= 0.95
          and abs(float(km["k_used"]) - float(km["k_true_mean"])) < 1e-9,
          "kmeans %s agglomerative %s" % (km["ari_mean"], ag["ari_mean"]))
    sane = all(-1 <= float(r[k]) <= 1 for r in rows for k in r if k.endswith("_mean") and not k.startswith("k_"))
    sane &= all(int(r["runs_ok"]) == 10 for r in rows)
    check("e2e_evaluate_scores_in_range", sane)
    jd = {(r["method"], r["value"]): r for r in js["rows"]}
    same = all(abs(jd[("dbscan", float(r["value"]))]["scores"]["ari"]["mean"] - float(r["ari_mean"])) < 1e-6
               for r in rows if r["method"] == "dbscan")
    check("e2e_evaluate_json_matches_tsv", same)
    md = open(tmp + "/a.md").read()
    tex = open(tmp + "/a.tex").read()
    check("e2e_evaluate_md_tex", md.count("\n| dbscan |") == 4 and "\\bottomrule" in tex
          and "min\\_samples" in tex)
except Exception as e:
    check("e2e_evaluate_outputs", False, repr(e))
PYEOF

# Same seed: same numbers (the seconds column aside); another seed: different subsets.
strip() { cut -f1-7,9- "$1"; }
"$FC_BIN" evaluate "${common[@]}" --format tsv -o "$tmp/b.tsv"
"$FC_BIN" evaluate "${common[@]}" --seed 5 --format tsv -o "$tmp/c.tsv"
if cmp -s <(strip "$tmp/a.tsv") <(strip "$tmp/b.tsv"); then pass e2e_evaluate_seed_repeats
else fail e2e_evaluate_seed_repeats "two runs with seed 0 differ"; fi
if ! cmp -s <(strip "$tmp/a.tsv") <(strip "$tmp/c.tsv"); then pass e2e_evaluate_seed_changes
else fail e2e_evaluate_seed_changes "seed 5 gave the same table as seed 0"; fi
"$FC_BIN" evaluate "${common[@]}" --threads 1 --format tsv -o "$tmp/d.tsv"
if cmp -s <(strip "$tmp/a.tsv") <(strip "$tmp/d.tsv"); then pass e2e_evaluate_threads_same
else fail e2e_evaluate_threads_same "1 thread and default threads differ"; fi

# Bootstrap (the paper's np.random.choice) runs and differs from sampling without replacement.
"$FC_BIN" evaluate "${common[@]}" --bootstrap --format tsv -o "$tmp/e.tsv"; rc=$?
if [ $rc -eq 0 ] && ! cmp -s <(strip "$tmp/a.tsv") <(strip "$tmp/e.tsv"); then pass e2e_evaluate_bootstrap
else fail e2e_evaluate_bootstrap "exit $rc or same table as without replacement"; fi

# score: a DBSCAN labelling from `facecluster cluster`, scored by us and by sklearn.
"$FC_BIN" cluster --emb "$E/emb.npy" --method dbscan --eps 0.9 --min-samples 1 -o "$tmp/pred.txt" 2>/dev/null
"$FC_BIN" score --truth "$E/truth.txt" --pred "$tmp/pred.txt" --json > "$tmp/s.json"; rc=$?
"$FC_BIN" score --truth "$E/faces.tsv" --truth-column 2 --header --pred "$tmp/pred.txt" --json > "$tmp/s2.json"
"$PY" - "$tmp" "$E/truth.txt" $rc <<'PYEOF'
import json, sys
import numpy as np
from sklearn import metrics as M
tmp, truth, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    s = json.load(open(tmp + "/s.json"))["scores"]
    s2 = json.load(open(tmp + "/s2.json"))["scores"]
    t = [l.strip() for l in open(truth)]
    p = np.loadtxt(tmp + "/pred.txt", dtype=int)
    ok = rc == 0 and s["ari"] >= 0.95 and abs(s["ari"] - M.adjusted_rand_score(t, p)) < 1e-9 \
        and abs(s["ami"] - M.adjusted_mutual_info_score(t, p)) < 1e-9 and s == s2
    print("PASS e2e_score_cluster_output" if ok else "FAIL e2e_score_cluster_output: %r" % s)
except Exception as e:
    print("FAIL e2e_score_cluster_output: %r" % e)
PYEOF

# Degenerate protocols warn: 1-row subsets (--fraction 0.01 of 79 rows), and K above the subset size (once).
"$FC_BIN" evaluate --emb "$E/emb.npy" --truth "$E/truth.txt" --methods kmeans --runs 3 --fraction 0.01 \
    > /dev/null 2> "$tmp/w1.err"; rc1=$?
"$FC_BIN" evaluate --emb "$E/emb.npy" --truth "$E/truth.txt" --methods kmeans --runs 3 --k 200 \
    > /dev/null 2> "$tmp/w2.err"; rc2=$?
if [ $rc1 -eq 0 ] && grep -q "subsets have only 1 rows" "$tmp/w1.err" && [ $rc2 -eq 0 ] &&
   [ "$(grep -c "K = 200 is more than" "$tmp/w2.err")" -eq 1 ] && ! grep -q "subsets have only" "$tmp/w2.err"; then
    pass e2e_evaluate_degenerate_warns
else fail e2e_evaluate_degenerate_warns "exit $rc1/$rc2: $(cat "$tmp/w1.err" "$tmp/w2.err" | head -c 600)"; fi
