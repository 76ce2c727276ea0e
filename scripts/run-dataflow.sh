#!/usr/bin/env bash
# Builds the nightly job, runs it for one day on Google Cloud Dataflow, then publishes the run into
# BigQuery. Rerunning a day replaces that day's files and rows.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: scripts/run-dataflow.sh --project P --region R --bucket gs://B --sources FILE
                               [--date D] [--workers N] [--dataset NAME] [--bq-location LOC]
                               [--only nightly|publish] [--dry-run] [-- EXTRA NIGHTLY FLAGS]

Cross-compiles the nightly job's worker (linux/amd64, no cgo), runs it on Dataflow for day D,
writing gs://B/out/dt=D (with its report.html), waits for it to finish, then loads that run into
BigQuery. Idempotent: rerunning a date replaces that date's run and rows.

  --project P        Google Cloud project of the Dataflow job and the BigQuery datasets
  --region R         Dataflow region, e.g. asia-east1
  --bucket gs://B    bucket (and optional prefix) for staging/, temp/ and out/
  --sources FILE     sources config (a local YAML file whose paths are gs:// globs)
  --date D           business day YYYY-MM-DD (default: yesterday in --timezone)
  --timezone TZ      business time zone for the default date (default: Asia/Shanghai)
  --workers N        most Dataflow workers (default: 10)
  --dataset NAME     BigQuery base dataset (default: portraits; tables go to NAME_analytics and
                     NAME_restricted)
  --bq-location LOC  BigQuery location of the datasets (default: the --region)
  --only STEP        run only the nightly job or only the publish step
  --dry-run          print the commands without running them
  -- FLAGS           passed to the nightly job, e.g. -- --resolve-config resolve.yaml
  -h, --help         this text

Needs Go, gcloud application-default credentials, and the hashing salt in PORTRAITS_SALT (the job
reads it at launch and on the workers).
EOF
}

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

project='' region='' bucket='' sources='' date='' only=''
zone=Asia/Shanghai workers=10 dataset=portraits location=''
extra=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--project) project=${2:?--project needs a value}; shift 2 ;;
	--region) region=${2:?--region needs a value}; shift 2 ;;
	--bucket) bucket=${2:?--bucket needs a value}; shift 2 ;;
	--sources) sources=${2:?--sources needs a file}; shift 2 ;;
	--date) date=${2:?--date needs a value}; shift 2 ;;
	--timezone) zone=${2:?--timezone needs a value}; shift 2 ;;
	--workers) workers=${2:?--workers needs a value}; shift 2 ;;
	--dataset) dataset=${2:?--dataset needs a value}; shift 2 ;;
	--bq-location) location=${2:?--bq-location needs a value}; shift 2 ;;
	--only) only=${2:?--only needs nightly or publish}; shift 2 ;;
	--dry-run) export DRY_RUN=1; shift ;;
	--) shift; extra=("$@"); break ;;
	*) usage >&2; die "unknown argument $1" ;;
	esac
done
[[ -n $project && -n $region && -n $bucket ]] || { usage >&2; die "--project, --region and --bucket are required"; }
[[ $bucket == gs://* ]] || die "--bucket '$bucket': want gs://BUCKET[/PREFIX]"
[[ $workers =~ ^[1-9][0-9]*$ ]] || die "--workers '$workers': want a positive number"
[[ -z $only || $only == nightly || $only == publish ]] || die "--only '$only': want nightly or publish"
bucket=${bucket%/}
date=${date:-$(yesterday_in "$zone")}
check_date "$date"
location=${location:-$region}
rundir=$bucket/out/dt=$date

if [[ $only != publish ]]; then
	[[ -n $sources ]] || die "--sources is required: a sources config whose paths are on gs://"
	[[ -f $sources ]] || die "--sources '$sources': no such file"
	[[ -n ${PORTRAITS_SALT:-} || -n ${DRY_RUN:-} ]] || die "set PORTRAITS_SALT (the hashing salt) first"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	# The worker binary is built once, as Beam advises for production runs, rather than
	# cross-compiled by the launcher on every submission.
	run env CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -o "$work/worker" ./pipelines/nightly
	run go run ./pipelines/nightly --runner dataflow --project "$project" --region "$region" \
		--staging_location "$bucket/staging" --temp_location "$bucket/temp" --output "$bucket/out" \
		--max_num_workers "$workers" --worker_binary "$work/worker" --job_name "portraits-nightly-${date//-/}" \
		--sources "$sources" --date "$date" ${extra[@]+"${extra[@]}"}
fi
if [[ $only != nightly ]]; then
	# BigQuery loads straight from the run's gs:// files (no staging copy), and needs no cgo.
	run env CGO_ENABLED=0 go run ./pipelines/publish --run "$rundir" --warehouse "bigquery://$project/$dataset?location=$location"
fi
echo "done: $rundir${only:+ ($only only)}"
