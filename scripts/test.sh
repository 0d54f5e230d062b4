#!/usr/bin/env bash
# The one test command (CI runs it through .ci/run):
#
#   bash scripts/test.sh
#
# 1. scripts/install-deps.sh  (Debian packages + npm ci; fast when present)
# 2. cargo test --workspace --no-fail-fast, then cargo clippy --all-targets -- -D warnings
# 3. cargo build (the debug binary cargo test already compiled most of), then build the site from
#    content/ + themes/ into a temp dir
# 4. node --test tests/browser/  with KENSA_SITE_DIR pointing at that built site
# 5. tests/duckdb/check_tables.py: DuckDB loads `kensa inspect`'s tables of generated returns
#
# Exits non-zero if anything fails.
# KENSA_TEST_PROFILE=release builds and tests the release binary instead (a from-scratch release
# build takes ~10 min on the 2-core machines, which is why CI uses the debug one).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }
failures=()

step "install dependencies"
bash scripts/install-deps.sh

[ -f Cargo.toml ] || { echo "test: no Cargo.toml in $(pwd)" >&2; exit 1; }

# A failing cargo test does not stop the run: the browser tests still run, and the script exits
# non-zero at the end.
step "cargo test --workspace --no-fail-fast"
cargo test --workspace --no-fail-fast || failures+=("cargo test")

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --all-targets -- -D warnings || failures+=("cargo clippy")

profile=${KENSA_TEST_PROFILE:-debug}
case "$profile" in
  release) step "cargo build --release"; cargo build --release; bin=target/release/kensa ;;
  debug)   step "cargo build";           cargo build;           bin=target/debug/kensa ;;
  *) echo "test: KENSA_TEST_PROFILE must be release or debug, not '$profile'" >&2; exit 2 ;;
esac
[ -x "$bin" ] || { echo "test: $bin was not built" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kensa-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
site="$tmp/public"

step "$bin build --root . --out $site"
"$bin" build --root . --out "$site"
[ -f "$site/index.html" ] || { echo "test: the build wrote no $site/index.html" >&2; exit 1; }
echo "$(find "$site" -name '*.html' | wc -l) html pages in $site"

step "browser tests: node --test tests/browser/"
KENSA_SITE_DIR="$site" node --test tests/browser/ || failures+=("browser tests")

step "DuckDB reads kensa inspect's tables: tests/duckdb/check_tables.py"
.venv/bin/python tests/duckdb/check_tables.py "$site" "$bin" || failures+=("duckdb tables")

if [ "${#failures[@]}" -gt 0 ]; then
  step "FAILED: ${failures[*]}"
  exit 1
fi
step "all tests passed"
