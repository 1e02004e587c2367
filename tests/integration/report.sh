#!/bin/sh
# sweep report on results no C code knows by name: a user's dropout x batch_size sweep gets the axis plots,
# a heat map, learning curves, the reference comparison and the best configuration on validation accuracy;
# renaming a results directory changes nothing but the name; a partial sweep says how many runs are in;
# two result sets with one name are told apart. Every check fails the script.
set -u
cd "$(dirname "$0")/../.."
SWEEP=${SWEEP:-./sweep}
T=$(mktemp -d /tmp/sweep-report-it.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh

$SWEEP run -q -j 2 --out "$T/res" tests/integration/report_user.ini; rc=$?
check "user sweep runs" '[ $rc = 0 ] && [ "$(tail -n +2 "$T/res/my_study/runs.csv" | grep -c .)" = 12 ]'

$SWEEP report -o "$T/rep" "$T/res/my_study" > "$T/rep.out" 2> "$T/rep.err"; rc=$?
check "report exits 0 and says where it wrote" '[ $rc = 0 ] && grep -q "wrote $T/rep/report.md and $T/rep/report.html" "$T/rep.out"'
for img in my_study_acc_vs_dropout my_study_gap_vs_dropout my_study_acc_vs_batch_size my_study_gap_vs_batch_size \
           my_study_heatmap_dropout_batch_size my_study_auto_curves_acc my_study_auto_curves_loss; do
    check "plot $img (png, svg, in the report)" '[ -s "$T/rep/$img.png" ] && [ -s "$T/rep/$img.svg" ] && grep -q "($img.png)" "$T/rep/report.md"'
done
check "heat map drawn as cells, not an image" '! grep -q "<image" "$T/rep/my_study_heatmap_dropout_batch_size.svg"'
check "reference comparison, paired by seed" 'grep -q "### Against the reference (dropout=0, batch_size=32)" "$T/rep/report.md" && grep -q "paired" "$T/rep/report.md"'
check "best configuration chosen on validation accuracy" 'grep -q "Best configuration, chosen on validation accuracy" "$T/rep/report.md"'
check "every configuration with runs done of expected" '[ "$(grep -c "| 3 of 3 |" "$T/rep/report.md")" = 4 ]'
check "html has contents and anchors" 'grep -q "<nav id=\"contents\">" "$T/rep/report.html" && grep -q "<h2 id=" "$T/rep/report.html"'

# renamed: the same report, its name aside
cp -r "$T/res/my_study" "$T/res/their_study"
$SWEEP report -o "$T/rep2" "$T/res/their_study" > /dev/null 2>&1
check "renamed results give the same report" 'sed "s/their_study/my_study/g" "$T/rep2/report.md" | cmp -s - "$T/rep/report.md"'

# the report fixtures under a new name: the same report (the name and title come from the stored
# experiment.ini, so only the directory's path may differ)
for d in tests/fixtures/report/*/; do
    n=$(basename "$d")
    mkdir -p "$T/fx/orig" "$T/fx/renamed"
    cp -r "$d" "$T/fx/orig/$n"; cp -r "$d" "$T/fx/renamed/user_$n"
    $SWEEP report --no-plots -o "$T/fx/o_$n" "$T/fx/orig/$n" > /dev/null 2>&1
    $SWEEP report --no-plots -o "$T/fx/r_$n" "$T/fx/renamed/user_$n" > /dev/null 2>&1
    sed "s|$T/fx/orig/$n|DIR|g" "$T/fx/o_$n/report.md" > "$T/fx/a"
    sed "s|$T/fx/renamed/user_$n|DIR|g" "$T/fx/r_$n/report.md" > "$T/fx/b"
    check "fixture $n renamed: same report" '[ -s "$T/fx/a" ] && cmp -s "$T/fx/a" "$T/fx/b"'
done

# sharded results (DIR/shards/K-of-N/, no top-level runs.csv), one run in both shards: the same report, and
# check reads them too
mkdir -p "$T/sh/my_study/shards/1-of-2" "$T/sh/my_study/shards/2-of-2"
for f in runs curves; do
    head -1 "$T/res/my_study/$f.csv" > "$T/sh/my_study/shards/1-of-2/$f.csv"
    head -1 "$T/res/my_study/$f.csv" > "$T/sh/my_study/shards/2-of-2/$f.csv"
done
tail -n +2 "$T/res/my_study/runs.csv" | awk -v d="$T/sh/my_study/shards" -F, \
    '{ print >> (d "/" (NR % 2 ? "1-of-2" : "2-of-2") "/runs.csv"); if (NR == 1) print >> (d "/2-of-2/runs.csv") }'
tail -n +2 "$T/res/my_study/curves.csv" > "$T/sh/curves.body"
while IFS=, read -r id rest; do
    s=$(grep -l "^$id," "$T"/sh/my_study/shards/*/runs.csv | head -1 | xargs dirname)
    echo "$id,$rest" >> "$s/curves.csv"
done < "$T/sh/curves.body"
$SWEEP report -o "$T/rep5" "$T/sh/my_study" > /dev/null 2>&1; rc=$?
check "sharded results give the same report" '[ $rc = 0 ] && sed "s|$T/sh/|$T/res/|g" "$T/rep5/report.md" | cmp -s - "$T/rep/report.md"'
$SWEEP check --baseline "$T/res/my_study/runs.csv" "$T/sh/my_study" > "$T/check.out" 2>&1; rc=$?
check "check reads sharded results" '[ $rc = 0 ] && grep -q "PASS" "$T/check.out" && grep -q "| 3/3 |" "$T/check.out"'
# a shard killed mid-write (a torn last line) is read without its torn line, as the store will repair it
s0=$(ls -d "$T"/sh/my_study/shards/* | head -1)
printf '0123456789abcdef,ok,base,1,"64",re' >> "$s0/runs.csv"
$SWEEP report -o "$T/rep6" "$T/sh/my_study" > /dev/null 2>&1; rc=$?
check "a torn last line in a shard: the same report" '[ $rc = 0 ] && sed "s|$T/sh/|$T/res/|g" "$T/rep6/report.md" | cmp -s - "$T/rep/report.md"'

# a partial sweep: one run missing
mkdir -p "$T/part"; cp -r "$T/res/my_study" "$T/part/"
sed -i '$d' "$T/part/my_study/runs.csv"
$SWEEP report --no-plots -o "$T/rep3" "$T/part/my_study" > /dev/null 2>&1
check "partial sweep says how many runs are in" 'grep -q "Partial sweep:\*\* 11 of 12 runs" "$T/rep3/report.md" && grep -q "| 2 of 3 |" "$T/rep3/report.md"'

# two result sets with one name: told apart by path, images not overwritten
mkdir -p "$T/b"; cp -r "$T/part/my_study" "$T/b/"
$SWEEP report -o "$T/rep4" "$T/res/my_study" "$T/b/my_study" > /dev/null 2>&1; rc=$?
check "same names told apart by path" '[ $rc = 0 ] && grep -q "^## my_study ($T/res/my_study)" "$T/rep4/report.md" && grep -q "^## my_study ($T/b/my_study)" "$T/rep4/report.md" && [ -s "$T/rep4/my_study_2_acc_vs_dropout.png" ]'
check "same names set side by side" 'grep -q "^### my_study (.*) and my_study (.*) side by side" "$T/rep4/report.md" && grep -q "^| dropout=[0-9.]*, batch_size=[0-9]* | 3 | .* | 2 | " "$T/rep4/report.md"'

# usage errors and bad input exit 2 with one line
$SWEEP report --bogus "$T/res/my_study" > /dev/null 2> "$T/e1"; r1=$?
$SWEEP report "$T/nothing-here" > /dev/null 2> "$T/e2"; r2=$?
check "usage error and missing results exit 2, one line" '[ $r1 = 2 ] && [ $r2 = 2 ] && [ "$(wc -l < "$T/e1")" = 1 ] && [ "$(wc -l < "$T/e2")" = 1 ]'

echo "report: $passes passed, $fails failed"
[ $fails = 0 ]
