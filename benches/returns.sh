#!/usr/bin/env bash
# A national year of returns: `kensa inspect` and `kensa report` over FILES answer files.
#
#   bash benches/returns.sh [FILES]        # default 250000 (≈ the nation's hospitals + pharmacies)
#
# Builds the release binary and the site (into benches/out/returns-site), generates FILES answer
# files with benches/gen_returns.py into benches/out/returns-FILES (kept between runs: writing
# 250,000 files takes a minute or two), then runs, BENCH_RUNS times each (default 3):
#   findings   kensa inspect DIR --site SITE --format csv-plain > findings.csv
#   +answers   the same with --answers answers.csv (one row per file, item and round)
#   report     kensa report DIR --site SITE --out report.html
# each under `/usr/bin/time -f '%e %M %U %S'` (wall seconds, peak RSS, CPU seconds: on a busy
# machine the CPU time tells what the run costs when the wall time cannot). Nothing is done to the machine
# between runs. Medians go to a table printed here and written to benches/out/returns.md.
# Targets (issue 17): 250,000 files in under 30 s, peak memory under 150 MB.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

FILES=${1:-250000}
[[ "$FILES" =~ ^[1-9][0-9]*$ ]] || die "FILES must be a positive integer, not '$FILES'"
RUNS=${BENCH_RUNS:-3}
OUT="$(pwd)/benches/out"
mkdir -p "$OUT"
[ -x /usr/bin/time ] || die "/usr/bin/time missing: run scripts/install-deps.sh (package time)"

if [ -z "${KENSA_BIN:-}" ]; then
  log "cargo build --release"
  cargo build --release --quiet
  KENSA_BIN=target/release/kensa
fi
SITE="$OUT/returns-site"
"$KENSA_BIN" build --root . --out "$SITE" -q 2>/dev/null
RETURNS="$OUT/returns-$FILES"
if [ ! -f "$RETURNS.manifest.json" ]; then
  rm -rf "$RETURNS"
  log "generating $FILES answer files into $RETURNS"
  python3 benches/gen_returns.py "$SITE" "$RETURNS" --files "$FILES" --bad
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
measure() { # name, command...
  local name=$1; shift
  local secs=() kib=() cpu=() e k u s
  for run in $(seq "$RUNS"); do
    /usr/bin/time -o "$OUT/time.txt" -f '%e %M %U %S' "$@" >/dev/null 2>&1 || true
    read -r e k u s < <(tail -1 "$OUT/time.txt")
    secs+=("$e"); kib+=("$k"); cpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
    log "$name run $run: $e s, $k KiB, $u + $s CPU s"
  done
  local w m c
  w=$(printf '%s\n' "${secs[@]}" | median)
  m=$(printf '%s\n' "${kib[@]}" | median)
  c=$(printf '%s\n' "${cpu[@]}" | median)
  printf '| %s | %s | %s | %.1f |\n' "$name" "$w" "$c" "$(awk -v m="$m" 'BEGIN {print m / 1024}')"
}

today=2024-06-01
{
  echo "# kensa inspect over $FILES answer files"
  echo
  echo "$(nproc) cores, load at start: $(cut -d' ' -f1-3 /proc/loadavg), kensa: $KENSA_BIN, median of $RUNS runs"
  echo
  echo "| run | seconds | CPU seconds | peak MB |"
  echo "| --- | --- | --- | --- |"
  measure findings sh -c "'$KENSA_BIN' inspect '$RETURNS' --site '$SITE' --format csv-plain --today $today > '$OUT/findings.csv'"
  measure +answers sh -c "'$KENSA_BIN' inspect '$RETURNS' --site '$SITE' --format csv-plain --today $today --answers '$OUT/answers.csv' > '$OUT/findings.csv'"
  measure report "$KENSA_BIN" report "$RETURNS" --site "$SITE" --out "$OUT/report.html" --today $today
  echo
  echo "findings.csv: $(wc -l < "$OUT/findings.csv") lines, answers.csv: $(wc -l < "$OUT/answers.csv") lines ($(du -h "$OUT/answers.csv" | cut -f1))"
} | tee "$OUT/returns.md"
