#!/bin/sh
# sweep run end to end: dry run, determinism across -j, kill -9 and resume, concurrent processes,
# a torn last line, --fresh, a diverged run, bad experiment files. Every check fails the script.
set -u
cd "$(dirname "$0")/../.."
SWEEP=${SWEEP:-./sweep}   # the binary under test (make test-asan passes build-asan/sweep)
T=$(mktemp -d /tmp/sweep-it.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh
. tests/lib/canon.sh
EXP=tests/integration/tiny.ini

# dry run lists every run and trains nothing
$SWEEP run --dry-run --out "$T/a" $EXP > "$T/dry.txt"
check "dry run lists 8 runs" '[ "$(grep -c pending "$T/dry.txt")" = 8 ]'
check "dry run writes nothing" '[ ! -e "$T/a/tiny/runs.csv" ]'

# -j 1 and -j 2 give identical rows apart from timing and order
$SWEEP run -q -j 1 --out "$T/a" $EXP; rc1=$?
$SWEEP run -q -j 2 --out "$T/b" $EXP; rc2=$?
check "sweeps exit 0" '[ $rc1 = 0 ] && [ $rc2 = 0 ]'
check "one row per run" '[ "$(rows "$T/a/tiny/runs.csv")" = 8 ]'
check "-j 1 and -j 2 runs.csv identical" 'canon_runs "$T/a/tiny/runs.csv" > "$T/r1"; canon_runs "$T/b/tiny/runs.csv" > "$T/r2"; cmp -s "$T/r1" "$T/r2"'
check "-j 1 and -j 2 curves.csv identical" 'canon_curves "$T/a/tiny/curves.csv" > "$T/c1"; canon_curves "$T/b/tiny/curves.csv" > "$T/c2"; cmp -s "$T/c1" "$T/c2"'
check "curves has runs x epochs rows" '[ "$(rows "$T/a/tiny/curves.csv")" = 24 ]'

# the report of a sweep the report does not know by name: the generic table
$SWEEP report -o "$T/rep" "$T/a/tiny" > /dev/null 2> "$T/rep.err"; rc=$?
check "report of a generic sweep" '[ $rc = 0 ] && grep -q "dropout" "$T/rep/report.md" && [ -s "$T/rep/report.html" ]'

# a rerun resumes: nothing trained, nothing duplicated
$SWEEP run -j 2 --out "$T/a" $EXP 2> "$T/resume.txt"
check "rerun trains nothing" 'grep -q "8 already done, 0 to train" "$T/resume.txt" && [ "$(rows "$T/a/tiny/runs.csv")" = 8 ]'

# adding a value to an axis reuses every finished run
$SWEEP run -q -j 2 --out "$T/a" --set dropout=0,0.5,0.2 $EXP 2> /dev/null
$SWEEP run -j 2 --out "$T/a" --set dropout=0,0.5,0.2 $EXP 2> "$T/grow.txt"
check "grown axis keeps old runs" '[ "$(rows "$T/a/tiny/runs.csv")" = 12 ] && grep -q "12 already done" "$T/grow.txt"'

# kill -9 in the middle, then resume: exactly one row per run, no torn lines
$SWEEP run -q -j 2 --out "$T/k" --set epochs=6 $EXP & pid=$!
i=0; while [ $i -lt 600 ] && [ "$(rows "$T/k/tiny/runs.csv")" -lt 2 ]; do sleep 0.05; i=$((i+1)); done
kill -9 $pid; wait $pid 2>/dev/null
before=$(rows "$T/k/tiny/runs.csv")
check "killed sweep left some but not all runs ($before)" '[ "$before" -ge 1 ] && [ "$before" -lt 8 ]'
$SWEEP run -q -j 2 --out "$T/k" --set epochs=6 $EXP
check "resumed sweep has one row per run" '[ "$(rows "$T/k/tiny/runs.csv")" = 8 ] && [ "$(tail -n +2 "$T/k/tiny/runs.csv" | cut -d, -f1 | sort -u | wc -l)" = 8 ]'
check "resumed curves have no duplicates" '[ "$(rows "$T/k/tiny/curves.csv")" = 48 ] && [ "$(tail -n +2 "$T/k/tiny/curves.csv" | cut -d, -f1,2 | sort -u | wc -l)" = 48 ]'

# Ctrl-C: finished runs kept, the resume command printed, non-zero exit
$SWEEP run -j 1 --out "$T/i" --set epochs=6 $EXP 2> "$T/int.txt" & pid=$!
i=0; while [ $i -lt 600 ] && [ "$(rows "$T/i/tiny/runs.csv")" -lt 1 ]; do sleep 0.05; i=$((i+1)); done
kill -INT $pid; wait $pid; rc=$?
check "Ctrl-C exits non-zero and prints how to resume" '[ $rc != 0 ] && grep -q "interrupted: [1-7] of 8 runs" "$T/int.txt" && grep -qF "resume with: $SWEEP run" "$T/int.txt"'

# two processes on one directory: exactly one row per run
$SWEEP run -q -j 1 --out "$T/c" $EXP & p1=$!
$SWEEP run -q -j 1 --out "$T/c" $EXP & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
check "concurrent sweeps exit 0" '[ $r1 = 0 ] && [ $r2 = 0 ]'
check "concurrent sweeps: one row per run" '[ "$(rows "$T/c/tiny/runs.csv")" = 8 ] && [ "$(tail -n +2 "$T/c/tiny/runs.csv" | cut -d, -f1 | sort -u | wc -l)" = 8 ]'
check "concurrent sweeps: one curve row per run and epoch" '[ "$(tail -n +2 "$T/c/tiny/curves.csv" | cut -d, -f1,2 | sort -u | wc -l)" = 24 ] && [ "$(rows "$T/c/tiny/curves.csv")" = 24 ]'

# a torn last line (a crash mid-write) is repaired and its run redone
head -n 8 "$T/a/tiny/runs.csv" > "$T/torn.csv"
tail -n 1 "$T/b/tiny/runs.csv" | cut -c1-40 | tr -d '\n' >> "$T/torn.csv"
mkdir -p "$T/t/tiny"; cp "$T/torn.csv" "$T/t/tiny/runs.csv"; cp "$T/a/tiny/curves.csv" "$T/t/tiny/curves.csv"
$SWEEP run -q -j 2 --out "$T/t" $EXP
check "torn line repaired" '[ "$(rows "$T/t/tiny/runs.csv")" = 8 ] && ! grep -v -q "^[0-9a-f]\{16\},\|^run_id" "$T/t/tiny/runs.csv"'

# --fresh starts over and keeps a backup
$SWEEP run -q -j 2 --out "$T/b" --fresh $EXP
check "--fresh keeps a backup" 'ls "$T/b/tiny/" | grep -q "runs.csv.bak" && [ "$(rows "$T/b/tiny/runs.csv")" = 8 ]'

# a diverged run is recorded and the sweep goes on
$SWEEP run -q -j 2 --out "$T/d" --set lr=1000000 --set hidden=256,256,256,256 --set dropout=0 --set seeds=1 $EXP; rc=$?
check "diverged run recorded, sweep exit 0" '[ $rc = 0 ] && grep -q ",diverged," "$T/d/tiny/runs.csv"'

# bad experiment files: one line with file:line, exit 2, nothing written
printf '[sweep]\nname = bad\ndropout = 0.2, 1.5\n' > "$T/bad.ini"
$SWEEP run --out "$T/x" "$T/bad.ini" 2> "$T/err.txt"; rc=$?
check "bad value: exit 2, file:line" '[ $rc = 2 ] && grep -q "bad.ini:3: dropout: 1.5 is out of range" "$T/err.txt" && [ "$(wc -l < "$T/err.txt")" = 1 ] && [ ! -e "$T/x" ]'
printf '[sweep]\n[variants a]\nx = 1\n' > "$T/bad2.ini"
$SWEEP run --out "$T/x" "$T/bad2.ini" 2> "$T/err.txt"; rc=$?
check "unknown section: exit 2, file:line" '[ $rc = 2 ] && grep -q "bad2.ini:2: unknown section \[variants a\]" "$T/err.txt"'
$SWEEP run --out "$T/x" --set nosuch=1 $EXP 2> "$T/err.txt"; rc=$?
check "bad --set: exit 2" '[ $rc = 2 ] && grep -q "unknown setting" "$T/err.txt"'
$SWEEP run --help | grep -q -- "--dry-run"; check "run --help" '[ $? = 0 ]'

echo "run: $passes passed, $fails failed"
[ $fails = 0 ]
