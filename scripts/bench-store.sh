#!/usr/bin/env bash
# bench-store.sh: BenchmarkStoreEndToEnd (issue 13) in ROUNDS interleaved
# rounds: each round runs every backend and mode once (memory, sqlite,
# postgres; serial, concurrent) for EVENTS events, so that a slow spell of
# a shared machine falls on all of them alike. `go test -count N` would
# instead run each sub-benchmark N times back to back.
#
# It prints each round's figures, then per backend and mode min / median /
# max events/s and CPU per event, and the ratio to memory per round (the
# issue's goal: SQLite at least 0.5x memory).
#
#   ROUNDS=5 EVENTS=10000 scripts/bench-store.sh
#
# Postgres needs Debian's postgresql (the benchmark starts its own, as the
# tests do); without it the postgres rows are skipped.
set -euo pipefail
ROUNDS=${ROUNDS:-5}
EVENTS=${EVENTS:-10000}
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go test -c -o "$bin/mockserver.test" ./mockserver/
echo "bench-store: $ROUNDS rounds of $EVENTS events, $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
out="$bin/rounds.txt"
(cd mockserver && for r in $(seq "$ROUNDS"); do
	"$bin/mockserver.test" -test.run '^$' -test.bench 'BenchmarkStoreEndToEnd' -test.benchtime "${EVENTS}x" 2>&1 |
		awk -v r="$r" '/^BenchmarkStoreEndToEnd/ {
			name = $1; sub(/^BenchmarkStoreEndToEnd\//, "", name); sub(/-[0-9]+$/, "", name)
			for (i = 2; i <= NF; i++) { if ($i == "events/s") ev = $(i-1); if ($i == "cpu-µs/event") cpu = $(i-1) }
			print r, name, ev, cpu }'
done) | tee "$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| backend/mode | events/s min / median / max | CPU µs/event median | × memory per round (min / median / max) |"
echo "|---|---|---|---|"
awk '
function median(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
{ ev[$2, $1] = $3; cpu[$2, $1] = $4; names[$2] = 1; if ($1 > rounds) rounds = $1 }
END {
	split("memory/serial memory/concurrent sqlite/serial sqlite/concurrent postgres/serial postgres/concurrent", order, " ")
	for (k = 1; k <= 6; k++) {
		n = order[k]; if (!(n in names)) continue
		split(n, parts, "/"); base = "memory/" parts[2]
		m = 0; delete e; delete c; delete q
		for (r = 1; r <= rounds; r++) if ((n, r) in ev) {
			m++; e[m] = ev[n, r]; c[m] = cpu[n, r]
			if ((base, r) in ev && ev[base, r] > 0) q[m] = ev[n, r] / ev[base, r]
		}
		lo = e[1]; hi = e[1]; for (i = 1; i <= m; i++) { if (e[i] < lo) lo = e[i]; if (e[i] > hi) hi = e[i] }
		ratio = ""
		if (parts[1] != "memory") {
			qlo = q[1]; qhi = q[1]; for (i = 1; i <= m; i++) { if (q[i] < qlo) qlo = q[i]; if (q[i] > qhi) qhi = q[i] }
			ratio = sprintf("%.2f / %.2f / %.2f", qlo, median(q, m), qhi)
		}
		printf "| %s | %d / %d / %d | %.0f | %s |\n", n, lo, median(e, m), hi, median(c, m), ratio
	}
}' "$out"
