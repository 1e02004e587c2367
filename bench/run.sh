#!/bin/sh
# make bench: sweep's speed on this machine against the issue's targets, measured now, nothing assumed.
#   1. epoch time of the tutorial model (784-256-256-10, dropout 0.3, batch 64, Adam, 1 thread, 60,000
#      images), sweep vs PyTorch (bench/torch_mlp.py with Debian's python3-torch), and the ratio
#   2. the same for per-step-overhead shapes: hidden 32,32 at batch 64; the tutorial model at batch 16
#   3. wall time of a 16-run sweep (bench/sweep16.ini) at -j 1 and -j 2, and the speedup
#   4. time from process start to the end of the first training step (bench/startup.c)
#   5. peak RSS of the -j 2 sweep
#   6. GFLOP/s of the training step against cblas_sgemm on the same shapes (bench/step_gflops.c)
#   7. --dry-run of a 100,000-run grid (bench/grid.sh)
#   8. successive halving over the rate table's space (experiments/halving_rates.ini): % of the full grid's epochs
#   9. scale (#14): `sweep check` and `sweep report` on a synthetic 100,000-run results directory
#      (bench/gen_results.sh: 10,000 configurations x 10 seeds, 3 curve rows per run)
#  10. epoch time with OpenBLAS pinned to its Haswell kernels (sweep's default) against this CPU's native ones
# then a table of each figure, its target and whether it is met. Exits 1 if a measurement failed (an
# unmet target is a finding, not a failure). Installs nothing.
# Environment: SWEEP (binary, default ./sweep), BENCH_SCALE_ROWS (runs in 9, default 100000), CC/CFLAGS/LDLIBS (make passes its own), BENCH_EPOCHS
# (timed epochs per configuration, default 3), PYTHON (default /usr/bin/python3), GNU_TIME (default
# /usr/bin/time; when missing, bench/rusage.c is built and used instead).
set -u
cd "$(dirname "$0")/.."
SWEEP=${SWEEP:-./sweep}
CC=${CC:-cc}
CFLAGS=${CFLAGS:-"-O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -fopenmp -Imodels -Iharness -I/usr/include/x86_64-linux-gnu"}
LDLIBS=${LDLIBS:-"-lopenblas -lcsv -linih -lz -lm"}
EPOCHS=${BENCH_EPOCHS:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
GNU_TIME=${GNU_TIME:-/usr/bin/time}
T=$(mktemp -d /tmp/sweep-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
failed=0
: > "$T/summary"

say() { printf '%s\n' "$*"; }
err() { printf 'bench: %s\n' "$*" >&2; failed=1; }
now_ns() { date +%s%N; }
# seconds between two now_ns readings
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# median of the numbers on stdin, one a line
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.4f", m }'; }
# row NAME VALUE UNIT OP TARGET [WHY]: one summary line; VALUE empty: not measured, for reason WHY
row() {
    awk -v n="$1" -v v="$2" -v u="$3" -v op="$4" -v t="$5" -v why="${6:-not measured}" 'BEGIN {
        if (v == "") { printf "%-40s %12s   %-10s %s\n", n, "-", op " " t, why; exit }
        ok = op == "<=" ? v + 0 <= t + 0 : v + 0 >= t + 0
        printf "%-40s %12s   %-10s %s\n", n, v " " u, op " " t, ok ? "met" : "NOT met" }' >> "$T/summary"
}
# sweep_epoch NAME ARGS...: median of the per-epoch `seconds` of `sweep train`, full training set
sweep_epoch() {
    name=$1; shift
    if ! "$SWEEP" train -q --epochs "$EPOCHS" --val-size 0 --threads 1 "$@" > "$T/$name.csv"; then
        err "sweep train $* failed"; return 1
    fi
    tail -n +2 "$T/$name.csv" | cut -d, -f2 | median
}
# torch_epoch NAME ARGS...: median epoch time of bench/torch_mlp.py (after its warm-up epoch)
torch_epoch() {
    name=$1; shift
    if ! "$PYTHON" bench/torch_mlp.py --epochs "$EPOCHS" "$@" > "$T/$name.torch" 2> "$T/$name.torch.err"; then
        err "bench/torch_mlp.py $* failed:"; cat "$T/$name.torch.err" >&2; return 1
    fi
    sed -n 's/^torch_epoch_median_s=//p' "$T/$name.torch"
}

if [ ! -x "$SWEEP" ]; then
    echo "bench: no sweep binary at $SWEEP (run 'make sweep', or set SWEEP=path)" >&2
    exit 1
fi
set -- build/models/*.o
if [ ! -f "$1" ]; then
    echo "bench: no build/models/*.o (run 'make sweep' first)" >&2
    exit 1
fi
say "sweep bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $EPOCHS timed epochs per configuration"

have_torch=0
if [ -x "$PYTHON" ] && "$PYTHON" -c 'import torch, numpy' 2> /dev/null; then
    have_torch=1
    say "PyTorch $("$PYTHON" -c 'import torch; print(torch.__version__)') ($PYTHON)"
else
    say "PyTorch not installed (Debian package python3-torch): skipping the comparison"
fi

# 1 and 2: epoch time, sweep vs PyTorch
say ""
say "== 1, 2. epoch time on 60,000 images, one thread (median of $EPOCHS epochs)"
printf '%-32s %10s %10s %8s\n' "hidden, batch" sweep_s torch_s ratio
for spec in "256,256 b64 (tutorial)|256,256|64|1|0.6" "32,32 b64|32,32|64|2|0.25" "256,256 b16|256,256|16|2|0.25"; do
    IFS='|' read -r label hidden batch item target <<EOF
$spec
EOF
    key=$(printf '%s' "$hidden-$batch" | tr ',' '_')
    # (err in a $(...) subshell cannot set $failed here, hence the explicit failed=1)
    s=$(sweep_epoch "$key" --hidden "$hidden" --batch-size "$batch" --dropout 0.3) || { s=""; failed=1; }
    t=""; ratio=""
    if [ $have_torch = 1 ]; then
        t=$(torch_epoch "$key" --hidden "$hidden" --batch-size "$batch" --dropout 0.3) || { t=""; failed=1; }
        [ -n "$s" ] && [ -n "$t" ] && ratio=$(awk -v a="$s" -v b="$t" 'BEGIN { printf "%.3f", a / b }')
    fi
    printf '%-32s %10s %10s %8s\n' "$label" "${s:--}" "${t:--}" "${ratio:--}"
    why="not measured"; [ $have_torch = 1 ] || why="skipped: no PyTorch"
    row "($item) epoch sweep/PyTorch, ${label% (tutorial)}" "$ratio" "x" "<=" "$target" "$why"
done

# 3 and 5: the 16-run sweep at -j 1 and -j 2; the -j 2 run under GNU time for its peak RSS
say ""
say "== 3, 5. 16-run sweep (bench/sweep16.ini) into temporary directories"
rusage() { # rusage FILE CMD...: run CMD; "peak-RSS-kB user-s sys-s" of it and its children into FILE
    out=$1; shift
    if [ -x "$GNU_TIME" ]; then
        "$GNU_TIME" -f '%M %U %S' -o "$out" "$@"
    else
        [ -x "$T/rusage" ] || $CC $CFLAGS -o "$T/rusage" bench/rusage.c || return 1
        "$T/rusage" "$out" "$@"
    fi
}
wall1=""; wall2=""; speedup=""; rss=""; cores=""
a=$(now_ns)
if rusage "$T/rss1" "$SWEEP" run -q -j 1 --out "$T/j1" bench/sweep16.ini; then
    wall1=$(elapsed "$a" "$(now_ns)")
else
    err "sweep run -j 1 failed"
fi
a=$(now_ns)
if rusage "$T/rss" "$SWEEP" run -q -j 2 --out "$T/j2" bench/sweep16.ini; then
    wall2=$(elapsed "$a" "$(now_ns)")
    rss=$(awk 'NR == 1 { printf "%.0f", $1 / 1024 }' "$T/rss")
    # CPU time over wall time: how many cores the -j 2 sweep actually got (2 on an idle machine)
    cores=$(awk -v w="$wall2" 'NR == 1 { printf "%.2f", ($2 + $3) / w }' "$T/rss")
else
    err "sweep run -j 2 failed"
fi
for d in j1 j2; do
    n=$(tail -n +2 "$T/$d/sweep16/runs.csv" 2> /dev/null | grep -c .)
    [ "$n" = 16 ] || err "sweep run ($d) wrote $n of 16 runs"
done
[ -n "$wall1" ] && [ -n "$wall2" ] && speedup=$(awk -v a="$wall1" -v b="$wall2" 'BEGIN { printf "%.2f", a / b }')
say "-j 1: ${wall1:--} s   -j 2: ${wall2:--} s   speedup ${speedup:--}   peak RSS (-j 2) ${rss:--} MB"
if [ -n "$cores" ]; then
    say "the -j 2 sweep used ${cores} cores of CPU time per second of wall time; CPU time (user+sys)" \
        "$(awk '{ printf "%.2f", $2 + $3 }' "$T/rss1") s at -j 1, $(awk '{ printf "%.2f", $2 + $3 }' "$T/rss") s at -j 2"
    awk -v c="$cores" 'BEGIN { exit !(c < 1.8) }' &&
        say "warning: it got less than 1.8 cores, so other processes were running: the speedup says more about them than about sweep"
fi
row "(3) 16-run sweep, -j 2 speedup over -j 1" "$speedup" "x" ">=" 1.85

# 4: process start to the first training step
say ""
say "== 4. process start to the end of the first training step (full Fashion-MNIST from .gz)"
startup=""
if $CC $CFLAGS -o "$T/startup" bench/startup.c build/models/*.o $LDLIBS; then
    a=$(now_ns)
    if "$T/startup" > "$T/startup.out"; then
        startup=$(elapsed "$a" "$(now_ns)")
        inmain=$(sed -n 's/^first_step_s=//p' "$T/startup.out")
        say "whole process ${startup} s, of which in main(): data_load $(sed -n 's/^load_s=//p' "$T/startup.out") s," \
            "model ready $(sed -n 's/^model_s=//p' "$T/startup.out") s, batch gathered $(sed -n 's/^gather_s=//p' "$T/startup.out") s," \
            "first step done ${inmain} s; exec + dynamic linking + exit $(awk -v a="$startup" -v b="$inmain" 'BEGIN { printf "%.3f", a - b }') s"
    else
        err "bench/startup failed"
    fi
else
    err "could not build bench/startup.c"
fi
row "(4) process start to first step done" "$startup" "s" "<=" 0.5
row "(5) peak RSS, 16-run sweep at -j 2" "$rss" "MB" "<=" 300

# 6: GFLOP/s of the step against sgemm
say ""
say "== 6. training step vs cblas_sgemm on the same shapes (tutorial model, batch 64, one thread)"
ratio6=""
if $CC $CFLAGS -o "$T/step_gflops" bench/step_gflops.c build/models/*.o $LDLIBS; then
    if "$T/step_gflops" > "$T/gflops.out"; then
        g() { sed -n "s/^$1=//p" "$T/gflops.out"; }
        say "step $(g step_us) us = $(g step_gflops) GFLOP/s; its sgemm calls alone $(g sgemm_us) us = $(g sgemm_gflops) GFLOP/s;" \
            "$(g flops_per_step) FLOP per step"
        ratio6=$(awk -v r="$(g ratio)" 'BEGIN { printf "%.1f", 100 * r }')
    else
        err "bench/step_gflops failed"
    fi
else
    err "could not build bench/step_gflops.c"
fi
row "(6) step GFLOP/s, % of sgemm alone" "$ratio6" "%" ">=" 70

# 7: a 100,000-run grid through --dry-run
. bench/grid.sh

# 8: successive halving over the rate table's space: the fraction of the full grid's epochs it trains
say ""
say "== 8. successive halving (experiments/halving_rates.ini) against its full grid: epochs trained"
frac8=""
if "$SWEEP" run -q -j 2 --out "$T/halving" experiments/halving_rates.ini; then
    # epochs trained = epochs_run summed over runs.csv (pruned rows included); the grid trains every run to epochs
    frac8=$(tail -n +2 "$T/halving/halving_rates/runs.csv" | sed 's/"[^"]*"/x/g' |
            awk -F, -v h="$(head -1 "$T/halving/halving_rates/runs.csv")" 'BEGIN { n = split(h, c, ","); for (i = 1; i <= n; i++) { if (c[i] == "epochs_run") er = i; if (c[i] == "epochs") ep = i } }
                     { spent += $er; grid += $ep } END { if (grid > 0) printf "%.1f", 100 * spent / grid }')
    say "halving trained ${frac8:--}% of the full grid's epochs; $(grep -c ',pruned,' "$T/halving/halving_rates/runs.csv") of" \
        "$(tail -n +2 "$T/halving/halving_rates/runs.csv" | grep -c .) runs pruned; rungs: $T/halving/halving_rates/rungs.csv"
else
    err "sweep run experiments/halving_rates.ini failed"
fi
row "(8) halving: epochs vs the full grid" "$frac8" "%" "<=" 33

# 9: check and report at scale
say ""
SCALE_ROWS=${BENCH_SCALE_ROWS:-100000}
say "== 9. sweep check and sweep report on $SCALE_ROWS runs (bench/gen_results.sh)"
t_check=""; t_report=""
if sh bench/gen_results.sh "$T/scale/big" "$SCALE_ROWS" 3; then
    cp "$T/scale/big/runs.csv" "$T/scale/baseline.csv"
    a=$(now_ns)
    "$SWEEP" check --baseline "$T/scale/baseline.csv" "$T/scale/big" > "$T/scale/check.out" 2>&1
    rc=$?
    if [ $rc = 0 ] || [ $rc = 1 ]; then t_check=$(elapsed "$a" "$(now_ns)"); else err "sweep check at scale failed ($rc)"; fi
    a=$(now_ns)
    if "$SWEEP" report -o "$T/scale/rep" "$T/scale/big" > "$T/scale/report.out" 2>&1; then
        t_report=$(elapsed "$a" "$(now_ns)")
    else
        err "sweep report at scale failed: $(tail -1 "$T/scale/report.out")"
    fi
    say "check ${t_check:--} s, report ${t_report:--} s ($(grep -c '<svg' "$T/scale/rep/report.html" 2> /dev/null || echo 0) images)"
else
    err "bench/gen_results.sh failed"
fi
row "(9) sweep check, $SCALE_ROWS runs" "$t_check" "s" "<=" 10
row "(9) sweep report, $SCALE_ROWS runs" "$t_report" "s" "<=" 10
# 10: the cost of portable bits: sweep pins OpenBLAS to its Haswell kernels (README, Provenance); the native
# kernels of this CPU (SWEEP_NATIVE_BLAS=1) against them, epochs alternated, and whether the bits agree
say ""
say "== 10. pinned (Haswell, the default) vs native BLAS kernels: tutorial model, median of $EPOCHS epochs each"
pin=""; nat=""; cost7=""
pin=$(sweep_epoch pinned --hidden 256,256) || pin=""
export SWEEP_NATIVE_BLAS=1
nat=$(sweep_epoch native --hidden 256,256) || nat=""
unset SWEEP_NATIVE_BLAS
if [ -n "$pin" ] && [ -n "$nat" ]; then
    cost7=$(awk -v p="$pin" -v n="$nat" 'BEGIN { printf "%.3f", p / n }')
    same="identical"
    cut -d, -f1,3- "$T/pinned.csv" > "$T/p7"; cut -d, -f1,3- "$T/native.csv" > "$T/n7"
    cmp -s "$T/p7" "$T/n7" || same="different (this CPU's native kernels are not Haswell's)"
    say "pinned $pin s, native $nat s per epoch: pinned/native $cost7; losses and accuracies $same"
else
    failed=1
fi
row "(10) epoch pinned/native BLAS kernels" "$cost7" "x" "<=" 1.05

say ""
say "== summary (load average now $(cut -d' ' -f1-3 /proc/loadavg); single measurements: see bench/README.md on noise)"
printf '%-40s %12s   %-10s %s\n' figure value target status
cat "$T/summary"
[ $failed = 0 ] || { echo "bench: some measurements failed (see above)" >&2; exit 1; }
exit 0
