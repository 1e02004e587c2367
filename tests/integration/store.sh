#!/bin/sh
# The results store through `sweep run`: damaged files are refused with file:line and exit 2 and left as they
# were; links are not followed; every append to runs.csv and curves.csv is followed by its fsync.
set -u
cd "$(dirname "$0")/../.."
SWEEP=${SWEEP:-./sweep}
T=$(mktemp -d /tmp/sweep-store.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh
EXP=tests/integration/tiny.ini

$SWEEP run -q -j 2 --out "$T/a" --set seeds=1 $EXP
R="$T/a/tiny/runs.csv"; C="$T/a/tiny/curves.csv"

# an unterminated quote on line 2 of 5: corruption, not a torn tail
cp "$R" "$T/runs.good"
awk 'NR == 2 { sub(/,ok,/, ",\"ok,") } { print }' "$T/runs.good" > "$R"
cp "$R" "$T/runs.bad"
$SWEEP run -q -j 2 --out "$T/a" --set seeds=1 $EXP 2> "$T/err"; rc=$?
check "open quote mid-file: exit 2" '[ $rc = 2 ]'
check "open quote mid-file: one line naming runs.csv:2" '[ "$(wc -l < "$T/err")" = 1 ] && grep -q "tiny/runs.csv:2: .* not the last line" "$T/err"'
check "open quote mid-file: runs.csv unchanged" 'cmp -s "$R" "$T/runs.bad"'
cp -r "$T/a" "$T/f"
$SWEEP run -q -j 2 --out "$T/f" --set seeds=1 --set epochs=1 --fresh $EXP; rc=$?
check "--fresh moves a damaged runs.csv away and starts over" '[ $rc = 0 ] && cmp -s "$(ls "$T"/f/tiny/runs.csv.bak-* | head -n 1)" "$T/runs.bad"'
cp "$T/runs.good" "$R"

# curves.csv with lone CR line endings: read record by record, nothing lost
tr '\n' '\r' < "$C" > "$T/cr.csv"; cp "$T/cr.csv" "$C"
$SWEEP run -q -j 2 --out "$T/a" --set seeds=1 --set dropout=0,0.5,0.2 $EXP; rc=$?
check "lone CR curves.csv: resume works" '[ $rc = 0 ] && [ "$(tr "\r" "\n" < "$C" | grep -c "^[0-9a-f]\{16\},")" = 18 ]'

# links: a dangling link creates nothing outside, a link to a file does not touch it
mkdir -p "$T/l/tiny"; ln -s "$T/outside.csv" "$T/l/tiny/runs.csv"
$SWEEP run -q --out "$T/l" --set seeds=1 $EXP 2> "$T/err"; rc=$?
check "dangling runs.csv link: exit 2, nothing created" '[ $rc = 2 ] && [ ! -e "$T/outside.csv" ] && grep -q "not a regular file" "$T/err"'
echo "keep" > "$T/victim"; rm "$T/l/tiny/runs.csv"; ln -s "$T/victim" "$T/l/tiny/curves.csv"
$SWEEP run -q --out "$T/l" --set seeds=1 $EXP 2> /dev/null; rc=$?
check "curves.csv linked to a file: exit 2, file untouched" '[ $rc = 2 ] && [ "$(cat "$T/victim")" = keep ]'

# every write to runs.csv or curves.csv is followed by an fsync of that file before anything else is written
if command -v strace > /dev/null 2>&1 && strace -f -o /dev/null true 2> /dev/null; then
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -y -qq -o "$T/trace" -e trace=write,fsync,fdatasync \
        $SWEEP run -q -j 2 --out "$T/s" --set seeds=1 $EXP
    awk '
        { pid = $1 }
        /(write|fsync|fdatasync)\(/ {
            file = ""
            if (match($0, /<[^>]*\/(runs|curves)\.csv>/)) file = substr($0, RSTART, RLENGTH)
            call = $2; sub(/\(.*/, "", call)
            if (pending[pid] != "") {
                if (call ~ /fsync|fdatasync/ && file == pending[pid]) { pending[pid] = ""; synced++ }
                else { print "not synced: " pending[pid] " then " $0; bad++ }
                pending[pid] = ""
            }
            if (call == "write" && file != "") { pending[pid] = file; writes++ }
        }
        END { for (p in pending) if (pending[p] != "") bad++; print writes + 0, synced + 0, bad + 0 }' \
        "$T/trace" > "$T/sync.all"
    grep -v "^not synced" "$T/sync.all" > "$T/sync"; grep "^not synced" "$T/sync.all" | head -n 3
    # 4 runs: one runs row and one curves block each, plus the two headers
    read -r writes synced unsynced < "$T/sync"
    check "each of $writes writes to runs.csv/curves.csv is followed by its fsync ($unsynced not)" \
        '[ "$writes" -ge 10 ] && [ "$writes" = "$synced" ] && [ "$unsynced" = 0 ]'
else
    echo "skipped: fsync order check (strace is not installed or cannot trace here)"
fi

echo "store: $passes passed, $fails failed"
[ $fails = 0 ]
