#!/bin/sh
# Shards on a real (one-node) Slurm: a 4-task array throttled to 2 at a time and the merge as a dependent job
# equal a -j 1 run; a task cancelled mid-run and resubmitted; the node set down mid-run, then back up, and the
# failed indices resubmitted. Needs root and Debian's slurm-wlm and munge; without them it prints one
# "skipped" line. The cluster lives in a temporary directory and is stopped by its PID files.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. tests/slurm/cluster.sh
T=$(mktemp -d /tmp/sweep-slurm.XXXXXX)
if ! slurm_available; then
    echo "skipped: test-slurm: $SLURM_SKIP"
    rm -rf "$T"; exit 0
fi
trap 'slurm_stop "$T/cluster"; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
if ! slurm_start "$T/cluster"; then
    echo "FAIL test-slurm: the one-node cluster did not start: $SLURM_SKIP"
    exit 1
fi
. tests/lib/check.sh
. tests/lib/canon.sh
same_as_ref() {
    canon_runs "$1/runs.csv" > "$T/cr" && canon_curves "$1/curves.csv" > "$T/cc" &&
        cmp -s "$T/cr" "$T/ref_runs" && cmp -s "$T/cc" "$T/ref_curves" && [ ! -e "$1/shards" ]
}
# wait until none of the jobs is pending or running (at most 180 s); $T/running gets how many were running at
# each look (the throttle check reads it: scontrol can lose a finished task's times under load)
wait_jobs() {
    i=0; : > "$T/running"
    while [ $i -lt 900 ]; do
        q=$(squeue -h -j "$(echo "$@" | tr ' ' ,)" -o '%i %t' 2> /dev/null)
        [ -n "$q" ] || break
        echo "$q" | grep -c ' R$' >> "$T/running"
        sleep 0.2; i=$((i + 1))
    done
}
state() { scontrol show job "$1" 2> /dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
wait_rows() {   # FILE N: until FILE has N rows (at most 60 s)
    i=0; while [ $i -lt 600 ] && [ "$(rows "$1")" -lt "$2" ]; do sleep 0.1; i=$((i + 1)); done
}
EXP=tests/integration/tiny.ini
SET="--set epochs=10"
export SWEEP="$ROOT/sweep"
SB="sbatch --parsable --chdir=$ROOT --cpus-per-task=1 --output=$T/slurm-%A_%a.out"

./sweep run -q -j 1 --out "$T/ref" $SET $EXP
canon_runs "$T/ref/tiny/runs.csv" > "$T/ref_runs"; canon_curves "$T/ref/tiny/curves.csv" > "$T/ref_curves"

# 1. the submit script: a 4-task array, 2 at a time, then the merge job (afterok)
start=$(date +%s.%N)
SWEEP_SBATCH_ARGS="--cpus-per-task=1 --output=$T/slurm-%j.out" \
    experiments/slurm/submit.sh $EXP 4 2 --out "$T/a" $SET > "$T/submit.txt" 2>&1
array=$(sed -n 's/^array \([0-9]*\).*/\1/p' "$T/submit.txt"); merge=$(sed -n 's/.*, merge \([0-9]*\) into.*/\1/p' "$T/submit.txt")
check "submit.sh: array and merge job ($(cat "$T/submit.txt"))" '[ -n "$array" ] && [ -n "$merge" ]'
check "the array is throttled to 2 tasks" 'scontrol show job "$array" | grep -q "ArrayTaskThrottle=2"'
wait_jobs "$array" "$merge"
echo "     array of 4 + merge: $(echo "$(date +%s.%N) - $start" | bc) s"
for k in 0 1 2 3; do
    scontrol show job "${array}_$k" | tr ' ' '\n' | sed -n 's/^\(StartTime\|EndTime\)=//p' | xargs -n 2 echo
done | while read -r a b; do echo "$(date -d "$a" +%s) $(date -d "$b" +%s)"; done > "$T/spans"
most=$(awk '{ s[NR] = $1; e[NR] = $2 } END { for (i = 1; i <= NR; i++) { n = 0; for (j = 1; j <= NR; j++) n += s[j] <= s[i] && s[i] < e[j]; m = n > m ? n : m } print m + 0 }' "$T/spans")
seen=$(sort -n "$T/running" | tail -n 1)
[ "${seen:-0}" -gt "$most" ] && most=$seen
check "at most 2 tasks at once ($most at most; 2 when the machine is idle enough for them to overlap)" '[ "$most" -ge 1 ] && [ "$most" -le 2 ]'
check "4 tasks and the merge completed" '[ "$(state "${array}_3")" = COMPLETED ] && [ "$(state "$merge")" = COMPLETED ]'
check "array + merge equals -j 1 (timing aside)" 'same_as_ref "$T/a/tiny"'

# 2. a task cancelled mid-run, then its index resubmitted: no duplicate, no loss
D="$T/c/tiny"
array=$($SB --array=0-1 experiments/slurm/sweep-array.sbatch 2 $EXP --out "$T/c" $SET)
wait_rows "$D/shards/0-of-2/runs.csv" 1
scancel "${array}_0"
wait_jobs "$array"
n0=$(rows "$D/shards/0-of-2/runs.csv")
check "task 0 cancelled mid-run ($n0 of its 4 runs done), task 1 completed" \
    '[ "$(state "${array}_0")" = CANCELLED ] && [ "$n0" -lt 4 ] && [ "$(state "${array}_1")" = COMPLETED ]'
again=$($SB --array=0 experiments/slurm/sweep-array.sbatch 2 $EXP --out "$T/c" $SET)
merge=$($SB --dependency=afterok:$again experiments/slurm/sweep-merge.sbatch "$D")
wait_jobs "$again" "$merge"
check "resubmitted index 0 and merge: equals -j 1, no duplicate" '[ "$(state "$merge")" = COMPLETED ] && same_as_ref "$D"'

# 3. the node goes down mid-run (its tasks are killed), comes back; the failed indices are resubmitted
D="$T/n/tiny"
node=$(hostname -s)
array=$($SB --no-requeue --array=0-1 experiments/slurm/sweep-array.sbatch 2 $EXP --out "$T/n" $SET)
wait_rows "$D/shards/0-of-2/runs.csv" 1
# the proof that it went down is the tasks' NODE_FAIL; sinfo may already show it idle again (ReturnToService=2
# returns it when slurmd next registers, which under load can come before the first look: CI saw "idle")
scontrol update nodename="$node" state=down reason=sweep-test && down=set || down="not set"
wait_jobs "$array"
s0=$(state "${array}_0"); s1=$(state "${array}_1")
# back up: 'resume', unless ReturnToService=2 already returned it when slurmd next registered
sinfo -h -n "$node" -o %T | grep -q idle || scontrol update nodename="$node" state=resume
i=0; while [ $i -lt 100 ] && ! sinfo -h -n "$node" -o %T | grep -q idle; do sleep 0.2; i=$((i + 1)); done
failed=""
for k in 0 1; do [ "$(state "${array}_$k")" = COMPLETED ] || failed="$failed${failed:+,}$k"; done
check "node down ($down): running tasks failed ($s0 $s1), node back up" \
    '[ "$down" = set ] && [ -n "$failed" ] && echo "$s0 $s1" | grep -q NODE_FAIL && sinfo -h -n "$node" -o %T | grep -q idle'
again=$($SB --array="$failed" experiments/slurm/sweep-array.sbatch 2 $EXP --out "$T/n" $SET)
merge=$($SB --dependency=afterok:$again experiments/slurm/sweep-merge.sbatch "$D")
wait_jobs "$again" "$merge"
check "failed indices ($failed) resubmitted, merged: equals -j 1" '[ "$(state "$merge")" = COMPLETED ] && same_as_ref "$D"'

# 4. TERM to the batch script (what --signal=B:TERM@N sends before the time limit): sweep stops cleanly and,
#    the limit being near (a margin larger than the job's whole time makes it so), the task requeues itself
#    and resumes
D="$T/r/tiny"
array=$($SB --export=ALL,SWEEP_SIGNAL_MARGIN=999999 --array=0-1 experiments/slurm/sweep-array.sbatch 2 $EXP --out "$T/r" $SET)
wait_rows "$D/shards/0-of-2/runs.csv" 1
scancel --signal=TERM --batch "${array}_0"
wait_jobs "$array"
restarts=$(scontrol show job "${array}_0" | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
check "TERM near the time limit: task 0 requeued itself ($restarts restart) and completed" \
    '[ "$restarts" = 1 ] && [ "$(state "${array}_0")" = COMPLETED ] && grep -q "requeueing" "$T"/slurm-"${array}"_0.out'
./sweep merge -q "$D"
check "requeued shard resumed: equals -j 1" 'same_as_ref "$D"'

echo "slurm: $passes passed, $fails failed"
[ $fails = 0 ]
