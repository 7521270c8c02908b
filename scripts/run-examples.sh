#!/usr/bin/env bash
# Builds and runs every example of the cassia-examples package against the embedded
# emulator each one starts for itself (a fresh server per example), and fails if any
# exits non-zero. Ends with one line: `examples: N passed, M failed`.
# Usage: scripts/run-examples.sh
set -uo pipefail
cd "$(dirname "$0")/.."

# The examples' default target is the embedded emulator; a cluster configured in the
# caller's environment must not take its place here.
unset CASSIA_CONTACT_POINTS CASSIA_PROTOCOL_VERSION CASSIA_USERNAME CASSIA_PASSWORD CASSIA_TLS_CA

# Every [[example]] the manifest declares (the package lists them all: autoexamples = false).
mapfile -t names < <(awk '
    /^\[\[example\]\]/ { in_example = 1; next }
    /^\[/ { in_example = 0 }
    in_example && $1 == "name" { gsub(/"/, "", $3); print $3 }
' examples/Cargo.toml)

if [ "${#names[@]}" -eq 0 ]; then
    echo "no [[example]] found in examples/Cargo.toml" >&2
    echo "examples: 0 passed, 1 failed"
    exit 1
fi

if ! cargo build --quiet -p cassia-examples --examples; then
    echo "examples: 0 passed, ${#names[@]} failed (build failed)"
    exit 1
fi

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for name in "${names[@]}"; do
    start=$(date +%s%N)
    # A hung example must not hang CI; each one takes well under a second normally.
    # A command-line example runs one of its commands: blog_migrate is the CI gate
    # "no model changed without a migration" (no node needed), run from the blog's folder
    # so its cassia.toml applies.
    dir=.
    args=()
    if [ "$name" = blog_migrate ]; then
        dir=examples/blog
        args=(schema diff --check)
    fi
    # The web service would serve until stopped: --check serves on a free port, calls every
    # endpoint over HTTP, and exits.
    if [ "$name" = web ]; then
        args=(--check)
    fi
    if (cd "$dir" && timeout 120 cargo run --quiet -p cassia-examples --example "$name" -- "${args[@]}") >"$log" 2>&1; then
        passed=$((passed + 1))
        printf 'example %-12s ok (%d ms)\n' "$name" $((($(date +%s%N) - start) / 1000000))
    else
        status=$?
        failed=$((failed + 1))
        printf 'example %-12s FAILED (exit %d); last lines of its output:\n' "$name" "$status"
        tail -n 20 "$log" | sed 's/^/    /'
    fi
done

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
