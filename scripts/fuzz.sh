#!/usr/bin/env bash
# Runs every native Go fuzz target in the repository for DURATION each
# (default 60s) and prints each target's exec count. Targets are found, not
# listed: any `func FuzzXxx(f *testing.F)` in a _test.go file counts.
#
#   scripts/fuzz.sh 60s        # every target, a minute each
#   scripts/fuzz.sh 10s Verify # only targets whose name matches Verify
#
# FUZZ_MINIMIZE_TIME (default 5s) bounds the minimizing of each new input.
#
# A crash leaves its input under the package's testdata/fuzz/<target>/, which
# plain `go test` then runs as a seed: commit it with the fix. Exit status 1
# when any target failed.
set -uo pipefail

dur="${1:-60s}"
filter="${2:-}"
cd "$(dirname "$0")/.."

mapfile -t targets < <(
	grep -rEo --include='*_test.go' --exclude-dir=.git --exclude-dir=testdata '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . |
		sed -E 's#^\./(.*)/[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#; s#^\./[^/]+_test\.go:func (Fuzz[A-Za-z0-9_]*)\(.*#. \1#' |
		sort -u
)
if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT
failed=0
summary=()
for t in "${targets[@]}"; do
	pkg="${t% *}"
	name="${t#* }"
	if [ -n "$filter" ] && [[ "$name" != *"$filter"* ]]; then
		continue
	fi
	echo "== $pkg $name ($dur)"
	out="$log/$name.log"
	# Minimizing each new interesting input may take a minute by default,
	# and its execs are not counted: slow targets (the scenario loader checks
	# values against the contract) spent a whole run minimizing.
	go test -run='^$' -fuzz="^${name}\$" -fuzztime="$dur" -fuzzminimizetime="${FUZZ_MINIMIZE_TIME:-5s}" "./$pkg" >"$out" 2>&1
	rc=$?
	execs="$(grep -Eo 'execs: [0-9]+' "$out" | tail -1 | grep -Eo '[0-9]+' || true)"
	last="$(grep -E '^fuzz: elapsed' "$out" | tail -1)"
	[ -n "$last" ] && echo "   $last"
	if [ $rc -ne 0 ]; then
		failed=1
		summary+=("$(printf '%-28s %-32s %12s  FAILED' "$name" "$pkg" "${execs:-0}")")
		tail -30 "$out" | sed 's/^/   /'
	else
		summary+=("$(printf '%-28s %-32s %12s  ok' "$name" "$pkg" "${execs:-0}")")
	fi
done

echo
printf '%-28s %-32s %12s  %s\n' target package execs result
printf '%s\n' "${summary[@]}"
exit $failed
