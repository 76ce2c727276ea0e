#!/usr/bin/env bash
# Builds the nightly job, runs it for one day on Google Cloud Dataflow, then publishes the run into
# BigQuery. Rerunning a day replaces that day's files and rows.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: scripts/run-dataflow.sh --project P --region R --bucket gs://B --sources FILE
                               --salt-secret projects/P/secrets/S/versions/V
                               [--date D] [--workers N] [--machine-type T] [--service-account SA]
                               [--subnetwork S] [--no-public-ips] [--labels k=v,...]
                               [--dataset NAME] [--bq-location LOC]
                               [--only nightly|publish] [--dry-run] [-- EXTRA NIGHTLY FLAGS]

Cross-compiles the nightly job's worker (linux/amd64, no cgo, stripped), runs it on Dataflow for
day D, writing gs://B/out/dt=D (with its report.html), waits for it to finish, then loads that run
into BigQuery. Idempotent: rerunning a date replaces that date's run and rows. Each launch names
its Dataflow job portraits-nightly-DATE-LAUNCHTIME, so a retry never collides with an earlier
launch's job; the date's lease keeps two runs of one date from writing at once.

  --project P        Google Cloud project of the Dataflow job and the BigQuery datasets
  --region R         Dataflow region, e.g. asia-east1
  --bucket gs://B    bucket (and optional prefix) for staging/, temp/ and out/
  --sources FILE     sources config (a local YAML file whose paths are gs:// globs)
  --salt-secret V    the Secret Manager version that holds the hashing salt; each Dataflow worker
                     reads it there (the workers' service account needs secretAccessor on it)
  --date D           business day YYYY-MM-DD (default: yesterday in --timezone)
  --timezone TZ      business time zone for the default date (default: Asia/Shanghai)
  --workers N        most Dataflow workers (default: 10)
  --machine-type T   the workers' machine type, e.g. n2-highmem-8 (default: Dataflow's)
  --service-account SA  the workers' service account e-mail (default: Compute Engine's)
  --subnetwork S     the workers' subnetwork: regions/R/subnetworks/NAME or its full URL
  --no-public-ips    no public IP for the workers (their subnetwork needs Private Google Access)
  --labels k=v,...   labels of the Dataflow job (lower-case letters, digits, _ and -)
  --dataset NAME     BigQuery base dataset (default: portraits; tables go to NAME_analytics and
                     NAME_restricted)
  --bq-location LOC  BigQuery location of the datasets (default: the --region)
  --only STEP        run only the nightly job or only the publish step
  --dry-run          print the commands without running them
  -- FLAGS           passed to the nightly job, e.g. -- --resolve-config resolve.yaml
  -h, --help         this text

Needs Go and gcloud application-default credentials. Exits with the nightly's or publish's code:
2 configuration or usage (this script's own argument errors too), 3 a data-quality gate breached
(the night is not published), 4 the date held by another run (retry later), 1 anything else.
EOF
}

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# bad reports a usage error with exit code 2, as the nightly does: a retry will not help.
bad() {
	echo "${0##*/}: $*" >&2
	exit 2
}

project='' region='' bucket='' sources='' secret='' date='' only=''
zone=Asia/Shanghai workers=10 dataset=portraits location=''
machine='' account='' subnetwork='' public_ips=yes labels=''
extra=()
while (($#)); do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--project) project=${2:?--project needs a value}; shift 2 ;;
	--region) region=${2:?--region needs a value}; shift 2 ;;
	--bucket) bucket=${2:?--bucket needs a value}; shift 2 ;;
	--sources) sources=${2:?--sources needs a file}; shift 2 ;;
	--salt-secret) secret=${2:?--salt-secret needs a value}; shift 2 ;;
	--date) date=${2:?--date needs a value}; shift 2 ;;
	--timezone) zone=${2:?--timezone needs a value}; shift 2 ;;
	--workers) workers=${2:?--workers needs a value}; shift 2 ;;
	--machine-type) machine=${2:?--machine-type needs a value}; shift 2 ;;
	--service-account) account=${2:?--service-account needs a value}; shift 2 ;;
	--subnetwork) subnetwork=${2:?--subnetwork needs a value}; shift 2 ;;
	--no-public-ips) public_ips=no; shift ;;
	--labels) labels=${2:?--labels needs a value}; shift 2 ;;
	--dataset) dataset=${2:?--dataset needs a value}; shift 2 ;;
	--bq-location) location=${2:?--bq-location needs a value}; shift 2 ;;
	--only) only=${2:?--only needs nightly or publish}; shift 2 ;;
	--dry-run) export DRY_RUN=1; shift ;;
	--) shift; extra=("$@"); break ;;
	*) usage >&2; bad "unknown argument $1" ;;
	esac
done
if [[ -z $project || -z $region || -z $bucket ]]; then
	usage >&2
	bad "--project, --region and --bucket are required"
fi
[[ $bucket == gs://* ]] || bad "--bucket '$bucket': want gs://BUCKET[/PREFIX]"
[[ $workers =~ ^[1-9][0-9]*$ ]] || bad "--workers '$workers': want a positive number"
[[ -z $only || $only == nightly || $only == publish ]] ||
	bad "--only '$only': want nightly or publish"
bucket=${bucket%/}
date=${date:-$(yesterday_in "$zone")}
(check_date "$date") || exit 2
location=${location:-$region}
rundir=$bucket/out/dt=$date

# The Beam Go SDK's Dataflow flags for the options given (named as in the SDK's
# runners/dataflow/dataflow.go); its --labels takes a JSON object.
dataflow=()
[[ -z $machine ]] || dataflow+=(--worker_machine_type "$machine")
[[ -z $account ]] || dataflow+=(--service_account_email "$account")
[[ -z $subnetwork ]] || dataflow+=(--subnetwork "$subnetwork")
[[ $public_ips == yes ]] || dataflow+=(--no_use_public_ips)
if [[ -n $labels ]]; then
	json='' rule='^[a-z][a-z0-9_-]{0,62}=[a-z0-9_-]{0,63}$'
	IFS=, read -ra pairs <<<"$labels"
	for pair in "${pairs[@]}"; do
		[[ $pair =~ $rule ]] ||
			bad "--labels: '$pair': want key=value, lower-case letters, digits, _ and -"
		json+="${json:+,}\"${pair%%=*}\":\"${pair#*=}\""
	done
	dataflow+=(--labels "{$json}")
fi

if [[ $only != publish ]]; then
	[[ -n $sources ]] || bad "--sources is required: a sources config whose paths are on gs://"
	[[ -f $sources ]] || bad "--sources '$sources': no such file"
	[[ -n $secret ]] || bad "--salt-secret is required: the Secret Manager version of the hashing salt"
	[[ $secret =~ ^projects/[^/]+/secrets/[^/]+/versions/[^/]+$ ]] ||
		bad "--salt-secret '$secret': want projects/P/secrets/S/versions/V"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	# The worker binary is built once, as Beam advises for production runs, rather than
	# cross-compiled by the launcher on every submission; stripped, it stages faster.
	run env CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags='-s -w' \
		-o "$work/nightly" ./pipelines/nightly
	launcher=("$work/nightly") # the same binary launches the job on a linux/amd64 host
	if [[ $(go env GOOS)/$(go env GOARCH) != linux/amd64 ]]; then
		launcher=(go run ./pipelines/nightly)
	fi
	job=portraits-nightly-${date//-/}-$(date -u +%Y%m%d-%H%M%S)
	run "${launcher[@]}" --runner dataflow --project "$project" --region "$region" \
		--staging_location "$bucket/staging" --temp_location "$bucket/temp" --output "$bucket/out" \
		--max_num_workers "$workers" --worker_binary "$work/nightly" --job_name "$job" \
		${dataflow[@]+"${dataflow[@]}"} --salt-secret "$secret" \
		--sources "$sources" --date "$date" ${extra[@]+"${extra[@]}"}
fi
if [[ $only != nightly ]]; then
	# BigQuery loads straight from the run's gs:// files (no staging copy), and needs no cgo.
	# The salt recognises the night's new erasure requests in the published tables.
	run env CGO_ENABLED=0 go run ./pipelines/publish --run "$rundir" \
		--warehouse "bigquery://$project/$dataset?location=$location" \
		${secret:+--salt-secret "$secret"}
fi
echo "done: $rundir${only:+ ($only only)}"
