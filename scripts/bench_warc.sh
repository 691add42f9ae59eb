#!/usr/bin/env bash
# The web-archive benchmark: embedvault archive on the synthetic corpus as a WARC and as a
# folder vs the BeautifulSoup baseline (warcio for the WARC), side by side in one run.
# Options are passed to scripts/bench_warc.py (--repeat, --out, --peers).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/bench_warc.py "$@"
