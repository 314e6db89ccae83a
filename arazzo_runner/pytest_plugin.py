"""A pytest plugin that runs Arazzo workflows as tests (see docs/pytest.md).

Nothing is collected unless a project opts in, with ``--arazzo`` on the command
line or the ``arazzo_files`` ini option, or names an Arazzo document on the
command line; then each workflow of each matching file is one test,
``path/flow.arazzo.yaml::workflowId``.

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
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

    from .api import LoadedArazzo
    from .errors import ArazzoError
    from .http.messages import Exchange
    from .masking import SecretMasker
    from .reporting.recorder import RunRecorder
    from .results import StepResult, WorkflowResult

DEFAULT_PATTERNS = (
    "*.arazzo.yaml",
    "*.arazzo.yml",
    "*.arazzo.json",
    # The names the Arazzo specification recommends for an entry document.
    "arazzo.yaml",
    "arazzo.yml",
    "arazzo.json",
)
_DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
_SNIFF_BYTES = 4096
_ARAZZO_KEY = re.compile(r"""^(?:arazzo|["']arazzo["'])\s*:|[{,]\s*"arazzo"\s*:""", re.MULTILINE)
InputsFactory = Callable[[str], Mapping[str, Any]]
_BODY_EXCERPT = 500


# --------------------------------------------------------------------------- options


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("arazzo", "Arazzo workflows as tests")
    group.addoption(
        "--arazzo",
        action="store_true",
        default=False,
        help="collect Arazzo documents (arazzo_files patterns, else *.arazzo.yaml/yml/json "
        "and arazzo.yaml/yml/json); "
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
    group.addoption(
        "--arazzo-report-dir",
        metavar="DIR",
        default=None,
        help="write an HTML report of each workflow's run to DIR/<document>-<workflowId>.html",
    )
    parser.addini(
        "arazzo_report_dir",
        type="string",
        default="",
        help="directory for an HTML report of each workflow's run (relative to rootdir)",
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
    if _named_explicitly(file_path, parent):
        return ArazzoFile.from_parent(parent, path=file_path)
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


def _named_explicitly(file_path: Path, parent: pytest.Collector) -> bool:
    """A YAML or JSON file named on the command line is collected whatever its name.

    ``pytest workflows/pause-workflow.yml`` says which document to run; without
    the plugin pytest could only answer "not found".
    """
    if file_path.suffix not in _DOCUMENT_SUFFIXES or not parent.session.isinitpath(file_path):
        return False
    # Other plugins collect YAML too (API test tools): only an Arazzo document is ours.
    try:
        with file_path.open("rb") as stream:
            head = stream.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return _ARAZZO_KEY.search(head) is not None


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

        state = _state(self.config)
        try:
            loaded = load(str(self.path), diagnostics=Diagnostics())
        except ArazzoError as exc:
            state.incomplete = True
            raise self.CollectError(_error_text(exc)) from None
        state.sources.update(source.name for source in loaded.document.source_descriptions)
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

        state = _state(file.config)
        if state.problem is not None:
            raise WorkflowFailed(state.problem)
        workflow = loaded.workflow(workflow_id)
        inputs = {**state.inputs.get(workflow_id, {}), **arazzo_inputs(workflow_id)}
        masker = SecretMasker()
        masker.add_workflow_inputs(workflow, inputs)
        servers = _servers_for(loaded, arazzo_servers, state.sources)
        _check_inputs(loaded, workflow_id, inputs, state.inputs, masker)
        recorder = RunRecorder()
        listener = Listeners([SecretLearner(masker, loaded.sources), recorder])
        try:
            result = loaded.run(workflow_id, inputs, server_overrides=servers, listener=listener)
        except ArazzoError as exc:
            raise WorkflowFailed(_error_text(exc, masker)) from None
        _write_html_report(file, workflow_id, result, recorder, masker)
        if not result.succeeded:
            raise WorkflowFailed(describe_failure(result, recorder.exchanges, masker))

    return run_arazzo_workflow


def _report_dir(config: pytest.Config) -> Path | None:
    option = config.getoption("arazzo_report_dir")
    if option:
        return Path(option)
    configured = str(config.getini("arazzo_report_dir") or "")
    return config.rootpath / configured if configured else None


def _write_html_report(
    file: ArazzoFile,
    workflow_id: str,
    result: WorkflowResult,
    recorder: RunRecorder,
    masker: SecretMasker,
) -> None:
    """The run's HTML report in the report directory, if one is configured."""
    from .reporting.files import ReportSpec, write_reports

    directory = _report_dir(file.config)
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{file.path.stem}-{workflow_id}") + ".html"
    problems = write_reports([ReportSpec("html", directory / name)], result, recorder, masker)
    if problems:
        raise WorkflowFailed("; ".join(problems))


@dataclass
class _SessionState:
    """What collection learnt, for the checks made before and during the tests."""

    sources: set[str] = field(default_factory=set)
    """Source description names of every collected document."""
    incomplete: bool = False
    """A document could not be collected: its source names are unknown."""
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The inputs file's content, keyed by workflowId."""
    problem: str | None = None
    """Why no workflow can run (a missing inputs file, an unknown server name)."""


_STATE_KEY = pytest.StashKey[_SessionState]()


def _state(config: pytest.Config) -> _SessionState:
    if _STATE_KEY not in config.stash:
        config.stash[_STATE_KEY] = _SessionState()
    return config.stash[_STATE_KEY]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Check the run's settings once, before any workflow sends a request.

    A problem is a usage error: pytest prints it and runs nothing. An xdist
    worker cannot stop the run that way (its controller would report a crash),
    so there each test fails with the problem instead.
    """
    if not any(isinstance(item, ArazzoWorkflowItem) for item in session.items):
        return
    problem = _check_session(session.config)
    if problem is not None and not hasattr(session.config, "workerinput"):
        raise pytest.UsageError(problem)


def _check_session(config: pytest.Config) -> str | None:
    """Read the inputs file and check the server flags; the problem found, if any."""
    state = _state(config)
    try:
        flags = parse_server_pairs(config.getoption("arazzo_server"))
        parse_server_pairs(config.getini("arazzo_servers"))  # malformed lines stop the run
        if not state.incomplete:
            _refuse_unknown_sources(flags, state.sources)
        path = _inputs_path(config)
        state.inputs = _read_inputs_file(path) if path is not None else {}
    except pytest.UsageError as exc:
        state.problem = str(exc)
    return state.problem


def _refuse_unknown_sources(flags: Mapping[str, str], known: set[str]) -> None:
    from .errors import unknown_name_hint

    for name in flags:
        if name not in known:
            hint = unknown_name_hint(name, known, "source descriptions")
            raise pytest.UsageError(
                f"--arazzo-server names source description '{name}', which no collected "
                f"Arazzo document defines\n  hint: {hint}"
            )


def _servers_for(
    loaded: LoadedArazzo, overrides: Mapping[str, str], collected: set[str]
) -> dict[str, str]:
    """The overrides for ``loaded``'s sources; a near miss of one of them fails the test.

    One set of servers serves every document, so a name another collected
    document defines is not an error; a misspelling of this document's source
    would send the test's requests, and credentials, to the real API.
    """
    from .errors import did_you_mean

    own = [source.name for source in loaded.document.source_descriptions]
    for name in overrides:
        guess = None if name in own or name in collected else did_you_mean(name, own)
        if guess is not None and guess not in overrides:
            raise WorkflowFailed(
                f"a server override names source description '{name}', which no collected "
                f"Arazzo document defines; nothing was sent\n  hint: did you mean '{guess}'? "
                f"(source descriptions: {', '.join(own)})"
            )
    return {name: url for name, url in overrides.items() if name in own}


def _check_inputs(
    loaded: LoadedArazzo,
    workflow_id: str,
    inputs: Mapping[str, Any],
    file_inputs: Mapping[str, Any],
    masker: SecretMasker,
) -> None:
    """Every problem with the inputs at once, with a hint in pytest's terms.

    Names the workflow does not declare are allowed (one fixture may serve
    every workflow), but when the inputs are invalid they are listed first,
    with the declared name each may be a misspelling of: the likely cause.
    """
    from .errors import InputError, did_you_mean

    workflow = loaded.workflow(workflow_id)
    try:
        loaded.prepare_inputs(workflow, loaded.document, inputs)
    except InputError as exc:
        # The engine lists its problems one a line, after a heading.
        found = exc.message.split("\n  - ")[1:] or [exc.message]
    else:
        return
    declared = workflow.input_properties
    problems = []
    for name in inputs:
        if declared and name not in declared:
            guess = did_you_mean(name, declared)
            problems.append(
                f"no input named '{name}'" + (f" (did you mean '{guess}'?)" if guess else "")
            )
    problems += found
    if problems:
        text = f"invalid inputs for workflow '{workflow_id}':\n  - " + "\n  - ".join(problems)
        text += f"\n  hint: {_inputs_hint(workflow_id, file_inputs)}"
        raise WorkflowFailed(masker.mask(text))


def _inputs_hint(workflow_id: str, file_inputs: Mapping[str, Any]) -> str:
    from .errors import did_you_mean

    hint = (
        f"give them in the inputs file (--arazzo-inputs or arazzo_inputs_file) under "
        f"'{workflow_id}', or return them from the arazzo_inputs fixture in conftest.py"
    )
    guess = None if workflow_id in file_inputs else did_you_mean(workflow_id, file_inputs)
    if guess is not None:
        hint += f"; the inputs file has '{guess}' but no '{workflow_id}'"
    return hint


def _inputs_path(config: pytest.Config) -> Path | None:
    option = config.getoption("arazzo_inputs")
    if option:
        return Path(option)
    configured = str(config.getini("arazzo_inputs_file"))
    return config.rootpath / configured if configured else None


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
        # An error of the project's own code (a conftest fixture, say): where it
        # happened and why. The short style shows no arguments, so the long
        # style's dump of os.environ (the test's secrets) stays out of CI logs.
        chosen = self.config.getoption("tbstyle", "auto")
        try:
            return self._repr_failure_py(excinfo, style="short" if chosen == "auto" else chosen)
        except Exception:  # never let a report turn into an INTERNALERROR
            return f"{excinfo.typename}: {excinfo.value}"


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
