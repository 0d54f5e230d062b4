#!/usr/bin/env bash
# Times a first setup, as the README's first command runs on a new machine: `bash
# scripts/setup.sh` in a fresh clone of this repository's HEAD (no target/, node_modules or
# .venv) with an empty CARGO_HOME, so every crate is downloaded again as on a new machine. What
# this machine already has stays: its Debian packages (on a new machine setup.sh installs them
# while cargo compiles; remove them first to time that too, as the README's figure did).
#
#   bash benches/setup_time.sh [--keep-crates]   (--keep-crates: use cargo's crate cache)
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git clone -q . "$dir/kensa"
if [ "${1:-}" != "--keep-crates" ]; then
  export CARGO_HOME="$dir/cargo-home"
  mkdir -p "$CARGO_HOME"
fi
start=$(date +%s%N)
(cd "$dir/kensa" && bash scripts/setup.sh -q)
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
printf 'setup_time: %d min %d s (bash scripts/setup.sh in a fresh clone of %s; %s cores)\n' \
  $((ms / 60000)) $((ms % 60000 / 1000)) "$(git rev-parse --short HEAD)" "$(nproc)"
