"""The DAG file: it loads, its tasks and edges, what its templates render, and no salt anywhere."""

import importlib.util
from pathlib import Path

import pytest
from conftest import REAL_AIRFLOW
from support import Launcher, context

import portraits_airflow as pa

DAG_FILE = Path(__file__).resolve().parent.parent / "portraits_nightly.py"
SALT = "canary-salt-7f3a"  # set where a careless DAG would pick a salt up


def load_dag():
    if REAL_AIRFLOW:
        from airflow.models import DagBag

        bag = DagBag(dag_folder=str(DAG_FILE), include_examples=False)
        assert bag.import_errors == {}
        return bag.dags["portraits_nightly"]
    spec = importlib.util.spec_from_file_location("portraits_nightly", DAG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


@pytest.fixture
def dag(monkeypatch):
    monkeypatch.setenv("PORTRAITS_SALT", SALT)
    return load_dag()


def rendered(task, try_number=1):
    # var: what {{ var.value.portraits_salt }} would read from a secrets backend
    task.render_template_fields(context(try_number, var={"value": {"portraits_salt": SALT}}))
    return task


def fields(task):
    out = {}
    for name in task.template_fields:
        value = getattr(task, name)
        out[name] = vars(value) if hasattr(value, "template_fields") else value
    return out


def test_tasks_and_edges(dag):
    from portraits_nightly import DAILY_PARTITIONS

    waits = {"wait_" + s.replace("/", "_") for s in DAILY_PARTITIONS}
    assert set(dag.task_dict) == waits | {"nightly_dataflow", "publish_bigquery"}
    nightly, publish = dag.task_dict["nightly_dataflow"], dag.task_dict["publish_bigquery"]
    assert set(nightly.upstream_task_ids) == waits
    assert set(nightly.downstream_task_ids) == {"publish_bigquery"}
    assert set(publish.upstream_task_ids) == {"nightly_dataflow"}
    assert not publish.downstream_task_ids
    for wait in waits:
        assert set(dag.task_dict[wait].downstream_task_ids) == {"nightly_dataflow"}


def test_nights_run_one_at_a_time_in_order(dag):
    assert dag.max_active_runs == 1
    assert dag.task_dict["nightly_dataflow"].depends_on_past
    assert dag.task_dict["nightly_dataflow"].retries == 2
    assert dag.task_dict["publish_bigquery"].retries == 3
    for task in dag.task_dict.values():
        callbacks = task.on_failure_callback
        assert pa.alert_failure in (callbacks if isinstance(callbacks, list) else [callbacks])


def test_nightly_runs_on_dataflow_and_waits(dag):
    nightly = dag.task_dict["nightly_dataflow"]
    assert isinstance(nightly, pa.NightlyGoOperator)
    assert isinstance(dag.task_dict["publish_bigquery"], pa.PublishOperator)
    assert nightly.runner == "DataflowRunner"
    config = nightly.dataflow_config
    assert config.wait_until_finished and config.append_job_name and config.cancel_timeout
    assert config.check_if_running == pa.CheckJobRunning.WaitForRun
    assert nightly.execution_timeout is not None


def test_templates_render_the_business_day(dag):
    nightly = rendered(dag.task_dict["nightly_dataflow"])
    assert nightly.job_prefix == "portraits-nightly-20261121"
    assert nightly.pipeline_options["date"] == "2026-11-21"
    assert nightly.pipeline_options["labels"]["night"] == "2026-11-21"
    assert nightly.pipeline_options["salt-secret"].startswith("projects/")
    publish = rendered(dag.task_dict["publish_bigquery"])
    assert "--run gs://my-bucket/portraits/out/dt=2026-11-21 " in publish.bash_command
    wait = rendered(dag.task_dict["wait_clickstream_events"])
    assert wait.prefix == "raw/clickstream/events/dt=2026-11-21/"
    assert wait.mode == "reschedule"


def test_no_salt_in_rendered_templates(dag):
    for task in dag.task_dict.values():
        assert SALT not in repr(fields(rendered(task))), task.task_id


def test_the_night_launches_with_the_secret_name_only(dag, launcher, dataflow):
    nightly = rendered(dag.task_dict["nightly_dataflow"], try_number=2)
    nightly.launcher_binary = nightly.worker_binary = str(launcher.path)
    nightly.dataflow_config.poll_sleep = 0
    args = launcher.next_run(exit_code=0)
    nightly.execute(context(2))
    flags = Launcher.flags(args)
    assert SALT not in args.read_text()
    assert flags["salt-secret"] == "projects/my-project/secrets/portraits-salt/versions/1"
    assert flags["job_name"].startswith("portraits-nightly-20261121-t2-")
    assert flags["no_use_public_ips"] == ""
    assert flags["service_account_email"].endswith(".iam.gserviceaccount.com")
    assert flags["date"] == "2026-11-21"
