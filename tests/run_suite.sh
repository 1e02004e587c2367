#!/bin/sh
# Run one test suite with its whole output captured in $TEST_LOGS/SUITE.log (default build/test-logs), so the
# expected error messages of negative tests stay out of the terminal. Prints one line "SUITE: N passed,
# N failed"; when the suite fails, the log follows it. Exit status: the suite's (1 if it printed failures).
# The counts come from Criterion's synthesis line, a JUnit file (--junit FILE), the suite's own
# "NAME: N passed, N failed" line, or else its "ok"/"FAIL" lines.
# usage: run_suite.sh [--junit FILE] SUITE COMMAND [ARG...]
set -u
junit=""
if [ "$1" = "--junit" ]; then junit=$2; shift 2; fi
suite=$1; shift
dir=${TEST_LOGS:-build/test-logs}
mkdir -p "$dir"
log="$dir/$suite.log"
"$@" > "$log" 2>&1; rc=$?

counts=""
synth=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep 'Synthesis: Tested:' | tail -n 1)
if [ -n "$synth" ]; then
    # Criterion: "Tested: 172 | Passing: 158 | Failing: 14 | Crashing: 14" (a crash is also a failure)
    counts=$(echo "$synth" | sed -n 's/.*Passing: \([0-9]*\) | Failing: \([0-9]*\) | Crashing: \([0-9]*\).*/\1 \2 \3/p' |
             awk '{ print $1, $2 }')
elif [ -n "$junit" ] && [ -f "$junit" ]; then
    counts=$(sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)" failures="\([0-9]*\)" errors="\([0-9]*\)".*/\1 \2 \3/p' \
             "$junit" | head -n 1 | awk '{ print $1 - $2 - $3, $2 + $3 }')
else
    counts=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 |
             sed 's/^[^:]*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/')
    [ -n "$counts" ] || counts="$(grep -c '^ok ' "$log") $(grep -c '^FAIL ' "$log")"
fi
set -- $counts
passed=${1:-0}; failed=${2:-0}
if [ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$passed" != 0 ]; then
    echo "$suite: $passed passed, 0 failed"
    exit 0
fi
skip=$(grep -m 1 '^skipped' "$log")
if [ "$rc" = 0 ] && [ "$passed" = 0 ] && [ "$failed" = 0 ] && [ -n "$skip" ]; then   # a suite that skips itself
    echo "$suite: $skip"
    exit 0
fi
if [ "$rc" = 0 ] && [ "$passed" = 0 ] && [ "$failed" = 0 ]; then   # e.g. a suite that skips itself
    echo "$suite: 0 passed, 0 failed (no check ran; $log says why)"
    exit 0
fi
[ "$rc" = 0 ] && rc=1
echo "$suite: $passed passed, $failed failed (exit status $rc); its output ($log):"
sed 's/^/    /' "$log"
exit "$rc"
