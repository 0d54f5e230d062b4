#!/usr/bin/env bash
# Size of the search index (public/search/) that a build writes, raw and gzip -9, against the
# budget: the whole index under 300 KB compressed for the real site.
#
#   bash benches/search_size.sh [SITE_ROOT]      # default: this repository (content/ + themes/)
#
# Builds SITE_ROOT with the debug binary (KENSA_BIN=path to use another) into a temp dir and
# prints the meta file, the shards, the text chunks and the total. A search loads the meta file,
# the shards of its tokens and the text chunks of its matches, so the total is the worst case.
# Exits 1 if the real site's index is over budget (other roots are only measured).
set -euo pipefail
cd "$(dirname "$0")/.."

BUDGET=$((300 * 1024))
root=${1:-.}
bin=${KENSA_BIN:-}
if [ -z "$bin" ]; then
  cargo build --quiet
  bin=target/debug/kensa
fi
command -v gzip >/dev/null || { echo "search_size: gzip missing" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kensa-search-size.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$bin" build --root "$root" --out "$tmp/public" >/dev/null 2>"$tmp/build.log" || { cat "$tmp/build.log" >&2; exit 1; }
dir="$tmp/public/search"
[ -f "$dir/index-meta.js" ] || { echo "search_size: the build wrote no search/index-meta.js" >&2; exit 1; }

# name pattern → "files raw gzip"
measure() {
  local files=0 raw=0 gz=0 f
  for f in "$dir"/$1; do
    [ -f "$f" ] || continue
    files=$((files + 1))
    raw=$((raw + $(wc -c <"$f")))
    gz=$((gz + $(gzip -9 -n -c "$f" | wc -c)))
  done
  echo "$files $raw $gz"
}

kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }

printf '%-16s %6s %12s %12s\n' part files raw gzip
total_gz=0
for part in "index-meta.js" "shard-*.js" "text-*.js" "*.js"; do
  read -r files raw gz < <(measure "$part")
  label=$part
  [ "$part" = "*.js" ] && { label=total; total_gz=$gz; }
  printf '%-16s %6d %12s %12s\n' "$label" "$files" "$(kb "$raw")" "$(kb "$gz")"
done
largest=$(ls -S "$dir"/shard-*.js | head -1)
echo "largest shard: $(basename "$largest") $(kb "$(wc -c <"$largest")") raw"
echo "budget: $(kb "$BUDGET") gzip for the real site"

if [ "$root" = "." ] && [ "$total_gz" -ge "$BUDGET" ]; then
  echo "search_size: over budget" >&2
  exit 1
fi
