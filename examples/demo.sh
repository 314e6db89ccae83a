#!/usr/bin/env bash
# Set everything up, start the local stand-in of the Qiskit Runtime sessions API,
# and run the IBM Quantum pause-session workflow against it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Install once; again only when pyproject.toml (the dependencies) changed since.
# The install is editable, so changes to the code need no reinstall.
if [ ! -x .venv/bin/arazzo ] || [ pyproject.toml -nt .venv/bin/arazzo ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
  touch .venv/bin/arazzo
fi

log=$(mktemp)
.venv/bin/python examples/ibm_quantum_sessions_server.py --port 0 >"$log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -f "$log"' EXIT

# The stand-in prints "listening on <url>" once it accepts connections.
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$log" && break
  sleep 0.1
done
base_url=$(sed -n 's/^listening on //p' "$log")
if [ -z "$base_url" ]; then
  echo "the stand-in did not start" >&2
  exit 1
fi

.venv/bin/arazzo run workflows/ibm-quantum-pause-session-and-confirm-workflow.yml \
  --input accessToken=demo-token \
  --input serviceCrn=crn:v1:bluemix:public:quantum-computing:us-east:a/demo::demo \
  --input apiVersion=2026-03-15 \
  --input sessionId=demo-session-1 \
  --input acceptingJobs=false \
  --server "sessionsApi=$base_url"
