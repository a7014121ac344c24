#!/usr/bin/env bash
# Mirror benchmark (issue #6): lays the ../shared malicious corpus and the benign corpus out as a
# bandersnatch mirror (hard links, nothing copied or extracted), runs `ferret mirror` on it, then
# runs it again (incremental: nothing new), and prints files/s, MB/s and peak RSS of both runs.
# usage: benches/mirror.sh [WORKDIR]   (needs target/release/ferret; skips what is absent)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-target/mirror-bench}
ferret=target/release/ferret
[ -x "$ferret" ] || { echo "build first: cargo build --release"; exit 2; }
sources=()
[ -d ../shared/corpus/malicious-dev ] && sources+=(../shared/corpus/malicious-dev)
[ -d ../benign-corpus/wheels ] && sources+=(../benign-corpus/wheels ../benign-corpus/sdists)
[ ${#sources[@]} -gt 0 ] || { echo "skipped: neither ../shared/corpus nor ../benign-corpus present"; exit 0; }
rm -rf "$work"; mkdir -p "$work/web/packages"
files=0; bytes=0
for src in "${sources[@]}"; do
  for f in "$src"/*; do
    h=$(sha256sum "$f" | cut -c1-64)
    d="$work/web/packages/${h:0:2}/${h:2:2}/${h:4}"
    mkdir -p "$d"; ln "$f" "$d/$(basename "$f")" 2>/dev/null || cp "$f" "$d/"
    files=$((files + 1)); bytes=$((bytes + $(stat -c %s "$f")))
  done
done
echo "mirror: $files files, $((bytes / 1048576)) MiB, $(nproc) cores, $(date -u +%F)"
for run in first incremental; do
  /usr/bin/time -f "%e %M" -o "$work/time" "$ferret" mirror "$work" --db "$work/results.sqlite" >/dev/null 2>"$work/log" || true
  read -r secs kib < "$work/time"
  awk -v r="$run" -v s="$secs" -v k="$kib" -v n="$files" -v b="$bytes" 'BEGIN {
    printf "%-12s %7.1f s  %8.0f files/s  %7.1f MB/s  peak RSS %4d MiB\n", r, s, n / s, b / s / 1e6, k / 1024 }'
done
"$ferret" mirror report --db "$work/results.sqlite" | head -12
