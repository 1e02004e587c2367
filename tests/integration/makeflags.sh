#!/bin/sh
# make CFLAGS=... on the command line adds to the flags the build needs (-std, -fopenmp, -I...), it does not
# replace them: a -O0 build into a scratch BUILD dir compiles with both, links, and trains.
set -u
cd "$(dirname "$0")/../.."
T=$(mktemp -d /tmp/sweep-make.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/lib/check.sh

make -n -B BUILD="$T/b" CFLAGS=-O0 "$T/b/models/rng.o" > "$T/dry.txt" 2>&1
check "CFLAGS=-O0 keeps -std, -fopenmp and -I" 'grep -q -- "-std=c11 .*-fopenmp .*-Imodels .*-O0" "$T/dry.txt"'
make -n -B BUILD="$T/b" LDLIBS=-lrt "$T/b/sweep" > "$T/dry2.txt" 2>&1
check "LDLIBS=-lrt keeps the libraries" 'grep -q -- "-lrt .*-lopenblas .*-lcsv" "$T/dry2.txt"'
make -s -j2 BUILD="$T/b" CFLAGS=-O0 "$T/b/sweep" > "$T/build.txt" 2>&1; rc=$?
check "a CFLAGS=-O0 build links" '[ $rc = 0 ] && [ -x "$T/b/sweep" ]'
"$T/b/sweep" train --train-size 300 --val_size 0 --epochs 1 --hidden 16 -q > "$T/out.csv" 2> "$T/err.txt"
check "the -O0 build trains" '[ $? = 0 ] && [ "$(wc -l < "$T/out.csv")" = 2 ]'

echo "makeflags: $passes passed, $fails failed"
[ $fails = 0 ]
