#!/usr/bin/env bash
# Runs every fuzz target of the module for a bounded time, one at a time, and prints a table of
# executions, new interesting inputs, peak memory and the result of each.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: scripts/fuzz.sh [-t DURATION] [-z DURATION] [-p WORKERS] [-r REGEXP] [-m MB] [-c DIR] [-l]

Finds every `func FuzzXxx` in the module's *_test.go files and runs each with
`go test -run='^$' -fuzz='^FuzzXxx$' -fuzztime=DURATION`, one target at a time.

  -t DURATION   time per target, as go test's -fuzztime (default 30s; 1000x means 1000 inputs)
  -z DURATION   time to minimize each new input, as -fuzzminimizetime (default 1s: go test's
                60s default spends a short run minimizing, with no executions counted)
  -p WORKERS    fuzzing processes per target (go test -parallel; default: GOMAXPROCS)
  -r REGEXP     only targets whose "package/FuzzName" matches (grep -E)
  -m MB         mark a target whose test processes peaked above MB megabytes of RSS (default 1024)
  -c DIR        move failing inputs out of testdata/fuzz into DIR, so that `go test` stays green
                (default: leave them where go test writes them, as regression seeds)
  -l            list the targets and exit
  -h, --help    this text

Columns: package, target, executions (the last "fuzz: elapsed: ..., execs: N" line), new
interesting inputs (added to the cache in GOCACHE/fuzz, not to testdata), the peak RSS of the
test processes (the coordinator and its workers, from VmHWM), and the result: ok, FAIL with the
failing input, or error. Go's fuzzer fails an input that runs for more than 10 s as a hang.
GOMEMLIMIT and other environment variables reach the fuzzing workers. Exits 1 when a target fails.
EOF
}

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

duration=30s
minimize=1s
workers=
filter=
limit_mb=1024
crashers=
list=
while (($#)); do
	case $1 in
	-t) duration=${2:?-t needs a duration}; shift 2 ;;
	-z) minimize=${2:?-z needs a duration}; shift 2 ;;
	-p) workers=${2:?-p needs a number}; shift 2 ;;
	-r) filter=${2:?-r needs a regexp}; shift 2 ;;
	-m) limit_mb=${2:?-m needs megabytes}; shift 2 ;;
	-c) crashers=${2:?-c needs a folder}; shift 2 ;;
	-l) list=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument '$1'" ;;
	esac
done
[[ $limit_mb =~ ^[0-9]+$ ]] || die "-m '$limit_mb': want megabytes"
[[ -z $workers || $workers =~ ^[1-9][0-9]*$ ]] || die "-p '$workers': want a positive number"

# targets prints "package-folder FuzzName" for every fuzz target, sorted.
targets() {
	grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' . |
		sed -E 's#^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)\($#\1 \2#' |
		{ if [[ -n $filter ]]; then awk -v re="$filter" '($1 "/" $2) ~ re'; else cat; fi; } |
		sort -u
}

# descendants prints the process ids under $1, recursively.
descendants() {
	local child
	for child in $(pgrep -P "$1" || true); do
		echo "$child"
		descendants "$child"
	done
}

# watch_rss prints the highest VmHWM (kB) of the test processes (those run with -test.* flags)
# under process $1, sampled until it exits. VmHWM is each process's own peak, so short spikes count.
watch_rss() {
	local root=$1 peak=0 pid hwm
	while kill -0 "$root" 2>/dev/null; do
		for pid in $(descendants "$root"); do
			tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- ' -test\.' || continue
			hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
			((${hwm:-0} > peak)) && peak=$hwm
		done
		sleep 0.5
	done
	echo "$peak"
}

# row prints one line of the table.
row() { printf '%-36s %-22s %12s %6s %8s  %s\n' "$@"; }

mapfile -t all < <(targets)
((${#all[@]})) || die "no fuzz targets${filter:+ match \"$filter\"}"
if [[ -n $list ]]; then
	printf '%s\n' "${all[@]}"
	exit 0
fi

logs=$(mktemp -d "${TMPDIR:-/tmp}/fuzz.XXXXXX")
row package target execs new "RSS MB" result
failed=0
start=$SECONDS
for entry in "${all[@]}"; do
	pkg=${entry% *} name=${entry#* }
	log="$logs/${pkg//\//_}.$name.log"
	args=(test -run='^$' -fuzz="^$name\$" -fuzztime="$duration" -fuzzminimizetime="$minimize")
	[[ -n $workers ]] && args+=(-parallel "$workers")
	go "${args[@]}" "./$pkg" >"$log" 2>&1 &
	gopid=$!
	peak_kb=$(watch_rss "$gopid")
	status=0
	wait "$gopid" || status=$?

	last=$(grep -E '^fuzz: elapsed: .*execs: [0-9]+' "$log" | tail -n 1 || true)
	execs=$(sed -E 's/.*execs: ([0-9]+).*/\1/' <<<"$last")
	new=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
	rss_mb=$((peak_kb / 1024))
	input=$(sed -nE 's/.*Failing input written to (.*)$/\1/p' "$log" | tail -n 1)
	if ((status == 0)); then
		result=ok
	elif [[ -n $input ]]; then
		result="FAIL: $pkg/$input"
		if [[ -n $crashers ]]; then
			mkdir -p "$crashers"
			mv "$pkg/$input" "$crashers/${pkg//\//_}.$name.${input##*/}"
			result="FAIL: moved to $crashers/${pkg//\//_}.$name.${input##*/}"
		fi
	else
		result="error (exit $status)"
	fi
	((status == 0)) || failed=1
	((rss_mb > limit_mb)) && result="$result; RSS above $limit_mb MB"
	row "$pkg" "$name" "${execs:--}" "${new:--}" "$rss_mb" "$result"
	if ((status != 0)); then
		grep -vE '^fuzz: elapsed:' "$log" | head -n 25 | sed 's/^/    /'
	fi
done
echo "$((SECONDS - start)) s for ${#all[@]} targets; logs in $logs"
exit "$failed"
