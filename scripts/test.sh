#!/usr/bin/env bash
# The one entry point for every check CI runs; identical locally and in CI.
# Usage: scripts/test.sh            (everything)
#        SKIP_PYTHON=1 scripts/test.sh   (skips the Python conformance suite)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

step() { printf '\n==> %s\n' "$*"; }

# The reference client (the official Python driver) and pytest, pinned in tests/python/requirements.txt,
# installed into .venv once and again whenever the pins change.
ensure_python_env() {
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv
    fi
    if ! cmp -s tests/python/requirements.txt .venv/.installed-requirements 2>/dev/null; then
        .venv/bin/pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
        cp tests/python/requirements.txt .venv/.installed-requirements
    fi
}

step "Python environment (the official driver, for the cross-driver and conformance suites)"
ensure_python_env

step "rustfmt"
cargo fmt --all -- --check

step "clippy (warnings denied)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "rustdoc (warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet

step "cargo test"
cargo test --workspace --quiet 2>&1 | tee target/cargo-test.log
# cargo prints one summary per test binary; add them up into one closing line.
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "rust: %d passed, %d failed, %d skipped\n", p, f, i }' target/cargo-test.log

step "examples against the embedded emulator"
scripts/run-examples.sh

step "migrations as CI runs them (blog: cassia migrate run, schema diff --check)"
scripts/blog-migrations.sh

step "benchmark smoke run (every client completes one 1-second trial)"
cargo run --quiet --release -p cassia-bench -- --smoke

if [ "${SKIP_PYTHON:-0}" != 1 ]; then
    step "official Python driver against the emulator (conformance suite)"
    tests/python/run_conformance.sh
fi
