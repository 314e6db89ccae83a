"""The pytest plugin, run by pytester against the local sessions stand-in.

The inner pytest runs load only this plugin (entry-point autoloading is off),
so the tests behave the same whether or not the package's ``pytest11`` entry
point is installed. They run in a subprocess: an in-process run would drop
the modules it imported (httpx2 among them) when it ends, and the next run
would mix old and new copies of them.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests._support.paths import ROOT, SESSIONS_OPENAPI, WORKFLOW
from tests._support.sessions import stand_in

pytest_plugins = ["pytester"]

PLUGIN = "arazzo_runner.pytest_plugin"
NODE_ID = "workflows/pause.arazzo.yaml::pause-session-and-confirm"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project with the pause-session workflow as workflows/pause.arazzo.yaml."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    (pytester.path / "workflows").mkdir()
    (pytester.path / "openapi").mkdir()
    shutil.copy(WORKFLOW, pytester.path / "workflows" / "pause.arazzo.yaml")
    shutil.copy(SESSIONS_OPENAPI, pytester.path / "openapi" / SESSIONS_OPENAPI.name)
    return pytester


def good_inputs(accepting_jobs: bool = False) -> dict[str, Any]:
    return {
        "accessToken": stand_in.DEFAULT_TOKEN,
        "serviceCrn": stand_in.DEFAULT_SERVICE_CRN,
        "apiVersion": "2025-01-01",
        "sessionId": "demo-session-1",
        "acceptingJobs": accepting_jobs,
    }


def write_inputs_file(project: pytest.Pytester, inputs: dict[str, Any]) -> Path:
    path = project.path / "inputs.yaml"
    path.write_text(yaml.safe_dump({"pause-session-and-confirm": inputs}))
    return path


@pytest.mark.subprocess
def test_nothing_is_collected_without_opting_in(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", PLUGIN, "--collect-only", "-q")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "pause-session-and-confirm" not in result.stdout.str()


@pytest.mark.subprocess
def test_arazzo_flag_collects_each_workflow_and_passes(
    project: pytest.Pytester, sessions_server: Any
) -> None:
    inputs = write_inputs_file(project, good_inputs())
    result = project.runpytest_subprocess(
        "-p",
        PLUGIN,
        "--arazzo",
        f"--arazzo-inputs={inputs}",
        f"--arazzo-server=sessionsApi={sessions_server.base_url}",
        "-v",
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*{NODE_ID} PASSED*"])
    assert [r.method for r in sessions_server.requests] == ["GET", "PATCH", "GET"]
    assert sessions_server.sessions["demo-session-1"]["accepting_jobs"] is False


@pytest.mark.subprocess
def test_ini_patterns_and_the_inputs_fixture(
    project: pytest.Pytester, sessions_server: Any
) -> None:
    project.makeini(
        f"""
        [pytest]
        arazzo_files = workflows/*.arazzo.yaml
        arazzo_servers = sessionsApi={sessions_server.base_url}
        """
    )
    # The file gives a wrong token; the fixture's values win over the file's.
    write_inputs_file(project, {**good_inputs(), "accessToken": "wrong"})
    project.makeconftest(
        f"""
        import pytest

        @pytest.fixture
        def arazzo_inputs():
            def inputs(workflow_id):
                assert workflow_id == "pause-session-and-confirm"
                return {{"accessToken": {good_inputs()["accessToken"]!r}}}
            return inputs
        """
    )
    result = project.runpytest_subprocess("-p", PLUGIN, "--arazzo-inputs=inputs.yaml")
    result.assert_outcomes(passed=1)
    assert sessions_server.requests[0].headers["Authorization"] == "Bearer demo-token"


@pytest.mark.subprocess
def test_a_failing_workflow_names_the_step_reason_and_exchange(
    project: pytest.Pytester, sessions_server: Any
) -> None:
    inputs = write_inputs_file(project, {**good_inputs(), "accessToken": "wrong"})
    result = project.runpytest_subprocess(
        "-p",
        PLUGIN,
        "--arazzo",
        f"--arazzo-inputs={inputs}",
        f"--arazzo-server=sessionsApi={sessions_server.base_url}",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*workflow 'pause-session-and-confirm' failed*",
            "*failing step: getSession*",
            "*reason: success criterion not met*",
            f"*request:  GET {sessions_server.base_url}/v1/sessions/demo-session-1*",
            "*response: 401*",
            "*body: *",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert "run_arazzo_workflow" not in result.stdout.str()


@pytest.mark.subprocess
def test_missing_inputs_fail_with_the_input_error(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess(
        "-p", PLUGIN, "--arazzo", "--arazzo-server=sessionsApi=http://x"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*input 'accessToken' is required but was not given*"])


@pytest.mark.subprocess
def test_an_invalid_document_is_a_readable_collection_error(project: pytest.Pytester) -> None:
    (project.path / "broken.arazzo.yaml").write_text("arazzo: 1.0.1\ninfo: {}\n")
    result = project.runpytest_subprocess("-p", PLUGIN, "--arazzo", "--collect-only")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*broken.arazzo.yaml*error*"])
    assert "Traceback" not in result.stdout.str()


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    entry_points = pyproject["project"]["entry-points"]["pytest11"]
    assert entry_points == {"arazzo": PLUGIN}
    assert PLUGIN in sys.modules or __import__(PLUGIN)


# --------------------------------------------------------------------------- ordinary errors


@pytest.mark.subprocess
def test_a_missing_inputs_file_is_a_usage_error_before_anything_runs(
    project: pytest.Pytester, sessions_server: Any
) -> None:
    result = project.runpytest_subprocess(
        "-p",
        PLUGIN,
        "--arazzo",
        "--arazzo-inputs=missing.yaml",
        f"--arazzo-server=sessionsApi={sessions_server.base_url}",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: Arazzo inputs file missing.yaml: file not found*"])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert sessions_server.requests.snapshot() == []


@pytest.mark.subprocess
def test_an_unset_variable_in_the_documented_conftest_fails_the_test_readably(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SESSIONS_TOKEN", raising=False)
    monkeypatch.setenv("ARAZZO_TEST_CANARY", "canary-value-not-to-print")
    # The conftest example of docs/pytest.md, as a user copies it.
    project.makeconftest(
        """
        import os

        import pytest


        @pytest.fixture
        def arazzo_inputs():
            def inputs(workflow_id: str) -> dict:
                return {"accessToken": os.environ["SESSIONS_TOKEN"]}

            return inputs
        """
    )
    result = project.runpytest_subprocess("-p", PLUGIN, "--arazzo")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*conftest.py:*", "E   KeyError: 'SESSIONS_TOKEN'"])
    output = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in output
    # The long traceback style would print os.environ, secrets and all.
    assert "canary-value-not-to-print" not in output


@pytest.mark.subprocess
def test_a_misspelt_server_flag_stops_the_run_with_a_did_you_mean(
    project: pytest.Pytester, sessions_server: Any
) -> None:
    write_inputs_file(project, good_inputs())
    result = project.runpytest_subprocess(
        "-p",
        PLUGIN,
        "--arazzo",
        "--arazzo-inputs=inputs.yaml",
        f"--arazzo-server=sessionApi={sessions_server.base_url}",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: --arazzo-server names source description 'sessionApi', which no collected*",
            "*hint: did you mean 'sessionsApi'?*",
        ]
    )
    assert sessions_server.requests.snapshot() == []


@pytest.mark.subprocess
def test_a_misspelt_server_in_the_ini_file_fails_the_test_without_sending(
    project: pytest.Pytester,
) -> None:
    # Were it ignored, the test would call the real API the description names.
    project.makeini("[pytest]\narazzo_servers = sessionApi=http://127.0.0.1:9/api\n")
    write_inputs_file(project, good_inputs())
    result = project.runpytest_subprocess("-p", PLUGIN, "--arazzo", "--arazzo-inputs=inputs.yaml")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*server override names source description 'sessionApi'*nothing was sent",
            "*hint: did you mean 'sessionsApi'?*",
        ]
    )


@pytest.mark.subprocess
def test_every_input_problem_at_once_with_a_hint_for_pytest(project: pytest.Pytester) -> None:
    write_inputs_file(project, {"sesionId": "x", "acceptingJobs": "maybe"})
    result = project.runpytest_subprocess(
        "-p",
        PLUGIN,
        "--arazzo",
        "--arazzo-inputs=inputs.yaml",
        "--arazzo-server=sessionsApi=http://x",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "invalid inputs for workflow 'pause-session-and-confirm':",
            "  - no input named 'sesionId' (did you mean 'sessionId'?)",
            "  - input 'acceptingJobs': 'maybe' is not of type 'boolean'",
            "  - input 'accessToken' is required but was not given",
            "*hint: give them in the inputs file*arazzo_inputs fixture*",
        ]
    )
    assert "--input NAME=VALUE" not in result.stdout.str()


# --------------------------------------------------------------------------- collection


@pytest.mark.subprocess
def test_a_document_named_explicitly_is_collected_whatever_its_name(
    project: pytest.Pytester, sessions_server: Any
) -> None:
    shutil.copy(WORKFLOW, project.path / "workflows" / WORKFLOW.name)
    inputs = write_inputs_file(project, good_inputs())
    result = project.runpytest_subprocess(
        "-p",
        PLUGIN,
        f"workflows/{WORKFLOW.name}",
        f"--arazzo-inputs={inputs}",
        f"--arazzo-server=sessionsApi={sessions_server.base_url}",
        "-v",
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*workflows/{WORKFLOW.name}::pause-session-and-confirm PASSED*"])


@pytest.mark.subprocess
def test_a_yaml_file_that_is_not_arazzo_is_left_to_others(project: pytest.Pytester) -> None:
    (project.path / "other.yaml").write_text("tests:\n  - name: x\n")
    result = project.runpytest_subprocess("-p", PLUGIN, "other.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: not found*other.yaml*"])


@pytest.mark.subprocess
def test_the_recommended_entry_document_name_is_collected(project: pytest.Pytester) -> None:
    (project.path / "workflows" / "pause.arazzo.yaml").rename(
        project.path / "workflows" / "arazzo.yaml"
    )
    result = project.runpytest_subprocess("-p", PLUGIN, "--arazzo", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["workflows/arazzo.yaml::pause-session-and-confirm"])


@pytest.mark.subprocess
def test_names_a_workflow_does_not_declare_are_allowed_when_the_inputs_are_valid(
    project: pytest.Pytester, sessions_server: Any
) -> None:
    # One fixture may give every workflow the same credentials.
    write_inputs_file(project, {**good_inputs(), "otherWorkflowsToken": "x"})
    result = project.runpytest_subprocess(
        "-p",
        PLUGIN,
        "--arazzo",
        "--arazzo-inputs=inputs.yaml",
        f"--arazzo-server=sessionsApi={sessions_server.base_url}",
    )
    result.assert_outcomes(passed=1)


@pytest.mark.subprocess
def test_under_xdist_a_usage_problem_fails_each_test_instead_of_crashing_the_worker(
    project: pytest.Pytester, sessions_server: Any
) -> None:
    pytest.importorskip("xdist")
    result = project.runpytest_subprocess(
        "-p",
        PLUGIN,
        "-p",
        "xdist",
        "-n",
        "1",
        "--arazzo",
        f"--arazzo-server=sessionApi={sessions_server.base_url}",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["--arazzo-server names source description 'sessionApi'*"])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert sessions_server.requests.snapshot() == []


@pytest.mark.subprocess
def test_report_dir_writes_an_html_report_of_each_run_even_when_it_fails(
    project: pytest.Pytester, sessions_server: Any
) -> None:
    inputs = write_inputs_file(project, {**good_inputs(), "accessToken": "wrong-token-123"})
    result = project.runpytest_subprocess(
        "-p",
        PLUGIN,
        "--arazzo",
        f"--arazzo-inputs={inputs}",
        f"--arazzo-server=sessionsApi={sessions_server.base_url}",
        "--arazzo-report-dir=reports",
    )
    result.assert_outcomes(failed=1)
    (report,) = (project.path / "reports").iterdir()
    assert report.name == "pause.arazzo-pause-session-and-confirm.html"
    page = report.read_text(encoding="utf-8")
    assert "<svg" in page and "getSession" in page and "FAILED" in page
    assert "wrong-token-123" not in page
