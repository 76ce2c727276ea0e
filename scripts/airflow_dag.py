"""Airflow DAG example for the nightly portraits job: a Dataflow task, then a publish task.

Copy it into the DAGs folder of an Airflow 2.4+ deployment whose workers have this repository
checked out (REPO below), Go, and Google Cloud application-default credentials. Both tasks call
scripts/run-dataflow.sh, so the flags live in one place; each step is idempotent by date, so
Airflow's retries and manual re-runs are safe.

The business day is Asia/Shanghai. The DAG runs at 02:30 there; a run's data interval is the 24
hours that end then, and the day it builds is the business date of the interval's start (the run
of 2026-11-22 02:30 builds 2026-11-21). Nights run one at a time and in order
(depends_on_past, max_active_runs=1) because person ids continue from one night to the next.
"""

from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

BUSINESS_TZ = pendulum.timezone("Asia/Shanghai")
REPO = "/opt/portraits"  # checkout of the repository on the Airflow workers


def business_day(interval_start):
    """The business day a run builds: its data interval's start, as a date in the business zone."""
    return interval_start.in_timezone(BUSINESS_TZ).strftime("%Y-%m-%d")


COMMON = (
    "scripts/run-dataflow.sh"
    " --project {{ params.project }} --region {{ params.region }} --bucket {{ params.bucket }}"
    " --sources {{ params.sources }} --workers {{ params.workers }} --dataset {{ params.dataset }}"
    " --date {{ business_day(data_interval_start) }}"
)

with DAG(
    dag_id="portraits_nightly",
    description="Nightly customer portraits on Dataflow, then published into BigQuery",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2026, 11, 1, tz=BUSINESS_TZ),
    catchup=False,  # True backfills missed nights, in order (see scripts/backfill.sh for a shell loop)
    max_active_runs=1,
    user_defined_macros={"business_day": business_day},
    params={
        "project": "my-project",
        "region": "asia-east1",
        "bucket": "gs://my-bucket/portraits",
        "sources": "/etc/portraits/sources.yaml",
        "workers": 20,
        "dataset": "portraits",
    },
    default_args={
        "owner": "data-engineering",
        "retries": 2,
        "retry_delay": timedelta(minutes=15),
        "retry_exponential_backoff": True,
    },
    tags=["portraits"],
) as dag:
    nightly = BashOperator(
        task_id="nightly_dataflow",
        cwd=REPO,
        bash_command=COMMON + " --only nightly",
        # The hashing salt comes from an Airflow Variable (back it with a secrets backend).
        env={"PORTRAITS_SALT": "{{ var.value.portraits_salt }}"},
        append_env=True,
        depends_on_past=True,
        execution_timeout=timedelta(hours=6),
    )
    publish = BashOperator(
        task_id="publish_bigquery",
        cwd=REPO,
        bash_command=COMMON + " --only publish",
        append_env=True,
        execution_timeout=timedelta(hours=1),
        retries=3,
    )
    nightly >> publish
