# shellcheck shell=bash
# Helpers shared by the scripts in this folder; sourced, never run.

# die prints an error and exits.
die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

# check_date fails unless $1 is a real calendar day YYYY-MM-DD.
check_date() {
	if ! [[ $1 =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ && $(day_after "$1" 0 2>/dev/null) == "$1" ]]; then
		die "date '$1': want YYYY-MM-DD"
	fi
}

# day_after prints the day N days after $1 (YYYY-MM-DD), with GNU date or BSD date.
day_after() {
	local d=$1 n=${2:-1}
	local bsd=-v+"${n}"d
	[[ $n == -* ]] && bsd=-v"${n}"d
	date -u -d "$d $n day" +%F 2>/dev/null ||
		date -u -j "$bsd" -f %F "$d" +%F 2>/dev/null ||
		die "date '$d': not a day"
}

# yesterday_in prints yesterday's date in time zone $1.
yesterday_in() {
	local today
	today=$(TZ=$1 date +%F)
	day_after "$today" -1
}

# run prints a command, then runs it unless DRY_RUN is set.
run() {
	printf '+'
	printf ' %q' "$@"
	printf '\n'
	[[ -n ${DRY_RUN:-} ]] || "$@"
}

# Work from the module root, whatever the caller's folder.
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
