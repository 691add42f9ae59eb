#!/usr/bin/env bash
# Writes the README's screenshots of `embedvault report` (the overview and a card, 1280 and
# 390 pixels wide) into docs/img/, from an archive of samples/, in headless Chromium.
# Needs Debian's chromium and chromium-driver (and fonts-noto-color-emoji for emoji in posts).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/img}"
mkdir -p "$out"
EMBEDVAULT_SCREENSHOTS="$(cd "$out" && pwd)" \
    cargo test --test main report::screenshots -- --ignored --exact --nocapture
ls -l "$out"/report-*.png
