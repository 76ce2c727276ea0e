#!/usr/bin/env bash
# Runs the nightly job (and its publish step) for every day from FROM to TO, in order.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: scripts/backfill.sh [--dataflow] [OPTIONS] FROM TO [-- EXTRA NIGHTLY FLAGS]

Runs every business day from FROM to TO (YYYY-MM-DD, both included) in order, each with
scripts/run-local.sh, or with scripts/run-dataflow.sh when --dataflow is given. Days run one after
the other because person ids continue from one night to the next: each night's job finds the
latest finished run before its day under the output folder and carries its ids on. So a backfill
that rewrites a day should go on to the last day already built, or later nights keep ids from the
old run. Stops at the first failing day; rerunning is safe (every day replaces its own run).

  --dataflow   run on Dataflow; OPTIONS are then run-dataflow.sh's (--project P --region R
               --bucket gs://B --sources FILE [--workers N] ...), but not --date
  OPTIONS      otherwise run-local.sh's (--output DIR, --warehouse URI)
  -- FLAGS     passed to every night's nightly job
  -h, --help   this text
EOF
}

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

script=scripts/run-local.sh
opts=() days=() extra=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--dataflow) script=scripts/run-dataflow.sh; shift ;;
	--date) die "--date: give FROM and TO instead" ;;
	--dry-run | --no-public-ips) opts+=("$1"); shift ;;
	--) shift; extra=("$@"); break ;;
	-*) opts+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
	*) days+=("$1"); shift ;;
	esac
done
((${#days[@]} == 2)) || { usage >&2; die "want FROM and TO"; }
from=${days[0]} to=${days[1]}
check_date "$from"
check_date "$to"
[[ ! $to < $from ]] || die "TO $to is before FROM $from"

day=$from
while [[ ! $day > $to ]]; do
	echo "== $day"
	if [[ $script == *run-dataflow.sh ]]; then
		"$script" ${opts[@]+"${opts[@]}"} --date "$day" -- ${extra[@]+"${extra[@]}"}
	else
		"$script" ${opts[@]+"${opts[@]}"} "$day" -- ${extra[@]+"${extra[@]}"}
	fi || die "day $day failed; days before it are done, rerun from $day"
	day=$(day_after "$day" 1)
done
echo "backfilled $from to $to"
