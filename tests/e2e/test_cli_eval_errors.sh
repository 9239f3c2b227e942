#!/usr/bin/env bash
# Bad arguments to `facecluster score` / `facecluster evaluate`: exit 2 and one line naming the problem;
# unreadable or mismatched inputs: exit 3. --help: exit 0 with usage on stdout.
set -u
FC_BIN=${FC_BIN:-build/facecluster}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'a\na\nb\nb\n' > "$tmp/t.txt"
printf '0\n0\n1\n1\n' > "$tmp/p.txt"
printf '0\n0\n1\n' > "$tmp/short.txt"
printf '0\nx\n1\n1\n' > "$tmp/badp.txt"
/usr/bin/python3 -c "import numpy as np; np.save('$tmp/e.npy', np.eye(4, 8))"

expect() { # name, expected exit code, expected stderr substring, command...
    local name=$1 code=$2 msg=$3; shift 3
    local err rc
    err=$("$@" 2>&1 >/dev/null); rc=$?
    local lines; lines=$(printf '%s' "$err" | grep -c . || true)
    if [ "$rc" -eq "$code" ] && [[ "$err" == *"$msg"* ]] && { [ "$code" -eq 0 ] || [ "$lines" -eq 1 ]; }; then
        echo "PASS $name"
    else
        echo "FAIL $name: exit $rc (want $code), stderr: $err"
    fi
}
S=("$FC_BIN" score)
V=("$FC_BIN" evaluate --emb "$tmp/e.npy" --truth "$tmp/t.txt" --quiet)
expect cli_score_help 0 "" "${S[@]}" --help
expect cli_score_missing_pred 2 "needs --truth and --pred" "${S[@]}" --truth "$tmp/t.txt"
expect cli_score_bad_noise 2 "--noise expects" "${S[@]}" --truth "$tmp/t.txt" --pred "$tmp/p.txt" --noise maybe
expect cli_score_unknown_option 2 "unknown" "${S[@]}" --bogus
expect cli_score_bad_column 2 "--truth-column expects" "${S[@]}" --truth "$tmp/t.txt" --pred "$tmp/p.txt" --truth-column 0
expect cli_score_length_mismatch 3 "has 3 labels" "${S[@]}" --truth "$tmp/t.txt" --pred "$tmp/short.txt"
expect cli_score_bad_label 3 "not a cluster label" "${S[@]}" --truth "$tmp/t.txt" --pred "$tmp/badp.txt"
expect cli_score_missing_file 3 "cannot open" "${S[@]}" --truth "$tmp/none.txt" --pred "$tmp/p.txt"
expect cli_eval_help 0 "" "$FC_BIN" evaluate --help
expect cli_eval_missing_truth 2 "needs --emb and --truth" "$FC_BIN" evaluate --emb "$tmp/e.npy"
expect cli_eval_bad_runs 2 "--runs expects" "${V[@]}" --runs 0
expect cli_eval_bad_fraction 2 "--fraction" "${V[@]}" --fraction 1.5
expect cli_eval_bad_fraction_text 2 "--fraction expects" "${V[@]}" --fraction abc
expect cli_eval_unknown_method 2 "unknown method 'kmeanz'" "${V[@]}" --methods kmeanz
expect cli_eval_bad_sweep 2 "--sweep" "${V[@]}" --methods dbscan --sweep eps=1:0:0.1
expect cli_eval_unknown_sweep_param 2 "unknown parameter" "${V[@]}" --sweep foo=1:2:1
expect cli_eval_sweep_unused 2 "none of the chosen methods uses 'eps'" "${V[@]}" --methods kmeans --sweep eps=0.5,0.6
expect cli_eval_bad_k 2 "--k expects" "${V[@]}" --k sometimes
expect cli_eval_bad_format 2 "unknown format" "${V[@]}" --format xml
expect cli_eval_bad_score 2 "unknown score 'arii'" "${V[@]}" --scores arii
expect cli_eval_bad_linkage 2 "--linkage expects" "${V[@]}" --linkage median
expect cli_eval_bad_seed 2 "--seed expects" "${V[@]}" --seed -3
expect cli_eval_extra_arg 2 "unexpected argument" "${V[@]}" stray
expect cli_eval_row_mismatch 3 "has 4 rows but" "$FC_BIN" evaluate --emb "$tmp/e.npy" --truth "$tmp/short.txt" --quiet
expect cli_eval_missing_emb 3 "" "$FC_BIN" evaluate --emb "$tmp/none.npy" --truth "$tmp/t.txt" --quiet
# message polish: no doubled "cluster: cluster:", getopt errors carry the program name, "> 0" for positive
# options, a directory is called a directory
C=("$FC_BIN" cluster --emb "$tmp/e.npy" --quiet)
err=$("${C[@]}" --method kmeans --k 80 2>&1 >/dev/null); rc=$?
if [ $rc -ne 0 ] && [[ "$err" == "facecluster cluster: K = 80"* ]]; then echo "PASS cli_cluster_no_doubled_prefix"
else echo "FAIL cli_cluster_no_doubled_prefix: exit $rc, stderr: $err"; fi
expect cli_cluster_unknown_option_named 2 "facecluster cluster: unrecognized option '--bogus'" "$FC_BIN" cluster --bogus
expect cli_cluster_eps_positive 2 "--eps expects a number > 0, got '0'" "${C[@]}" --method dbscan --eps 0
expect cli_info_directory 3 "$tmp: is a directory" "$FC_BIN" info "$tmp"
expect cli_cluster_directory 3 "$tmp: is a directory" "$FC_BIN" cluster --emb "$tmp" --method kmeans --k 2
# --truth-column without --header on a file whose first line is a header: a warning says so
printf 'path\tidentity\nx\ta\ny\ta\nz\tb\nw\tb\n' > "$tmp/faces.tsv"
err=$("$FC_BIN" score --truth "$tmp/faces.tsv" --truth-column 2 --pred "$tmp/p.txt" 2>&1 >/dev/null)
err2=$("$FC_BIN" score --truth "$tmp/faces.tsv" --truth-column 2 --header --pred "$tmp/p.txt" 2>&1 >/dev/null); rc2=$?
if [[ "$err" == *"line 1 ('identity') looks like a header; use --header"* ]] && [ $rc2 -eq 0 ] && [ -z "$err2" ]; then
    echo "PASS cli_score_header_warning"
else echo "FAIL cli_score_header_warning: [$err] [$rc2 $err2]"; fi
