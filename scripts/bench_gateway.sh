#!/usr/bin/env bash
# Decision throughput and latency of `interlock serve`, release build, load from wrk in a
# separate process on loopback. Every decision is committed to the audit log (SQLite WAL,
# synchronous=FULL) before it is answered.
#
#   scripts/bench_gateway.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
connections=${2:-64}
command -v wrk >/dev/null || { echo "bench_gateway: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product interlock >/dev/null
bin=.build/release/interlock
home=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$home"' EXIT
token=$("$bin" token create --home "$home" --agent bench-bot | tail -1)
"$bin" serve --home "$home" --port 0 > "$home/serve.out" 2> "$home/serve.err" &
server=$!
for _ in $(seq 100); do grep -q listening "$home/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$home/serve.out")
# Warm up, then measure.
INTERLOCK_TOKEN=$token wrk -t1 -c"$connections" -d3s -s benchmarks/gateway/submit.lua "$url/v1/actions" >/dev/null
INTERLOCK_TOKEN=$token wrk -t2 -c"$connections" -d"${seconds}s" --latency -s benchmarks/gateway/submit.lua "$url/v1/actions"
size=$("$bin" audit verify --home "$home" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')
echo "audit log entries after the run: $size (every answered decision is one entry)"
