#!/usr/bin/env bash
# Tests the portraits DAG (scripts/airflow) against real Airflow: makes a virtualenv with Apache
# Airflow and its apache-beam and google providers (pinned by Airflow's constraints file), then
# runs the tests in scripts/airflow/tests. It downloads from the Python package index and Airflow's
# GitHub repository, so CI does not run it.
#
#   scripts/airflow/test.sh [PYTEST ARGS]         real Airflow (AIRFLOW_VERSION, default 2.10.5)
#   scripts/airflow/test.sh --stand-in [ARGS]     the same tests against tests/fake_airflow.py,
#                                                 with a python3 that has pytest, jinja2, pendulum
#
# PYTHON picks the interpreter (default python3), VENV the virtualenv's folder.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${PYTHON:-python3}
if [[ ${1:-} == --stand-in ]]; then
	shift
	exec "$python" -m pytest "$here/tests" "$@"
fi

version=${AIRFLOW_VERSION:-2.10.5}
py=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
venv=${VENV:-/tmp/portraits-airflow-$version-py$py}
if [[ ! -x $venv/bin/airflow ]]; then
	"$python" -m venv "$venv"
	"$venv/bin/pip" install --quiet --upgrade pip
	constraints=https://raw.githubusercontent.com/apache/airflow/constraints-$version
	"$venv/bin/pip" install --quiet "apache-airflow[apache-beam,google]==$version" pytest \
		--constraint "$constraints/constraints-$py.txt"
fi
export AIRFLOW_HOME=$venv/airflow-home AIRFLOW__CORE__LOAD_EXAMPLES=False
"$venv/bin/airflow" db migrate >/dev/null
exec "$venv/bin/python" -m pytest "$here/tests" "$@"
