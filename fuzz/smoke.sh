#!/usr/bin/env bash
# Fuzz smoke for CI (issue 8): builds every fuzz target and runs each briefly on seeds generated
# from corpus/, so the targets keep building and the seeds stay crash-free. Not a fuzzing
# campaign: see docs/fuzzing.md for the long runs.
#
#   fuzz/smoke.sh                      # every target, FUZZ_SMOKE_SECS (default 30) seconds each
#   FUZZ_TOOLCHAIN=stable fuzz/smoke.sh   # force the stable + RUSTC_BOOTSTRAP=1 fallback
#
# Installs cargo-fuzz when missing. Uses a nightly toolchain when one is installed, otherwise
# stable with RUSTC_BOOTSTRAP=1 (cargo-fuzz needs -Z flags; stable ships the ASan runtime).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${FUZZ_SMOKE_SECS:-30}"
targets="${FUZZ_TARGETS:-archive python decode rules scan}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

toolchain="${FUZZ_TOOLCHAIN:-}"
if [ -z "$toolchain" ]; then
  if rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=nightly
  else
    toolchain=stable
  fi
fi
if [ "$toolchain" = nightly ]; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo "+$toolchain" fuzz)
fi
echo "fuzz smoke: ${fuzz[*]} ($(rustup run "$toolchain" rustc --version)), ${secs}s per target"

fuzz/seeds.sh fuzz/corpus >/dev/null
# 16 codegen units: the build is most of the smoke's time; the runs are short.
"${fuzz[@]}" build -O --codegen-units 16

status=0
for t in $targets; do
  log="fuzz/target/smoke-$t.log"
  if "${fuzz[@]}" run -O --codegen-units 16 "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      >"$log" 2>&1; then
    echo "fuzz $t: ok, $(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}') execs"
  else
    status=1
    echo "fuzz $t: FAILED (crash, hang or OOM); reproducer under fuzz/artifacts/$t/" >&2
    grep -E "ERROR|panicked|SUMMARY|Test unit written" "$log" | head -20 >&2 || true
  fi
done
exit "$status"
