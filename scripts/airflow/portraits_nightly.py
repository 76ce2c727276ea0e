"""Airflow DAG: the nightly portraits job on Dataflow, then its publication into BigQuery.

Copy this file and portraits_airflow.py into the DAGs folder of an Airflow 2.10+ deployment with
the apache-beam and google providers, and set the settings below. Airflow's workers need no Go and
no checkout: they run two prebuilt linux/amd64 binaries (docs/scheduling.md says how to build
them), with application-default credentials that may submit Dataflow jobs, use the buckets and
load BigQuery. The hashing salt stays in Secret Manager: the DAG names the secret's version, and
each Dataflow worker reads it there (its service account needs roles/secretmanager.secretAccessor).

The business day is Asia/Shanghai. The DAG runs at 02:30 there; a run's data interval is the 24
hours that end then, and the day it builds is the business date of the interval's start (the run
of 2026-11-22 02:30 builds 2026-11-21). It waits for that day's partition of every daily source,
runs the night, then publishes it. Nights run one at a time and in order (depends_on_past,
max_active_runs=1) because person ids continue from one night to the next. Exit codes 2 and 3
fail a task without a retry; 4 (the date held by another run) and other failures are retried.
"""

from datetime import timedelta

import pendulum

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:
    from airflow import DAG
from airflow.providers.google.cloud.sensors.gcs import GCSObjectsWithPrefixExistenceSensor

from portraits_airflow import (
    CheckJobRunning,
    DataflowConfiguration,
    NightlyGoOperator,
    PublishOperator,
    alert_failure,
    business_day,
)

# Settings.
PROJECT = "my-project"  # Dataflow jobs and BigQuery datasets
REGION = "asia-east1"  # Dataflow region
BUCKET = "gs://my-bucket/portraits"  # staging/, temp/ and out/ (the runs)
SOURCES = "/opt/portraits/sources.yaml"  # sources config on the Airflow workers; paths on gs://
BIN = "/opt/portraits/bin"  # nightly (linux/amd64, launcher and worker) and publish
SALT_SECRET = "projects/my-project/secrets/portraits-salt/versions/1"  # never the salt itself
WORKERS = 20  # most Dataflow workers
MACHINE_TYPE = "n2-highmem-8"
SERVICE_ACCOUNT = "portraits-worker@my-project.iam.gserviceaccount.com"  # the workers' identity
SUBNETWORK = "regions/asia-east1/subnetworks/dataflow"  # workers without public IPs need one
DATASET = "portraits"  # BigQuery base dataset: portraits_analytics, portraits_restricted
BQ_LOCATION = "asia-east1"
LANDING_BUCKET = "my-landing-bucket"  # where the sources land, as gs://LANDING_BUCKET/LANDING/...
LANDING = "raw"
# Sources that land a dt=YYYY-MM-DD partition every day (the append and changes sources of
# sources.yaml); the night starts once each has its partition. A source that may skip a day
# does not belong here.
DAILY_PARTITIONS = (
    "platform/users",
    "platform/orders",
    "platform/order_items",
    "platform/products",
    "clickstream/events",
    "marketing/touches",
    "feedback/reviews",
    "feedback/tickets",
    "feedback/review_sites",
)

DAY = "{{ business_day(data_interval_start) }}"

with DAG(
    dag_id="portraits_nightly",
    description="Nightly customer portraits on Dataflow, then published into BigQuery",
    schedule="30 2 * * *",
    start_date=pendulum.datetime(2026, 11, 1, tz="Asia/Shanghai"),
    catchup=False,  # True backfills missed nights, in order (scripts/backfill.sh for a shell loop)
    max_active_runs=1,
    user_defined_macros={"business_day": business_day},
    default_args={
        "owner": "data-engineering",
        "retries": 2,
        "retry_delay": timedelta(minutes=15),
        "retry_exponential_backoff": True,
        "on_failure_callback": alert_failure,
    },
    tags=["portraits"],
) as dag:
    inputs = [
        GCSObjectsWithPrefixExistenceSensor(
            task_id="wait_" + source.replace("/", "_"),
            bucket=LANDING_BUCKET,
            prefix=f"{LANDING}/{source}/dt={DAY}/",
            mode="reschedule",  # frees the worker slot between pokes
            poke_interval=10 * 60,
            timeout=6 * 60 * 60,  # until 08:30; a sensor that times out is not retried
        )
        for source in DAILY_PARTITIONS
    ]
    nightly = NightlyGoOperator(
        task_id="nightly_dataflow",
        launcher_binary=f"{BIN}/nightly",  # also the worker binary: Airflow runs on linux/amd64
        runner="DataflowRunner",
        job_prefix="portraits-nightly-{{ business_day(data_interval_start) | replace('-', '') }}",
        pipeline_options={
            # the nightly's own flags
            "sources": SOURCES,
            "date": DAY,
            "output": f"{BUCKET}/out",
            "salt-secret": SALT_SECRET,
            # the Beam Go SDK's Dataflow flags (--project, --region, --job_name and --labels
            # come from the provider)
            "staging_location": f"{BUCKET}/staging",
            "temp_location": f"{BUCKET}/temp",
            "max_num_workers": WORKERS,
            "worker_machine_type": MACHINE_TYPE,
            "service_account_email": SERVICE_ACCOUNT,
            "subnetwork": SUBNETWORK,
            "no_use_public_ips": True,
            "labels": {"app": "portraits", "night": DAY},
        },
        dataflow_config=DataflowConfiguration(
            project_id=PROJECT,
            location=REGION,
            wait_until_finished=True,
            check_if_running=CheckJobRunning.WaitForRun,
            append_job_name=True,  # a random suffix after -tTRY: every try's job has its own name
            poll_sleep=60,
            cancel_timeout=10 * 60,  # on kill or timeout the job is cancelled; wait that long
        ),
        depends_on_past=True,
        execution_timeout=timedelta(hours=6),
    )
    publish = PublishOperator(
        task_id="publish_bigquery",
        bash_command=(
            f"{BIN}/publish --run {BUCKET}/out/dt={DAY}"
            f" --warehouse 'bigquery://{PROJECT}/{DATASET}?location={BQ_LOCATION}'"
            f" --salt-secret {SALT_SECRET}"  # to recognise the night's new erasure requests
        ),
        execution_timeout=timedelta(hours=1),
        retries=3,
    )
    inputs >> nightly >> publish
