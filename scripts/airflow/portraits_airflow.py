"""Operators and functions for the portraits nightly DAG (portraits_nightly.py beside this file).

The nightly job and its publish step say with their exit code whether a retry can help:
0 done, 2 a configuration or usage error, 3 a data-quality gate breached (the night is not
published), 4 the date held by another run (retry later), 1 anything else. Airflow cannot tell
them apart: the Apache Beam provider reports a failed launcher only as "Apache Beam process failed
with return code N" (hooks/beam.py, run_beam_command) and BashOperator as "... non-zero exit code
N.", both as a plain AirflowException, which Airflow retries. ExitCodes reads the code back from
that message and raises AirflowFailException, which Airflow does not retry, for 2 and 3.

The Beam provider's Go operator also ignores DataflowConfiguration.check_if_running (only its Java
operator honours it), names every try's job alike up to a random suffix, and passes Dataflow's
service account as --service_account, which the Go SDK does not know (its flag is
--service_account_email, set it in pipeline_options). NightlyGoOperator adds the try number to
the job name and waits, before it launches, for a job of the same night still running from an
earlier try (a launcher that died leaves its Dataflow job running).
"""

from __future__ import annotations

import logging
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from airflow.exceptions import AirflowException, AirflowFailException
from airflow.providers.apache.beam.operators.beam import BeamRunGoPipelineOperator
from airflow.providers.google.cloud.hooks.dataflow import DataflowHook
from airflow.providers.google.cloud.operators.dataflow import (  # noqa: F401 (for the DAG)
    CheckJobRunning,
    DataflowConfiguration,
)

try:  # Airflow 3 moved BashOperator into the standard provider.
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:
    from airflow.operators.bash import BashOperator

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")

# What the nightly's and publish's exit codes mean, and whether a retry can help.
EXIT_CODES = {
    1: ("failed", True),
    2: ("a configuration or usage error", False),
    3: ("a data-quality gate was breached, the night is not published", False),
    4: ("the date is held by another run", True),
}

# How the Beam hook and BashOperator word a failed command's exit code.
_EXIT_CODE = re.compile(r"(?:return|exit) code (-?\d+)")

# Dataflow's rule for job names.
_JOB_NAME = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")

alerts = logging.getLogger("portraits.alerts")


def business_day(interval_start: datetime) -> str:
    """The business day a run builds, YYYY-MM-DD: its data interval's start, in Asia/Shanghai."""
    if interval_start.tzinfo is None:
        raise ValueError(f"business_day: {interval_start} has no time zone")
    return datetime.fromtimestamp(interval_start.timestamp(), BUSINESS_TZ).strftime("%Y-%m-%d")


def exit_code_of(err: BaseException | None) -> int | None:
    """The exit code a failed command's error reports, or None when it names none."""
    match = _EXIT_CODE.search(str(err)) if err is not None else None
    return int(match.group(1)) if match else None


def attempt_job_name(prefix: str, try_number: int) -> str:
    """The Dataflow job name of one try of a night: the night's prefix and the try number."""
    name = f"{prefix}-t{try_number}"
    if not _JOB_NAME.fullmatch(name):
        raise ValueError(f"job name {name!r}: want lower-case letters, digits and hyphens")
    return name


class ExitCodes:
    """Mixin for an operator that runs the nightly or publish: exit codes 2 and 3 fail the task
    without a retry (AirflowFailException); 4, 1 and errors that name no code are retried."""

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowFailException:
            raise
        except AirflowException as err:
            code = exit_code_of(err)
            meaning, retry = EXIT_CODES.get(code, ("failed", True))
            if not retry:
                raise AirflowFailException(f"exit code {code}: {meaning}; not retried") from err
            if code == 4:
                self.log.warning("exit code 4: %s; retried after retry_delay", meaning)
            raise


class NightlyGoOperator(ExitCodes, BeamRunGoPipelineOperator):
    """The nightly job on Dataflow from prebuilt binaries (launcher_binary, worker_binary), so
    Airflow's workers need no Go.

    job_prefix (templated) names the night, e.g. portraits-nightly-20261121; each try's job is
    PREFIX-tTRY plus the provider's random suffix. With check_if_running=WaitForRun (the
    default) it first waits while a job named PREFIX-* runs. Cancelling on kill, waiting for the
    job and finding its id in the launcher's log ("Submitted job: ID") are the provider's.
    """

    template_fields = (*BeamRunGoPipelineOperator.template_fields, "job_prefix")

    def __init__(self, *, job_prefix: str, **kwargs):
        super().__init__(**kwargs)
        self.job_prefix = job_prefix

    def execute(self, context):
        if self.runner.lower() == "dataflowrunner":
            self._cast_dataflow_config()
            config = self.dataflow_config
            config.job_name = attempt_job_name(self.job_prefix, context["ti"].try_number)
            if config.check_if_running == CheckJobRunning.WaitForRun:
                self._wait_for_earlier_tries(config)
        return super().execute(context)

    def _wait_for_earlier_tries(self, config):
        hook = DataflowHook(gcp_conn_id=config.gcp_conn_id or self.gcp_conn_id)
        prefix = self.job_prefix + "-"
        while hook.is_job_dataflow_running(
            name=prefix, project_id=config.project_id, location=config.location, variables={}
        ):
            self.log.info("a Dataflow job %s* of an earlier try still runs; waiting", prefix)
            time.sleep(config.poll_sleep)


class PublishOperator(ExitCodes, BashOperator):
    """BashOperator for the publish step: exit codes 2 and 3 fail without a retry."""


def alert_failure(context) -> str:
    """on_failure_callback: logs one line on the portraits.alerts logger when a task has failed
    for good (no retry left, or exit code 2 or 3), naming the night, the task, what the exit code
    means and the log; route that logger to your alerting, or add a notifier beside it."""
    ti = context["ti"]
    err = context.get("exception")
    code = exit_code_of(err)
    meaning = EXIT_CODES[code][0] if code in EXIT_CODES else f"failed: {err}"
    if code is not None:
        meaning = f"exit code {code}: {meaning}"
    start = context.get("data_interval_start")
    night = business_day(start) if start else "of a run without a data interval"
    line = f"portraits night {night}: {ti.task_id} {meaning} (try {ti.try_number})"
    line += f"; log: {ti.log_url}"
    alerts.error(line)
    return line
