#!/usr/bin/env bash
# Runs the nightly on broken copies of the bundled sample, the way an adversary would, and checks
# what each one does: its exit code, the sentence it ends with, and what it leaves behind. Prints
# one line per probe and exits 1 when any probe does not behave as docs/failure-modes.md says.
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: scripts/probe-failures.sh [-k] [PROBE...]

Builds the nightly once, then runs each probe (all by default) on a fresh copy of sample/ in a
temporary folder: a public salt on other files, short salts, a failed rerun, a missing night,
stray quotes, a wrong encoding, mistyped columns, a 0-byte file, a duplicate header, two runs of
one date, a killed run, Beam's asynchronous flags. About 90 seconds on two cores. -k keeps the
temporary folder. CI runs it after the tests.
USAGE
}

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
keep=''
probes=()
for a in "$@"; do
	case $a in
	-h | --help) usage; exit 0 ;;
	-k) keep=1 ;;
	*) probes+=("$a") ;;
	esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/portraits-probes.XXXXXX")
[[ -n $keep ]] || trap 'rm -rf "$work"' EXIT
echo "building the nightly into $work" >&2
go build -o "$work/nightly" ./pipelines/nightly
date=2026-11-21
failed=0

# fresh copies sample/ to $work/$1 and prints its sources config.
fresh() {
	rm -rf "${work:?}/$1"
	cp -r sample "$work/$1"
	echo "$work/$1/sources.yaml"
}

# night runs the nightly with its output under the probe's folder; it prints the exit code and
# leaves the output in $work/$probe.log.
night() {
	local status=0
	env -u PORTRAITS_SALT ${salt:+PORTRAITS_SALT="$salt"} "$work/nightly" --output "$work/$probe/out" \
		--date "${day:-$date}" --progress 0 "$@" >>"$work/$probe.log" 2>&1 || status=$?
	echo "$status"
}

# verdict prints the probe's line and counts a failure.
verdict() { # name, expected, got, ok(0|1)
	printf '%-34s %-44s %s\n' "$1" "$2" "$([[ $4 == 0 ]] && echo ok || echo "FAILED: $3")"
	[[ $4 == 0 ]] || failed=1
}

# expect checks an exit code and a pattern in the probe's log.
expect() { # name, code, pattern, got
	local ok=0
	[[ $4 == "$2" ]] || ok=1
	grep -Eq -- "$3" "$work/$probe.log" || ok=1
	verdict "$1" "exit $2, /$3/" "exit $4; $(tail -n 1 "$work/$probe.log" | cut -c1-120)" $ok
}

run_id() { sed -n 's/.*"run_id": "\([^"]*\)".*/\1/p' "$work/$probe/out/dt=$1/_MANIFEST.json"; }

# gz_line appends a line to the gzip file $1.
gz_line() { printf '%s\n' "$2" | gzip >>"$1"; }

# vendor_file and tickets_file print a CSV input of the copy whose config is $1.
vendor_file() { echo "$(dirname "$1")/vendor/acme/enrichment-0000.csv"; }
tickets_file() { ls "$(dirname "$1")"/feedback/tickets/dt=$date/*.csv | head -n 1; }

probe_public_salt() {
	local cfg
	cfg=$(fresh "$probe")
	gz_line "$(ls "$(dirname "$cfg")"/clickstream/events/dt=$date/*.jsonl.gz | head -n 1)" '{}'
	expect "public salt on edited files" 2 "no hashing salt" "$(salt='' night --sources "$cfg")"
}

probe_sample_copy() {
	local cfg
	cfg=$(fresh "$probe")
	expect "sample copy, no salt" 0 "the bundled sample's built-in salt" \
		"$(salt='' night --sources "$cfg")"
}

probe_short_salt() {
	local cfg
	cfg=$(fresh "$probe")
	expect "salt of one byte" 2 "1 bytes, at least 16" "$(salt=x night --sources "$cfg")"
	: >"$work/$probe.log"
	expect "salt of spaces" 2 "only white space" \
		"$(salt='                    ' night --sources "$cfg")"
}

probe_failed_rerun() {
	local cfg before code
	cfg=$(fresh "$probe")
	night --sources "$cfg" >/dev/null
	before=$(run_id $date)
	gz_line "$(ls "$(dirname "$cfg")"/clickstream/events/dt=$date/*.jsonl.gz | head -n 1)" 'x'
	printf 'not gzip' >"$(ls "$(dirname "$cfg")"/marketing/touches/dt=$date/*.jsonl.gz | head -n 1)"
	code=$(night --sources "$cfg")
	local ok=1
	[[ $code == 1 && $(run_id $date) == "$before" ]] && ok=0
	verdict "failed rerun keeps the last night" "exit 1, run $before kept" \
		"exit $code, run $(run_id $date)" $ok
}

probe_missing_night() {
	local cfg
	cfg=$(fresh "$probe")
	day=2026-11-19 night --sources "$cfg" >/dev/null
	expect "a missing night" 2 "2026-11-20 .*(missing|unfinished)" "$(night --sources "$cfg")"
}

probe_stray_quote() {
	local cfg file
	cfg=$(fresh "$probe")
	file=$(vendor_file "$cfg")
	sed -i '3s/,/,"/' "$file"
	expect "stray quote, one-line CSV" 0 "vendor_acme +ingest +rejected +bad_csv +1$" \
		"$(night --sources "$cfg")"
}

probe_unclosed_quote() {
	local cfg file
	cfg=$(fresh "$probe")
	file=$(tickets_file "$cfg")
	sed -i '2s/^/"/' "$file"
	expect "unclosed quote, multiline CSV" 0 "tickets +ingest +rejected +bad_(csv|field_count) +1$" \
		"$(night --sources "$cfg")"
}

probe_wrong_encoding() {
	local cfg
	cfg=$(fresh "$probe")
	sed -i 's/encoding: gbk/encoding: utf-8/' "$cfg"
	expect "GBK file read as UTF-8" 3 "vendor_acme: 100% of its" "$(night --sources "$cfg")"
}

probe_required_key() {
	local cfg
	cfg=$(fresh "$probe")
	sed -i '0,/event_id: event_id/s//event_id: event_idd/' "$cfg"
	expect "mistyped required JSONL key" 3 "events" "$(night --sources "$cfg")"
}

probe_optional_column() {
	local cfg
	cfg=$(fresh "$probe")
	sed -i '0,/user_agent: ua/s//user_agent: uaa/' "$cfg"
	expect "mistyped optional column" 0 "warning: .*uaa" "$(night --sources "$cfg")"
}

probe_empty_csv() {
	local cfg
	cfg=$(fresh "$probe")
	: >"$(dirname "$cfg")/vendor/acme/empty.csv"
	expect "0-byte CSV" 0 "published" "$(night --sources "$cfg")"
}

probe_duplicate_header() {
	local cfg file
	cfg=$(fresh "$probe")
	file=$(vendor_file "$cfg")
	# 城市等级 (GBK bytes; no GBK byte is a comma) written over the header's 收入水平: one name twice.
	LC_ALL=C awk -F, -v OFS=, 'NR == 1 { $4 = $6 } { print }' "$file" >"$file.new"
	mv "$file.new" "$file"
	expect "duplicate header name" 2 "appears twice in the header" "$(night --sources "$cfg")"
}

probe_two_runs() {
	local cfg pid code
	cfg=$(fresh "$probe")
	env -u PORTRAITS_SALT "$work/nightly" --sources "$cfg" --output "$work/$probe/out" \
		--date $date --progress 0 >"$work/$probe.first.log" 2>&1 &
	pid=$!
	until [[ -e $work/$probe/out/_leases ]] || ! kill -0 $pid 2>/dev/null; do sleep 0.2; done
	code=$(night --sources "$cfg")
	wait $pid || true
	expect "two runs of one date" 4 "another run holds" "$code"
}

probe_killed_run() {
	local cfg pid
	cfg=$(fresh "$probe")
	setsid "$work/nightly" --sources "$cfg" --output "$work/$probe/out" --date $date \
		--progress 0 >"$work/$probe.first.log" 2>&1 &
	pid=$!
	sleep 8
	kill -9 -- -$pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	expect "rerun after a killed run" 0 "published" "$(night --sources "$cfg")"
}

probe_async_flags() {
	local cfg flag
	cfg=$(fresh "$probe")
	for flag in --async --dry_run "--template_location=gs://b/t"; do
		: >"$work/$probe.log"
		expect "Beam's $flag" 2 "would return before the job has run" \
			"$(night --sources "$cfg" "$flag")"
	done
}

all=(public_salt sample_copy short_salt failed_rerun missing_night stray_quote unclosed_quote
	wrong_encoding required_key optional_column empty_csv duplicate_header two_runs killed_run
	async_flags)
((${#probes[@]})) || probes=("${all[@]}")
salt='probe-salt-0123456789'
for probe in "${probes[@]}"; do
	declare -F "probe_$probe" >/dev/null || die "no probe $probe (probes: ${all[*]})"
	: >"$work/$probe.log"
	"probe_$probe"
done
exit $failed
