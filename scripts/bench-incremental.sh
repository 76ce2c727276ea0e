#!/usr/bin/env bash
# Measures an incremental night against a full rebuild of the same night, side by side in one run,
# on generated data in daily partitions.
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: scripts/bench-incremental.sh [XS|S|M|L] [--days N]

  XS, S, M, L 1,000, 10,000, 100,000 or 1,000,000 persons (default S)
  --days N    days of history before the measured night (default 90)

It generates N+1 days of data to 2026-11-22 (once per scale, in out/bench/data/SCALE-inc-Nd), runs
the night of 2026-11-21 in full, then, each from a copy of that night: the incremental night of
2026-11-22; the same night with --full-refresh; and an empty incremental night (2026-11-22 with
that day's partitions hidden, so only the late days are read again), for the fixed cost of a
night. Every run is under /usr/bin/time -v; the table gives wall time, CPU and peak resident memory
and the ratio of the incremental night to the full rebuild. Runs go to out/bench/inc-SCALE-STAMP/.
USAGE
}

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

scale=S
days=90
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	XS | S | M | L) scale=$1; shift ;;
	--days)
		[[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--days: want a whole number, got '${2:-}'"
		days=$2; shift 2 ;;
	*) usage >&2; die "unknown argument $1" ;;
	esac
done
case $scale in
XS) persons=1000 ;;
S) persons=10000 ;;
M) persons=100000 ;;
L) persons=1000000 ;;
esac
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"

base=2026-11-21
night=2026-11-22
data=out/bench/data/$scale-inc-${days}d
gen_flags="--persons $persons --days $((days + 1)) --seed 1 --date $night"
if [[ $(cat "$data/.bench-generated" 2>/dev/null) != "$gen_flags" ]]; then
	rm -rf "$data"
	# shellcheck disable=SC2086 # a list of flags
	run go run ./pipelines/sampledata $gen_flags --output "$data" >&2
	echo "$gen_flags" >"$data/.bench-generated"
fi
runs=out/bench/inc-$scale-$(date -u +%Y%m%dT%H%M%SZ)
bin=out/bench/bin
mkdir -p "$bin" "$runs"
CGO_ENABLED=0 go build -o "$bin/nightly" ./pipelines/nightly

# night NAME OUTPUT DATE [FLAGS...] runs one night under /usr/bin/time into $runs/NAME.*.
night() {
	local name=$1 output=$2 date=$3
	shift 3
	echo "$name: night $date $* ($(cut -d' ' -f1-3 /proc/loadavg) load)" >&2
	PORTRAITS_SALT=bench-data-salt-not-secret /usr/bin/time -v -o "$runs/$name.time" "$bin/nightly" --incremental \
		--sources "$data/sources.yaml" --date "$date" --output "$output" "$@" \
		>"$runs/$name.out" 2>"$runs/$name.err" || die "$name failed: see $runs/$name.err"
}

night base "$runs/base" "$base" --previous none
for name in incremental full empty; do
	mkdir -p "$runs/$name"
	cp -r "$runs/base/dt=$base" "$runs/$name/"
done
night incremental "$runs/incremental" "$night"
night full "$runs/full" "$night" --full-refresh
# The empty night: the measured day's partitions are hidden for its run, as .hidden-dt=DATE, a
# name no source's dt=* glob matches; they come back whatever the run does.
hidden=$(find "$data" -type d -name "dt=$night")
unhide() { for d in $hidden; do mv "$(dirname "$d")/.hidden-$(basename "$d")" "$d"; done; }
for d in $hidden; do mv "$d" "$(dirname "$d")/.hidden-$(basename "$d")"; done
trap unhide EXIT
night empty "$runs/empty" "$night"
unhide
trap - EXIT

figure() { awk -F': ' -v k="$2" '$1 ~ k { print $2 }' "$runs/$1.time" | head -1; }
seconds() { # "h:mm:ss" or "m:ss.ss" to seconds
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<<"$1"
}
{
	printf '%s, %d days of history, night %s (%s)\n' "$scale" "$days" "$night" \
		"$(git describe --always --dirty 2>/dev/null || echo unknown)"
	printf '%-12s %10s %10s %10s  %s\n' run wall_s cpu_s rss_gib mode
	for name in base full incremental empty; do
		wall=$(seconds "$(figure "$name" 'Elapsed \\(wall clock\\)')")
		cpu=$(awk "BEGIN { print $(figure "$name" 'User time') + $(figure "$name" 'System time') }")
		rss=$(awk "BEGIN { printf \"%.2f\", $(figure "$name" 'Maximum resident') / 1048576 }")
		mode=$(grep -o '^[a-z]* night: .*' "$runs/$name.out" | head -1)
		printf '%-12s %10.1f %10.1f %10s  %s\n' "$name" "$wall" "$cpu" "$rss" "$mode"
		echo "$name $wall" >>"$runs/walls"
	done
	awk '{ w[$1] = $2 } END { printf "incremental / full rebuild, wall: %.3f\n", w["incremental"] / w["full"] }' "$runs/walls"
} | tee "$runs/results.txt"
