"""A pytest plugin that runs Arazzo workflows as tests (see docs/pytest.md).

Nothing is collected unless a project opts in, with ``--arazzo`` on the command
line or the ``arazzo_files`` ini option; then each workflow of each matching
file is one test, ``path/flow.arazzo.yaml::workflowId``.

Inputs come from the file named by ``--arazzo-inputs``/``arazzo_inputs_file``
(keyed by workflowId), overlaid by the ``arazzo_inputs`` fixture, which a
conftest.py can override. Servers come from ``--arazzo-server SOURCE=URL`` or
the ``arazzo_servers`` ini option, overlaid by the ``arazzo_servers`` fixture.

Each item is a :class:`pytest.Function`, so that fixtures work for it exactly
as for a test function.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .engine import RunListener

if TYPE_CHECKING:
    from .api import LoadedArazzo
    from .errors import ArazzoError
    from .http.messages import Exchange
    from .results import StepResult, WorkflowResult

DEFAULT_PATTERNS = ("*.arazzo.yaml", "*.arazzo.yml", "*.arazzo.json")
InputsFactory = Callable[[str], Mapping[str, Any]]
_BODY_EXCERPT = 500


# --------------------------------------------------------------------------- options


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("arazzo", "Arazzo workflows as tests")
    group.addoption(
        "--arazzo",
        action="store_true",
        default=False,
        help="collect Arazzo documents (arazzo_files patterns, else *.arazzo.yaml/yml/json); "
        "each workflow becomes a test",
    )
    group.addoption(
        "--arazzo-inputs",
        metavar="FILE",
        default=None,
        help="JSON or YAML file of workflow inputs keyed by workflowId",
    )
    group.addoption(
        "--arazzo-server",
        metavar="SOURCE=URL",
        action="append",
        default=[],
        help="send the operations of source description SOURCE to URL (repeatable)",
    )
    parser.addini(
        "arazzo_files",
        type="args",
        default=[],
        help="glob patterns of Arazzo documents to collect as tests; setting it opts in",
    )
    parser.addini(
        "arazzo_inputs_file",
        type="string",
        default="",
        help="JSON or YAML file of workflow inputs keyed by workflowId (relative to rootdir)",
    )
    parser.addini(
        "arazzo_servers",
        type="linelist",
        default=[],
        help="SOURCE=URL server overrides, one a line",
    )


def _patterns(config: pytest.Config) -> list[str]:
    """The file patterns to collect; empty when the project has not opted in."""
    configured = list(config.getini("arazzo_files"))
    if configured:
        return configured
    return list(DEFAULT_PATTERNS) if config.getoption("arazzo") else []


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    patterns = _patterns(parent.config)
    if not patterns:
        return None
    # A pattern with a '/' matches the path relative to rootdir, others the name.
    relative = _relative(file_path, parent.config.rootpath)
    for pattern in patterns:
        target = relative if "/" in pattern else file_path.name
        if fnmatch.fnmatch(target, pattern):
            return ArazzoFile.from_parent(parent, path=file_path)
    return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def arazzo_inputs() -> InputsFactory:
    """``workflow_id -> inputs``; override it in conftest.py to compute inputs.

    What it returns wins over the inputs file for the same names.
    """
    return lambda workflow_id: {}


@pytest.fixture
def arazzo_servers(pytestconfig: pytest.Config) -> dict[str, str]:
    """Source description name -> base URL, from ``--arazzo-server`` and ``arazzo_servers``.

    Override it in conftest.py, e.g. to point at a server a fixture starts.
    """
    pairs = [*pytestconfig.getini("arazzo_servers"), *pytestconfig.getoption("arazzo_server")]
    return parse_server_pairs(pairs)


def parse_server_pairs(pairs: list[str]) -> dict[str, str]:
    servers: dict[str, str] = {}
    for pair in pairs:
        name, sep, url = pair.partition("=")
        if not sep or not name or not url:
            raise pytest.UsageError(f"--arazzo-server expects SOURCE=URL, got '{pair}'")
        servers[name.strip()] = url.strip()
    return servers


# --------------------------------------------------------------------------- collection


class ArazzoFile(pytest.File):
    """An Arazzo document: one test per workflow."""

    def collect(self) -> Iterator[pytest.Item]:
        from .api import load
        from .diagnostics import Diagnostics
        from .errors import ArazzoError

        try:
            loaded = load(str(self.path), diagnostics=Diagnostics())
        except ArazzoError as exc:
            raise self.CollectError(_error_text(exc)) from None
        for workflow in loaded.workflows:
            yield ArazzoWorkflowItem.from_parent(
                self,
                name=workflow.workflow_id,
                callobj=_runner_function(loaded, workflow.workflow_id, self),
            )


class WorkflowFailed(Exception):
    """A collected workflow ran and did not succeed."""

    def __init__(self, result: WorkflowResult, exchanges: list[Exchange]) -> None:
        super().__init__(f"workflow '{result.workflow_id}' {result.status}")
        self.result = result
        self.exchanges = exchanges


def _runner_function(
    loaded: LoadedArazzo, workflow_id: str, file: ArazzoFile
) -> Callable[..., None]:
    def run_arazzo_workflow(arazzo_inputs: InputsFactory, arazzo_servers: dict[str, str]) -> None:
        inputs = {**_file_inputs(file.config).get(workflow_id, {}), **arazzo_inputs(workflow_id)}
        known = {source.name for source in loaded.document.source_descriptions}
        # One --arazzo-server applies to every file; each uses the sources it has.
        servers = {name: url for name, url in arazzo_servers.items() if name in known}
        recorder = _ExchangeRecorder()
        result = loaded.run(workflow_id, inputs, server_overrides=servers, listener=recorder)
        if not result.succeeded:
            raise WorkflowFailed(result, recorder.exchanges)

    return run_arazzo_workflow


def _file_inputs(config: pytest.Config) -> dict[str, dict[str, Any]]:
    """The inputs file's content (read once per session), keyed by workflowId."""
    cached = config.stash.get(_INPUTS_KEY, None)
    if cached is not None:
        return cached
    option = config.getoption("arazzo_inputs")
    path = Path(option) if option else None
    if path is None and config.getini("arazzo_inputs_file"):
        path = config.rootpath / str(config.getini("arazzo_inputs_file"))
    data = _read_inputs_file(path) if path is not None else {}
    config.stash[_INPUTS_KEY] = data
    return data


_INPUTS_KEY = pytest.StashKey[dict[str, dict[str, Any]]]()


def _read_inputs_file(path: Path) -> dict[str, dict[str, Any]]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise pytest.UsageError(f"cannot read Arazzo inputs file {path}: {exc.strerror}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise pytest.UsageError(f"Arazzo inputs file {path} cannot be parsed: {exc}") from None
    data = data or {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise pytest.UsageError(
            f"Arazzo inputs file {path} must map each workflowId to an object of inputs"
        )
    return data


class _ExchangeRecorder(RunListener):
    """Keeps every request and response, to show the failing step's last one."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def exchange(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)


class ArazzoWorkflowItem(pytest.Function):
    """One workflow of a collected Arazzo document."""

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name

    def repr_failure(  # type: ignore[override]
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        from .errors import ArazzoError

        if isinstance(excinfo.value, WorkflowFailed):
            return describe_failure(excinfo.value.result, excinfo.value.exchanges)
        if isinstance(excinfo.value, ArazzoError):
            return _error_text(excinfo.value)
        return super().repr_failure(excinfo, style=style)


# --------------------------------------------------------------------------- failure text


def describe_failure(result: WorkflowResult, exchanges: list[Exchange]) -> str:
    """Which step failed, why, and the request and response of its last attempt."""
    lines = [f"workflow '{result.workflow_id}' {result.status}"]
    failed = _failing_step(result)
    if failed is None:
        if result.error is not None:
            lines.append(f"  {result.error.message}")
        return "\n".join(lines)
    lines.append(f"  failing step: {failed.step_id}")
    lines.append(f"  reason: {failed.error or (result.error.message if result.error else '')}")
    exchange = next((e for e in reversed(exchanges) if e.step_id == failed.step_id), None)
    if exchange is not None:
        lines += _exchange_lines(exchange)
    return "\n".join(lines)


def _failing_step(result: WorkflowResult) -> StepResult | None:
    from .results import Status

    if result.error is not None and result.error.step_id is not None:
        found = next((s for s in result.steps if s.step_id == result.error.step_id), None)
        if found is not None:
            return found
    return next((s for s in reversed(result.steps) if s.status is Status.FAILED), None)


def _exchange_lines(exchange: Exchange) -> list[str]:
    lines = [f"  request:  {exchange.request.method} {exchange.request.full_url}"]
    response = exchange.response
    if response is None:
        lines.append(f"  response: none ({exchange.error})")
        return lines
    lines.append(f"  response: {response.status_code} {response.reason}".rstrip())
    if response.content:
        text = response.content[:_BODY_EXCERPT].decode("utf-8", errors="replace")
        more = " ..." if len(response.content) > _BODY_EXCERPT else ""
        lines.append(f"  body:     {' '.join(text.split())}{more}")
    return lines


def _error_text(exc: ArazzoError) -> str:
    from .cli import format_error

    return format_error(exc)
