# bench/grid.sh, sourced by bench/run.sh (uses its say, row, err, rusage, now_ns, elapsed, $T, $SWEEP):
# 7. `sweep run --dry-run` of a 100,000-run grid (250 seeds x 20 dropout rates x 20 learning rates): the
#    experiment file expanded (run ids, duplicate check), every configuration checked against the data's
#    shape, the memory estimate, and one line printed per run. Target: under 2 s.
say ""
say "== 7. --dry-run of a 100,000-run grid (expansion, duplicate check, shape and memory checks, listing)"
{
    printf '[sweep]\nname = grid100k\nseeds = 1-250\ndropout = 0'
    i=1; while [ $i -lt 20 ]; do printf ', 0.%02d' $i; i=$((i + 1)); done
    printf '\nlr = 0.001'
    i=2; while [ $i -le 20 ]; do printf ', %s' "$(awk -v i=$i 'BEGIN { printf "%g", i / 1000 }')"; i=$((i + 1)); done
    printf '\n'
} > "$T/grid100k.ini"
grid=""
a=$(now_ns)
if rusage "$T/grid.rss" "$SWEEP" run --dry-run --out "$T/grid" "$T/grid100k.ini" > "$T/grid.out"; then
    grid=$(elapsed "$a" "$(now_ns)")
    n=$(grep -c ' pending ' "$T/grid.out")
    [ "$n" = 100000 ] || err "the grid listed $n runs, not 100000"
    say "wall ${grid} s, CPU (user+sys) $(awk '{ printf "%.2f", $2 + $3 }' "$T/grid.rss") s, peak RSS" \
        "$(awk '{ printf "%.0f", $1 / 1024 }' "$T/grid.rss") MB, $n runs listed"
else
    err "sweep run --dry-run of the 100,000-run grid failed"
fi
row "(7) --dry-run, 100,000-run grid" "$grid" "s" "<=" 2
