#!/bin/sh
# Checkpoints inside runs: kill -9 `sweep run` after a run wrote a checkpoint, resume, and compare runs.csv and
# curves.csv (timing columns aside) byte for byte with an uninterrupted sweep; checkpoints are gone once the
# rows are stored; a corrupt checkpoint is refused with a message and the run restarts from scratch.
set -u
cd "$(dirname "$0")/../.."
SWEEP=${SWEEP:-./sweep}
T=$(mktemp -d /tmp/sweep-ckpt.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh
. tests/lib/canon.sh
ckpts() { ls "$1" 2>/dev/null | grep -v '\.tmp$' | grep -c .; }
EXP=tests/integration/ckpt.ini

$SWEEP run -q -j 1 --out "$T/ref" $EXP; rc=$?
check "uninterrupted sweep exits 0" '[ $rc = 0 ] && [ "$(rows "$T/ref/ckpt/runs.csv")" = 2 ]'
check "checkpoints off by default for short runs: none left" '[ "$(ckpts "$T/ref/ckpt/.checkpoints")" = 0 ]'

# kill -9 once the first run has a checkpoint and no row
$SWEEP run -q -j 1 --checkpoint-every 0 --out "$T/k" $EXP & pid=$!
i=0; while [ $i -lt 1200 ] && [ "$(ckpts "$T/k/ckpt/.checkpoints")" = 0 ]; do sleep 0.02; i=$((i+1)); done
sleep 0.3
kill -9 $pid; wait $pid 2>/dev/null
n_ck=$(ckpts "$T/k/ckpt/.checkpoints")
check "killed mid-run with a checkpoint on disk ($n_ck) and not every row ($(rows "$T/k/ckpt/runs.csv"))" \
    '[ "$n_ck" -ge 1 ] && [ "$(rows "$T/k/ckpt/runs.csv")" -lt 2 ]'
cp -r "$T/k" "$T/bad"

$SWEEP run -q -j 1 --checkpoint-every 0 --out "$T/k" $EXP 2> "$T/resume.err"; rc=$?
check "resume exits 0, silently" '[ $rc = 0 ] && [ ! -s "$T/resume.err" ]'
check "resumed runs.csv = uninterrupted (timing aside)" \
    'canon_runs "$T/ref/ckpt/runs.csv" > "$T/r1"; canon_runs "$T/k/ckpt/runs.csv" > "$T/r2"; cmp "$T/r1" "$T/r2"'
check "resumed curves.csv = uninterrupted (timing aside)" \
    'canon_curves "$T/ref/ckpt/curves.csv" > "$T/c1"; canon_curves "$T/k/ckpt/curves.csv" > "$T/c2"; cmp "$T/c1" "$T/c2"'
check "checkpoints removed once the rows are stored" '[ "$(ckpts "$T/k/ckpt/.checkpoints")" = 0 ]'

# a corrupt checkpoint: refused with a message naming it, the run retrained from scratch, same bits
for f in "$T/bad/ckpt/.checkpoints/"*; do printf 'garbage' | dd of="$f" bs=1 seek=100 conv=notrunc 2>/dev/null; done
$SWEEP run -q -j 1 --out "$T/bad" $EXP 2> "$T/bad.err"; rc=$?
check "corrupt checkpoint refused with a clear message" \
    '[ $rc = 0 ] && grep -q "checkpoint refused, training from scratch: .*corrupt" "$T/bad.err"'
check "after a refused checkpoint the rows are still the uninterrupted ones" \
    'canon_runs "$T/bad/ckpt/runs.csv" > "$T/r3"; cmp "$T/r1" "$T/r3" && canon_curves "$T/bad/ckpt/curves.csv" > "$T/c3"; cmp "$T/c1" "$T/c3"'

$SWEEP run --out "$T/x" --checkpoint-every -1 $EXP 2> "$T/err.txt"; rc=$?
check "bad --checkpoint-every: exit 2" '[ $rc = 2 ] && grep -q "checkpoint-every" "$T/err.txt"'

echo "ckpt: $passes passed, $fails failed"
[ $fails = 0 ]
