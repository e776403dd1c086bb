#!/usr/bin/env bash
# bench-side-by-side.sh: hookmock's throughput next to wrk and vegeta, on
# one trivial consumer (internal/benchconsumer) in a process of its own on
# loopback. Each round runs, interleaved so that the machine's mood is
# shared out evenly:
#   1. wrk -t2 -c64 for WRK_SECONDS with a ~600-byte signed POST: the ceiling;
#   2. BenchmarkHTTPCeiling/net-http against the same consumer: Go's client
#      alone (64 in flight, 600-byte POSTs, nothing else), the most an
#      engine built on net/http could reach here;
#   3. BenchmarkDeliveryEndToEnd pointed at the same consumer
#      (HOOKMOCK_BENCH_CONSUMER): BENCH_EVENTS events on the memory store,
#      then BENCH_EVENTS_SQLITE on SQLite (a file in a temporary directory),
#      each with its allocations per delivered event (-benchmem);
#   4. after SETTLE_SECONDS, a ladder of rates (RATES), each for
#      STEP_SECONDS, alternating `hookmock load` and vegeta (which goes first
#      takes turns from rung to rung), both signed (Daily's scheme). A rate
#      passes when p99 < 50 ms, every request is answered 200, no tick is
#      missed and at least 95% of the rate is achieved; a tool's figure is
#      its highest rate passed below its first failing one. A failing rate
#      is tried RETRIES more times before it counts, for both tools alike, so
#      that one hiccup of a shared machine does not end a ladder.
#      vegeta counts latency from each request's start, leaving out any wait
#      for its ticker or a free worker (coordinated omission). load reports
#      that figure too, and the one from each tick's due time, which counts
#      those waits. The same runs give load two figures: "load" on vegeta's
#      definition (like for like, the comparison the issue asks for) and
#      "load, from due time", the stricter bar vegeta cannot be held to.
# Then, once: BenchmarkRecordFootprint (100,000 delivered records, memory
# store: heap and RSS per record).
# It prints min/median/max per tool over ROUNDS rounds, the ratios to the same
# round's wrk and Go's client alone (min/median/max of the per-round ratios),
# load's to vegeta's,
# and the load average before and after. Everything is bounded; about 5
# minutes with the defaults. Loopback only. If vegeta cannot be installed, it
# says so and runs the rest.
#
#   scripts/bench-side-by-side.sh            # from the repository root
#   ROUNDS=1 RATES="4000 8000" FOOTPRINT=0 scripts/bench-side-by-side.sh
set -euo pipefail

ROUNDS=${ROUNDS:-3}
WRK_SECONDS=${WRK_SECONDS:-5}
BENCH_EVENTS=${BENCH_EVENTS:-30000}
BENCH_EVENTS_SQLITE=${BENCH_EVENTS_SQLITE:-10000}
STEP_SECONDS=${STEP_SECONDS:-2}
RATES=${RATES:-"4000 8000 12000 16000 20000 24000 28000 32000"}
RETRIES=${RETRIES:-1}
FOOTPRINT=${FOOTPRINT:-1}
SETTLE_SECONDS=${SETTLE_SECONDS:-2}
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
began=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "$(uptime)"

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

# pass TOOL FILE RATE: "OK OKDUE p99ms extra": OK is 1 when the run met the
# bar with latency from each request's start (vegeta's definition), OKDUE
# when it met it from each tick's due time too (load only; vegeta's OKDUE
# is its OK). FILE is hookmock load's --out or vegeta's JSON report, which
# share these figures.
pass() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
tool, path, rate = sys.argv[1], sys.argv[2], float(sys.argv[3])
try:
    r = json.load(open(path))
except Exception:
    print("0 0 - no-report"); sys.exit()
if tool == "load":
    p99, p99due = r["serviceLatency"]["p99Ns"], r["latency"]["p99Ns"]
    ok = r["success"] == 1 and r["missed"] == 0 and r["signed"] != ""
    achieved = r["achievedRate"]
    extra = "from-due-p99=%.1fms,missed=%d,achieved=%.0f" % (p99due / 1e6, r["missed"], achieved)
else:
    p99, ok = r["latencies"]["99th"], r["success"] == 1
    p99due = p99
    achieved = r["rate"]
    extra = "achieved=%.0f" % achieved
ok = ok and achieved >= 0.95 * rate
print("%d %d %.1f %s" % (ok and p99 < 50e6, ok and p99due < 50e6, p99 / 1e6, extra))
EOF
}

# attempt TOOL RATE SEED: one run of TOOL at RATE; prints pass's line.
attempt() {
	rm -f "$work/$1.json"
	if [ "$1" = load ]; then
		"$work/hookmock" load --to "$url" --rate "$2" --duration "${STEP_SECONDS}s" --event calltransfer.triggered \
			--secret "$secret" --seed "$3" --out "$work/load.json" >/dev/null 2>&1 || true
	else
		"$vegeta" attack -targets "$work/targets" -rate "$2" -duration "${STEP_SECONDS}s" -timeout 5s |
			"$vegeta" report -type json >"$work/vegeta.json" 2>/dev/null || true
	fi
	pass "$1" "$work/$1.json" "$2"
}

# e2e STORE EVENTS: BenchmarkDeliveryEndToEnd's "events/s allocs/op" on STORE.
e2e() {
	HOOKMOCK_BENCH_CONSUMER="$url" "$work/mockserver.test" -test.run '^$' -test.bench "DeliveryEndToEnd\$/^store=$1\$" \
		-test.benchtime "${2}x" -test.benchmem | awk '/events\/s/ {
			for (i = 1; i < NF; i++) { if ($(i+1) == "events/s") e = $i; if ($(i+1) == "allocs/op") a = $i }
			print e, a }'
}

: >"$work/results"
for round in $(seq "$ROUNDS"); do
	if [ "$have_wrk" = 1 ]; then
		rps=$(wrk -t2 -c64 -d"${WRK_SECONDS}s" -s "$work/post.lua" "$url" | awk '/^Requests\/sec:/ {print $2}')
		say "round $round: wrk -t2 -c64: $rps req/s"
		echo "wrk $round $rps" >>"$work/results"
	fi
	# Go's client alone, with nothing of hookmock's around it: what any
	# engine built on net/http could reach against this consumer.
	ceil=$(HOOKMOCK_BENCH_CONSUMER="$url" "$work/mockserver.test" -test.run '^$' -test.bench 'HTTPCeiling/net-http$' \
		-test.benchtime "${BENCH_EVENTS}x" | awk '/requests\/s/ { for (i = 1; i < NF; i++) if ($(i+1) == "requests/s") print $i }')
	say "round $round: BenchmarkHTTPCeiling/net-http ($BENCH_EVENTS requests): ${ceil:-failed} req/s"
	[ -z "$ceil" ] || echo "ceiling $round $ceil" >>"$work/results"
	for st in memory sqlite; do
		n=$BENCH_EVENTS
		[ "$st" = memory ] || n=$BENCH_EVENTS_SQLITE
		eps= allocs=
		read -r eps allocs < <(e2e "$st" "$n") || true
		say "round $round: BenchmarkDeliveryEndToEnd/store=$st ($n events): ${eps:-failed} events/s, ${allocs:-?} allocs per event"
		echo "e2e-$st $round ${eps:-0}" >>"$work/results"
		[ -z "$allocs" ] || echo "allocs-$st $round $allocs" >>"$work/results"
	done
	# due is load judged from each tick's due time; its ladder runs on the
	# same runs as load's and never passes a rate load does not.
	best_load=0 best_due=0 best_vegeta=0 load_on=1 due_on=1 vegeta_on=1
	[ -n "$vegeta" ] || vegeta_on=0
	# Settle after the benchmarks (SQLite's file is still being written
	# back), and take turns going first at each rung, so that neither tool
	# always follows the benchmarks or the other's backlog.
	sleep "$SETTLE_SECONDS"
	rung=0
	for rate in $RATES; do
		rung=$((rung + 1))
		order="load vegeta"
		[ $(((round + rung) % 2)) = 0 ] || order="vegeta load"
		for tool in $order; do
			if [ "$tool" = load ]; then
				[ "$load_on" = 1 ] || [ "$due_on" = 1 ] || continue
			else
				[ "$vegeta_on" = 1 ] || continue
			fi
			ok=0 okdue=0
			for try in $(seq 0 "$RETRIES"); do
				read -r ok1 okdue1 p99 extra < <(attempt "$tool" "$rate" "$round$try")
				verdict=fail
				if [ "$ok1" = 1 ]; then ok=1 verdict=pass; fi
				if [ "$okdue1" = 1 ]; then okdue=1; fi
				if [ "$tool" = load ]; then
					verdict="$verdict; from due time $([ "$okdue1" = 1 ] && echo pass || echo fail)"
				fi
				say "round $round: $tool $rate/s: p99 $p99 ms ($extra): $verdict"
				# Retry only while a ladder still running for this tool fails.
				if [ "$tool" = load ]; then
					if { [ "$load_on" = 0 ] || [ "$ok" = 1 ]; } && { [ "$due_on" = 0 ] || [ "$okdue" = 1 ]; }; then break; fi
				elif [ "$ok" = 1 ]; then
					break
				fi
			done
			if [ "$tool" = load ]; then
				if [ "$load_on" = 1 ] && [ "$ok" = 1 ]; then best_load=$rate; else load_on=0; fi
				if [ "$due_on" = 1 ] && [ "$okdue" = 1 ]; then best_due=$rate; else due_on=0; fi
			elif [ "$ok" = 1 ]; then
				best_vegeta=$rate
			else
				vegeta_on=0
			fi
		done
		[ "$load_on" = 1 ] || [ "$due_on" = 1 ] || [ "$vegeta_on" = 1 ] || break
	done
	echo "load $round $best_load" >>"$work/results"
	echo "due $round $best_due" >>"$work/results"
	[ -z "$vegeta" ] || echo "vegeta $round $best_vegeta" >>"$work/results"
	say "after round $round: $(uptime)"
done

footprint=
if [ "$FOOTPRINT" = 1 ]; then
	footprint=$(HOOKMOCK_BENCH_CONSUMER="$url" "$work/mockserver.test" -test.run '^$' -test.bench 'RecordFootprint$' -test.benchtime 1x |
		awk '/heap-B\/record/ {for (i = 2; i < NF; i++) if ($(i+1) ~ /record|MB/) printf "%s %s  ", $i, $(i+1)}')
fi

echo "side by side, $ROUNDS rounds, $(date -u +%Y-%m-%dT%H:%MZ), $(($(date +%s) - began)) s, $(nproc) CPUs," \
	"load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
python3 - "$work/results" "$RATES" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    tool, rnd, v = line.split()
    runs.setdefault(tool, {})[rnd] = float(v)
names = {"wrk": "wrk -t2 -c64, 600-byte signed POST (req/s)",
         "ceiling": "BenchmarkHTTPCeiling/net-http: Go's client alone, 64 in flight, 600-byte POSTs (req/s)",
         "e2e-memory": "BenchmarkDeliveryEndToEnd, memory store (events/s)",
         "e2e-sqlite": "BenchmarkDeliveryEndToEnd, SQLite store (events/s)",
         "load": "hookmock load, highest rate with p99 < 50 ms, signed (/s)",
         "allocs-memory": "BenchmarkDeliveryEndToEnd, allocations per event, memory store",
         "allocs-sqlite": "BenchmarkDeliveryEndToEnd, allocations per event, SQLite store",
         "due": "hookmock load, the same with latency from each tick's due time (/s)",
         "vegeta": "vegeta v12.13.0, the same as load, signed (/s)"}
goals = {"e2e-memory": 0.5, "e2e-sqlite": 0.35}
def mmm(v):
    return "%s / %s / %s" % tuple("{:,.2f}".format(x) if x < 10 and x != int(x) else "{:,.0f}".format(x) for x in (min(v), statistics.median(v), max(v)))
print("| what | min / median / max | ratio |")
print("|---|---|---|")
for t in ("wrk", "ceiling", "e2e-memory", "e2e-sqlite", "allocs-memory", "allocs-sqlite", "load", "due", "vegeta"):
    if t not in runs:
        continue
    vals = list(runs[t].values())
    ratio = ""
    other = {"ceiling": "wrk", "e2e-memory": "wrk", "e2e-sqlite": "wrk", "load": "vegeta", "due": "vegeta"}.get(t)
    if other in runs and other == "wrk":
        rs = [runs[t][r] / runs[other][r] for r in runs[t] if runs[other].get(r)]
        if rs and t in goals:
            ratio = "%s× %s (goal ≥ %.2f×: %s)" % (mmm(rs), other, goals[t], "met" if statistics.median(rs) >= goals[t] else "not met")
        elif rs:
            ratio = "%s× %s" % (mmm(rs), other)
        if rs and t != "ceiling" and "ceiling" in runs:
            cs = [runs[t][r] / runs["ceiling"][r] for r in runs[t] if runs["ceiling"].get(r)]
            if cs:
                ratio += "; %s× Go's client alone" % mmm(cs)
    elif other in runs:
        # vegeta may pass no rate at all in a round: the ratio is of the
        # medians, and the rounds are counted.
        a, b = statistics.median(runs[t].values()), statistics.median(runs[other].values())
        wins = sum(runs[t][r] >= runs[other][r] for r in runs[t] if r in runs[other])
        ratio = "medians %s× %s; load ≥ vegeta in %d of %d rounds" % ("%.2f" % (a / b) if b else "∞", other, wins, len(runs[t]))
        if t == "load":
            ratio += " (goal ≥ 1×: %s)" % ("met" if a >= b else "not met")
    if t == "allocs-memory":
        ratio = "goal < 100: %s" % ("met" if statistics.median(vals) < 100 else "not met")
    print("| %s | %s | %s |" % (names[t], mmm(vals), ratio))
top = max(float(r) for r in sys.argv[2].split())
for t in ("load", "due", "vegeta"):
    if t in runs and max(runs[t].values()) >= top:
        print("note: %s: the ladder's top rate (%d/s) passed in some round; add higher RATES to find the knee" % (names[t], top))
EOF
[ -z "$footprint" ] || echo "BenchmarkRecordFootprint, 100,000 delivered records, memory store: $footprint"
