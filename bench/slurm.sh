#!/bin/sh
# The overhead of the path through Slurm: bench/sweep16.ini (16 runs) as 4 array tasks (1 CPU each, so 2 at
# once on 2 cores, -j 1 inside each) plus the merge job on the one-node test cluster (tests/slurm/cluster.sh),
# from submission to the merge's end, against `sweep run -j 2` on the same machine and against the same 4
# shards run locally 2 at a time (which separates Slurm's own cost from that of 4 processes and data loads). Needs root, slurm-wlm and
# munge (prints "skipped" otherwise). Environment: SWEEP (default ./sweep), REPEAT (default 1).
# Every process runs in its own session (setsid), as Slurm's tasks do: with the kernel's autogroup scheduling
# each session is one scheduling group, so on a busy machine two tasks in two sessions get twice the CPU of two
# threads in one, which would credit Slurm with speed it does not have. The fair pair is "local 4 shards" vs
# "Slurm"; "-j 2" (one process, one group) is slower than both when other sessions compete for the cores.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
. tests/slurm/cluster.sh
export SWEEP="${SWEEP:-$ROOT/sweep}"
REPEAT=${REPEAT:-1}
T=$(mktemp -d /tmp/sweep-bench-slurm.XXXXXX)
if ! slurm_available; then echo "skipped: bench/slurm.sh: $SLURM_SKIP"; rm -rf "$T"; exit 0; fi
trap 'slurm_stop "$T/cluster"; rm -rf "$T"' EXIT
slurm_start "$T/cluster" || { echo "bench/slurm.sh: the cluster did not start: $SLURM_SKIP"; exit 1; }
now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
EXP=bench/sweep16.ini
local_j2() {
    t0=$(now_ns); setsid -w "$SWEEP" run -q -j 2 --out "$T/local$1" $EXP; t1=$(now_ns)
    echo "local -j 2:                 $(secs "$t0" "$t1") s"
}
# the same shape as the array without Slurm: 4 shard processes, 2 at a time, -j 1 each, then merge
local_shards() {
    t0=$(now_ns)
    printf '%s\n' 0 1 2 3 | xargs -P 2 -I K setsid -w "$SWEEP" run -q -j 1 --shard K/4 --out "$T/shards$1" $EXP
    "$SWEEP" merge -q "$T/shards$1/sweep16"; t1=$(now_ns)
    echo "local 4 shards, 2 at once:  $(secs "$t0" "$t1") s"
}
through_slurm() {
    t0=$(now_ns)
    out=$(SWEEP_SBATCH_ARGS="--cpus-per-task=1 --output=$T/slurm-%j.out" experiments/slurm/submit.sh $EXP 4 4 --out "$T/slurm$1")
    merge=$(echo "$out" | sed -n 's/.*, merge \([0-9]*\) into.*/\1/p')
    while [ -n "$(squeue -h -j "$merge" -o %i 2> /dev/null)" ]; do sleep 0.1; done
    t1=$(now_ns)
    n=$(tail -n +2 "$T/slurm$1/sweep16/runs.csv" | grep -c .)
    echo "Slurm 4 tasks + merge job:  $(secs "$t0" "$t1") s ($n runs merged)"
    # where the time went, from Slurm's own records (1 s resolution)
    array=$(echo "$out" | sed -n 's/^array \([0-9]*\).*/\1/p')
    for j in "${array}_0" "${array}_1" "${array}_2" "${array}_3" "$merge"; do
        scontrol show job "$j" | tr ' ' '\n' | sed -n 's/^\(StartTime\|EndTime\)=//p' | xargs -n 2 echo "$j"
    done | while read -r j a b; do
        echo "    $j: $(date -d "$a" +%T) to $(date -d "$b" +%T), $(( $(date -d "$b" +%s) - $(date -d "$a" +%s) )) s"
    done
}
# the order alternates, so that a machine getting busier or quieter does not favour one path
for r in $(seq "$REPEAT"); do
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ $((r % 2)) = 1 ]; then local_j2 "$r"; local_shards "$r"; through_slurm "$r"
    else through_slurm "$r"; local_shards "$r"; local_j2 "$r"; fi
done
