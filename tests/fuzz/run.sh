#!/bin/sh
# make fuzz: build the libFuzzer targets of tests/fuzz/ with clang (AddressSanitizer and UBSan, findings fatal)
# into build-fuzz/, and run each for SECONDS from its committed seed corpus (tests/fuzz/corpus/TARGET/) plus
# what earlier runs found (build-fuzz/corpus/TARGET/). One line per target; a crash prints its report and
# leaves the input in build-fuzz/crashes/TARGET/ (replay: build-fuzz/fuzz/TARGET FILE). Exit 1 on any crash.
# Without clang's libFuzzer it prints one "skipped" line and succeeds.
# FUZZ_KEEP_GOING=1 (a long campaign): a crash is recorded and fuzzing goes on (libFuzzer's fork mode, one
# worker), and the line gives the number of crashes.
# usage: tests/fuzz/run.sh SECONDS [TARGET...]   (default: every tests/fuzz/fuzz_*.c)
set -u
cd "$(dirname "$0")/../.."
secs=${1:-60}; shift
targets=${*:-$(ls tests/fuzz/fuzz_*.c | sed 's|.*/||; s|\.c$||' | grep -v '^fuzz_common$')}
CC_FUZZ=${CC_FUZZ:-clang}
SAN="-fsanitize=address,undefined,pointer-overflow,float-cast-overflow -fno-sanitize-recover=all"
B=build-fuzz

probe=$(mktemp -d /tmp/sweep-fuzz.XXXXXX)
trap 'rm -rf "$probe"' EXIT
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
    > "$probe/p.c"
if ! command -v "$CC_FUZZ" > /dev/null 2>&1 ||
   ! "$CC_FUZZ" -fsanitize=fuzzer,address -fopenmp -o "$probe/p" "$probe/p.c" > /dev/null 2>&1; then
    echo "fuzz: skipped ($CC_FUZZ with -fsanitize=fuzzer not available; sh .ci/install-deps --all installs clang," \
         "libclang-rt-14-dev, libomp-14-dev)"
    exit 0
fi

bins=""
for t in $targets; do bins="$bins $B/fuzz/$t"; done
make -s -j"$(nproc)" BUILD=$B CC="$CC_FUZZ" CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $SAN" \
    LDFLAGS="-fsanitize=fuzzer $SAN" $bins > "$probe/build.log" 2>&1 || { cat "$probe/build.log"; exit 1; }

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
crashed=0
for t in $targets; do
    mkdir -p "$B/corpus/$t" "$B/crashes/$t" "$B/logs"
    log=$B/logs/$t.log
    # -close_fd_mask=3: the readers' own error lines would flood the log; sanitizer reports still get through.
    keep=""
    [ "${FUZZ_KEEP_GOING:-0}" = 1 ] && keep="-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1"
    "$B/fuzz/$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1 \
        $keep -artifact_prefix="$B/crashes/$t/" "$B/corpus/$t" "tests/fuzz/corpus/$t" > "$log" 2>&1; rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
    if [ -n "$keep" ]; then   # fork mode: "#N: cov: C ft: F corp: K exec/s E oom/timeout/crash: O/T/X time: S"
        execs=$(echo "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
        echo "$t: ${execs:-?} execs in ${secs}s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}," \
             "oom/timeout/crash $(echo "$last" | sed -n 's|.*oom/timeout/crash: \([0-9/]*\).*|\1|p')," \
             "inputs in $B/crashes/$t/"
    elif [ "$rc" = 0 ]; then
        echo "$t: ${execs:-?} execs in ${secs}s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, 0 crashes"
    else
        crashed=$((crashed + 1))
        echo "$t: CRASH after ${execs:-?} execs (exit status $rc); input in $B/crashes/$t/; report:"
        grep -v '^#[0-9]' "$log" | tail -n 60 | sed 's/^/    /'
    fi
done
[ $crashed = 0 ]
