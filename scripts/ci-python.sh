#!/usr/bin/env bash
# The Python package's check: builds the abi3 wheel with maturin, installs it into the project's
# own virtual environment (target/py-venv), and runs the pytest suite, which compares the
# package's records with the real `embedvault` binary's, and the Rust test that pins the record's
# field names to the fixture the Python tests read.
#
#   scripts/ci-python.sh              # everything
#   scripts/ci-python.sh --no-tests   # only the environment, the binary and the wheel
#
# From a clean clone it creates the venv and installs maturin and pytest from PyPI; on
# a second run it installs nothing, and cargo rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

tests=1
[ "${1:-}" = "--no-tests" ] && tests=0

venv=target/py-venv
py="$venv/bin/python"
step() { printf '== %s\n' "$*" >&2; }

if [ ! -x "$py" ]; then
    step "creating $venv"
    mkdir -p target
    python3 -m venv "$venv"
fi
missing=()
[ -x "$venv/bin/maturin" ] || missing+=(maturin)
"$py" -c 'import pytest' 2>/dev/null || missing+=(pytest)
if [ ${#missing[@]} -gt 0 ]; then
    step "installing ${missing[*]} into $venv"
    "$py" -m pip install -q --disable-pip-version-check "${missing[@]}"
fi

step "building the embedvault binary (release)"
cargo build --release --bin embedvault

step "building the wheel (maturin, abi3)"
# The bindings build in the root's target/ with the root's release profile, so the root crate
# and its dependencies, just compiled for the binary, are not compiled again; the wheel lands in
# target/wheels/.
export CARGO_TARGET_DIR="$PWD/target"
(cd python && "../$venv/bin/maturin" build --release --interpreter "../$py" --quiet 2>&1 |
    grep -v '^\s*$' | tail -n 3 >&2)
wheel=$(ls -t target/wheels/embedvault-*-abi3-*.whl | head -n 1)
"$py" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel"
step "installed $wheel"

[ "$tests" = 1 ] || exit 0

step "Rust: the record's field names against the shared fixture"
cargo fmt --manifest-path python/Cargo.toml --check
# In the dev profile, as the root's `cargo test`: a release test build would take turns with
# maturin's (their PyO3 configurations differ) and rebuild the bindings on every run.
cargo test --manifest-path python/Cargo.toml --quiet

step "pytest"
# Run from the root with the venv's pytest (not `python -m pytest`, which would put the current
# folder on sys.path): the installed wheel is what is tested, never python/embedvault/.
"$venv/bin/pytest" -q python/tests
