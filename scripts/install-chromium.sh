#!/usr/bin/env bash
# Installs Debian's Chromium, which the report's screenshot test drives headless
# (transforms/report: TestScreenshotDrawsCharts skips without /usr/bin/chromium).
set -euo pipefail

usage() {
	cat <<'EOF'
usage: scripts/install-chromium.sh

Installs the Debian package chromium (with its fonts) unless /usr/bin/chromium is already there.
Needs root or sudo, and Debian's package mirrors. Safe to run again.
EOF
}

case ${1:-} in
-h | --help) usage; exit 0 ;;
"") ;;
*) usage >&2; exit 1 ;;
esac

if [[ -x /usr/bin/chromium ]]; then
	echo "chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
	exit 0
fi
sudo=()
if ((EUID != 0)); then
	command -v sudo >/dev/null || { echo "${0##*/}: run as root, or install sudo" >&2; exit 1; }
	sudo=(sudo)
fi
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
/usr/bin/chromium --version
