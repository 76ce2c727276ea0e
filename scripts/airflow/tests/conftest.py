"""Puts the DAG's folder on the import path, and tests/fake_airflow.py in place of Airflow where
Airflow is not installed; pytest's header says which of the two the tests ran against."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

try:
    import airflow

    AIRFLOW = f"Apache Airflow {airflow.__version__}"
    REAL_AIRFLOW = True
except ImportError:
    import fake_airflow

    fake_airflow.install()
    AIRFLOW = "the stand-in tests/fake_airflow.py (Airflow is not installed)"
    REAL_AIRFLOW = False


def pytest_report_header(config):
    return f"airflow: {AIRFLOW}"


from support import dataflow, launcher  # noqa: E402,F401 (fixtures, after Airflow is in place)
