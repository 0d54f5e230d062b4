#!/usr/bin/env bash
# Fuzz every input parser of kensa (checklist YAML, Markdown pages, guideline references,
# flowcharts, answer files, search queries) with N mutated inputs each:
#
#   bash scripts/fuzz.sh [N]        # default 100000 per target
#
# Runs tests/fuzz.rs in the `fuzz` profile (optimised, with overflow checks, panics caught per
# input) and prints, per target, how many inputs ran, how long it took and how many failed.
# A failing input is saved under target/fuzz-failures/; once its bug is fixed, keep it in
# tests/fuzz_regressions/<target>/ so that every test run replays it. `cargo test` runs a short
# round of the same harness (300 inputs per target).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
[[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: N must be a positive number, not '$n'" >&2; exit 2; }
KENSA_FUZZ_INPUTS=$n cargo test --profile fuzz --test fuzz -- --nocapture --test-threads 2 2>&1 \
  | grep -E '^fuzz |^test result|panicked|failure' || true
exit "${PIPESTATUS[0]}"
