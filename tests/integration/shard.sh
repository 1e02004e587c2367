#!/bin/sh
# Shards without a scheduler: --shard K/N processes at once, then sweep merge, equal to a -j 1 run; kill -9 of a
# shard and of merge at each of its steps; conflicting duplicates; --shard auto from Slurm's variables.
set -u
cd "$(dirname "$0")/../.."
SWEEP=${SWEEP:-./sweep}
T=$(mktemp -d /tmp/sweep-shard.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
. tests/lib/check.sh
# rows without the timing columns (runs: the last two; curves: the third), sorted
. tests/lib/canon.sh
same_as_ref() {   # DIR: runs.csv and curves.csv equal the -j 1 reference, timing aside, no shard files left
    canon_runs "$1/runs.csv" > "$T/cr" && canon_curves "$1/curves.csv" > "$T/cc" &&
        cmp -s "$T/cr" "$T/ref_runs" && cmp -s "$T/cc" "$T/ref_curves" && [ ! -e "$1/shards" ]
}
# every run_id of every results file of DIR, once each
ids_anywhere() { cat "$1/runs.csv" "$1"/shards/*/runs.csv 2>/dev/null | grep -v '^run_id' | cut -d, -f1 | sort -u | wc -l; }
EXP=tests/integration/tiny.ini

$SWEEP run -q -j 1 --out "$T/ref" $EXP
canon_runs "$T/ref/tiny/runs.csv" > "$T/ref_runs"; canon_curves "$T/ref/tiny/curves.csv" > "$T/ref_curves"

# the partition: every run in exactly one shard, the array range capped at the number of runs
for k in 0 1 2; do $SWEEP run --dry-run --shard $k/3 --out "$T/p" $EXP | grep -E '^[0-9a-f]{16} ' | cut -c1-16; done | sort > "$T/part"
check "the 3 shards list every run once" '[ "$(wc -l < "$T/part")" = 8 ] && [ "$(sort -u "$T/part" | wc -l)" = 8 ]'
check "--dry-run --shards 4 prints 0-3, --shards 20 on 8 runs 0-7" \
    '[ "$($SWEEP run --dry-run --shards 4 $EXP)" = 0-3 ] && [ "$($SWEEP run --dry-run --shards 20 $EXP)" = 0-7 ]'
SLURM_ARRAY_TASK_ID=6 SLURM_ARRAY_TASK_MIN=5 SLURM_ARRAY_TASK_COUNT=3 $SWEEP run --dry-run --shard auto --out "$T/p" $EXP | grep -v "^memory:" > "$T/auto1"
$SWEEP run --dry-run --shard 1/3 --out "$T/p" $EXP | grep -v "^memory:" > "$T/k1"
SLURM_PROCID=1 SLURM_NTASKS=3 $SWEEP run --dry-run --shard auto --out "$T/p" $EXP | grep -v "^memory:" > "$T/auto2"
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=1 $SWEEP run --dry-run --shard auto/3 --out "$T/p" $EXP | grep -v "^memory:" > "$T/auto3"
check "--shard auto: array task and srun task, auto/N: the same shard as 1/3" \
    'cmp -s "$T/auto1" "$T/k1" && cmp -s "$T/auto2" "$T/k1" && cmp -s "$T/auto3" "$T/k1" && grep -q "shard 1 of 3" "$T/k1"'
env -u SLURM_ARRAY_TASK_ID -u SLURM_PROCID $SWEEP run --dry-run --shard auto $EXP 2> "$T/err"; rc=$?
$SWEEP run --dry-run --shard 3/3 $EXP 2>> "$T/err"; rc2=$?
check "--shard auto outside Slurm, --shard 3/3: exit 2, one line each" '[ $rc = 2 ] && [ $rc2 = 2 ] && [ "$(wc -l < "$T/err")" = 2 ]'

# three shards at once, then merge: the -j 1 rows, byte for byte apart from timing
D="$T/a/tiny"
for k in 0 1 2; do $SWEEP run -q -j 1 --shard $k/3 --out "$T/a" $EXP & done; wait
check "each shard wrote only its own files" '[ ! -e "$D/runs.csv" ] && [ "$(ls "$D/shards" | tr "\n" " ")" = "0-of-3 1-of-3 2-of-3 " ]'
$SWEEP run -j 2 --out "$T/a" $EXP 2> "$T/resume"
check "plain resume before merge reads the shards: trains nothing" 'grep -q "8 already done, 0 to train" "$T/resume"'
$SWEEP run --dry-run --out "$T/a" $EXP > "$T/dry"
check "--dry-run counts runs done in shards" 'grep -q "8 runs, 8 done, 0 to train" "$T/dry"'
$SWEEP merge -q "$D"; rc=$?
check "merge of 3 shards equals -j 1 (timing aside)" '[ $rc = 0 ] && same_as_ref "$D"'
cp "$D/runs.csv" "$T/m1"; $SWEEP merge -q "$D"; rc=$?
check "merge again changes nothing" '[ $rc = 0 ] && cmp -s "$D/runs.csv" "$T/m1"'

# kill -9 of one shard mid-run, resume it: no loss, no duplicate
D="$T/k/tiny"
$SWEEP run -q -j 1 --shard 1/2 --out "$T/k" $EXP &
$SWEEP run -q -j 1 --shard 0/2 --out "$T/k" $EXP & pid=$!
i=0; while [ $i -lt 600 ] && [ "$(rows "$D/shards/0-of-2/runs.csv")" -lt 1 ]; do sleep 0.05; i=$((i+1)); done
kill -9 $pid; wait
before=$(rows "$D/shards/0-of-2/runs.csv")
check "killed shard left some of its 4 runs ($before)" '[ "$before" -ge 1 ] && [ "$before" -lt 4 ]'
$SWEEP run -q -j 2 --shard 0/2 --out "$T/k" $EXP
$SWEEP merge -q "$D"; rc=$?
check "killed shard resumed, merged: equals -j 1" '[ $rc = 0 ] && same_as_ref "$D"'

# a conflicting duplicate: merge names both rows, exits 2 and changes nothing
D="$T/c/tiny"
for k in 0 1; do $SWEEP run -q -j 2 --shard $k/2 --out "$T/c" $EXP; done
# bump FILE COLUMN DELTA: FILE's first row with DELTA added to COLUMN (found by name), as a CSV line
bump() { python3 -c 'import csv, io, sys
rows = list(csv.reader(open(sys.argv[1])))
j = rows[0].index(sys.argv[2])
rows[1][j] = repr(float(rows[1][j]) + float(sys.argv[3]))
out = io.StringIO(); csv.writer(out, lineterminator="\n").writerow(rows[1]); sys.stdout.write(out.getvalue())' "$@"; }
line=$(sed -n 2p "$D/shards/0-of-2/runs.csv")
bump "$D/shards/0-of-2/runs.csv" train_loss 0.125 >> "$D/shards/1-of-2/runs.csv"
# (the directory's .lock, which merge creates to exclude a concurrent 'sweep run', holds no data)
(cd "$D" && find . -type f ! -name .lock | sort | xargs md5sum) > "$T/before"
$SWEEP merge "$D" 2> "$T/err"; rc=$?
(cd "$D" && find . -type f ! -name .lock | sort | xargs md5sum) > "$T/after"
check "conflicting duplicate: exit 2, names both rows" \
    '[ $rc = 2 ] && grep -q "shards/0-of-2/runs.csv:2 and .*shards/1-of-2/runs.csv:[0-9]*: run $(echo "$line" | cut -d, -f1) has two different rows" "$T/err"'
check "conflicting duplicate: nothing changed" 'cmp -s "$T/before" "$T/after"'
bump "$D/shards/0-of-2/runs.csv" seconds 7 > "$T/dup"
sed -i '$d' "$D/shards/1-of-2/runs.csv"; cat "$T/dup" >> "$D/shards/1-of-2/runs.csv"
$SWEEP merge -q "$D"; rc=$?
check "a duplicate differing only in timing is one run" '[ $rc = 0 ] && same_as_ref "$D"'

# merge while a shard is still training (its claim held): what is finished is merged, the shard left in place
D="$T/l/tiny"
$SWEEP run -q -j 1 --shard 0/1 --out "$T/l" $EXP & pid=$!
i=0; while [ $i -lt 600 ] && [ "$(rows "$D/shards/0-of-1/runs.csv")" -lt 1 ]; do sleep 0.05; i=$((i+1)); done
sleep 0.1; kill -STOP $pid
$SWEEP merge "$D" 2> "$T/live"; rc=$?
n=$(rows "$D/runs.csv")
kill -CONT $pid; wait $pid
check "merge beside a live shard: $n runs merged, the shard left in place" \
    '[ $rc = 0 ] && [ "$n" -ge 1 ] && [ -d "$D/shards/0-of-1" ] && grep -q "left in place" "$T/live"'
$SWEEP merge -q "$D"; rc=$?
check "merge after the shard finished: equals -j 1" '[ $rc = 0 ] && same_as_ref "$D"'

# merge killed at each step, then rerun: the same result; in between, nothing lost or doubled for a reader
for point in written curves runs shard; do
    D="$T/m-$point/tiny"
    for k in 0 1 2; do $SWEEP run -q -j 2 --shard $k/3 --out "$T/m-$point" $EXP; done
    SWEEP_MERGE_CRASH_AT=$point $SWEEP merge -q "$D" 2> /dev/null; rc=$?
    n=$(ids_anywhere "$D")
    $SWEEP run -j 2 --out "$T/m-$point" $EXP 2> "$T/resume"; rc2=$?
    $SWEEP merge -q "$D"; rc3=$?
    check "merge killed after '$point' ($rc): 8 runs still there, resume trains none, rerun completes" \
        '[ $rc = 137 ] && [ "$n" = 8 ] && [ $rc2 = 0 ] && grep -q "8 already done, 0 to train" "$T/resume" && [ $rc3 = 0 ] && same_as_ref "$D"'
done

$SWEEP merge --help | grep -q "dependency=afterok"; check "merge --help" '[ $? = 0 ]'
$SWEEP merge "$T/nonesuch" 2> "$T/err"; rc=$?
check "merge of a missing directory: exit 2" '[ $rc = 2 ] && [ "$(wc -l < "$T/err")" = 1 ]'

# shards trained with other BLAS kernels (another CPU family): merge says so, and still merges
D="$T/pv/tiny"
for k in 0 1; do $SWEEP run -q -j 2 --shard $k/2 --out "$T/pv" $EXP; done
python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
j = rows[0].index("blas_core")
for r in rows[1:]: r[j] = "SkylakeX"
csv.writer(open(sys.argv[1], "w"), lineterminator="\n").writerows(rows)' "$D/shards/1-of-2/runs.csv"
$SWEEP merge -q "$D" 2> "$T/err"; rc=$?
check "merge of shards with other kernels warns, names both, merges" \
    '[ $rc = 0 ] && grep -q "warning: .* 4 of 8 runs were trained with other kernels .*SkylakeX" "$T/err" && [ "$(rows "$D/runs.csv")" = 8 ]'

echo "shard: $passes passed, $fails failed"
[ $fails = 0 ]
