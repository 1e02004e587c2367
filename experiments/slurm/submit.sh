#!/bin/sh
# Submit a sweep to Slurm: N shards as one job array (at most T tasks at once), then the merge as a job that
# runs when every task has succeeded. Prints the two job ids.
#   experiments/slurm/submit.sh EXP.ini N [T] [sweep run options: --out DIR, --set K=V]
# Extra sbatch options for both jobs (partition, account, --cpus-per-task, --time) go in SWEEP_SBATCH_ARGS, e.g.
#   SWEEP_SBATCH_ARGS="--partition=long --cpus-per-task=8" experiments/slurm/submit.sh experiments/x.ini 16 4
set -eu
here=$(dirname "$0")
EXP=${1:?usage: submit.sh EXP.ini N [T] [sweep run options]}
N=${2:?usage: submit.sh EXP.ini N [T] [sweep run options]}
T=${3:-$N}
shift 2; [ $# -gt 0 ] && shift
SWEEP=${SWEEP:-./sweep}
range=$("$SWEEP" run --dry-run --shards "$N" "$@" "$EXP")          # 0-(N-1), or fewer when runs < N
dir=$("$SWEEP" run --dry-run "$@" "$EXP" | sed -n 's/.*; results in //p' | tail -n 1)
# shellcheck disable=SC2086 # SWEEP_SBATCH_ARGS is a list of options
array=$(sbatch --parsable ${SWEEP_SBATCH_ARGS:-} --array="$range%$T" "$here/sweep-array.sbatch" "$N" "$EXP" "$@")
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SWEEP_SBATCH_ARGS:-} --dependency="afterok:${array%%;*}" "$here/sweep-merge.sbatch" "$dir")
echo "array ${array%%;*} (shards $range of $N, $T at once), merge $merge into $dir"
