#!/usr/bin/env bash
# Set up a machine for kensa and build the site.
#
#   bash scripts/setup.sh [extra args for `kensa build`]
#
# 1. scripts/install-deps.sh: Debian packages (chromium, chromium-driver, fonts-noto-cjk, hugo, ...)
#    and the JS test dependencies (npm ci). Fast when everything is there already.
# 2. cargo build --release
# 3. target/release/kensa build   (content/ + themes/ -> public/)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

[ -f Cargo.toml ] || { echo "setup: no Cargo.toml in $(pwd): nothing to build" >&2; exit 1; }
echo "setup: cargo build --release" >&2
cargo build --release

bin=target/release/kensa
[ -x "$bin" ] || { echo "setup: $bin was not produced by cargo build --release" >&2; exit 1; }
echo "setup: $bin build $*" >&2
"$bin" build "$@"
