#!/usr/bin/env bash
# Install everything kensa's build, tests and benchmarks need, and nothing that is already there.
#
#   bash scripts/install-deps.sh [--build-only]
#
# --build-only installs only what `cargo build` needs (a C toolchain for linking, pkg-config,
# git), so that scripts/setup.sh can start compiling while the rest is installed.
#
# - Debian packages (apt-get, only the missing ones; `apt-get update` first when installing):
#   chromium, chromium-driver, fonts-noto-cjk, hugo, time (for /usr/bin/time), a C toolchain,
#   pkg-config, python3, node + npm (only if missing).
# - DuckDB for Python in .venv/ (the test that loads `kensa inspect`'s tables).
# - The JS test dependencies: `npm ci` in the repo root (skipped when node_modules already matches
#   package-lock.json). No browser is ever downloaded: the tests use Debian's /usr/bin/chromium.
#
# Idempotent and fast when everything is present. Runs as root, or through sudo otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'install-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is not installed: run as root"
  SUDO=(sudo)
fi

# ---------------------------------------------------------------- Debian packages
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }

BUILD_ONLY=0
[ "${1:-}" = "--build-only" ] && BUILD_ONLY=1

missing=()
have_cmd cc            || missing+=(gcc libc6-dev)
have_cmd pkg-config    || missing+=(pkg-config)
have_cmd git           || missing+=(git)
if [ "$BUILD_ONLY" -eq 0 ]; then   # what the tests and benchmarks need
  have_cmd chromium      || missing+=(chromium)
  have_cmd chromedriver  || missing+=(chromium-driver)
  have_pkg fonts-noto-cjk || missing+=(fonts-noto-cjk)
  have_cmd hugo          || missing+=(hugo)
  [ -x /usr/bin/time ]   || missing+=(time)
  have_cmd python3       || missing+=(python3)
  have_cmd pdftotext     || missing+=(poppler-utils)   # the form tests read printed PDFs
  have_cmd node          || missing+=(nodejs)
  have_cmd npm           || missing+=(npm)
  [ -x /usr/sbin/nginx ] || missing+=(nginx-light)        # tests the README's HTTP headers example
fi

if [ "${#missing[@]}" -gt 0 ]; then
  have_cmd apt-get || die "missing ${missing[*]} and apt-get is not available"
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages: all present"
fi

# ---------------------------------------------------------------- toolchains
have_cmd cargo || die "cargo not found: install Rust with rustup (cargo must be on PATH)"
if [ "$BUILD_ONLY" -eq 1 ]; then
  log "ok (build only)"
  exit 0
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  log "warning: node $(node --version) is older than 20, which playwright-core needs"
fi

# ---------------------------------------------------------------- JS test dependencies
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1   # playwright-core never downloads, but be explicit
if [ -f package.json ]; then
  stamp=node_modules/.kensa-deps.sha256
  if [ -f package-lock.json ]; then
    want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
       && [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ]; then
      log "node_modules: up to date"
    else
      log "npm ci"
      npm ci --no-audit --no-fund --loglevel=error
      echo "$want" > "$stamp"
    fi
  else
    log "npm install (no package-lock.json)"
    npm install --no-audit --no-fund --loglevel=error
  fi
fi

# ---------------------------------------------------------------- Python test dependencies
# DuckDB reads `kensa inspect`'s tables in tests/duckdb/check_tables.py, as a prefecture would.
# A virtualenv in .venv/ keeps it off the system Python (Debian's is externally managed).
DUCKDB_VERSION=2.0.1
if [ -x .venv/bin/python ] && .venv/bin/python -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$DUCKDB_VERSION')" 2>/dev/null; then
  log "duckdb $DUCKDB_VERSION: present"
else
  if ! python3 -m venv .venv 2>/dev/null; then
    log "installing python3-venv"
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv .venv
  fi
  log "pip install duckdb==$DUCKDB_VERSION"
  .venv/bin/pip install --quiet --disable-pip-version-check "duckdb==$DUCKDB_VERSION"
fi

log "ok"
