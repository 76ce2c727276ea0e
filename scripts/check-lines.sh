#!/usr/bin/env bash
# Lists every line of the Go files git tracks that is longer than 100 characters, as file:line:
# text, and exits 1 if there is one. Characters, not bytes, are counted (grep's "." matches one
# character in a UTF-8 locale, so Chinese text counts once per rune), and a tab counts as one.
# Lines holding a struct tag (`json:"..."`) are left out: gofmt cannot wrap a tag.
set -euo pipefail
cd "$(dirname "$0")/.."

max=100
long=$(git ls-files -z '*.go' |
	LC_ALL=C.UTF-8 xargs -0 grep -n -H ".\{$((max + 1))\}" |
	LC_ALL=C.UTF-8 grep -v '`[a-z]\+:"' || true)
if [ -n "$long" ]; then
	echo "lines over $max characters:"
	echo "$long"
	exit 1
fi
