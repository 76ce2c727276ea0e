"""The exit-code policy, job names, the wait for earlier tries, business_day and the alert."""

import logging
from datetime import datetime, timezone

import pytest
from airflow.exceptions import AirflowException, AirflowFailException
from support import JOB_ID, Launcher, context

import portraits_airflow as pa


def nightly(launcher_path, **kwargs):
    kwargs.setdefault(
        "dataflow_config",
        pa.DataflowConfiguration(project_id="p", location="asia-east1", poll_sleep=0),
    )
    return pa.NightlyGoOperator(
        task_id="nightly_dataflow",
        launcher_binary=str(launcher_path),
        runner="DataflowRunner",
        job_prefix="portraits-nightly-20261121",
        pipeline_options={"date": "2026-11-21", "salt-secret": "projects/p/secrets/s/versions/1"},
        **kwargs,
    )


@pytest.mark.parametrize("code", [2, 3])
def test_config_and_quality_failures_are_not_retried(code, launcher, dataflow):
    launcher.next_run(exit_code=code)
    with pytest.raises(AirflowFailException, match=f"exit code {code}"):
        nightly(launcher.path).execute(context())


@pytest.mark.parametrize("code", [1, 4])
def test_other_failures_are_retried(code, launcher, dataflow):
    launcher.next_run(exit_code=code)
    with pytest.raises(AirflowException) as raised:
        nightly(launcher.path).execute(context())
    assert not isinstance(raised.value, AirflowFailException)
    assert pa.exit_code_of(raised.value) == code


def test_a_finished_night_waits_for_its_job(launcher, dataflow):
    args = launcher.next_run(exit_code=0)
    result = nightly(launcher.path).execute(context())
    assert result == {"dataflow_job_id": JOB_ID}
    flags = Launcher.flags(args)
    assert flags["runner"] == "DataflowRunner"
    assert flags["worker_binary"] == str(launcher.path)
    assert flags["salt-secret"] == "projects/p/secrets/s/versions/1"
    assert flags["project"] == "p" and flags["region"] == "asia-east1"
    waits = [call for kind, call in dataflow.calls if kind == "wait"]
    assert [w["job_name"] for w in waits] == [flags["job_name"]]


def test_every_try_has_its_own_job_name(launcher, dataflow):
    names = []
    for try_number in (1, 2, 2):
        args = launcher.next_run(exit_code=1)
        with pytest.raises(AirflowException):
            nightly(launcher.path).execute(context(try_number))
        names.append(Launcher.flags(args)["job_name"])
    assert names[0].startswith("portraits-nightly-20261121-t1-")
    assert names[1].startswith("portraits-nightly-20261121-t2-")
    assert len(set(names)) == 3, names  # the same try number again still gets its own name


def test_waits_while_an_earlier_try_still_runs(launcher, dataflow):
    dataflow.running.extend([True, True, False])
    args = launcher.next_run(exit_code=0)
    nightly(launcher.path).execute(context(2))
    checks = [call for kind, call in dataflow.calls if kind == "running"]
    assert len(checks) == 3
    assert all(c["name"] == "portraits-nightly-20261121-" for c in checks)
    assert args.exists()  # launched once no earlier job ran


def test_no_wait_when_told_to_ignore_running_jobs(launcher, dataflow):
    dataflow.running.append(True)
    config = pa.DataflowConfiguration(
        project_id="p", location="asia-east1", check_if_running=pa.CheckJobRunning.IgnoreJob
    )
    launcher.next_run(exit_code=0)
    nightly(launcher.path, dataflow_config=config).execute(context())
    assert not [kind for kind, _ in dataflow.calls if kind == "running"]


def test_kill_cancels_the_job_the_launcher_submitted(launcher, dataflow):
    launcher.next_run(exit_code=1)
    op = nightly(launcher.path)
    with pytest.raises(AirflowException):
        op.execute(context())
    op.on_kill()
    cancels = [call for kind, call in dataflow.calls if kind == "cancel"]
    assert cancels == [{"job_id": JOB_ID, "project_id": "p", "location": "asia-east1"}]


@pytest.mark.parametrize("code,retried", [(0, None), (1, True), (2, False), (3, False), (4, True)])
def test_publish_exit_codes(code, retried):
    op = pa.PublishOperator(task_id="publish_bigquery", bash_command=f"exit {code}")
    if retried is None:
        op.execute(context())
        return
    with pytest.raises(AirflowException) as raised:
        op.execute(context())
    assert isinstance(raised.value, AirflowFailException) is not retried
    assert pa.exit_code_of(raised.value) == code


@pytest.mark.parametrize(
    "start,day",
    [
        (datetime(2026, 11, 20, 18, 30, tzinfo=timezone.utc), "2026-11-21"),
        (datetime(2026, 11, 20, 15, 59, 59, tzinfo=timezone.utc), "2026-11-20"),
        (datetime(2026, 11, 20, 16, 0, tzinfo=timezone.utc), "2026-11-21"),
    ],
)
def test_business_day_is_the_interval_start_in_shanghai(start, day):
    assert pa.business_day(start) == day


def test_business_day_takes_pendulum_times_and_refuses_naive_ones():
    import pendulum

    assert pa.business_day(pendulum.datetime(2026, 11, 21, 2, 30, tz="Asia/Shanghai")) == (
        "2026-11-21"
    )
    with pytest.raises(ValueError):
        pa.business_day(datetime(2026, 11, 21, 2, 30))


def test_exit_code_of_reads_both_wordings():
    assert pa.exit_code_of(AirflowException("Apache Beam process failed with return code 3")) == 3
    bash = "Bash command failed. The command returned a non-zero exit code 4."
    assert pa.exit_code_of(AirflowException(bash)) == 4
    assert pa.exit_code_of(AirflowException("Dataflow job is in failed state")) is None
    assert pa.exit_code_of(None) is None


def test_attempt_job_name_refuses_what_dataflow_would():
    assert pa.attempt_job_name("portraits-nightly-20261121", 3) == "portraits-nightly-20261121-t3"
    with pytest.raises(ValueError):
        pa.attempt_job_name("Portraits_Nightly", 1)


def test_alert_names_night_task_and_meaning(caplog):
    ctx = context(3, exception=AirflowFailException("exit code 3: gate; not retried"))
    with caplog.at_level(logging.ERROR, logger="portraits.alerts"):
        line = pa.alert_failure(ctx)
    assert caplog.messages == [line]
    assert "night 2026-11-21" in line and "nightly_dataflow" in line and "try 3" in line
    assert "data-quality gate" in line and "log: http://airflow/log" in line


def test_alert_without_a_data_interval_still_alerts(caplog):
    ctx = context(1, exception=AirflowException("Apache Beam process failed with return code 1"))
    ctx["data_interval_start"] = None
    with caplog.at_level(logging.ERROR, logger="portraits.alerts"):
        line = pa.alert_failure(ctx)
    assert "nightly_dataflow exit code 1: failed" in line and caplog.messages == [line]
