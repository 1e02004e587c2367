#!/bin/sh
# Regenerate the committed seed corpus (tests/fuzz/corpus/TARGET/) from the repository's own files: the
# experiment files, a few Fashion-MNIST images, the report fixtures, the check fixtures. Small on purpose
# (a few rows each): the fuzzer grows them. Inputs hold several files separated by the line "--8<--".
set -eu
cd "$(dirname "$0")/../.."
C=tests/fuzz/corpus
SEP='
--8<--
'
rm -rf "$C"; mkdir -p "$C/fuzz_experiment" "$C/fuzz_idx" "$C/fuzz_csv_data" "$C/fuzz_store" "$C/fuzz_results"

# experiment files, alone and with --set overrides
for f in experiments/*.ini tests/integration/tiny.ini; do cp "$f" "$C/fuzz_experiment/$(basename "$f" .ini)"; done
{ cat tests/integration/tiny.ini; printf '%sdropout=0,0.25\n%sseeds=2%shidden=64,32' "$SEP" "$SEP" "$SEP"; } \
    > "$C/fuzz_experiment/tiny_set"
{ cat experiments/combinations.ini; printf '%sepochs=2%slr=0.5' "$SEP" "$SEP"; } > "$C/fuzz_experiment/variants_set"

# IDX: the first 3 Fashion-MNIST test images and labels (header count patched to 3), plain and gzip
python3 - "$C/fuzz_idx" /usr/share/datasets/fashion-mnist << 'PY'
import gzip, struct, sys
out, d = sys.argv[1], sys.argv[2]
img = gzip.open(d + '/t10k-images-idx3-ubyte.gz').read()
lbl = gzip.open(d + '/t10k-labels-idx1-ubyte.gz').read()
img = img[:4] + struct.pack('>I', 3) + img[8:16] + img[16:16 + 3 * 784]
lbl = lbl[:4] + struct.pack('>I', 3) + lbl[8:8 + 3]
sep = b'\n--8<--\n'
open(out + '/three', 'wb').write(img + sep + lbl)
open(out + '/three_gz', 'wb').write(gzip.compress(img, mtime=0) + sep + gzip.compress(lbl, mtime=0))
open(out + '/labels_short', 'wb').write(img + sep + lbl[:-1])
PY

# CSV data sets
printf 'label,a,"b c"\n2,1.5,-2\n0,0,3e-3\n5,7,8.25\n' > "$C/fuzz_csv_data/header"
printf '2,1.5,-2\r\n\r\n0, 0 ,3e-3\r\n5,7,8.25' > "$C/fuzz_csv_data/crlf_no_header"
printf '1,2,3\n1,1e99,3\n0,nan,-inf\n' > "$C/fuzz_csv_data/extremes"

# runs.csv/curves.csv as the store finds them: whole, torn last line, orphan curves, quoted cells
for e in rate_table combinations; do
    R=results/$e
    ids=$(tail -n +2 "$R/runs.csv" | head -n 3 | cut -d, -f1)
    runs=$(head -n 4 "$R/runs.csv")
    curves=$( { head -n 1 "$R/curves.csv"; for i in $ids; do grep "^$i," "$R/curves.csv" | head -n 2; done; } )
    printf '%s\n%s%s\n' "$runs" "$SEP" "$curves" > "$C/fuzz_store/$e"
    printf '%s\n%s' "$(head -n 3 "$R/runs.csv")" "$(sed -n 4p "$R/runs.csv" | cut -c1-50)" > "$C/fuzz_store/${e}_torn"
    printf '%s%s%s\n%s' "$(head -n 3 "$R/runs.csv")" "$SEP" "$curves" "$(echo "$curves" | tail -n 1 | cut -c1-30)" \
        > "$C/fuzz_store/${e}_orphans_torn"
done
printf '%s\n' "$(head -n 1 results/rate_table/runs.csv)" > "$C/fuzz_store/header_only"

# results for report and check: the report fixtures (first rows), picked by their section's digit
n=0
for e in rate_table combinations batch_size network_size output_dropout eval_mode convergence ensemble; do
    F=tests/fixtures/report/$e
    [ -f "$F/runs.csv" ] || F=results/$e
    k=$(echo "rate_table combinations batch_size network_size output_dropout eval_mode convergence ensemble" |
        tr ' ' '\n' | grep -n "^$e\$" | cut -d: -f1); k=$((k - 1))
    { printf '%s' "$k"; head -n 13 "$F/runs.csv"; printf '%s' "$SEP"; head -n 25 "$F/curves.csv"; } \
        > "$C/fuzz_results/$e"
    n=$((n + 1))
done
for f in base improved noisy_drop one_seed_drop missing_value extra_config; do
    { printf 'g'; cat tests/fixtures/check/base.csv; printf '%s%s' "$SEP" "$SEP"; cat "tests/fixtures/check/$f.csv"; } \
        > "$C/fuzz_results/check_$f"
done
du -sh "$C"/* | sed 's/^/seeds: /'
