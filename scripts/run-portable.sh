#!/usr/bin/env bash
# Runs the nightly job through Beam's portable path, as Dataflow, Flink and Spark run it: a
# standalone Prism job server, and SDK workers started as separate processes by Beam's Go boot
# loader from an empty environment, running the stripped worker binary. What runs in the workers
# sees none of the launcher's environment, memory or working directory.
set -euo pipefail

usage() {
	cat <<'USAGE'
usage: scripts/run-portable.sh [NIGHTLY FLAGS]

Builds Prism's job server, Beam's Go boot loader and the nightly's worker binary (stripped:
-ldflags='-s -w'), starts the job server on a free port, runs the nightly against it with
--runner universal and the PROCESS environment, and stops the job server at the end. Every flag
goes to the nightly (e.g. --output DIR --date D --sources FILE); the exit code is the nightly's.

The hashing salt is the one the nightly would take: PORTRAITS_SALT when it is set, handed to the
workers through a file only this user can read (--salt-file), never their environment; else the
bundled sample's, which the nightly allows for the sample's own files only.
USAGE
}

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
for a in "$@"; do
	case $a in -h | --help) usage; exit 0 ;; esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/portraits-portable.XXXXXX")
prism_pid=''
# The job server runs in a process group of its own, with the workers it starts: stopping the
# group stops them all (a worker left behind would hold the caller's output open).
stop() {
	if [[ -n $prism_pid ]]; then
		kill -- -"$prism_pid" 2>/dev/null || true
		wait "$prism_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap stop EXIT

# CGO-free builds share the build cache with CI's and run on any Linux worker. The worker binary is
# stripped of its symbol table: Beam finds every function it calls through its registrations.
echo "building Prism's job server, Beam's Go boot loader and the nightly's worker binary" >&2
export CGO_ENABLED=0
go build -o "$work/prism" github.com/apache/beam/sdks/v2/go/cmd/prism
go build -o "$work/boot" github.com/apache/beam/sdks/v2/go/container
go build -ldflags='-s -w' -o "$work/nightly" ./pipelines/nightly

# Prism (Beam 2.77) passes --id='ID' to a PROCESS command with literal quotes; the boot loader
# wants the bare id. env -i starts it, and so the worker, from an empty environment.
cat >"$work/worker" <<WORKER
#!/usr/bin/env bash
args=()
for a in "\$@"; do
	if [[ \$a == --id=\\'*\\' ]]; then a=--id=\${a:6:\${#a}-7}; fi
	args+=("\$a")
done
dir=\$(mktemp -d "$work/worker.XXXXXX")
cd "\$dir" # the boot loader writes pipeline_options.json where it starts
exec env -i "$work/boot" --semi_persist_dir="\$dir" "\${args[@]}"
WORKER
chmod +x "$work/worker"

salt=()
if [[ -n ${PORTRAITS_SALT:-} ]]; then
	(umask 077 && printf '%s\n' "$PORTRAITS_SALT" >"$work/salt")
	salt=(--salt-file "$work/salt")
fi

# Port 0: the job server takes a free port and says which in its log.
setsid "$work/prism" --job_port 0 --serve_http=false --log_kind text 2>"$work/prism.log" &
prism_pid=$!
port=''
for _ in $(seq 100); do
	port=$(sed -n 's/.*Serving JobManagement.*endpoint=[^ ]*:\([0-9][0-9]*\).*/\1/p' "$work/prism.log")
	[[ -n $port ]] && break
	kill -0 "$prism_pid" 2>/dev/null || { cat "$work/prism.log" >&2; die "the job server ended"; }
	sleep 0.1
done
[[ -n $port ]] || { cat "$work/prism.log" >&2; die "the job server named no port"; }
echo "Prism job server on localhost:$port" >&2

status=0
"$work/nightly" --runner universal --endpoint "localhost:$port" --environment_type PROCESS \
	--environment_config "{\"command\": \"$work/worker\"}" --worker_binary "$work/nightly" \
	${salt[@]+"${salt[@]}"} "$@" || status=$?
if ((status != 0)); then
	echo "the job server's log: $(grep -c . "$work/prism.log") lines, the last ones:" >&2
	tail -n 20 "$work/prism.log" >&2
fi
exit "$status"
