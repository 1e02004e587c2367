#!/bin/sh
# sweep train end to end: the CSV on stdout, help, and one-line errors for bad settings and data.
set -u
cd "$(dirname "$0")/../.."
SWEEP=${SWEEP:-./sweep}   # the binary under test (make test-asan passes build-asan/sweep)
T=$(mktemp -d /tmp/sweep-train.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh

$SWEEP train --train-size 1000 --val_size 0 --epochs 2 --hidden 64 --seed 3 > "$T/out.csv" 2> "$T/err.txt"; rc=$?
check "train exits 0" '[ $rc = 0 ]'
check "CSV header" '[ "$(head -n 1 "$T/out.csv")" = "epoch,seconds,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc" ]'
check "one row per epoch, empty val columns" '[ "$(wc -l < "$T/out.csv")" = 3 ] && tail -n 1 "$T/out.csv" | grep -q "^2,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*,,,[0-9.e-]*,0\.[0-9]*$"'
check "progress on stderr" 'grep -q "^epoch 2/2" "$T/err.txt"'
$SWEEP train --train-size 1000 --val_size 0 --epochs 2 --hidden 64 --seed 3 -q > "$T/again.csv"
check "same seed, same numbers" 'cut -d, -f1,3- "$T/out.csv" > "$T/a"; cut -d, -f1,3- "$T/again.csv" > "$T/b"; cmp -s "$T/a" "$T/b"'
$SWEEP train --dropout 1.0 2> "$T/e1"; rc=$?
check "dropout 1.0 refused with the value" '[ $rc = 2 ] && grep -q "dropout: 1.0 is out of range" "$T/e1" && [ "$(wc -l < "$T/e1")" = 1 ]'
$SWEEP train --data "$T/nowhere" 2> "$T/e2"; rc=$?
check "missing data names the path" '[ $rc != 0 ] && grep -q "$T/nowhere" "$T/e2" && [ "$(wc -l < "$T/e2")" = 1 ]'
# the default data set missing: hide it under an empty directory in a private mount namespace (needs root)
mkdir -p "$T/empty"
if unshare -m sh -c "mount --bind '$T/empty' /usr/share/datasets/fashion-mnist" 2> /dev/null; then
    unshare -m sh -c "mount --bind '$T/empty' /usr/share/datasets/fashion-mnist && $SWEEP train --epochs 1" 2> "$T/e4"; rc=$?
    check "missing default data names the Debian package" '[ $rc != 0 ] && grep -q "sudo apt-get install dataset-fashion-mnist" "$T/e4" && [ "$(wc -l < "$T/e4")" = 1 ]'
else
    echo "skip missing default data (unshare -m needs root)"
fi
$SWEEP train --bogus 1 2> "$T/e3"; rc=$?
check "unknown setting" '[ $rc = 2 ] && grep -q "unknown setting .bogus." "$T/e3"'
$SWEEP train --help | grep -q -- "--batch-size"; check "train --help lists settings" '[ $? = 0 ]'
$SWEEP --help | grep -q "check"; check "sweep --help lists commands" '[ $? = 0 ]'
$SWEEP frob 2> /dev/null; check "unknown command exits 2" '[ $? = 2 ]'

echo "train: $passes passed, $fails failed"
[ $fails = 0 ]
