#!/bin/sh
# make test-asan: the unit tests and the integration scripts against a clang build with AddressSanitizer and
# UndefinedBehaviorSanitizer (including pointer-overflow and float-cast-overflow, which gcc lacks), every
# finding fatal. Objects go to build-asan/, logs to build-asan/test-logs/. OpenMP is clang's libomp
# (libomp-14-dev). Integration scripts that take the binary from $SWEEP run against build-asan/sweep.
# Without clang (or its sanitizer runtimes) it prints one "skipped" line and succeeds.
set -u
cd "$(dirname "$0")/.."
SAN="-fsanitize=address,undefined,pointer-overflow,float-cast-overflow -fno-sanitize-recover=all"
CC_ASAN=${CC_ASAN:-clang}
B=build-asan

probe=$(mktemp -d /tmp/sweep-asan.XXXXXX)
trap 'rm -rf "$probe"' EXIT
printf '#include <omp.h>\nint main(void) { return omp_get_max_threads() < 1; }\n' > "$probe/p.c"
if ! command -v "$CC_ASAN" > /dev/null 2>&1 ||
   ! "$CC_ASAN" $SAN -fopenmp -o "$probe/p" "$probe/p.c" > /dev/null 2>&1 || ! "$probe/p"; then
    echo "test-asan: skipped ($CC_ASAN with -fsanitize=address,undefined and -fopenmp not available;" \
         "sh .ci/install-deps --all installs clang, libclang-rt-14-dev, libomp-14-dev)"
    exit 0
fi

# Leaks are reported too (LeakSanitizer; it cannot run under ptrace, so a test that uses strace or gdb must
# set ASAN_OPTIONS=detect_leaks=0 for that command). abort_on_error gives the core-dump exit status (134)
# rather than 1, which no test mistakes for a usage error.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export TEST_LOGS=$B/test-logs
JOBS=${JOBS:-$(nproc)}

echo "test-asan: building $B/ with $CC_ASAN $SAN"
make -s -j"$JOBS" BUILD=$B CC="$CC_ASAN" CFLAGS="-O1 -g -fno-omit-frame-pointer $SAN" LDFLAGS="$SAN" \
    $B/sweep $B/unit_tests > "$probe/build.log" 2>&1 || { cat "$probe/build.log"; exit 1; }

fails=0
sh tests/run_suite.sh unit-asan $B/unit_tests --jobs "$JOBS" || fails=$((fails + 1))
for t in tests/integration/*.sh; do
    name=$(basename "$t" .sh)-asan
    if grep -q 'SWEEP:-' "$t"; then
        SWEEP=$B/sweep sh tests/run_suite.sh "$name" sh "$t" || fails=$((fails + 1))
    else
        echo "$name: skipped (the script does not take the binary from \$SWEEP)"
    fi
done
[ $fails = 0 ] && echo "test-asan: every suite passed under ASan and UBSan (logs in $TEST_LOGS/)"
[ $fails = 0 ]
