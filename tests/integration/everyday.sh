#!/bin/sh
# Everyday use (issue #12): results of an older sweep stay valid (same run_ids, resumed, reported), sweep ls,
# sweep compare and a gated subset, progress across a resume, dry-run estimates, messages, provenance.
set -u
cd "$(dirname "$0")/../.."
SWEEP=${SWEEP:-./sweep}
T=$(mktemp -d /tmp/sweep-everyday.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh
EXP=tests/integration/tiny.ini
OLD=tests/fixtures/old_format/tiny

# an old results directory is reportable as it is, and resumes without training anything
mkdir -p "$T/old" && cp -r "$OLD" "$T/old/"
./sweep report --no-plots -o "$T/oldrep" "$T/old/tiny" > /dev/null 2> "$T/rep.err"; rc=$?
check "report reads an old-format directory" '[ $rc = 0 ] && grep -q dropout "$T/oldrep/report.md"'
$SWEEP run --dry-run --out "$T/old" $EXP > "$T/dry.txt"
check "old runs count as done (same run_ids)" 'grep -q "8 runs, 8 done, 0 to train" "$T/dry.txt"'
ids_before=$(tail -n +2 "$T/old/tiny/runs.csv" | cut -d, -f1 | sort | tr '\n' ' ')
$SWEEP run -j 2 --out "$T/old" $EXP 2> "$T/resume.txt"; rc=$?
check "resume of an old directory trains nothing" '[ $rc = 0 ] && grep -q "8 already done, 0 to train" "$T/resume.txt"'
check "the old runs.csv was upgraded in place, run_ids kept" 'grep -q "upgraded to the current columns" "$T/resume.txt" && head -1 "$T/old/tiny/runs.csv" | grep -q ",beta1,beta2,eps," && [ "$(tail -n +2 "$T/old/tiny/runs.csv" | cut -d, -f1 | sort | tr "\n" " ")" = "$ids_before" ]'
check "resuming over runs without provenance is warned about" 'grep -q "have no provenance" "$T/resume.txt"'

# an old directory with a torn last line (a crash mid-write) is upgraded and resumed too
mkdir -p "$T/torn" && cp -r "$OLD" "$T/torn/" && printf '0123456789abcdef,ok,base,1,"48",re' >> "$T/torn/tiny/runs.csv"
$SWEEP run -j 2 --out "$T/torn" $EXP 2> "$T/torn.txt"; rc=$?
check "an old directory with a torn line resumes" '[ $rc = 0 ] && grep -q "8 already done, 0 to train" "$T/torn.txt" && [ "$(rows "$T/torn/tiny/runs.csv")" = 8 ]'

# a runs.csv with a column this build does not know (a newer sweep's) is never rewritten
mkdir -p "$T/newer/tiny" && sed '1s/,l2,/,l2,future,/; 2,$s/,adam,0.001,constant,0.9,0,/,adam,0.001,constant,0.9,0,7,/' "$T/old/tiny/runs.csv" > "$T/newer/tiny/runs.csv"
cp "$T/newer/tiny/runs.csv" "$T/newer.orig"
$SWEEP run -j 2 --out "$T/newer" $EXP 2> "$T/newer.txt"; rc=$?
check "a newer runs.csv is left as it is, the mismatch named" '[ $rc != 0 ] && cmp -s "$T/newer.orig" "$T/newer/tiny/runs.csv" && grep -q "header column 16 is .future." "$T/newer.txt"'

# growing the grid: progress counts the whole sweep, and a dry run estimates the time
$SWEEP run --dry-run --set dropout=0,0.5,0.2 --out "$T/old" $EXP > "$T/dry2.txt"
check "dry run estimates the time" 'grep -q "^estimated time: .* s on 2 threads (.*calibrated on the stored runs)" "$T/dry2.txt"'
$SWEEP run -j 1 --set dropout=0,0.5,0.2 --out "$T/old" $EXP 2> "$T/grow.txt"
check "progress after a resume reads [9/12] .. [12/12]" 'grep -q "^\[9/12\] ok" "$T/grow.txt" && grep -q "^\[12/12\] ok" "$T/grow.txt"'
check "best is a configuration's mean" 'grep -q "best mean val acc [0-9.]* ([0-9] runs\?): " "$T/grow.txt"'

# sweep ls
$SWEEP ls "$T/old/tiny" > "$T/ls.txt"; rc=$?
check "ls says which kernels trained the runs" 'grep -q "^kernels: unknown (before provenance) (8 runs); .* (4 runs): their bits may differ$" "$T/ls.txt"'
check "ls lists 6 configurations and the best" '[ $rc = 0 ] && grep -q "12 runs in 6 configurations\|12 of 12 declared runs done (experiment.ini: 6 configurations)" "$T/ls.txt" && grep -q "^best by mean val_acc: hidden=" "$T/ls.txt" && [ "$(grep -c "^ *[0-9]" "$T/ls.txt")" = 6 ]'
$SWEEP ls --where dropout=0.50 --format csv "$T/old/tiny" > "$T/ls.csv"
check "ls --where is numeric-aware, --format csv" '[ "$(rows "$T/ls.csv")" = 2 ] && head -1 "$T/ls.csv" | grep -q "^hidden,dropout,done,declared,ok,diverged,pruned,val_acc,test_acc,seconds$"'
$SWEEP ls --top 1 --format json "$T/old/tiny" > "$T/ls.json"
check "ls --top 1 --format json" '[ "$(grep -c "\"done\": 2" "$T/ls.json")" = 1 ] && python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$T/ls.json"'
cp $EXP "$T/old/tiny/experiment.ini"; sed -i 's/seeds = 1-2/seeds = 1-3/' "$T/old/tiny/experiment.ini"
$SWEEP ls "$T/old/tiny" > "$T/ls2.txt"
check "ls counts against the stored declaration" 'grep -q "8 of 12 declared runs done" "$T/ls2.txt" && grep -q "4 runs in .* are not in its experiment.ini" "$T/ls2.txt"'
rm "$T/old/tiny/experiment.ini"
$SWEEP ls --where nosuch=1 "$T/old/tiny" 2> "$T/e"; rc=$?
check "ls --where on an unknown column exits 2" '[ $rc = 2 ] && grep -q "no column .nosuch." "$T/e"'

$SWEEP ls "$T/old" > "$T/root.txt"; rc=$?
check "ls of a results root: one line per experiment" '[ $rc = 0 ] && grep -q "^tiny  *12  *6  *12  *0  *0  *hidden=.* val_acc  *0\.[0-9]*$" "$T/root.txt"'

# sweep compare: the old 8-run set against the grown one; a subset gated
$SWEEP compare "$OLD" "$T/old/tiny" > "$T/cmp.txt" 2> "$T/cmp.err"; rc=$?
check "compare: 4 in common, 2 only in B, paired by seed" '[ $rc = 0 ] && grep -q "4 configurations in common, 0 only in A, 2 only in B" "$T/cmp.txt" && grep -q "paired on 2 seeds" "$T/cmp.txt" && grep -q " B  *test_acc" "$T/cmp.txt"'
$SWEEP compare --gate 0 -m test_acc "$OLD" "$T/old/tiny" > "$T/gate.txt" 2> "$T/cmp.err"; rc=$?
check "compare --gate passes identical runs" '[ $rc = 0 ] && grep -q "^PASS: 0 of 4" "$T/gate.txt"'
F=tests/fixtures/check
$SWEEP compare -m test_acc --gate 0.01 $F/base.csv $F/consistent_drop.csv > "$T/g1.txt" 2>&1; rc=$?
check "compare --gate fails a consistent drop" '[ $rc = 1 ] && grep -q "WORSE" "$T/g1.txt" && grep -q "^FAIL: 1 of 2" "$T/g1.txt"'
$SWEEP compare -m test_acc --gate 0.01 $F/base.csv $F/noisy_drop.csv > "$T/g2.txt" 2>&1; rc=$?
check "compare --gate passes a drop within the noise" '[ $rc = 0 ] && grep -q "^PASS" "$T/g2.txt"'
$SWEEP compare -m epochs_run --gate 1 $F/base.csv $F/base.csv > /dev/null 2> "$T/g3.txt"; rc=$?
check "compare --gate on a column without direction asks for one" '[ $rc = 2 ] && grep -q "give --direction" "$T/g3.txt"'
$SWEEP check --baseline "$T/old/tiny/runs.csv" "$OLD" > /dev/null 2> "$T/chk.err"; rc=$?
check "check of a subset against a larger baseline fails without --common-only" '[ $rc = 2 ]'
$SWEEP check --common-only --baseline "$T/old/tiny/runs.csv" "$OLD" > "$T/chk.txt" 2> "$T/chk.err"; rc=$?
check "check --common-only gates the subset" '[ $rc = 0 ] && grep -q "2 only in the baseline, 0 only in the results, not gated" "$T/chk.err"'
$SWEEP check --common-only --metric seconds --atol 100 --baseline "$T/old/tiny/runs.csv" "$OLD" > "$T/chk2.txt" 2>/dev/null; rc=$?
check "check gates seconds (lower is better)" '[ $rc = 0 ] && grep -q "lower is better" "$T/chk2.txt"'

# messages
$SWEEP run $EXP dropout=0.2 2> "$T/e"; rc=$?
check "a setting given as an argument hints at --set" '[ $rc = 2 ] && grep -q "use --set dropout=0.2\|override it with --set dropout=0.2" "$T/e"'
$SWEEP run --dry-run --set seed=9 $EXP 2> "$T/e"; rc=$?
check "seed in an experiment is explained, not a silent collapse" '[ $rc = 2 ] && grep -q "seeds" "$T/e"'
$SWEEP run --dry-run --set "dropout = 0.2" --out "$T/old" $EXP > "$T/e"; rc=$?
check "--set is trimmed like the file" '[ $rc = 0 ] && grep -q "4 runs" "$T/e"'
$SWEEP run --dry-run --set dropuot=0.2 $EXP 2> "$T/e"; rc=$?
check "unknown key: did you mean" '[ $rc = 2 ] && grep -q "did you mean .dropout." "$T/e"'
printf '[sweep]\nname = nodata\nepochs = 1\n\ndata = %s/missing\n' "$T" > "$T/nodata.ini"
$SWEEP run --dry-run --out "$T" "$T/nodata.ini" 2> "$T/e"; rc=$?
check "a missing data directory fails at --dry-run with file:line" '[ $rc = 2 ] && grep -q "nodata.ini:5: data: .*missing. does not exist" "$T/e"'

# provenance: runs trained with other BLAS kernels are warned about when resumed into
if command -v python3 > /dev/null; then
    $SWEEP run -q -j 2 --set epochs=1 --set seeds=1 --out "$T/p" $EXP
    SWEEP_NATIVE_BLAS=1 $SWEEP run -j 2 --set epochs=1 --set seeds=1-2 --out "$T/p" $EXP 2> "$T/prov.txt"
    core() { python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(r[int(sys.argv[2])]['blas_core'])" "$T/p/tiny/runs.csv" "$1"; }
    a=$(core 0); b=$(core -1)
    if [ "$a" != "$b" ]; then
        check "resuming with other kernels ($a, then $b) is warned about" 'grep -q "trained with other kernels" "$T/prov.txt"'
    else
        ok "provenance: this CPU's native kernels are the pinned ones ($a): nothing to warn about"
    fi
fi

echo "everyday: $passes passed, $fails failed"
[ $fails = 0 ]
