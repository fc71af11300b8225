#!/usr/bin/env bash
# End-to-end benchmark: generates a large locale tree from corpus/ and times the release binary
# on it against ripgrep scanning the same tree for a literal.
#
#   bench/run.sh [MEGABYTES]          (default 500)
#
# Environment: BENCH_DIR (default /tmp/locdrift-bench; never inside the repository),
# RUNS (default 3; the best time and the highest peak memory are reported), JOBS (default: all
# cores). Needs rg and GNU time (/usr/bin/time): apt-get install -y ripgrep time.
set -euo pipefail

cd "$(dirname "$0")/.."
MEGABYTES=${1:-500}
BENCH_DIR=${BENCH_DIR:-/tmp/locdrift-bench}
RUNS=${RUNS:-3}
JOBS=${JOBS:-$(nproc)}
TREE="$BENCH_DIR/tree-${MEGABYTES}M"

for tool in rg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/run.sh: $tool is missing (apt-get install -y ripgrep time)" >&2; exit 2; }
done
case "$(realpath -m "$BENCH_DIR")" in
  "$(pwd)"/*) echo "bench/run.sh: BENCH_DIR must be outside the repository" >&2; exit 2 ;;
esac

cargo build --release --quiet --bin locdrift --example gen_tree
BIN=target/release/locdrift

# The tree is made again when the generator or the corpus changed since it was made.
stamp=$( (cat examples/gen_tree.rs; find corpus -name '*.md' | LC_ALL=C sort | xargs cat) | cksum | cut -d' ' -f1)
if [ "$(cat "$TREE/.done" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$TREE"
  echo "generating $TREE ..."
  target/release/examples/gen_tree "$TREE" "$MEGABYTES"
  echo "$stamp" > "$TREE/.done"
fi

files=$(find "$TREE" -name '*.md' | wc -l)
bytes=$(find "$TREE" -name '*.md' -printf '%s\n' | awk '{s+=$1} END {print s}')
translated=$(find "$TREE" -name '*.md' -not -path "$TREE/en-us/*" -printf '%s\n' | awk '{s+=$1} END {print s}')
locales=$(find "$TREE" -mindepth 1 -maxdepth 1 -type d -printf '%f ' )

# Warm the page cache so that both tools read from memory.
cat $(find "$TREE" -name '*.md' | head -n 100000) >/dev/null 2>&1 || true
rg -c --no-messages -F 'warm-up' "$TREE" >/dev/null || true

# best_of CMD...: runs CMD $RUNS times; prints "best-seconds max-peak-KiB best-cpu-seconds".
# CPU time (user + system) does not depend on what else the machine runs, wall time does.
best_of() {
  local best="" peak=0 cpu="" start end secs kib used
  for _ in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    /usr/bin/time -f '%M %U %S' -o "$BENCH_DIR/time.out" "$@" >/dev/null 2>"$BENCH_DIR/stderr.out" || true
    end=$(date +%s.%N)
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}')
    read -r kib user system < <(tail -n 1 "$BENCH_DIR/time.out")
    used=$(awk -v u="$user" -v s="$system" 'BEGIN {printf "%.2f", u + s}')
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$secs; fi
    if [ -z "$cpu" ] || awk -v a="$used" -v b="$cpu" 'BEGIN {exit !(a < b)}'; then cpu=$used; fi
    if [ "$kib" -gt "$peak" ]; then peak=$kib; fi
  done
  echo "$best $peak $cpu"
}

sources=(--source "$TREE/en-us")
targets=()
for locale in $locales; do
  [ "$locale" = en-us ] || targets+=("$TREE/$locale")
done

read -r ld_secs ld_kib ld_cpu < <(best_of "$BIN" check --jobs "$JOBS" --format json "${sources[@]}" "${targets[@]}")
# locdrift exits 1 (findings) on this tree; anything that is not a finding is a failure.
if [ -s "$BENCH_DIR/stderr.out" ]; then
  echo "locdrift reported errors:" >&2; head -n 5 "$BENCH_DIR/stderr.out" >&2
fi
read -r rg_secs rg_kib rg_cpu < <(best_of rg -j "$JOBS" -c --no-messages -F 'sipdir.online.lync.com' "$TREE")

awk -v files="$files" -v bytes="$bytes" -v translated="$translated" -v jobs="$JOBS" \
    -v ld="$ld_secs" -v ldk="$ld_kib" -v rg="$rg_secs" -v rgk="$rg_kib" -v runs="$RUNS" \
    -v ldc="$ld_cpu" -v rgc="$rg_cpu" \
    -v locales="$locales" -v cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
    -v cores="$(nproc)" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
  mb = bytes / 1048576; tmb = translated / 1048576
  printf "machine:   %s, %d cores, load average before the runs %s\n", cpu, cores, load
  printf "tree:      %d files, %.1f MiB (%.1f MiB translated), folders: %s\n", files, mb, tmb, locales
  printf "runs:      best of %d, --jobs %d, page cache warm\n\n", runs, jobs
  printf "%-10s %9s %12s %22s %10s %12s %8s %18s\n", "", "time (s)", "tree MiB/s", "translated MiB/s/core", "files/s", "peak (MiB)", "CPU (s)", "translated MiB/CPU-s"
  printf "%-10s %9.2f %12.1f %22.1f %10.0f %12.1f %8.2f %18.1f\n", "locdrift", ld, mb / ld, tmb / ld / jobs, files / ld, ldk / 1024, ldc, tmb / (ldc > 0 ? ldc : 0.01)
  printf "%-10s %9.2f %12.1f %22.1f %10.0f %12.1f %8.2f %18.1f\n", "rg", rg, mb / rg, tmb / rg / jobs, files / rg, rgk / 1024, rgc, tmb / (rgc > 0 ? rgc : 0.01)
  printf "\nlocdrift / rg time: %.1fx\n", ld / rg
  printf "targets:   >= 100 MiB/s/core: %s; peak < 200 MiB: %s; <= 5x rg: %s\n",
    (tmb / ld / jobs >= 100 ? "met" : "NOT met"), (ldk / 1024 < 200 ? "met" : "NOT met"),
    (ld / rg <= 5 ? "met" : "NOT met")
}'
