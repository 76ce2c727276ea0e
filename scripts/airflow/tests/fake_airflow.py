"""A stand-in for the parts of Airflow the portraits DAG uses, for machines where Airflow cannot be
installed (conftest.py installs it only when `import airflow` fails).

Each part copies the behaviour the DAG and its tests rely on, from Airflow 2.10 and the
apache-beam and google providers: how the Beam hook runs a Go launcher binary, finds the Dataflow
job id in its log and reports its exit code; how BashOperator reports one; how DAGs collect
tasks and default_args; how templates and nested template fields render. test.sh runs the same
tests against the real packages; here they hold only as far as this copy is faithful.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import types
import uuid
from enum import Enum

import jinja2

_current_dag = None


class AirflowException(Exception):
    """Airflow's base error: a task that raises it is retried while it has retries left."""


class AirflowFailException(AirflowException):
    """A task that raises it fails without a retry."""


class DAG:
    """Collects the operators created inside its `with` block; renders with its macros."""

    def __init__(self, dag_id, *, default_args=None, user_defined_macros=None, params=None, **kw):
        self.dag_id = dag_id
        self.default_args = default_args or {}
        self.user_defined_macros = user_defined_macros or {}
        self.params = params or {}
        self.task_dict = {}
        for key, value in kw.items():
            setattr(self, key, value)

    def __enter__(self):
        global _current_dag
        _current_dag = self
        return self

    def __exit__(self, *exc):
        global _current_dag
        _current_dag = None

    def get_template_env(self):
        env = jinja2.Environment(undefined=jinja2.StrictUndefined)
        env.globals.update(self.user_defined_macros)
        return env


class BaseOperator:
    """An operator: task_id, the DAG's default_args, up- and downstream edges, templates."""

    template_fields: tuple = ()

    def __init__(self, *, task_id, **kwargs):
        dag = _current_dag
        defaults = {"retries": 0, "depends_on_past": False, "on_failure_callback": None}
        defaults.update(dag.default_args if dag else {})
        defaults.update(kwargs)
        self.task_id = task_id
        self.dag = dag
        for key, value in defaults.items():
            setattr(self, key, value)
        self.upstream_task_ids, self.downstream_task_ids = set(), set()
        self.log = logging.getLogger(f"airflow.task.{task_id}")
        if dag:
            dag.task_dict[task_id] = self

    def _edge(self, other):
        for task in other if isinstance(other, list) else [other]:
            self.downstream_task_ids.add(task.task_id)
            task.upstream_task_ids.add(self.task_id)
        return other

    def __rshift__(self, other):
        return self._edge(other)

    def __rrshift__(self, other):
        for task in other:
            task._edge(self)
        return self

    def render_template_fields(self, context, jinja_env=None):
        env = jinja_env or self.dag.get_template_env()
        _render_fields(self, context, env)


def _render_fields(obj, context, env):
    for field in obj.template_fields:
        setattr(obj, field, _render(getattr(obj, field), context, env))


def _render(value, context, env):
    if isinstance(value, str):
        return env.from_string(value).render(**context)
    if isinstance(value, (list, tuple)):
        return type(value)(_render(v, context, env) for v in value)
    if isinstance(value, dict):
        return {k: _render(v, context, env) for k, v in value.items()}
    if hasattr(value, "template_fields"):
        _render_fields(value, context, env)
    return value


class BashOperator(BaseOperator):
    """Runs bash_command; a non-zero exit fails with the message Airflow's BashOperator uses."""

    template_fields = ("bash_command", "env", "cwd")

    def __init__(self, *, bash_command, env=None, cwd=None, **kwargs):
        super().__init__(**kwargs)
        self.bash_command, self.env, self.cwd = bash_command, env, cwd

    def execute(self, context):
        result = subprocess.run(["bash", "-c", self.bash_command], cwd=self.cwd, check=False)
        if result.returncode != 0:
            raise AirflowException(
                "Bash command failed. The command returned a non-zero exit code "
                f"{result.returncode}."
            )


class GCSObjectsWithPrefixExistenceSensor(BaseOperator):
    """Waits for an object under gs://bucket/prefix (only its fields here)."""

    template_fields = ("bucket", "prefix", "impersonation_chain")

    def __init__(self, *, bucket, prefix, impersonation_chain=None, **kwargs):
        super().__init__(**kwargs)
        self.bucket, self.prefix, self.impersonation_chain = bucket, prefix, impersonation_chain


class CheckJobRunning(Enum):
    IgnoreJob = 1
    FinishIfRunning = 2
    WaitForRun = 3


class DataflowConfiguration:
    template_fields = ("job_name", "location")

    def __init__(self, *, job_name=None, append_job_name=True, project_id=None,
                 location="us-central1", gcp_conn_id="google_cloud_default", poll_sleep=10,
                 impersonation_chain=None, drain_pipeline=False, cancel_timeout=5 * 60,
                 wait_until_finished=None, multiple_jobs=None,
                 check_if_running=CheckJobRunning.WaitForRun, service_account=None):
        self.__dict__.update({k: v for k, v in locals().items() if k != "self"})


class DataflowHook:
    """The Dataflow API; tests replace what talks to it."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    @staticmethod
    def build_dataflow_job_name(job_name, append_job_name=True):
        base = str(job_name).replace("_", "-")
        if not re.fullmatch(r"[a-z]([-a-z0-9]*[a-z0-9])?", base):
            raise ValueError(f"Invalid job_name ({base})")
        return f"{base}-{uuid.uuid4()!s:.8}" if append_job_name else base

    def is_job_dataflow_running(self, **kwargs):
        raise NotImplementedError("no Dataflow here")

    def wait_for_done(self, **kwargs):
        raise NotImplementedError("no Dataflow here")

    def cancel_job(self, **kwargs):
        raise NotImplementedError("no Dataflow here")


class DataflowJobLink:
    @staticmethod
    def persist(**kwargs):
        pass


_JOB_ID = re.compile(r"Submitted job: (?P<id>[^\"\n\s]*)")


def beam_options_to_args(options):
    args = []
    for attr, value in options.items():
        if isinstance(value, bool):
            if value:
                args.append(f"--{attr}")
        elif isinstance(value, list):
            args.extend(f"--{attr}={v}" for v in value)
        elif isinstance(value, dict):
            args.append(f"--{attr}={json.dumps(value)}")
        elif value is not None:
            args.append(f"--{attr}={value}")
    return args


class BeamRunGoPipelineOperator(BaseOperator):
    """Runs launcher_binary with --runner, the pipeline options and, on Dataflow, --project,
    --region, --job_name (with a random suffix) and --labels; waits for the job; cancels it on
    kill. A launcher that exits non-zero fails as the provider's run_beam_command words it."""

    template_fields = ["go_file", "launcher_binary", "worker_binary", "runner",
                       "pipeline_options", "default_pipeline_options", "dataflow_config"]

    def __init__(self, *, go_file="", launcher_binary="", worker_binary="", runner="DirectRunner",
                 default_pipeline_options=None, pipeline_options=None,
                 gcp_conn_id="google_cloud_default", dataflow_config=None, **kwargs):
        super().__init__(**kwargs)
        self.go_file, self.launcher_binary = go_file, launcher_binary
        self.worker_binary = worker_binary or launcher_binary
        self.runner = runner
        self.default_pipeline_options = default_pipeline_options or {}
        self.pipeline_options = pipeline_options or {}
        self.gcp_conn_id = gcp_conn_id
        self.dataflow_config = dataflow_config or {}
        self.dataflow_hook = None
        self.dataflow_job_id = None

    def _cast_dataflow_config(self):
        if isinstance(self.dataflow_config, dict):
            self.dataflow_config = DataflowConfiguration(**self.dataflow_config)
        if not self.dataflow_config.job_name:
            self.dataflow_config.job_name = self.task_id

    def execute(self, context):
        self._cast_dataflow_config()
        self.pipeline_options.setdefault("labels", {}).update({"airflow-version": "v2-10-5"})
        options = dict(self.default_pipeline_options)
        config = self.dataflow_config
        is_dataflow = self.runner.lower() == "dataflowrunner"
        if is_dataflow:
            hook = sys.modules["airflow.providers.apache.beam.operators.beam"].DataflowHook
            self.dataflow_hook = hook(gcp_conn_id=config.gcp_conn_id,
                                      cancel_timeout=config.cancel_timeout,
                                      wait_until_finished=config.wait_until_finished)
            job_name = hook.build_dataflow_job_name(config.job_name, config.append_job_name)
            options.update(job_name=job_name, project=config.project_id, region=config.location)
        options.update(self.pipeline_options)
        options["labels"] = json.dumps(options["labels"], separators=(",", ":"))
        options["worker_binary"] = self.worker_binary
        cmd = [self.launcher_binary, f"--runner={self.runner}", *beam_options_to_args(options)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        for line in (proc.stdout + proc.stderr).splitlines():
            match = _JOB_ID.search(line)
            if match and is_dataflow:
                self.dataflow_job_id = match.group("id")
        if proc.returncode != 0:
            raise AirflowException(f"Apache Beam process failed with return code {proc.returncode}")
        if is_dataflow:
            self.dataflow_hook.wait_for_done(job_name=job_name, location=config.location,
                                             job_id=self.dataflow_job_id, multiple_jobs=False,
                                             project_id=config.project_id)
            return {"dataflow_job_id": self.dataflow_job_id}

    def on_kill(self):
        if self.dataflow_hook and self.dataflow_job_id:
            self.dataflow_hook.cancel_job(job_id=self.dataflow_job_id,
                                          project_id=self.dataflow_config.project_id,
                                          location=self.dataflow_config.location)


def install():
    """Registers this stand-in as the airflow modules the DAG and its module import."""
    modules = {
        "airflow": {"DAG": DAG},
        "airflow.exceptions": {"AirflowException": AirflowException,
                               "AirflowFailException": AirflowFailException},
        "airflow.operators": {},
        "airflow.operators.bash": {"BashOperator": BashOperator},
        "airflow.providers": {},
        "airflow.providers.apache": {},
        "airflow.providers.apache.beam": {},
        "airflow.providers.apache.beam.operators": {},
        "airflow.providers.apache.beam.operators.beam": {
            "BeamRunGoPipelineOperator": BeamRunGoPipelineOperator,
            "DataflowHook": DataflowHook, "DataflowJobLink": DataflowJobLink},
        "airflow.providers.google": {},
        "airflow.providers.google.cloud": {},
        "airflow.providers.google.cloud.hooks": {},
        "airflow.providers.google.cloud.hooks.dataflow": {"DataflowHook": DataflowHook},
        "airflow.providers.google.cloud.operators": {},
        "airflow.providers.google.cloud.operators.dataflow": {
            "CheckJobRunning": CheckJobRunning, "DataflowConfiguration": DataflowConfiguration},
        "airflow.providers.google.cloud.sensors": {},
        "airflow.providers.google.cloud.sensors.gcs": {
            "GCSObjectsWithPrefixExistenceSensor": GCSObjectsWithPrefixExistenceSensor},
    }
    for name, attrs in modules.items():
        module = types.ModuleType(name)
        module.__dict__.update(attrs)
        module.__path__ = []
        sys.modules[name] = module
