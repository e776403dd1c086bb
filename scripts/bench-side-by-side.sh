#!/usr/bin/env bash
# bench-side-by-side.sh: hookmock's throughput next to wrk and vegeta, on
# one trivial consumer (internal/benchconsumer) in a process of its own on
# loopback. Each round runs, interleaved so that the machine's mood is
# shared out evenly:
#   1. wrk -t2 -c64 for WRK_SECONDS with a ~600-byte POST: the ceiling;
#   2. BenchmarkDeliveryEndToEnd (memory store) pointed at the same
#      consumer (HOOKMOCK_BENCH_CONSUMER), BENCH_EVENTS events;
#   3. a ladder of rates (RATES), each for STEP_SECONDS, alternating
#      `hookmock load` and vegeta, both signed (Daily's scheme): each tool's
#      highest rate with p99 < 50 ms, every request answered 200, none
#      missed, and at least 95% of the rate achieved. A tool's ladder stops
#      at its first failing rate.
# It prints min/median/max per tool over ROUNDS rounds and the ratios to wrk
# (and load's to vegeta's). Everything is bounded: ROUNDS × (WRK_SECONDS +
# one benchmark + at most 2 × |RATES| × STEP_SECONDS); about 5 minutes with
# the defaults. Loopback only. If vegeta cannot be installed, it says so and
# runs the rest.
#
#   scripts/bench-side-by-side.sh            # from the repository root
#   ROUNDS=1 RATES="2000 4000" scripts/bench-side-by-side.sh
set -euo pipefail

ROUNDS=${ROUNDS:-3}
WRK_SECONDS=${WRK_SECONDS:-5}
BENCH_EVENTS=${BENCH_EVENTS:-30000}
STEP_SECONDS=${STEP_SECONDS:-2}
RATES=${RATES:-"2000 4000 6000 8000 10000 12000 14000 16000"}
VEGETA_VERSION=v12.13.0

cd "$(dirname "$0")/.."
work=$(mktemp -d)
consumer_pid=
cleanup() {
	if [ -n "$consumer_pid" ]; then kill "$consumer_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

say() { printf '%s\n' "$*" >&2; }

say "building hookmock, the consumer and the mockserver benchmark into $work"
go build -o "$work/hookmock" ./cmd/hookmock
go build -o "$work/benchconsumer" ./internal/benchconsumer
go test -c -o "$work/mockserver.test" ./mockserver

have_wrk=1
if ! command -v wrk >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get install -y wrk >/dev/null 2>&1 || true
	fi
	command -v wrk >/dev/null || { have_wrk=0; say "wrk is not installed (apt-get install -y wrk): no ceiling, no ratios"; }
fi
vegeta=$(command -v vegeta || true)
if [ -z "$vegeta" ]; then
	if GOBIN="$work" go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION" >/dev/null 2>&1; then
		vegeta="$work/vegeta"
	else
		say "vegeta $VEGETA_VERSION could not be installed (go install github.com/tsenart/vegeta/v12@$VEGETA_VERSION failed): running the rest without it"
	fi
fi

"$work/benchconsumer" >"$work/url" &
consumer_pid=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
case "$url" in http://127.*) ;; *) say "the consumer did not start on loopback: '$url'"; exit 1 ;; esac
say "consumer (pid $consumer_pid) at $url"

# One signed ~600-byte body for wrk and vegeta: a generated event, padded
# with JSON whitespace. Its signature is computed once, as a static load
# tool must; hookmock load signs each of its generated events.
secret=$(printf 'side-by-side benchmark secret!!!' | base64)
"$work/hookmock" gen calltransfer.triggered --seed 1 2>/dev/null | head -1 | tr -d '\n' >"$work/event"
printf '%*s' $((600 - $(wc -c <"$work/event"))) '' >>"$work/event"
ts=$(date +%s)
key_hex=$(printf '%s' "$secret" | base64 -d | od -An -tx1 | tr -d ' \n')
sig=$( { printf '%s.' "$ts"; cat "$work/event"; } | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64)
cat >"$work/post.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Webhook-Timestamp"] = "$ts"
wrk.headers["X-Webhook-Signature"] = "$sig"
local f = io.open("$work/event", "rb"); wrk.body = f:read("*a"); f:close()
EOF
printf 'POST %s\nContent-Type: application/json\nX-Webhook-Timestamp: %s\nX-Webhook-Signature: %s\n@%s\n' \
	"$url" "$ts" "$sig" "$work/event" >"$work/targets"

# pass FILE: "1 p99ms" when a run met the bar, "0 p99ms" otherwise. FILE is
# hookmock load's --out or vegeta's JSON report, which share these figures.
pass() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
tool, path, rate = sys.argv[1], sys.argv[2], float(sys.argv[3])
try:
    r = json.load(open(path))
except Exception:
    print("0 -"); sys.exit()
if tool == "load":
    p99, ok = r["latency"]["p99Ns"], r["success"] == 1 and r["missed"] == 0 and r["signed"] != ""
    achieved = r["achievedRate"]
else:
    p99, ok = r["latencies"]["99th"], r["success"] == 1
    achieved = r["rate"]
ok = ok and p99 < 50e6 and achieved >= 0.95 * rate
print("%d %.1f" % (ok, p99 / 1e6))
EOF
}

: >"$work/results"
for round in $(seq "$ROUNDS"); do
	if [ "$have_wrk" = 1 ]; then
		rps=$(wrk -t2 -c64 -d"${WRK_SECONDS}s" -s "$work/post.lua" "$url" | awk '/^Requests\/sec:/ {print $2}')
		say "round $round: wrk -t2 -c64: $rps req/s"
		echo "wrk $round $rps" >>"$work/results"
	fi
	eps=$(HOOKMOCK_BENCH_CONSUMER="$url" "$work/mockserver.test" -test.run '^$' -test.bench 'DeliveryEndToEnd$' \
		-test.benchtime "${BENCH_EVENTS}x" | awk '/events\/s/ {for (i = 1; i < NF; i++) if ($(i+1) == "events/s") print $i}')
	say "round $round: BenchmarkDeliveryEndToEnd: $eps events/s"
	echo "e2e $round $eps" >>"$work/results"
	best_load=0 best_vegeta=0 load_on=1 vegeta_on=1
	[ -n "$vegeta" ] || vegeta_on=0
	for rate in $RATES; do
		if [ "$load_on" = 1 ]; then
			"$work/hookmock" load --to "$url" --rate "$rate" --duration "${STEP_SECONDS}s" --event calltransfer.triggered \
				--secret "$secret" --seed "$round" --out "$work/load.json" >/dev/null 2>&1 || true
			read -r ok p99 < <(pass load "$work/load.json" "$rate")
			say "round $round: hookmock load $rate/s: p99 $p99 ms, $([ "$ok" = 1 ] && echo pass || echo fail)"
			if [ "$ok" = 1 ]; then best_load=$rate; else load_on=0; fi
			rm -f "$work/load.json"
		fi
		if [ "$vegeta_on" = 1 ]; then
			"$vegeta" attack -targets "$work/targets" -rate "$rate" -duration "${STEP_SECONDS}s" -timeout 5s |
				"$vegeta" report -type json >"$work/vegeta.json" 2>/dev/null || true
			read -r ok p99 < <(pass vegeta "$work/vegeta.json" "$rate")
			say "round $round: vegeta $rate/s: p99 $p99 ms, $([ "$ok" = 1 ] && echo pass || echo fail)"
			if [ "$ok" = 1 ]; then best_vegeta=$rate; else vegeta_on=0; fi
		fi
		[ "$load_on" = 1 ] || [ "$vegeta_on" = 1 ] || break
	done
	echo "load $round $best_load" >>"$work/results"
	[ -z "$vegeta" ] || echo "vegeta $round $best_vegeta" >>"$work/results"
done

echo "side by side, $ROUNDS rounds, $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
python3 - "$work/results" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    tool, _, v = line.split()
    runs.setdefault(tool, []).append(float(v))
names = {"wrk": "wrk -t2 -c64 (req/s)", "e2e": "BenchmarkDeliveryEndToEnd, memory store (events/s)",
         "load": "hookmock load, highest rate with p99 < 50 ms, signed (/s)",
         "vegeta": "vegeta, highest rate with p99 < 50 ms, signed (/s)"}
med = {t: statistics.median(v) for t, v in runs.items()}
for t in ("wrk", "e2e", "load", "vegeta"):
    if t not in runs:
        continue
    v = runs[t]
    line = "%-58s min %8.0f  median %8.0f  max %8.0f" % (names[t], min(v), med[t], max(v))
    if t != "wrk" and med.get("wrk"):
        line += "  %.2f× wrk" % (med[t] / med["wrk"])
    if t == "load" and med.get("vegeta"):
        line += "  %.2f× vegeta" % (med[t] / med["vegeta"])
    print(line)
EOF
