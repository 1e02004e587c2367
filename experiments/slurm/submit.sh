#!/bin/sh
# Submit a sweep to Slurm: N shards as one job array (at most T tasks at once), then the merge as a job that
# runs when every task has succeeded. Prints the two job ids.
#   experiments/slurm/submit.sh EXP.ini N [T] [sweep run options: --out DIR, --set K=V]
# Extra sbatch options (partition, account, time, cpus) go in SBATCH_* environment variables or the scripts.
set -eu
here=$(dirname "$0")
EXP=${1:?usage: submit.sh EXP.ini N [T] [sweep run options]}
N=${2:?usage: submit.sh EXP.ini N [T] [sweep run options]}
T=${3:-$N}
shift 2; [ $# -gt 0 ] && shift
SWEEP=${SWEEP:-./sweep}
range=$("$SWEEP" run --dry-run --shards "$N" "$@" "$EXP")          # 0-(N-1), or fewer when runs < N
dir=$("$SWEEP" run --dry-run "$@" "$EXP" | tail -n 1 | sed 's/.*; results in //')
array=$(sbatch --parsable --array="$range%$T" "$here/sweep-array.sbatch" "$N" "$EXP" "$@")
merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" "$here/sweep-merge.sbatch" "$dir")
echo "array ${array%%;*} (shards $range of $N, $T at once), merge $merge into $dir"
