# Sourced by the integration and Slurm scripts: results files in a form that compares runs bit for bit.
# canon_runs FILE: runs.csv without its timing columns (seconds, sec_per_epoch, found by name), sorted.
canon_runs() { python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
keep = [j for j, c in enumerate(rows[0]) if c not in ("seconds", "sec_per_epoch")]
for line in sorted(",".join(r[j] for j in keep) for r in rows[1:]): print(line)' "$1"; }
# canon_curves FILE: curves.csv without its timing column (seconds, the third), sorted.
canon_curves() { tail -n +2 "$1" | awk -F, '{$3=""; print}' OFS=, | sort; }
