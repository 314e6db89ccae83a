"""The repository's sample workflow against the local stand-in of the IBM Quantum sessions API."""

from __future__ import annotations

import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

from .cli import CliResult, run_cli
from .paths import STAND_IN, WORKFLOW

SESSION = "demo-session-1"
API_VERSION = "2026-03-15"


def load_stand_in() -> ModuleType:
    """Import examples/ibm_quantum_sessions_server.py (examples/ is not a package)."""
    name = "ibm_quantum_sessions_server"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, STAND_IN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


stand_in = load_stand_in()

BATCH_INPUTS = {
    "accessToken": stand_in.DEFAULT_TOKEN,
    "serviceCrn": stand_in.DEFAULT_SERVICE_CRN,
    "apiVersion": API_VERSION,
    "acceptingJobs": "false",
}
"""Every input of the sample workflow but ``sessionId``: what ``--inputs-each`` lines share."""


def run_workflow(
    server: Any, *extra: str, workflow: str = str(WORKFLOW), **inputs: str
) -> CliResult:
    """``arazzo run`` of the sample workflow against ``server``, in this process."""
    return run_cli(*workflow_args(server, *extra, workflow=workflow, **inputs))


def workflow_args(
    server: Any, *extra: str, workflow: str = str(WORKFLOW), **inputs: str
) -> list[str]:
    """The ``arazzo`` arguments that run the sample workflow against ``server``.

    Every input is given (``inputs`` replace or add some), then ``extra``.
    """
    values = {
        "accessToken": stand_in.DEFAULT_TOKEN,
        "serviceCrn": stand_in.DEFAULT_SERVICE_CRN,
        "apiVersion": API_VERSION,
        "sessionId": SESSION,
        "acceptingJobs": "false",
        **inputs,
    }
    args = [item for name, value in values.items() for item in ("--input", f"{name}={value}")]
    return ["run", workflow, *args, "--server", f"sessionsApi={server.base_url}", *extra]


def assert_three_requests(server: Any, accepting_jobs: bool) -> None:
    """The stand-in saw get, patch, get of the session, each authenticated as configured."""
    requests = server.requests.snapshot()
    assert [(r.method, r.path) for r in requests] == [
        ("GET", f"/api/v1/sessions/{SESSION}"),
        ("PATCH", f"/api/v1/sessions/{SESSION}"),
        ("GET", f"/api/v1/sessions/{SESSION}"),
    ]
    for request in requests:
        assert request.headers["Authorization"] == f"Bearer {stand_in.DEFAULT_TOKEN}"
        assert request.headers["Service-CRN"] == stand_in.DEFAULT_SERVICE_CRN
        assert request.headers["IBM-API-Version"] == API_VERSION
    patch = requests[1]
    assert patch.headers["Content-Type"] == "application/json"
    assert json.loads(patch.body) == {"accepting_jobs": accepting_jobs}
    assert patch.json["accepting_jobs"] is accepting_jobs  # a JSON boolean, not "false"
