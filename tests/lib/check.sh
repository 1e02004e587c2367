# Sourced by the integration and Slurm scripts (from the repository root): their checks and counts.
# check NAME EXPR: EXPR (evaluated) must hold; each script ends with "SUITE: $passes passed, $fails failed".
fails=0; passes=0
ok()   { passes=$((passes + 1)); echo "ok   $1"; }
fail() { fails=$((fails + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }
# rows FILE: data rows of a CSV file (0 when it does not exist)
rows() { if [ -f "$1" ]; then tail -n +2 "$1" | grep -c .; else echo 0; fi; }
