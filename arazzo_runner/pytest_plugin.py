"""A pytest plugin that runs Arazzo workflows as tests (see docs/pytest.md).

Nothing is collected unless a project opts in, with ``--arazzo`` on the command
line or the ``arazzo_files`` ini option; then each workflow of each matching
file is one test, ``path/flow.arazzo.yaml::workflowId``.

Inputs come from the file named by ``--arazzo-inputs``/``arazzo_inputs_file``
(keyed by workflowId), overlaid by the ``arazzo_inputs`` fixture, which a
conftest.py can override. Servers come from ``--arazzo-server SOURCE=URL`` or
the ``arazzo_servers`` ini option, overlaid by the ``arazzo_servers`` fixture.

Each item is a :class:`pytest.Function`, so that fixtures work for it exactly
as for a test function. A failure names the failing step, why it failed and
its last request and response, with secrets masked as in every other output.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

    from .api import LoadedArazzo
    from .errors import ArazzoError
    from .http.messages import Exchange
    from .masking import SecretMasker
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
    from .cli.args import PairKind, split_pair
    from .errors import UsageError

    kind = PairKind("--arazzo-server", "SOURCE=URL")
    try:
        return {name: url.strip() for name, url in (split_pair(p, kind) for p in pairs)}
    except UsageError as exc:
        raise pytest.UsageError(exc.message) from None


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
    """A collected workflow could not run or did not succeed; the message says why."""


def _runner_function(
    loaded: LoadedArazzo, workflow_id: str, file: ArazzoFile
) -> Callable[..., None]:
    def run_arazzo_workflow(arazzo_inputs: InputsFactory, arazzo_servers: dict[str, str]) -> None:
        from .engine import Listeners
        from .errors import ArazzoError
        from .masking import SecretLearner, SecretMasker
        from .reporting.recorder import RunRecorder

        inputs = {**_file_inputs(file.config).get(workflow_id, {}), **arazzo_inputs(workflow_id)}
        known = {source.name for source in loaded.document.source_descriptions}
        # One --arazzo-server applies to every file; each uses the sources it has.
        servers = {name: url for name, url in arazzo_servers.items() if name in known}
        masker = SecretMasker()
        masker.add_workflow_inputs(loaded.workflow(workflow_id), inputs)
        recorder = RunRecorder()
        listener = Listeners([SecretLearner(masker, loaded.sources), recorder])
        try:
            result = loaded.run(workflow_id, inputs, server_overrides=servers, listener=listener)
        except ArazzoError as exc:
            raise WorkflowFailed(_error_text(exc, masker)) from None
        if not result.succeeded:
            raise WorkflowFailed(describe_failure(result, recorder.exchanges, masker))

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
    """JSON or YAML 1.2, read like an Arazzo document (``on`` and ``yes`` stay strings)."""
    from .document import load_document
    from .errors import ArazzoError

    try:
        data = load_document(str(path)).data or {}
    except ArazzoError as exc:
        where = "" if exc.location is not None else f"{path}: "
        raise pytest.UsageError(f"Arazzo inputs file {where}{exc.render()}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise pytest.UsageError(
            f"Arazzo inputs file {path} must map each workflowId to an object of inputs"
        )
    return data


class ArazzoWorkflowItem(pytest.Function):
    """One workflow of a collected Arazzo document."""

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, WorkflowFailed):
            return str(excinfo.value)  # what failed, not the plugin's stack
        return super().repr_failure(excinfo)


# --------------------------------------------------------------------------- failure text


def describe_failure(
    result: WorkflowResult, exchanges: list[Exchange], masker: SecretMasker
) -> str:
    """Which step failed, why, and the request and response of its last attempt, masked."""
    lines = [f"workflow '{result.workflow_id}' {result.status}"]
    failed = _failing_step(result)
    if failed is None:
        if result.error is not None:
            lines.append(f"  {result.error.message}")
    else:
        lines.append(f"  failing step: {failed.step_id}")
        lines.append(f"  reason: {failed.error or (result.error.message if result.error else '')}")
        exchange = next((e for e in reversed(exchanges) if e.step_id == failed.step_id), None)
        if exchange is not None:
            lines += _exchange_lines(exchange, masker)
    return "\n".join(masker.mask(line) for line in lines)


def _failing_step(result: WorkflowResult) -> StepResult | None:
    from .results import Status

    if result.error is not None and result.error.step_id is not None:
        found = next((s for s in result.steps if s.step_id == result.error.step_id), None)
        if found is not None:
            return found
    return next((s for s in reversed(result.steps) if s.status is Status.FAILED), None)


def _exchange_lines(exchange: Exchange, masker: SecretMasker) -> list[str]:
    request = exchange.request
    lines = [f"  request:  {request.method} {masker.mask_url(request.full_url)}"]
    response = exchange.response
    if response is None:
        lines.append(f"  response: none ({exchange.error})")
        return lines
    lines.append(f"  response: {response.status_code} {response.reason}".rstrip())
    if response.content:
        # Masked before it is cut, so that the cut cannot leave part of a secret.
        content = masker.mask_bytes(response.content)
        text = content[:_BODY_EXCERPT].decode("utf-8", errors="replace")
        more = " ..." if len(content) > _BODY_EXCERPT else ""
        lines.append(f"  body:     {' '.join(text.split())}{more}")
    return lines


def _error_text(exc: ArazzoError, masker: SecretMasker | None = None) -> str:
    from .cli import format_error

    return format_error(exc, masker)
