#!/usr/bin/env bash
# Benchmarks the nightly job on generated data at scale S, M or L, on Prism and/or the direct runner,
# and prints one report: inputs per source, wall time, records per second, peak memory, the stage
# table of each run and decode rates, with the load average next to every figure.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: scripts/bench.sh [XS|S|M|L] [--days N] [--runner prism|direct|both] [--phased [--resume STAMP]] [--no-decode] [--profile]

  XS, S, M, L 1,000, 10,000, 100,000 or 1,000,000 persons over 90 days to 2026-11-21, seed 1
              (default S; XS for a quick look; see BENCHMARKS.md for what L takes)
  --days N    days of history to generate instead of 90 (the data folder is SCALE-Nd)
  --runner    which runner(s) to run the nightly on (default both: prism, then direct)
  --phased    run the nightly in three pipelines that hand over through files (nightly --phased)
  --resume STAMP
              continue the runs of out/bench/runs/SCALE-STAMP that failed or were stopped after a
              phase (nightly --phased --resume): the earlier attempt's files move to attempt-N/ in
              each runner's folder, and the wall time, CPU and memory reported are this attempt's
  --no-decode skip the decode loops (plain JSON and Parquet readers next to ingest.Read)
  --profile   build the nightly with scripts/bench/profile.go (go build -overlay, tag benchprofile)
              and write CPU and peak-heap profiles of each run to RUNNER/profile/
  -h, --help  this text

The dataset is generated once per scale into out/bench/data/SCALE and reused. The nightly binary is
built once per call; each run goes under /usr/bin/time -v with its own output folder in
out/bench/runs/SCALE-STAMP/RUNNER/, and every step's time and elements in and out go to its
steps.tsv. The report goes to stdout and to out/bench/results-SCALE-STAMP.txt (and .json).

Environment:
  BENCH_NIGHTLY  package to build as the nightly (default ./pipelines/nightly)
  BENCH_MEM_GIB  resident-memory limit of each run in GiB (default 18; 0 for none): a run whose
                 resident set passes it is stopped and reported so, instead of waking the kernel's
                 OOM killer
  GOMEMLIMIT     passed through to the runs, as any other variable
EOF
}

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

scale=S
runners=(prism direct)
decode=true
profile=false
days=90
phased=()
resume=
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	XS | S | M | L) scale=$1; shift ;;
	--runner)
		case ${2:-} in
		prism | direct) runners=("$2") ;;
		both) runners=(prism direct) ;;
		*) die "--runner: want prism, direct or both, got '${2:-}'" ;;
		esac
		shift 2 ;;
	--days)
		[[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--days: want a whole number of days, got '${2:-}'"
		days=$2; shift 2 ;;
	--phased) phased=(--phased); shift ;;
	--resume)
		[[ ${2:-} =~ ^[0-9]{8}T[0-9]{6}Z$ ]] || die "--resume: want the stamp of a run folder (YYYYMMDDTHHMMSSZ), got '${2:-}'"
		resume=$2; shift 2 ;;
	--no-decode) decode=false; shift ;;
	--profile) profile=true; shift ;;
	*) usage >&2; die "unknown argument $1" ;;
	esac
done

case $scale in
XS) persons=1000 ;;
S) persons=10000 ;;
M) persons=100000 ;;
L) persons=1000000 ;;
esac
date=2026-11-21
mem_gib=${BENCH_MEM_GIB:-18}
[[ $mem_gib =~ ^[0-9]+$ ]] || die "BENCH_MEM_GIB: want whole GiB, got '$mem_gib'"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"

data=out/bench/data/$scale
((days == 90)) || data=$data-${days}d
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=out/bench/results-$scale-$stamp
if [[ -n $resume ]]; then
	((${#phased[@]})) || die "--resume continues a run in phases: give --phased too"
	stamp=$resume
	[[ -d out/bench/runs/$scale-$stamp ]] || die "--resume: no run folder out/bench/runs/$scale-$stamp"
	phased+=(--resume)
fi
runs=out/bench/runs/$scale-$stamp
bin=out/bench/bin
mkdir -p "$bin" "$runs"

# The dataset: generated once per scale. The stamp file records the generator's flags and a hash of
# its code, so a folder left half-written by an interrupted generator, or written by another
# version of it (another layout of the files), is made again.
gen_flags="--persons $persons --days $days --seed 1 --date $date"
gen_code=$(find pipelines/sampledata -type f \( -name '*.go' ! -name '*_test.go' -o -name '*.tmpl' \) |
	LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
if [[ $(cat "$data/.bench-generated" 2>/dev/null) != "$gen_flags code $gen_code" ]]; then
	echo "generating $scale: $gen_flags" >&2
	rm -rf "$data"
	# shellcheck disable=SC2086 # gen_flags is a list of flags
	run go run ./pipelines/sampledata $gen_flags --output "$data" >&2
	echo "$gen_flags code $gen_code" >"$data/.bench-generated"
fi

# watch_memory waits for the run $1 (/usr/bin/time and the nightly under it) and stops the nightly
# once its resident set passes $2 KiB (0: never), adding a line that says so to the run's stderr file $3; it
# returns the run's status. Resident memory, not address space (ulimit -v), is what the machine
# runs out of: Go's heap keeps address space mapped after it returns the pages, and a run of a
# million persons died at 20.8 GB of address space with 15 GB resident.
watch_memory() {
	local pid=$1 limit=$2 errors=$3 child rss stopped=
	while kill -0 "$pid" 2>/dev/null; do
		child=$(pgrep -P "$pid" | head -1 || true)
		rss=
		[[ -n $child ]] && rss=$(ps -o rss= -p "$child" 2>/dev/null | tr -d ' ' || true)
		if [[ -z $stopped && -n $rss ]] && ((limit > 0 && rss > limit)); then
			kill "$child" 2>/dev/null || true
			stopped=$rss
		fi
		sleep 1
	done
	local status=0
	wait "$pid" || status=$?
	if [[ -n $stopped ]]; then
		echo "nightly: stopped by the benchmark: resident memory $(awk -v k="$stopped" 'BEGIN { printf "%.1f", k / 1048576 }') GiB passed the limit of $(awk -v k="$limit" 'BEGIN { printf "%.1f", k / 1048576 }') GiB (BENCH_MEM_GIB)" >>"$errors"
		status=1
	fi
	return "$status"
}

nightly_pkg=${BENCH_NIGHTLY:-./pipelines/nightly}
build_flags=()
if $profile; then
	# The profiling file joins the nightly's package at build time only; the source tree is unchanged.
	printf '{"Replace": {"%s": "%s"}}\n' "$PWD/${nightly_pkg#./}/zz_benchprofile.go" "$PWD/scripts/bench/profile.go" >"$bin/overlay.json"
	build_flags=(-tags benchprofile -overlay "$bin/overlay.json")
fi
echo "building $nightly_pkg and ./pipelines/bench" >&2
CGO_ENABLED=0 go build "${build_flags[@]}" -o "$bin/nightly" "$nightly_pkg"
CGO_ENABLED=0 go build -o "$bin/bench" ./pipelines/bench

for runner in "${runners[@]}"; do
	dir=$runs/$runner
	mkdir -p "$dir"
	if [[ -n $resume && -f $dir/stdout.txt ]]; then
		n=1
		while [[ -e $dir/attempt-$n ]]; do n=$((n + 1)); done
		mkdir "$dir/attempt-$n"
		mv "$dir"/*.txt "$dir/attempt-$n/"
		if [[ -f $dir/steps.tsv ]]; then mv "$dir/steps.tsv" "$dir/attempt-$n/"; fi
	fi
	echo "running the nightly on $runner ($(cut -d' ' -f1-3 /proc/loadavg) load)" >&2
	cat /proc/loadavg >"$dir/load.txt"
	# A failed run is reported, not fatal: its status, error and peak memory are figures too.
	profile_dir=
	$profile && profile_dir=$PWD/$dir/profile
	BENCH_PROFILE_DIR=$profile_dir PORTRAITS_SALT=bench-data-salt-not-secret /usr/bin/time -v -o "$dir/time.txt" "$bin/nightly" \
		--sources "$data/sources.yaml" --date "$date" --output "$dir/out" --previous none \
		--runner "$runner" --step-stats "$dir/steps.tsv" ${phased[@]+"${phased[@]}"} >"$dir/stdout.txt" 2>"$dir/stderr.txt" &
	watch_memory $! $((mem_gib * 1024 * 1024)) "$dir/stderr.txt" || echo "the run on $runner failed: see $dir/stderr.txt" >&2
	cat /proc/loadavg >>"$dir/load.txt"
	if $profile; then
		find "$dir/profile" -name 'cpu-*.pprof' -empty -delete # the piece cut short by the exit
		echo "profiles: go tool pprof -top $bin/nightly $dir/profile/cpu-*.pprof; go tool pprof -top -sample_index=inuse_space $bin/nightly $dir/profile/heap-peak.pprof" >&2
	fi
done

decode_flag=--decode=$decode
"$bin/bench" --runs "$runs" --data "$data" --scale "$scale" --persons "$persons" --days "$days" \
	--date "$date" "$decode_flag" --profiled="$profile" --mem-gib "$mem_gib" --revision "$(git describe --always --dirty 2>/dev/null || echo unknown)" \
	--json "$results.json" | tee "$results.txt"
echo "report: $results.txt, runs: $runs" >&2
