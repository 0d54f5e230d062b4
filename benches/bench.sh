#!/usr/bin/env bash
# Build-time and memory benchmark: kensa vs Hugo on the same synthetic Markdown site.
#
#   bash benches/bench.sh [sizes...]        # default: 1000 2000 10000
#
# For each size N: benches/gen_site.py writes benches/out/N/{kensa,hugo} (same page bodies,
# deterministic), then each tool builds its site BENCH_RUNS times (default 5, alternating) in
# each of two ways a user runs it:
#   fresh    the output folder does not exist (the first build, or after deleting it)
#   rebuild  the output folder holds the previous build (what `kensa build` does every day)
# measured with `/usr/bin/time -f '%e %M'` (wall seconds, peak RSS). Nothing is done to the
# machine between runs (no sync, no waiting): the disk is as the previous build left it, as it
# is for a user. The medians go into a table printed here and written to benches/out/results.md.
# Target: kensa <= 0.5x hugo in time and memory at every size.
#
# Environment:
#   BENCH_RUNS=5             runs per tool, size and mode
#   BENCH_TOOLS="kensa hugo" which tools to run (e.g. BENCH_TOOLS=hugo while kensa does not build)
#   KENSA_BIN=path           use this kensa binary instead of `cargo build --release`'s
#
# Exits non-zero if a build failed (the table still shows what was measured).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

sizes=("$@")
[ "${#sizes[@]}" -gt 0 ] || sizes=(1000 2000 10000)
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "size must be a positive integer, not '$n'"
done
RUNS=${BENCH_RUNS:-5}
TOOLS=${BENCH_TOOLS:-"kensa hugo"}
want() { [[ " $TOOLS " == *" $1 "* ]]; }

OUT="$(pwd)/benches/out"
mkdir -p "$OUT"
RAW="$OUT/raw.tsv"
printf 'tool\tsize\tmode\trun\tseconds\tkib\tstatus\thtml_pages\ttime_e\tcpu\tuser\tsys\n' > "$RAW"

[ -x /usr/bin/time ] || die "/usr/bin/time missing: run scripts/install-deps.sh (package time)"
command -v python3 >/dev/null || die "python3 missing"
if want hugo; then
  command -v hugo >/dev/null || die "hugo missing: run scripts/install-deps.sh"
fi

failed=0
load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

# ------------------------------------------------------------------ kensa binary
KENSA=""
if want kensa; then
  if [ -n "${KENSA_BIN:-}" ]; then
    KENSA=$KENSA_BIN
    [ -x "$KENSA" ] || { log "error: KENSA_BIN=$KENSA is not an executable"; KENSA=""; failed=1; }
  elif [ ! -f Cargo.toml ]; then
    log "error: no Cargo.toml: cannot build kensa; its columns will be empty"
    failed=1
  else
    log "cargo build --release (log: $OUT/cargo-build.log)"
    if cargo build --release >"$OUT/cargo-build.log" 2>&1 && [ -x target/release/kensa ]; then
      KENSA=target/release/kensa
    else
      log "error: cargo build --release failed; kensa's columns will be empty. Last lines:"
      tail -n 25 "$OUT/cargo-build.log" | sed 's/^/    /' >&2
      failed=1
    fi
  fi
fi

# ------------------------------------------------------------------ measuring
# measure TOOL SIZE MODE RUN: build once under /usr/bin/time, append a row to $RAW; non-zero on
# failure. MODE fresh removes the output first; rebuild builds over the previous output.
measure() {
  local tool=$1 n=$2 mode=$3 run=$4 dir tf buildlog secs e_secs kib cpu_user cpu_sys pages t0 t1
  dir="$OUT/$n/$tool"
  buildlog="$OUT/$n/$tool-build.log"
  tf=$(mktemp)
  if [ "$mode" = fresh ]; then rm -rf "$dir/public" "$dir/resources"; fi
  local cmd
  case "$tool" in
    kensa) cmd=("$KENSA" build --root "$dir") ;;
    hugo)  cmd=(hugo --quiet --source "$dir" --destination "$dir/public") ;;
  esac
  t0=$(date +%s%N)
  if /usr/bin/time -f '%e %M %U %S' -o "$tf" "${cmd[@]}" >"$buildlog" 2>&1; then
    t1=$(date +%s%N)
    read -r e_secs kib cpu_user cpu_sys < <(tail -n 1 "$tf")
    # %e has 10 ms resolution: the table uses the same wall time at 1 ms resolution.
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    pages=$(find "$dir/public" -name '*.html' 2>/dev/null | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\t%s\tok\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$n" "$mode" "$run" "$secs" "$kib" "$pages" "$e_secs" \
      "$(awk -v u="$cpu_user" -v s="$cpu_sys" 'BEGIN { printf "%.2f", u + s }')" "$cpu_user" "$cpu_sys" >> "$RAW"
    log "$(printf '%-5s N=%-6s %-7s run %s: %6.2f s %7.1f MiB  (%s html pages)' "$tool" "$n" "$mode" "$run" "$secs" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" "$pages")"
    if [ "$tool" = kensa ] && [ "$run" = 1 ] && [ -s "$buildlog" ]; then
      log "      kensa says: $(tail -n 1 "$buildlog")"
    fi
    rm -f "$tf"
  else
    printf '%s\t%s\t%s\t%s\t\t\tFAILED\t\t\t\t\t\n' "$tool" "$n" "$mode" "$run" >> "$RAW"
    log "error: $tool build of $dir failed ($(head -n 1 "$tf")). Last lines of $buildlog:"
    tail -n 25 "$buildlog" | sed 's/^/    /' >&2
    rm -f "$tf"
    return 1
  fi
}

for n in "${sizes[@]}"; do
  log "generating N=$n"
  rm -rf "$OUT/$n"
  python3 benches/gen_site.py --out-root "$OUT" "$n"
  skip_kensa=0; skip_hugo=0
  [ -n "$KENSA" ] || skip_kensa=1
  want hugo || skip_hugo=1
  for mode in fresh rebuild; do
    for run in $(seq 1 "$RUNS"); do
      if [ "$skip_kensa" = 0 ]; then measure kensa "$n" "$mode" "$run" || { skip_kensa=1; failed=1; }; fi
      if [ "$skip_hugo" = 0 ]; then measure hugo "$n" "$mode" "$run" || { skip_hugo=1; failed=1; }; fi
    done
  done
done

# ------------------------------------------------------------------ report
hugo_version=$(command -v hugo >/dev/null && hugo version 2>/dev/null | awk '{print $2}' || echo "-")
kensa_rev=$(git rev-parse --short HEAD 2>/dev/null || echo "uncommitted")
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo "?")

python3 - "$RAW" "$OUT/results.md" "$RUNS" "$hugo_version" "$kensa_rev" "$(nproc) x $cpu" "$KENSA" "$load_start $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')" <<'PY'
import csv, statistics, sys, datetime, json, os

raw, out_md, runs, hugo_version, kensa_rev, cpu, kensa_bin, loads = sys.argv[1:9]
rows = list(csv.DictReader(open(raw), delimiter="\t"))
cases = []
for r in rows:
    case = (int(r["size"]), r["mode"])
    if case not in cases:
        cases.append(case)

def pick(tool, case):
    n, mode = case
    return [r for r in rows if r["tool"] == tool and int(r["size"]) == n and r["mode"] == mode]

def med(tool, case, key):
    vals = [float(r[key]) for r in pick(tool, case) if r["status"] == "ok"]
    return statistics.median(vals) if vals else None

def failed(tool, case):
    return any(r["status"] != "ok" for r in pick(tool, case))

def pages(tool, case):
    vals = [int(r["html_pages"]) for r in pick(tool, case) if r["status"] == "ok"]
    return vals[0] if vals else None

def fmt(x, spec, tool=None, case=None):
    if x is None:
        return "FAILED" if tool and failed(tool, case) else "-"
    return format(x, spec)

head = ["size", "mode", "kensa s", "hugo s", "time ratio", "kensa MiB", "hugo MiB", "mem ratio",
        "kensa s/1000 pages", "hugo s/1000 pages", "kensa CPU s", "hugo CPU s", "html pages k/h", "target"]
table = []
verdicts = []
for case in cases:
    n, mode = case
    ks, hs = med("kensa", case, "seconds"), med("hugo", case, "seconds")
    km, hm = med("kensa", case, "kib"), med("hugo", case, "kib")
    km = km / 1024 if km is not None else None
    hm = hm / 1024 if hm is not None else None
    tr = ks / hs if ks is not None and hs else None
    mr = km / hm if km is not None and hm else None
    if tr is None or mr is None:
        verdict = "-"
    else:
        verdict = "met" if tr <= 0.5 and mr <= 0.5 else "MISSED"
        verdicts.append((f"{n} {mode}", verdict))
    kp, hp = pages("kensa", case), pages("hugo", case)
    table.append([str(n), mode, fmt(ks, ".3f", "kensa", case), fmt(hs, ".3f", "hugo", case), fmt(tr, ".2f"),
                  fmt(km, ".1f", "kensa", case), fmt(hm, ".1f", "hugo", case), fmt(mr, ".2f"),
                  fmt(ks * 1000 / n if ks is not None else None, ".3f"),
                  fmt(hs * 1000 / n if hs is not None else None, ".3f"),
                  fmt(med("kensa", case, "cpu"), ".2f"), fmt(med("hugo", case, "cpu"), ".2f"),
                  f"{kp if kp is not None else '-'}/{hp if hp is not None else '-'}", verdict])

widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(head)] if table else [len(h) for h in head]
def line(cells):
    return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
md = [line(head), "| " + " | ".join("-" * w for w in widths) + " |"] + [line(r) for r in table]

if verdicts:
    missed = [c for c, v in verdicts if v != "met"]
    summary = ("target kensa <= 0.5x hugo (time and memory): met at every measured size"
               if not missed else f"target kensa <= 0.5x hugo (time and memory): MISSED at size(s) {', '.join(missed)}")
else:
    summary = "target kensa <= 0.5x hugo (time and memory): not evaluated (a tool has no measurement)"

notes = [
    f"Medians of {runs} run(s) per tool, size and mode, `/usr/bin/time -f '%e %M'` (wall s, peak RSS; wall also timed with `date +%s%N` for ms resolution); runs alternate kensa/hugo.",
    "Sites: benches/gen_site.py (fixed seed), N pages of ~2 KB Japanese Markdown, 50 per folder; same bodies for both tools.",
    "kensa's site also contains content/checklists (+ the guideline, manuals, guides, flowcharts they refer to) copied from the repo; Hugo's does not.",
    "Hugo: taxonomies, RSS, robots.txt and 404 disabled; sitemap.xml kept (kensa writes one); uglyURLs + relativeURLs (flat .html, relative links like kensa); TOC via .TableOfContents; internal links via relref.",
    f"hugo {hugo_version}; kensa {kensa_bin or '(not built)'} at {kensa_rev}; machine: {cpu}; {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}.",
    "CPU s: user + system CPU seconds of the build (median), which the disk's speed does not change much; the target is on wall time.",
    "fresh: the output folder is deleted just before the build (rm -rf); rebuild: the build writes over the previous build's output, as a user's daily `kensa build` does. Nothing else is done between runs (no sync, no waiting for the disk).",
    "Load average (1/5/15 min) at start, then at end: " + loads + " (other work on the machine makes the times noisy; the peak RSS is stable).",
]
text = "\n".join(md) + "\n\n" + summary + "\n"
print()
print(text)
with open(out_md, "w") as f:
    f.write("# kensa vs Hugo build benchmark\n\n" + text + "\n" + "\n".join("- " + n for n in notes) + "\n")
print(f"written to {out_md}")
PY

if [ "$failed" != 0 ]; then
  log "error: at least one build failed (see above); the table has FAILED / - where it has no measurement"
  exit 1
fi
