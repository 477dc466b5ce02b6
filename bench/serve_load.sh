#!/usr/bin/env bash
# Load run of `policyproof serve` with wrk on loopback (bounded in time): the
# server pinned to one core (one thread), wrk to the other. Prints, per route,
# requests/s, p50/p99 latency, non-2xx answers and socket errors, and the
# server's RSS before and after (memory stays flat when they agree).
#   bench/serve_load.sh [BINARY] [SECONDS per run, default 10] [CONNECTIONS, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/policyproof}
secs=${2:-10}
conns=${3:-32}
command -v wrk >/dev/null || { echo "serve_load: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ "$secs" -le 60 ] || { echo "serve_load: at most 60 s a run" >&2; exit 2; }
server_cpu=0; client_cpu=1
[ "$(nproc)" -ge 2 ] || client_cpu=0

tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
taskset -c "$server_cpu" "$bin" serve --port 0 --threads 1 --max-connections 4096 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/err" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/err")
[ -n "$port" ] || { cat "$tmp/err" >&2; exit 1; }
base=http://127.0.0.1:$port/v1/policies/CMM-607

# The bundled example (approved) and the denied T3 case, each on one line.
tr -d '\n' < model/policies/example-case.json > "$tmp/example.json"
tr -d '\n' < docs/examples/denied-t3.json > "$tmp/denied.json"
post_script() {  # a wrk script POSTing file $1 as JSON
  cat > "$tmp/$2.lua" <<LUA
local f = io.open("$1", "rb"); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body; wrk.headers["Content-Type"] = "application/json"
LUA
}
post_script "$tmp/example.json" example
post_script "$tmp/denied.json" denied

cpu_ticks() { awk '{print $14 + $15}' /proc/"$pid"/stat; }
rss() { awk '/VmRSS/ {print $2 " kB"}' /proc/"$pid"/status; }
run() {  # name script url connections
  local out t0 t1
  # warm-up: the thread's engines and Z3 context are made on first use
  taskset -c "$client_cpu" wrk -t1 -c"$4" -d1s -s "$tmp/$2.lua" "$3" >/dev/null
  t0=$(cpu_ticks)
  out=$(taskset -c "$client_cpu" wrk -t1 -c"$4" -d"${secs}s" --latency -s "$tmp/$2.lua" "$3")
  t1=$(cpu_ticks)
  local rps p50 p99 non2xx errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
  errs=$(awk '/Socket errors/ {print $0}' <<<"$out"); errs=${errs:-none}
  local total cpu_us
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  # the server's CPU time per request (user + system): what a free core would give
  cpu_us=$(awk -v t="$((t1 - t0))" -v n="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  printf '%-34s %10s req/s  p50 %-9s p99 %-9s non-2xx %s  socket errors: %s  server CPU %s us/request\n' \
    "$1 (c=$4)" "$rps" "$p50" "$p99" "$non2xx" "$errs" "$cpu_us"
}

echo "server pid $pid on cpu $server_cpu (1 thread), wrk on cpu $client_cpu, ${secs}s a run; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server RSS at start: $(rss)"
run "evaluate, approved case" example "$base/evaluate" "$conns"
run "evaluate, denied case" denied "$base/evaluate" "$conns"
echo "server RSS after evaluate runs: $(rss)"
run "explain, denied case" denied "$base/explain" 4
echo "server RSS after explain: $(rss)"
run "evaluate, approved case (again)" example "$base/evaluate" "$conns"
echo "server RSS at end: $(rss)"
