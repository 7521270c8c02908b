#!/usr/bin/env bash
# Runs the Python-driver conformance suite. With CASSIA_CONTACT_POINTS set it targets that node
# (a real Cassandra works too); otherwise it starts a fresh emulator on a free port.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}

if [ -z "${CASSIA_CONTACT_POINTS:-}" ]; then
    cargo build --quiet -p cassia-emulator --bin cassia-emulator
    port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    log=target/emulator-conformance.log
    target/debug/cassia-emulator --listen "127.0.0.1:$port" 2> "$log" &
    pid=$!
    trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do
        if "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    export CASSIA_CONTACT_POINTS="127.0.0.1:$port"
    # test_cluster.py starts its own 3-node emulator from this binary.
    export CASSIA_EMULATOR_BINARY=target/debug/cassia-emulator
fi

export CASSIA_PROTOCOL_VERSIONS=${CASSIA_PROTOCOL_VERSIONS:-4,5}
export CASSIA_COMPRESSIONS=${CASSIA_COMPRESSIONS:-none,lz4,snappy}
"$PY" -m pytest tests/python -q -p no:cacheprovider "$@"
