#!/usr/bin/env bash
# Set up a machine for kensa and build the site.
#
#   bash scripts/setup.sh [extra args for `kensa build`]
#
# 1. scripts/install-deps.sh --build-only: what compiling needs (a C toolchain for linking).
# 2. cargo build --release, in the background: compiling is most of a fresh setup (about 5 min
#    of 2 cores here), while installing the test packages is mostly waiting on the network, so
#    the two overlap.
# 3. scripts/install-deps.sh: Debian packages (chromium, chromium-driver, fonts-noto-cjk, hugo,
#    ...) and the JS and Python test dependencies. Fast when everything is there already.
# 4. target/release/kensa build   (content/ + themes/ -> public/)
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f Cargo.toml ] || { echo "setup: no Cargo.toml in $(pwd): nothing to build" >&2; exit 1; }
bash scripts/install-deps.sh --build-only

echo "setup: cargo build --release (in the background while the rest is installed)" >&2
cargo build --release &
cargo_pid=$!
# A failed install must not leave the compiler running behind the user's back.
trap 'kill "$cargo_pid" 2>/dev/null || true' EXIT
bash scripts/install-deps.sh
wait "$cargo_pid" || { echo "setup: cargo build --release failed (its errors are above)" >&2; exit 1; }
trap - EXIT

bin=target/release/kensa
[ -x "$bin" ] || { echo "setup: $bin was not produced by cargo build --release" >&2; exit 1; }
echo "setup: $bin build $*" >&2
"$bin" build "$@"
