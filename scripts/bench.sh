#!/usr/bin/env bash
# End-to-end benchmark: embedvault archive vs the BeautifulSoup baseline on the synthetic
# corpora, side by side in one run. Options are passed to scripts/bench.py (--repeat, --big N,
# --out, --no-baseline). Example: scripts/bench.sh --big 100
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/bench.py "$@"
