#!/usr/bin/env bash
# The CI job a team runs on its migrations, on the blog example: start a node (the
# cassia-emulator binary), `cassia migrate run --profile ci`, then the gates
# `schema diff --check` against the migration files and against the database.
# Ends with one line: `blog migrations: N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

cargo build --quiet -p cassia-cli -p cassia-emulator --bins || { echo "blog migrations: 0 passed, 1 failed (build)"; exit 1; }
cargo build --quiet -p cassia-examples --example blog_migrate || { echo "blog migrations: 0 passed, 1 failed (build)"; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ROOT/target/debug/cassia-emulator" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null' EXIT
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
done

export CASSIA_CONTACT_POINTS="127.0.0.1:$port"
unset CASSIA_KEYSPACE CASSIA_PROFILE CASSIA_CONFIG CASSIA_USERNAME CASSIA_PASSWORD CASSIA_TLS_CA CASSIA_PROTOCOL_VERSION
cd examples/blog
passed=0
failed=0
step() {
    local name=$1; shift
    if "$@"; then
        passed=$((passed + 1)); echo "blog migrations: $name ok"
    else
        failed=$((failed + 1)); echo "blog migrations: $name FAILED (exit $?)"
    fi
}
step "cassia migrate run --profile ci" "$ROOT/target/debug/cassia" migrate run --profile ci
step "second run: nothing pending" bash -c "\"$ROOT/target/debug/cassia\" migrate run --profile ci --format json | grep -q '\"applied\":\[\]'"
step "cassia migrate validate" "$ROOT/target/debug/cassia" migrate validate --profile ci
step "schema diff --check (models vs migration files)" "$ROOT/target/debug/examples/blog_migrate" schema diff --check --profile ci
step "schema diff --check --against database" "$ROOT/target/debug/examples/blog_migrate" schema diff --check --against database --profile ci
echo "blog migrations: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
