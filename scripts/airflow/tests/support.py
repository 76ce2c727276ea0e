"""Shared by the tests: a fake nightly launcher, a fake Dataflow API, a task instance."""

import importlib
import stat
import types
from pathlib import Path

import pytest

# The launcher writes its arguments to $LAUNCHER_ARGS, logs a job id the way the Beam Go SDK does
# (dataflowlib.Submit: "Submitted job: ID"), and exits with $LAUNCHER_EXIT.
LAUNCHER = """#!/bin/sh
printf '%s\\n' "$@" > "$LAUNCHER_ARGS"
echo "Submitted job: 2026-11-21_02_31_07-1234567890" >&2
exit "${LAUNCHER_EXIT:-0}"
"""

JOB_ID = "2026-11-21_02_31_07-1234567890"


class Launcher:
    """A fake nightly binary; run() points the next launch at a fresh arguments file."""

    def __init__(self, folder: Path, monkeypatch):
        self.path = folder / "nightly"
        self.path.write_text(LAUNCHER)
        self.path.chmod(self.path.stat().st_mode | stat.S_IEXEC)
        self.folder, self.monkeypatch, self.runs = folder, monkeypatch, 0

    def next_run(self, exit_code=0):
        self.runs += 1
        args = self.folder / f"args-{self.runs}"
        self.monkeypatch.setenv("LAUNCHER_ARGS", str(args))
        self.monkeypatch.setenv("LAUNCHER_EXIT", str(exit_code))
        return args

    @staticmethod
    def flags(args: Path) -> dict:
        """The flags of one launch, --name=value as {name: value}."""
        out = {}
        for line in args.read_text().splitlines():
            name, _, value = line.removeprefix("--").partition("=")
            out[name] = value
        return out


class FakeDataflow:
    """Answers is_job_dataflow_running from `running` in turn, records every call."""

    running: list = []
    calls: list = []

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def is_job_dataflow_running(self, **kwargs):
        type(self).calls.append(("running", kwargs))
        return type(self).running.pop(0) if type(self).running else False

    def wait_for_done(self, **kwargs):
        type(self).calls.append(("wait", kwargs))

    def cancel_job(self, **kwargs):
        type(self).calls.append(("cancel", kwargs))


@pytest.fixture
def dataflow(monkeypatch):
    """Replaces the Dataflow API in the Beam provider and in portraits_airflow."""
    import portraits_airflow

    beam = importlib.import_module("airflow.providers.apache.beam.operators.beam")
    fake = type("Dataflow", (FakeDataflow, beam.DataflowHook), {"running": [], "calls": []})
    monkeypatch.setattr(beam, "DataflowHook", fake)
    monkeypatch.setattr(portraits_airflow, "DataflowHook", fake)
    monkeypatch.setattr(beam.DataflowJobLink, "persist", staticmethod(lambda *a, **k: None))
    return fake


@pytest.fixture
def launcher(tmp_path, monkeypatch):
    return Launcher(tmp_path, monkeypatch)


def task_instance(try_number=1, task_id="nightly_dataflow"):
    return types.SimpleNamespace(
        try_number=try_number,
        task_id=task_id,
        log_url=f"http://airflow/log?task_id={task_id}",
        xcom_push=lambda **kwargs: None,
    )


def context(try_number=1, **extra):
    import pendulum

    ti = task_instance(try_number)
    # The run of 2026-11-22 02:30 Asia/Shanghai: its interval starts 2026-11-21 02:30 there.
    start = pendulum.datetime(2026, 11, 20, 18, 30, tz="UTC")
    return {"ti": ti, "task_instance": ti, "data_interval_start": start, **extra}

