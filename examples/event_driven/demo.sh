#!/usr/bin/env bash
# The event-driven demo: start the order service stand-in with its own MQTT broker
# (pure Python, nothing else to install), then place an order over MQTT and one over
# HTTP, each waiting for its confirmation message.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Install once; again only when pyproject.toml changed since.
if [ ! -x .venv/bin/arazzo ] || [ pyproject.toml -nt .venv/bin/arazzo ] \
    || ! .venv/bin/python -c 'import aiomqtt, amqtt' 2>/dev/null; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[demo]'
  touch .venv/bin/arazzo
fi

free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mqtt_port=$(free_port)
http_port=$(free_port)

log=$(mktemp)
.venv/bin/python examples/event_driven/order_service.py \
  --mqtt-port "$mqtt_port" --http-port "$http_port" >"$log" 2>&1 &
service_pid=$!
trap 'kill "$service_pid" 2>/dev/null || true; rm -f "$log"' EXIT

# The service prints "order service: ..." once its broker and API accept connections.
for _ in $(seq 1 100); do
  grep -q '^order service: ' "$log" && break
  sleep 0.1
done
if ! grep -q '^order service: ' "$log"; then
  cat "$log" >&2
  echo "the order service did not start" >&2
  exit 1
fi

document=examples/event_driven/place-order.arazzo.yaml
echo "== an order over MQTT"
.venv/bin/arazzo run "$document" -w placeOrderOverMqtt -i item=book -i requestId=demo-1 \
  --server "orderEvents=mqtt://127.0.0.1:$mqtt_port" -v
echo
echo "== an order over HTTP, confirmed over MQTT"
.venv/bin/arazzo run "$document" -w placeOrderOverHttp -i item=lamp -i requestId=demo-2 \
  --server "orderEvents=mqtt://127.0.0.1:$mqtt_port" \
  --server "orderApi=http://127.0.0.1:$http_port"
