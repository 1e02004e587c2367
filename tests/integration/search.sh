#!/bin/sh
# Random search and successive halving / Hyperband end to end: the same samples and decisions under -j 1, -j 2
# and kill -9 + resume; sampling without replacement and its prefix property; pruned runs' curves are the first
# rows of the unpruned runs; bad search declarations exit 2 with file:line.
set -u
cd "$(dirname "$0")/../.."
SWEEP=${SWEEP:-./sweep}
T=$(mktemp -d /tmp/sweep-search.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh
. tests/lib/canon.sh
RND=tests/integration/search_random.ini
HV=tests/integration/search_halving.ini

# random search: samples listed by --dry-run, without replacement, prefix property, -j independent
$SWEEP run --dry-run --out "$T/r" $RND > "$T/dry6.txt"
check "dry run lists 6 samples x 2 seeds" '[ "$(grep -c pending "$T/dry6.txt")" = 12 ]'
check "the 6 samples are distinct configurations" \
    '[ "$(grep pending "$T/dry6.txt" | sed "s/.*seed=[0-9]* //" | sort -u | wc -l)" = 6 ]'
$SWEEP run --dry-run --out "$T/r" --set seeds=1 $RND > "$T/dry6s.txt"
sed 's/samples = 6/samples = 8/' $RND > "$T/r8.ini"
$SWEEP run --dry-run --out "$T/r" --set seeds=1 "$T/r8.ini" > "$T/dry8.txt"
check "prefix: the 6 samples are the first 6 of 8" \
    '[ "$(grep pending "$T/dry8.txt" | head -6 | cut -d" " -f1)" = "$(grep pending "$T/dry6s.txt" | cut -d" " -f1)" ]'
check "8 samples fill the space of 8" '[ "$(grep pending "$T/dry8.txt" | sed "s/.*seed=[0-9]* //" | sort -u | wc -l)" = 8 ]'
sed 's/samples = 6/samples = 9/' $RND > "$T/r9.ini"
$SWEEP run --dry-run --out "$T/r" "$T/r9.ini" 2> "$T/err.txt"; rc=$?
check "more samples than the space: exit 2, says how many" \
    '[ $rc = 2 ] && grep -q "r9.ini:5: samples = 9, but the space holds 8 distinct configurations" "$T/err.txt"'
$SWEEP run -q -j 1 --out "$T/r1" $RND; a=$?
$SWEEP run -q -j 2 --out "$T/r2" $RND; b=$?
check "random search -j 1 = -j 2" '[ $a = 0 ] && [ $b = 0 ] && [ "$(rows "$T/r1/random/runs.csv")" = 12 ] &&
    canon_runs "$T/r1/random/runs.csv" > "$T/x1" && canon_runs "$T/r2/random/runs.csv" > "$T/x2" && cmp -s "$T/x1" "$T/x2"'

# halving: the same decisions and rows under -j 1 and -j 2
$SWEEP run --dry-run --out "$T/h" $HV > "$T/hdry.txt"
check "halving dry run shows the rungs" 'grep -q "rungs at epochs 1, 3, 9" "$T/hdry.txt"'
$SWEEP run -q -j 1 --out "$T/h1" $HV; a=$?
$SWEEP run -q -j 2 --out "$T/h2" $HV; b=$?
check "halving exits 0" '[ $a = 0 ] && [ $b = 0 ]'
check "halving -j 1 = -j 2: rungs.csv byte for byte" 'cmp "$T/h1/halving/rungs.csv" "$T/h2/halving/rungs.csv"'
check "halving -j 1 = -j 2: runs.csv and curves.csv" \
    'canon_runs "$T/h1/halving/runs.csv" > "$T/y1" && canon_runs "$T/h2/halving/runs.csv" > "$T/y2" && cmp -s "$T/y1" "$T/y2" &&
     canon_curves "$T/h1/halving/curves.csv" > "$T/z1" && canon_curves "$T/h2/halving/curves.csv" > "$T/z2" && cmp -s "$T/z1" "$T/z2"'
check "every run stored once; non-promoted ones pruned" \
    '[ "$(rows "$T/h1/halving/runs.csv")" = 10 ] && [ "$(grep -c ",pruned," "$T/h1/halving/runs.csv")" = 8 ]'
check "rung 0 promotes floor(5/3) = 1 configuration, the last rung promotes none" \
    '[ "$(grep -c "^halving,[0-9a-f]*,0,1,val_acc,[0-9.]*,[0-9]*,1," "$T/h1/halving/rungs.csv")" = 1 ] &&
     [ "$(grep -c "^halving,[0-9a-f]*,2,9,val_acc,[0-9.]*,1,," "$T/h1/halving/rungs.csv")" = 1 ]'
check "no checkpoint left" '[ -z "$(ls -A "$T/h1/halving/.checkpoints" 2>/dev/null)" ]'

# the prefix property: every curve row of the search equals the row of the unpruned (grid) run
grep -v -e "^search" -e "^min_epochs" -e "^eta" $HV > "$T/grid.ini"
$SWEEP run -q -j 2 --out "$T/g" "$T/grid.ini"
check "pruned curves are the first rows of the unpruned runs, bit for bit" \
    'canon_curves "$T/g/halving/curves.csv" > "$T/gc" && [ -z "$(comm -23 "$T/z1" "$T/gc")" ] && [ "$(wc -l < "$T/z1")" -ge 26 ]'

# kill -9 during the search, resume: the same decisions and rows
$SWEEP run -q -j 2 --checkpoint-every 0 --out "$T/k" $HV & pid=$!
i=0; while [ $i -lt 1000 ] && [ ! -f "$T/k/halving/rungs.csv" ]; do sleep 0.02; i=$((i+1)); done
sleep 0.2
kill -9 $pid; wait $pid 2>/dev/null
check "killed during the search, after a rung was decided" '[ -f "$T/k/halving/rungs.csv" ]'
$SWEEP run -q -j 1 --out "$T/k" $HV; rc=$?
check "resumed search: rungs.csv identical" '[ $rc = 0 ] && cmp "$T/h1/halving/rungs.csv" "$T/k/halving/rungs.csv"'
check "resumed search: runs.csv and curves.csv identical" \
    'canon_runs "$T/k/halving/runs.csv" > "$T/k1" && cmp -s "$T/y1" "$T/k1" && canon_curves "$T/k/halving/curves.csv" > "$T/k2" && cmp -s "$T/z1" "$T/k2"'

# --fresh starts the search over: rungs.csv kept as a backup, checkpoints gone, the same decisions again
$SWEEP run -q -j 2 --fresh --out "$T/k" $HV; rc=$?
check "--fresh search: backup of rungs.csv, same decisions" \
    '[ $rc = 0 ] && ls "$T/k/halving/" | grep -q "rungs.csv.bak-" && cmp "$T/h1/halving/rungs.csv" "$T/k/halving/rungs.csv"'

# hyperband: -j 1 = -j 2
sed 's/search = halving/search = hyperband/' $HV > "$T/hb.ini"
$SWEEP run -q -j 1 --out "$T/b1" "$T/hb.ini"; a=$?
$SWEEP run -q -j 2 --out "$T/b2" "$T/hb.ini"; b=$?
check "hyperband -j 1 = -j 2 (rungs.csv, runs.csv)" '[ $a = 0 ] && [ $b = 0 ] && cmp "$T/b1/halving/rungs.csv" "$T/b2/halving/rungs.csv" &&
    canon_runs "$T/b1/halving/runs.csv" > "$T/b1r" && canon_runs "$T/b2/halving/runs.csv" > "$T/b2r" && cmp -s "$T/b1r" "$T/b2r"'
check "hyperband has 3 brackets" '[ "$(cut -d, -f1 "$T/b1/halving/rungs.csv" | sort -u | grep -c bracket)" = 3 ]'

# bad declarations: exit 2, file:line, nothing written
bad() { # name, file body, expected message
    name=$1; want="$1.ini:$3"
    printf "$2" > "$T/$name.ini"
    $SWEEP run --out "$T/bad" "$T/$name.ini" 2> "$T/$name.err"; rc=$?
    check "$name: exit 2 with file:line" '[ $rc = 2 ] && grep -q "$want" "$T/$name.err" && [ "$(wc -l < "$T/$name.err")" = 1 ] && [ ! -e "$T/bad" ]'
}
bad test_metric '[sweep]\nsearch = halving\nmin_epochs = 1\nmetric = test_acc\n' '4: metric'
bad no_samples '[sweep]\ndropout = uniform(0, 0.5)\n' '2: dropout: a distribution needs samples'
bad no_min '[sweep]\nsearch = halving\ndropout = 0, 0.5\n' '2: search = halving needs min_epochs'
bad bad_dist '[sweep]\nsearch = random\nsamples = 2\nlr = loguniform(0, 1)\n' '4: lr: loguniform'
bad bad_kind '[sweep]\nsearch = bayes\n' '2: search:'
bad epochs_axis '[sweep]\nsearch = halving\nmin_epochs = 1\nepochs = 3, 9\n' '2: search = halving: epochs'
bad in_variant '[sweep]\n[variant a]\nsamples = 3\n' "3: 'samples' belongs in"

# pruned runs stay out of claims: the committed halving search pruned every rate above 0.5 at epoch 1, so a claim
# on them has nothing to test (counting the pruned rows, their epoch-1 accuracy would make it "supported"); the
# report shows the rung ladder
mkdir -p "$T/pc" && cp -r results/halving_rates "$T/pc/"
printf '\n[claim strong dropout hurts]\nquote = p > 0.5 hurts.\nmetric = val_acc\ncompare = dropout>0.5\nagainst = dropout=0\ndirection = less\n' >> "$T/pc/halving_rates/experiment.ini"
$SWEEP report -o "$T/pc/out" "$T/pc/halving_rates" > /dev/null 2>&1; rc=$?
check "pruned runs are kept out of claims (3 comparisons not tested, inconclusive)" \
    '[ $rc = 0 ] && grep -q "Verdict on \"strong dropout hurts\": inconclusive.*3 not tested" "$T/pc/out/report.md"'
check "the report of a search has its section and the rung ladder plot" \
    'grep -q "^### Search: successive halving" "$T/pc/out/report.md" && [ -s "$T/pc/out/halving_rates_ladder.png" ]'

echo "search: $passes passed, $fails failed"
[ $fails = 0 ]
