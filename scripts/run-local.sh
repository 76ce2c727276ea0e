#!/usr/bin/env bash
# Runs the nightly job for one day on this machine (Beam's Prism runner), then loads the run into
# DuckDB. Rerunning a day replaces that day's files and rows.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: scripts/run-local.sh [--output DIR] [--warehouse URI] [DATE] [-- EXTRA NIGHTLY FLAGS]

Runs the nightly job for DATE (YYYY-MM-DD) on Prism, writes OUTPUT/dt=DATE (with its report.html),
then publishes it into DuckDB. Idempotent: rerunning a date replaces that date's run and rows.

  DATE               business day; default: the nightly's own default (the bundled sample's day,
                     else yesterday in the business time zone)
  --output DIR       run folder root (default: out)
  --warehouse URI    where to publish (default: duckdb://OUTPUT/warehouse.duckdb)
  -- FLAGS           passed to the nightly job, e.g. -- --sources my/sources.yaml --runner direct
  -h, --help         this text

Needs Go and a C compiler (DuckDB is embedded through cgo). Any input but the bundled sample needs
the hashing salt in PORTRAITS_SALT. GOMEMLIMIT, the Go runtime's soft memory limit, defaults to 7GiB.
EOF
}

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

output=out
warehouse=
date=
extra=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--output) output=${2:?--output needs a folder}; shift 2 ;;
	--warehouse) warehouse=${2:?--warehouse needs a URI}; shift 2 ;;
	--) shift; extra=("$@"); break ;;
	-*) usage >&2; die "unknown option $1" ;;
	*) [[ -z $date ]] || die "one DATE only (got $date and $1)"; date=$1; shift ;;
	esac
done
[[ -z $date ]] || check_date "$date"
warehouse=${warehouse:-duckdb://$output/warehouse.duckdb}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A soft memory limit for the Go runtime, unless one is set: near it the collector runs more often
# instead of letting the heap grow to twice the live data. At 100,000 persons on Prism it held the
# peak at 7.3 GiB in 4.9-5.1 minutes, where the nightly without it reached 12-13 GiB in 4.4 minutes
# (6GiB: 7.2 GiB in 5.5 minutes; BENCHMARKS.md).
export GOMEMLIMIT=${GOMEMLIMIT:-7GiB}
nightly=(go run ./pipelines/nightly --output "$output")
[[ -z $date ]] || nightly+=(--date "$date")
run "${nightly[@]}" ${extra[@]+"${extra[@]}"} | tee "$log"
if [[ -z $date ]]; then
	# The job picked its default day; it says which on its first line: "nightly YYYY-MM-DD: ...".
	date=$(sed -n 's/^nightly \([0-9-]\{10\}\): .*/\1/p' "$log" | head -n 1)
	[[ -n $date ]] || die "could not tell which day the nightly job built"
fi
rundir=$output/dt=$date

# Re-render report.html (deterministic, a second or two), so that the page is this run's even
# where the nightly job does not write it yet.
run go run ./pipelines/report --run "$rundir"
run go run ./pipelines/publish --run "$rundir" --warehouse "$warehouse"
echo "done: $rundir (report: $rundir/report.html) published into $warehouse"
