#!/usr/bin/env bash
# Event-stream benchmark (issue 13): latency PATCH 200 -> event at each stream (p50/p99) for 1, 100, 1,000, 5,000
# streams on distinct pipelines and on one pipeline; RSS per idle stream; PATCH throughput with 1,000 streams
# open against none. Runs the AOT binary (out/publish/AssetForge) on its own PostgreSQL. Bounded: every loop
# has a fixed count or duration. Usage: bench/events.sh [COUNTS...]   (default: 1 100 1000 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=${*:-1 100 1000 5000}
PATCH_SECONDS=${PATCH_SECONDS:-8}
PG_PORT=${PG_PORT:-55520} API_PORT=${API_PORT:-55521}
data=bench/.data-events
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 5,000 streams need ~10,000 descriptors (both ends)
cs=$(scripts/pg-local start "$data/pg" "$PG_PORT" assetforge_events)
key_hex=6173736574666f7267652d62656e63686d61726b2d7369676e696e672d6b6579
export ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" ConnectionStrings__AssetForge="$cs;Maximum Pool Size=50"
export Authentication__Schemes__Bearer__ValidIssuer=assetforge-bench Authentication__Schemes__Bearer__ValidAudiences__0=assetforge-bench
export Authentication__Schemes__Bearer__SigningKeys__0__Issuer=assetforge-bench
export Authentication__Schemes__Bearer__SigningKeys__0__Value=$(printf '%s' "$key_hex" | xxd -r -p | base64 -w0)
export Pipelines__Events__MaxStreamsPerUser=100000 Pipelines__Events__MaxStreams=100000 RateLimiting__Writes__PermitLimit=100000000
export Logging__LogLevel__Default=Warning
out/publish/AssetForge >"$data/api.log" 2>&1 &
api=$!
cleanup() { kill "$api" 2>/dev/null || true; wait "$api" 2>/dev/null || true; scripts/pg-local stop "$data/pg" >/dev/null 2>&1 || true; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$API_PORT/health/ready" >/dev/null && break; sleep 0.1; done
token=$(bench/mint-token "did:bench:events")
base="http://127.0.0.1:$API_PORT"
rss() { awk '/VmRSS/ {print $2}' "/proc/$api/status"; }

# RSS per idle stream first, on the fresh process: after any load its heap has room that absorbs new streams.
open_idle() {  # N: opens N idle streams in a client of their own, returns once all are open
  node bench/events.mjs "$base" "$token" idle "${1:-1000}" 0 > "$data/idle.out" &
  idle=$!
  for _ in $(seq 1 900); do grep -q open "$data/idle.out" 2>/dev/null && break; sleep 0.1; done
}
close_idle() { kill "$idle"; wait "$idle" 2>/dev/null || true; sleep 1; }
before=$(rss)
open_idle 1000
first=$idle
sleep 2
with1000=$(rss)
open_idle 4000  # the marginal cost, past whatever the first streams made the process set up once
sleep 2
with5000=$(rss)
kill "$first"; wait "$first" 2>/dev/null || true
close_idle
echo "{\"rss_kb_fresh\":$before,\"rss_kb_1000_idle\":$with1000,\"rss_kb_5000_idle\":$with5000,\"kb_per_stream_first_1000\":$(( (with1000 - before) / 1000 )),\"kb_per_stream_next_4000\":$(( (with5000 - with1000) / 4000 ))}"

# PATCH throughput (16 concurrent clients, each on its own pipeline nobody watches) with no streams and with 1,000
# idle streams open, alternating three times so the spread of each shows beside the difference.
for _ in 1 2 3; do
  node bench/events.mjs "$base" "$token" patch 0 "$PATCH_SECONDS" | sed 's/^{/{"streams":0,/'
  open_idle
  node bench/events.mjs "$base" "$token" patch 0 "$PATCH_SECONDS" | sed 's/^{/{"streams":1000,/'
  close_idle
done

# Latency last: the 5,000-stream runs leave a heap behind that would absorb the idle streams measured above.
for n in $counts; do
  rounds=$(( n >= 1000 ? 20 : 50 ))
  node bench/events.mjs "$base" "$token" distinct "$n" "$rounds"
  node bench/events.mjs "$base" "$token" one "$n" "$rounds"
done
