"""Helpers shared by the test files: the repository's root, its samples, JSON lines."""

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def sample_files():
    """Every file under samples/, as `embedvault scan samples` walks it: sorted, hidden skipped."""
    found = []
    for folder, dirs, files in os.walk(SAMPLES):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / f for f in files if not f.startswith("."))
    return sorted(found)


def jsonl(text):
    """The records of JSON-lines output."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]
