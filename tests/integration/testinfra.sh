#!/bin/sh
# The test machinery itself: tests/run_suite.sh prints one "N passed, N failed" line per suite and keeps the
# suite's output (expected error messages included) in its log unless the suite fails; make test-asan and
# make fuzz say "skipped" in one line where clang is missing.
set -u
cd "$(dirname "$0")/../.."
T=$(mktemp -d /tmp/sweep-infra.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh
export TEST_LOGS="$T/logs"

sh tests/run_suite.sh good sh -c 'echo "ok   a"; echo "error: expected by a negative test" >&2; echo "ok   b";
                                   echo "good: 2 passed, 0 failed"' > "$T/out" 2>&1; rc=$?
check "a passing suite prints one line" '[ $rc = 0 ] && [ "$(cat "$T/out")" = "good: 2 passed, 0 failed" ]'
check "its output stays in the log" 'grep -q "expected by a negative test" "$T/logs/good.log"'

sh tests/run_suite.sh bad sh -c 'echo "ok   a"; echo "FAIL b"; echo "bad: 1 passed, 1 failed"; exit 1' > "$T/out" 2>&1
rc=$?
check "a failing suite fails and shows its log" '[ $rc = 1 ] && head -n 1 "$T/out" | grep -q "^bad: 1 passed, 1 failed" &&
                                                 grep -q "^    FAIL b" "$T/out"'
sh tests/run_suite.sh quiet sh -c 'echo "FAIL x"' > "$T/out" 2>&1; rc=$?
check "a FAIL line fails a suite that exits 0" '[ $rc != 0 ] && head -n 1 "$T/out" | grep -q "^quiet: 0 passed, 1 failed"'
printf '[====] Synthesis: Tested: 5 | Passing: 4 | Failing: 1 | Crashing: 1 \n' > "$T/synth"
sh tests/run_suite.sh crit sh -c "cat '$T/synth'; exit 1" > "$T/out" 2>&1; rc=$?
check "Criterion's synthesis is counted (a crash is a failure)" '[ $rc = 1 ] && head -n 1 "$T/out" | grep -q "^crit: 4 passed, 1 failed"'

CC_ASAN=no-such-clang sh tests/asan.sh > "$T/out" 2>&1; rc=$?
check "test-asan without clang: one skipped line" '[ $rc = 0 ] && [ "$(wc -l < "$T/out")" = 1 ] && grep -q "^test-asan: skipped" "$T/out"'
CC_FUZZ=no-such-clang sh tests/fuzz/run.sh 1 > "$T/out" 2>&1; rc=$?
check "fuzz without clang: one skipped line" '[ $rc = 0 ] && [ "$(wc -l < "$T/out")" = 1 ] && grep -q "^fuzz: skipped" "$T/out"'

echo "testinfra: $passes passed, $fails failed"
[ $fails = 0 ]
