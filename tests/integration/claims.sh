#!/bin/sh
# Declarations end to end: a user's sweep with a declared claim gets its verdict; the declaration travels
# with the results (DIR/experiment.ini, --set recorded); renaming the directory changes nothing in the
# report; bad declarations fail with file:line and exit 2, touching nothing stored.
set -u
cd "$(dirname "$0")/../.."
SWEEP=${SWEEP:-./sweep}
T=$(mktemp -d /tmp/sweep-claims.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh
EXP=tests/integration/user_sweep.ini
D="$T/out/my_rates"

$SWEEP run -q -j 2 --out "$T/out" $EXP; rc=$?
check "user sweep runs" '[ $rc = 0 ] && [ -s "$D/runs.csv" ]'
check "experiment.ini stored beside runs.csv, as the file was run" 'cmp -s "$D/experiment.ini" $EXP'
$SWEEP report "$D" > "$T/rep.out" 2>&1; rc=$?
check "report of the user sweep" '[ $rc = 0 ] && [ -s "$D/report.md" ]'
check "the declared claim has a verdict" 'grep -Eq "^\*\*Verdict on \"dropout costs accuracy at every batch size\": (supported|contradicted|inconclusive)\.\*\* Decision rule: " "$D/report.md"'
check "its comparisons are paired at each batch size" 'grep -q "| dropout=0.5, batch_size=16 | dropout=0, batch_size=16 |" "$D/report.md" && grep -q "| dropout=0.5, batch_size=64 | dropout=0, batch_size=64 |" "$D/report.md"'
check "the verdict is in the summary" 'grep -q "| my_rates | dropout costs accuracy at every batch size |" "$D/report.md"'

# renaming or moving the directory changes nothing in its report
mkdir -p "$T/elsewhere" && cp -r "$D" "$T/elsewhere/renamed"
rm -f "$T/elsewhere/renamed/report.md"
$SWEEP report --no-plots "$T/elsewhere/renamed" > /dev/null 2>&1
$SWEEP report --no-plots -o "$T/orig" "$D" > /dev/null 2>&1
# (apart from the line that says where the results were read from)
check "a renamed results directory gives the same report" 'grep -v "^Results in " "$T/orig/report.md" > "$T/o.md"; grep -v "^Results in " "$T/elsewhere/renamed/report.md" > "$T/r.md"; cmp -s "$T/o.md" "$T/r.md" && ! grep -q renamed "$T/r.md"'

# --set is recorded: reloading the stored file gives the same grid
$SWEEP run -q --out "$T/out" --set seeds=1-2 $EXP 2> "$T/set.err"
check "a different grid is said, the old declaration kept" 'grep -q "note: .*experiment.ini described other runs" "$T/set.err" && ls "$D"/experiment.ini.bak-* > /dev/null 2>&1'
check "--set recorded as [set]" 'grep -q "^\[set\]" "$D/experiment.ini" && grep -q "^seeds = 1-2$" "$D/experiment.ini"'
$SWEEP run --dry-run --out "$T/out" "$D/experiment.ini" > "$T/dry.txt"
check "the stored file reproduces the grid" 'grep -q "my_rates: 8 runs, 8 done, 0 to train" "$T/dry.txt"'

# a file without a name: the stored declaration keeps the name the file's base name gave
grep -v '^name = ' $EXP > "$T/nameless.ini"
$SWEEP run -q --out "$T/out" --set seeds=1 --set epochs=1 "$T/nameless.ini"
check "a nameless file is stored with its name" 'grep -q "^name = nameless$" "$T/out/nameless/experiment.ini" && ./sweep run --dry-run --out "$T/out" "$T/out/nameless/experiment.ini" | grep -q "nameless: 4 runs, 4 done"'

# bad declarations: one line with file:line, exit 2, nothing stored touched
sum_before=$(cat "$D/runs.csv" "$D/experiment.ini" | cksum)
bad() {   # $1 name, $2 sed expression applied to the user sweep, $3 expected message (grep -E)
    want=$3
    sed "$2" $EXP > "$T/bad.ini"
    $SWEEP run -q --out "$T/out" "$T/bad.ini" > /dev/null 2> "$T/bad.err"; rc=$?
    check "bad declaration ($1): exit 2, one line naming file:line" \
        '[ $rc = 2 ] && [ "$(wc -l < "$T/bad.err")" = 1 ] && grep -Eq "^sweep run: $T/bad.ini:[0-9]+: $want" "$T/bad.err"'
}
bad "unknown metric" 's/^metric = test_acc/metric = accuracy/' "metric: unknown metric 'accuracy'"
bad "unknown column" 's/^compare = dropout>0/compare = droput>0/' "unknown column 'droput'"
bad "selector matching nothing" 's/^compare = dropout>0/compare = dropout>0.7/' "compare = dropout>0.7 matches no configuration in the grid"
bad "a configuration against itself" 's/^compare = dropout>0/compare = dropout>=0/' "\[claim dropout costs accuracy at every batch size\] compares a configuration with itself"
check "nothing stored was touched" '[ "$(cat "$D/runs.csv" "$D/experiment.ini" | cksum)" = "$sum_before" ]'

# at report time: a sweep under way (some of the stored grid's runs in) reports a claim whose configurations
# have not run as untested; a declaration that fits none of the runs is refused with file:line, exit 2
sed 's/^compare = dropout>0$/compare = dropout>0 \& batch_size>64/; s/^batch_size = 16, 64/batch_size = 16, 64, 256/' $EXP > "$D/experiment.ini"
$SWEEP report --no-plots -o "$T/partial" "$D" > /dev/null 2> "$T/rep.err"; rc=$?
check "report of a sweep under way: the claim is not tested yet" '[ $rc = 0 ] && grep -q "have not run yet" "$T/partial/report.md"'
sed 's/^compare = dropout>0$/compare = dropout>0 \& batch_size>64/; s/^batch_size = 16, 64/batch_size = 16, 64, 256/; s/^epochs = 3/epochs = 4/' $EXP > "$D/experiment.ini"
$SWEEP report --no-plots -o "$T/badrep" "$D" > /dev/null 2> "$T/rep.err"; rc=$?
check "report: a selector matching no run is exit 2 with file:line" '[ $rc = 2 ] && grep -q "experiment.ini:[0-9]*: compare = dropout>0 & batch_size>64 matches no configuration in the runs" "$T/rep.err" && [ ! -e "$T/badrep/report.md" ]'

# the tutorial is data: no experiment name, no variant name as a string literal, no claim or quote of
# experiments/ in the C code (names that are also setting names or values, such as a variant called l2 or
# none, are the schema's: settings.c may hold them)
settings=$($SWEEP run --help | sed -n 's/^  \([a-z_][a-z_0-9]*\) .*/\1/p')
src=$(ls harness/*.c harness/*.h | grep -v '^harness/settings\.c$')
leaks=""
for f in experiments/*.ini; do
    for n in $(sed -n 's/^name *= *\([^ ;]*\).*/\1/p' "$f"); do
        echo "$settings" | grep -qx "$n" && continue
        # as a string literal always; as a word when it is long enough not to be an ordinary identifier (ci)
        { grep -qF -- "\"$n\"" $src || { [ ${#n} -gt 3 ] && grep -qw -- "$n" $src; }; } && leaks="$leaks $n"
    done
    for n in $(sed -n 's/^\[variant \([^]]*\)\]/\1/p' "$f"); do
        grep -qF -- "\"$n\"" $src && leaks="$leaks \"$n\""
    done
    sed -n 's/^\[claim \(.*\)\]$/\1/p; s/^quote *= *\(.\{30\}\).*/\1/p' "$f" > "$T/claims.txt"
    while IFS= read -r q; do grep -qF -- "$q" $src && leaks="$leaks [$q]"; done < "$T/claims.txt"
done
check "no tutorial name or quote in harness/ (found:$leaks)" '[ -z "$leaks" ]'

echo "claims.sh: $passes passed, $fails failed"
[ $fails = 0 ]
