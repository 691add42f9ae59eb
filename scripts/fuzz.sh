#!/usr/bin/env bash
# The mutation harness (tests/fuzz.rs) in release mode with many cases: every sample and, when
# present, every corpus page beside the checkout, windowed and mutated; no panic, spans inside
# the input and around the post, the same result scanned again and with two threads.
#
# Usage: scripts/fuzz.sh [CASES] [SEED]
#   CASES  number of cases (default 1000000; EMBEDVAULT_FUZZ_CASES also works)
#   SEED   the generator's seed (default the harness's fixed one; EMBEDVAULT_FUZZ_SEED too)
# A failure prints the seed, the case count and the shrunk failing case.
set -euo pipefail
cd "$(dirname "$0")/.."
export EMBEDVAULT_FUZZ_CASES="${1:-${EMBEDVAULT_FUZZ_CASES:-1000000}}"
if [ -n "${2:-}" ]; then
  export EMBEDVAULT_FUZZ_SEED="$2"
fi
exec cargo test --release --test fuzz -- --nocapture
