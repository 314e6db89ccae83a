"""Heavy libraries are imported only by the documents and runs that need them.

elementpath, lxml and python-jsonpath serve XPath and JSONPath criteria and XML
bodies; together they cost about 150 ms of every cold start when imported up
front. The brokers' client libraries serve AsyncAPI steps only, the Temporal SDK
only runs on Temporal. Each check runs in a fresh interpreter and inspects
``sys.modules``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests._support.cli import run_python
from tests._support.paths import WORKFLOW
from tests._support.sessions import workflow_args

LAZY = ("elementpath", "lxml", "jsonpath", "temporalio")
"""temporalio: only ``arazzo worker`` and ``arazzo run --temporal`` import the Temporal SDK."""
# The message brokers' client libraries: only a workflow with AsyncAPI steps needs one.
BROKER_CLIENTS = ("aiomqtt", "aio_pika", "nats", "websockets", "redis")
pytestmark = pytest.mark.subprocess


def imported_after(code: str) -> dict[str, bool]:
    """Which of LAZY (and pydantic) ``code`` left imported, run in a fresh interpreter."""
    watched = (*LAZY, "pydantic", *BROKER_CLIENTS)
    script = (
        "import sys\n"
        f"{code}\n"
        f"print(','.join(str(name in sys.modules) for name in {watched!r}), file=sys.stderr)\n"
    )
    completed = run_python(script)
    assert completed.exit_code == 0, completed.stderr
    flags = completed.stderr.strip().splitlines()[-1].split(",")
    return {name: flag == "True" for name, flag in zip(watched, flags, strict=True)}


def test_run_help_imports_none_of_them() -> None:
    code = (
        "from arazzo_runner.cli import main\n"
        "try:\n"
        "    main(['run', '--help'])\n"
        "except SystemExit:\n"
        "    pass"
    )
    found = imported_after(code)
    assert not any(found[name] for name in LAZY), found


def test_loading_the_ibm_workflow_imports_none_of_them() -> None:
    code = f"from arazzo_runner.api import load\nload({str(WORKFLOW)!r})"
    found = imported_after(code)
    assert not any(found[name] for name in LAZY), found


def test_running_the_ibm_workflow_imports_none_of_them(sessions_server: Any) -> None:
    """Nor pydantic, which only openapi-schema-validator's unused shortcut needs."""
    args = workflow_args(sessions_server, "-o", "json", acceptingJobs="true")
    code = f"from arazzo_runner.cli import main\nassert main({args!r}) == 0"
    found = imported_after(code)
    assert not any(found.values()), found


def test_a_jsonpath_criterion_still_imports_jsonpath() -> None:
    code = (
        "from arazzo_runner.criteria import compile_criterion\n"
        "compile_criterion('$.a', 'jsonpath', '$response.body')"
    )
    assert imported_after(code)["jsonpath"]


def test_validating_a_response_body_imports_no_schema_validator_package() -> None:
    """The OpenAPI schema dialects are built on jsonschema here; pydantic stays out."""
    code = (
        "from arazzo_runner.http.schema_validators import OpenAPI30ResponseValidator\n"
        "assert OpenAPI30ResponseValidator({'type': 'string', 'nullable': True}).is_valid(None)\n"
        "assert 'openapi_schema_validator' not in sys.modules"
    )
    assert not imported_after(code)["pydantic"]


def test_running_the_ibm_workflow_imports_no_json_schema_validator(sessions_server: Any) -> None:
    """Once its checks have passed (and are remembered: validation/check_cache.py),
    a run's inputs and response bodies are plain enough for the quick checks
    (engine/inputs.py, http/quick_schema.py): jsonschema is never imported."""
    args = workflow_args(sessions_server, "-o", "json", acceptingJobs="true")
    run = f"import sys\nfrom arazzo_runner.cli import main\nassert main({args!r}) == 0\n"
    first = run_python(run + "print('jsonschema' in sys.modules)")
    again = run_python(run + "print('jsonschema' in sys.modules)")
    assert first.exit_code == 0 and again.exit_code == 0, first.stderr + again.stderr
    assert first.stdout.strip().endswith("True")  # the checks ran: the schema of Arazzo
    assert again.stdout.strip().endswith("False")


def test_the_messaging_package_imports_no_broker_client() -> None:
    code = (
        "from arazzo_runner.messaging import Endpoint, PROTOCOLS\n"
        "from arazzo_runner.asyncapi import AsyncAPIDescription\n"
        "Endpoint.from_url('mqtt://127.0.0.1:1883')"
    )
    found = imported_after(code)
    assert not any(found[name] for name in BROKER_CLIENTS), found


def test_a_protocol_imports_its_own_client_only() -> None:
    code = "from arazzo_runner.messaging import transport_class\ntransport_class('mqtt')"
    found = imported_after(code)
    assert found["aiomqtt"]
    assert not any(found[name] for name in BROKER_CLIENTS if name != "aiomqtt"), found


def test_an_http_run_loads_no_message_step_machinery(sessions_server: Any) -> None:
    """Only the check for message steps (asyncapi.steps); no broker code, no asyncio."""
    args = workflow_args(sessions_server, "-o", "json", acceptingJobs="true")
    script = (
        "import sys\n"
        "from arazzo_runner.cli import main\n"
        f"assert main({args!r}) == 0\n"
        "loaded = sorted(m for m in sys.modules if m.startswith("
        "('arazzo_runner.messaging', 'arazzo_runner.asyncapi')))\n"
        "print(','.join(loaded), 'asyncio' in sys.modules, file=sys.stderr)\n"
    )
    completed = run_python(script)
    assert completed.exit_code == 0, completed.stderr
    modules, asyncio_loaded = completed.stderr.strip().splitlines()[-1].split(" ")
    assert modules.split(",") == ["arazzo_runner.asyncapi", "arazzo_runner.asyncapi.steps"]
    assert asyncio_loaded == "False"
