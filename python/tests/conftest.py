"""Shared fixtures: the real `embedvault` binary and the record schema fixture that
`tests/schema.rs` checks against the Rust library.

The binary is `target/release/embedvault` at the repository's root (`cargo build --release`),
or `$EMBEDVAULT_BIN`. It must exist: these tests compare the package with it, and a comparison
that cannot run is a failure, never a skip.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

from support import FIXTURES, ROOT


@pytest.fixture(scope="session")
def binary():
    path = Path(os.environ.get("EMBEDVAULT_BIN", ROOT / "target" / "release" / "embedvault"))
    assert path.is_file(), f"{path} is missing: run `cargo build --release` at the root first"
    return path


@pytest.fixture(scope="session")
def cli(binary):
    """Runs the binary from the repository's root; returns (exit code, stdout, stderr)."""

    def run(*args, ok=(0,)):
        p = subprocess.run([str(binary), *map(str, args)], cwd=ROOT, capture_output=True)
        command = " ".join(map(str, args))
        assert p.returncode in ok, f"embedvault {command}: exit {p.returncode}\n{p.stderr.decode()}"
        return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")

    return run


@pytest.fixture(scope="session")
def schema():
    """The record's field names, shared with `tests/schema.rs`: {"record": [...], "stored": [...]}."""
    return json.loads((FIXTURES / "record_fields.json").read_text(encoding="utf-8"))
