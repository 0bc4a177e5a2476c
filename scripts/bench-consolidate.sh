#!/usr/bin/env bash
# Accuracy and speed of `kith consolidate` on the shared dedupe corpus, beside
# Splink on the same file in the same run (when ../shared/bench's venv exists).
#
#   scripts/bench-consolidate.sh febrl3|febrl4|10k|100k|1m [--no-peer]
#
# Prints wall and CPU seconds, peak memory and pairwise P/R/F1 (largest
# cluster) for Kith, then the same for Splink. Needs a release build
# (swift build -c release --scratch-path .build-release) and python3; the
# 1m set is generated first (~2 min, 1.5 GB) into perf/.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:?usage: $0 febrl3|febrl4|10k|100k|1m [--no-peer]}
peer=${2:-}
shared=${KITH_SHARED:-../shared}
D=$shared/corpus/dedupe
S=$shared/bench/score_clusters.py
KITH=${KITH:-.build-release/release/kith}
mkdir -p perf
[ -x "$KITH" ] || swift build -c release --scratch-path .build-release >/dev/null

case $which in
  febrl3) csv=($D/febrl/febrl3.csv); truth=(--truth-pairs $D/febrl/febrl3_truth_pairs.csv) ;;
  febrl4) csv=($D/febrl/febrl4a.csv $D/febrl/febrl4b.csv)
          truth=(--link-files $D/febrl/febrl4a.csv $D/febrl/febrl4b.csv $D/febrl/febrl4_truth_pairs.csv) ;;
  10k|100k) csv=($D/synth/contacts_$which.csv); truth=($D/synth/contacts_${which}_truth_clusters.csv) ;;
  1m) [ -f perf/contacts_1m.csv ] || python3 $shared/bench/gen_contacts.py 1000000 perf/contacts_1m --seed 42
      csv=(perf/contacts_1m.csv); truth=(perf/contacts_1m_truth_clusters.csv) ;;
  *) echo "unknown set $which" >&2; exit 2 ;;
esac

# The CSV plugin reads these files once it is in; until then convert them.
input=perf/bench_$which.jsonl
if "$KITH" formats | grep -q '^csv '; then
  input=${csv[0]}; [ ${#csv[@]} -gt 1 ] && input="${csv[*]}"
else
  [ -f "$input" ] || python3 scripts/dedupe-csv-to-jsonl.py "${csv[@]}" "$input"
fi

out=perf/kith_clusters_$which.csv
/usr/bin/time -f "kith: %e s wall, %U s user, %S s system, peak %M KB" \
  "$KITH" consolidate $input -o /dev/null --clusters-out "$out" -q 2>&1 | grep -E '^kith: [0-9.]+ s wall' || true
python3 "$S" "${truth[@]}" "$out" 2>/dev/null | grep -E 'precision|largest'

if [ "$peer" != "--no-peer" ] && [ -x .venv-bench/bin/python ]; then
  pout=perf/splink_clusters_$which.csv
  case $which in
    febrl3) .venv-bench/bin/python $shared/bench/peers/splink_febrl.py "${csv[0]}" "$pout" ;;
    febrl4) .venv-bench/bin/python $shared/bench/peers/splink_febrl.py --link "${csv[@]}" "$pout" ;;
    *) .venv-bench/bin/python $shared/bench/peers/splink_dedupe.py "${csv[0]}" "$pout" ;;
  esac
  python3 "$S" "${truth[@]}" "$pout" 2>/dev/null | grep -E 'precision|largest'
fi
