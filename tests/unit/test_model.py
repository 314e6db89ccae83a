"""Loading the Arazzo model: structure checks, positions, and per-workflow error scoping.

The structure is checked by the validation pipeline (the JSON Schema), the
model is built by ``document.build``; these tests load documents the way a
run does (``prepare_document``) and look at what those two layers report.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from arazzo_runner.diagnostics import Diagnostic, Diagnostics, DocumentInvalid, Severity
from arazzo_runner.document.build import ModelBuilder
from arazzo_runner.document.model import ArazzoDocument, check_workflow, workflow_pointer_of
from arazzo_runner.document.reading import load_document
from arazzo_runner.errors import SourceLocation
from arazzo_runner.expressions import ExpressionContext
from arazzo_runner.validation import prepare_document, validate_document

NAME = "arazzo.yaml"

HEAD = """\
arazzo: 1.0.1
info:
  title: T
  version: '1'
sourceDescriptions:
  - name: api
    url: api.yaml
"""


@dataclass
class Built:
    model: ArazzoDocument | None
    diagnostics: Diagnostics
    raised: DocumentInvalid | None

    @property
    def errors(self) -> list[Diagnostic]:
        return self.diagnostics.errors

    @property
    def warnings(self) -> list[Diagnostic]:
        return self.diagnostics.warnings

    def error(self) -> Diagnostic:
        """The only error."""
        assert len(self.errors) == 1, [e.render() for e in self.errors]
        return self.errors[0]


Build = Callable[[str], Built]


# The rules of the structure and building layers; the others (references,
# operations, style) are tested in tests/lint.
STRUCTURE_AND_BUILDING = frozenset(
    {
        "required-field",
        "wrong-type",
        "unknown-field",
        "invalid-value",
        "unsupported-version",
        "empty-list",
        "invalid-name",
        "non-string-key",
        "missing-step-target",
        "conflicting-step-target",
        "missing-goto-target",
        "conflicting-action-target",
        "workflow-step-request-body",
        "duplicate-workflow-id",
        "duplicate-step-id",
        "duplicate-source-name",
        "duplicate-parameter",
        "invalid-reference",
        "unresolved-component",
        "unresolved-input-reference",
        "invalid-expression",
        "invalid-criterion",
        "invalid-criterion-type",
    }
)
API = """\
openapi: 3.1.0
info: {title: API, version: '1'}
servers: [{url: 'https://api.test'}]
paths:
  /op:
    get: {operationId: op, responses: {'200': {description: ok}}}
"""


def _of_these_layers(found: Diagnostics) -> Diagnostics:
    kept = Diagnostics()
    for diagnostic in found:
        if diagnostic.rule in STRUCTURE_AND_BUILDING:
            kept.add(diagnostic)
    return kept


@pytest.fixture
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Build:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "api.yaml").write_text(API, encoding="utf-8")

    def run(text: str) -> Built:
        (tmp_path / NAME).write_text(textwrap.dedent(text), encoding="utf-8")
        document = load_document(NAME)
        diagnostics = Diagnostics()
        try:
            model = prepare_document(document, diagnostics)
        except DocumentInvalid as exc:
            # Refused as a whole: what validation finds, all of it, shows what was wrong.
            found = Diagnostics()
            validate_document(document, found, offline=True)
            return Built(None, _of_these_layers(found), exc)
        return Built(model, _of_these_layers(diagnostics), None)

    return run


def at(diagnostic: Diagnostic) -> tuple[int | None, int | None]:
    assert diagnostic.location is not None
    return diagnostic.location.line, diagnostic.location.column


def pointer(diagnostic: Diagnostic) -> str | None:
    assert diagnostic.location is not None
    return diagnostic.location.pointer


def with_steps(steps: str, extra: str = "") -> str:
    """HEAD plus one workflow 'w' whose steps are ``steps`` (indented 6 spaces)."""
    return (
        HEAD
        + "workflows:\n  - workflowId: w\n    steps:\n"
        + textwrap.indent(textwrap.dedent(steps), "      ")
        + extra
    )


# Line numbers of with_steps(): HEAD is lines 1-7, 'workflows:' 8, '- workflowId' 9,
# 'steps:' 10, so the first line of ``steps`` is line 11.
FIRST_STEP_LINE = 11

MINIMAL = with_steps("- stepId: s\n  operationId: op\n")


# --------------------------------------------------------------------------- a valid document


def test_minimal_document_builds(build: Build) -> None:
    built = build(MINIMAL)
    assert built.raised is None
    assert list(built.diagnostics) == []
    model = built.model
    assert model is not None
    assert model.version == "1.0.1"
    assert (model.info.title, model.info.version) == ("T", "1")
    assert [s.name for s in model.source_descriptions] == ["api"]
    source = model.source("api")
    assert source is not None
    assert (source.url, source.type, source.pointer) == ("api.yaml", None, "/sourceDescriptions/0")
    workflow = model.workflow("w")
    assert workflow is not None
    assert workflow.pointer == "/workflows/0"
    step = workflow.step("s")
    assert step is not None
    assert (step.operation_id, step.pointer) == ("op", "/workflows/0/steps/0")
    assert model.workflow("nope") is None


# --------------------------------------------------------------------------- the arazzo version


@pytest.mark.parametrize("version", ["1.0.0", "1.0.1", "'1.0.1'", "1.1.0"])
def test_supported_versions(build: Build, version: str) -> None:
    built = build(MINIMAL.replace("arazzo: 1.0.1", f"arazzo: {version}"))
    assert built.raised is None
    assert built.model is not None
    assert built.model.version == version.strip("'")


@pytest.mark.parametrize("version", ["1.2.0", "2.0.0", "v1.0.1"])
def test_unsupported_versions(build: Build, version: str) -> None:
    built = build(MINIMAL.replace("arazzo: 1.0.1", f"arazzo: {version}"))
    assert built.raised is not None
    error = built.error()
    assert error.message == (
        f"unsupported Arazzo version '{version}': this runner implements Arazzo 1.0.x and 1.1.x"
    )
    assert error.hint == "use a document written for Arazzo 1.0.x or 1.1.x"
    assert pointer(error) == "/arazzo"
    assert at(error) == (1, 9)


def test_version_read_as_a_yaml_float_is_rejected(build: Build) -> None:
    built = build(MINIMAL.replace("arazzo: 1.0.1", "arazzo: 1.0"))
    assert built.raised is not None
    error = built.error()
    assert error.message == (
        "'arazzo' must be a version string such as '1.0.1', not a number (1.0)"
    )
    assert error.hint == "quote the version: arazzo: '1.0.1'"
    assert at(error) == (1, 9)


def test_missing_arazzo_field_on_an_openapi_document(build: Build) -> None:
    built = build("openapi: 3.1.0\ninfo: {title: T, version: '1'}\n")
    assert built.raised is not None
    first = built.errors[0]
    assert first.message == "not an Arazzo document: the 'arazzo' field is missing"
    assert first.hint == "this looks like an OpenAPI description; pass the Arazzo document instead"
    assert at(first) == (1, 1)


def test_document_must_be_an_object(build: Build) -> None:
    built = build("- 1\n- 2\n")
    assert built.raised is not None
    assert built.error().message == "an Arazzo document must be an object, not a list"


# --------------------------------------------------------------------------- info, lists


def test_missing_info(build: Build) -> None:
    built = build(MINIMAL.replace("info:\n  title: T\n  version: '1'\n", ""))
    assert built.raised is not None
    error = built.error()
    assert error.message == "the document is missing the required field 'info'"
    assert at(error) == (1, 1)


def test_info_without_title_and_version(build: Build) -> None:
    built = build(MINIMAL.replace("  title: T\n  version: '1'\n", "  summary: s\n"))
    assert built.raised is not None
    assert [e.message for e in built.errors] == [
        "info is missing the required field 'title'",
        "info is missing the required field 'version'",
    ]
    assert [at(e) for e in built.errors] == [(3, 3), (3, 3)]
    assert {pointer(e) for e in built.errors} == {"/info"}


def test_info_title_must_be_a_string(build: Build) -> None:
    built = build(MINIMAL.replace("title: T", "title: 12"))
    error = built.error()
    assert error.message == "'title' must be a string, not a number"
    assert (pointer(error), at(error)) == ("/info/title", (3, 10))


def test_empty_source_descriptions_and_workflows(build: Build) -> None:
    built = build(
        "arazzo: 1.0.1\ninfo: {title: T, version: '1'}\nsourceDescriptions: []\nworkflows: []\n"
    )
    assert built.raised is not None
    assert [(e.message, at(e)) for e in built.errors] == [
        ("'sourceDescriptions' must list at least one source", (3, 21)),
        ("'workflows' must list at least one workflow", (4, 12)),
    ]


def test_missing_source_descriptions_and_workflows(build: Build) -> None:
    built = build("arazzo: 1.0.1\ninfo: {title: T, version: '1'}\n")
    assert [e.message for e in built.errors] == [
        "the document is missing the required field 'sourceDescriptions'",
        "the document is missing the required field 'workflows'",
    ]


def test_unknown_source_description_type(build: Build) -> None:
    built = build(MINIMAL.replace("    url: api.yaml\n", "    url: api.yaml\n    type: asyncapi\n"))
    assert built.raised is not None
    error = built.error()
    assert error.message == "unknown source description type 'asyncapi'"
    assert error.hint == "use 'openapi' or 'arazzo'"
    assert (pointer(error), at(error)) == ("/sourceDescriptions/0/type", (8, 11))


def test_source_description_without_url(build: Build) -> None:
    built = build(MINIMAL.replace("    url: api.yaml\n", ""))
    error = built.error()
    assert error.message == "source description is missing the required field 'url'"
    assert (pointer(error), at(error)) == ("/sourceDescriptions/0", (6, 5))


# --------------------------------------------------------------------------- uniqueness


def test_duplicate_source_names_say_where_the_first_is(build: Build) -> None:
    text = MINIMAL.replace(
        "    url: api.yaml\n", "    url: api.yaml\n  - name: api\n    url: other.yaml\n"
    )
    built = build(text)
    assert built.raised is not None  # document-wide
    error = built.error()
    assert (
        error.message == "duplicate name 'api' among source descriptions (first defined at line 6)"
    )
    assert (pointer(error), at(error)) == ("/sourceDescriptions/1/name", (8, 11))


def test_duplicate_step_ids_say_where_the_first_is(build: Build) -> None:
    built = build(with_steps("- stepId: s\n  operationId: a\n- stepId: s\n  operationId: b\n"))
    error = built.error()
    assert error.message == (
        f"duplicate stepId 's' among steps (first defined at line {FIRST_STEP_LINE})"
    )
    assert pointer(error) == "/workflows/0/steps/1/stepId"
    assert at(error) == (FIRST_STEP_LINE + 2, 17)


def test_duplicate_workflow_ids_say_where_the_first_is(build: Build) -> None:
    built = build(
        MINIMAL + "  - workflowId: w\n    steps:\n      - stepId: t\n        operationId: op\n"
    )
    error = built.error()
    assert error.message == "duplicate workflowId 'w' among workflows (first defined at line 9)"
    assert (pointer(error), at(error)) == ("/workflows/1/workflowId", (13, 17))


def test_duplicate_workflow_ids_are_a_document_wide_error(build: Build) -> None:
    built = build(
        MINIMAL + "  - workflowId: w\n    steps:\n      - stepId: t\n        operationId: op\n"
    )
    assert built.raised is not None


# --------------------------------------------------------------------------- step targets


def test_step_with_no_target(build: Build) -> None:
    built = build(with_steps("- stepId: s\n"))
    error = built.error()
    assert error.message == "step 's' names no target"
    assert error.hint == "give exactly one of operationId, operationPath or workflowId"
    assert (pointer(error), at(error)) == ("/workflows/0/steps/0", (FIRST_STEP_LINE, 9))


def test_step_with_two_targets_points_at_the_second(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n"
            "  operationPath: '{$sourceDescriptions.api.url}#/paths/~1a/get'\n"
        )
    )
    error = built.error()
    assert error.message == "step 's' has both operationId and operationPath"
    assert error.hint == "operationId, operationPath and workflowId are mutually exclusive"
    assert pointer(error) == "/workflows/0/steps/0/operationPath"
    assert at(error) == (FIRST_STEP_LINE + 2, 9)  # the key


def test_step_with_operation_id_and_workflow_id(build: Build) -> None:
    built = build(with_steps("- stepId: s\n  workflowId: other\n  operationId: op\n"))
    assert built.error().message == "step 's' has both operationId and workflowId"


def test_workflow_step_cannot_have_a_request_body(build: Build) -> None:
    built = build(with_steps("- stepId: s\n  workflowId: other\n  requestBody:\n    payload: {}\n"))
    error = built.error()
    assert error.message == "a step that calls a workflow cannot have a requestBody"
    assert pointer(error) == "/workflows/0/steps/0/requestBody"
    assert at(error) == (FIRST_STEP_LINE + 2, 9)


# --------------------------------------------------------------------------- parameters


def test_parameter_in_is_required_for_operation_steps(build: Build) -> None:
    built = build(
        with_steps("- stepId: s\n  operationId: op\n  parameters:\n    - name: p\n      value: 1\n")
    )
    error = built.error()
    assert error.message == "parameter is missing the required field 'in'"
    assert (pointer(error), at(error)) == (
        "/workflows/0/steps/0/parameters/0",
        (FIRST_STEP_LINE + 3, 13),
    )


def test_parameter_in_is_optional_for_workflow_steps(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  workflowId: other\n  parameters:\n    - name: p\n      value: 1\n"
        )
    )
    assert built.errors == []
    step = built.model.workflows[0].steps[0]
    assert [(p.name, p.location) for p in step.parameters] == [("p", None)]


def test_parameter_in_must_be_a_known_location(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n"
            "    - name: p\n      in: body\n      value: 1\n"
        )
    )
    error = built.error()
    assert error.message == (
        "parameter 'in' must be one of path, query, header, cookie, not 'body'"
    )
    assert (pointer(error), at(error)) == (
        "/workflows/0/steps/0/parameters/0/in",
        (FIRST_STEP_LINE + 4, 17),
    )


def test_parameter_value_is_required(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n    - name: p\n      in: query\n"
        )
    )
    assert built.error().message == "parameter 'p' is missing the required field 'value'"


def test_duplicate_parameters_by_name_and_in(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n"
            "    - {name: p, in: query, value: 1}\n"
            "    - {name: p, in: header, value: 2}\n"
            "    - {name: p, in: query, value: 3}\n"
        )
    )
    error = built.error()
    assert error.message == "duplicate parameter 'p' in query"
    assert error.hint == "a parameter is identified by its name and 'in'; list each once"
    assert (pointer(error), at(error)) == (
        "/workflows/0/steps/0/parameters/2",
        (FIRST_STEP_LINE + 5, 13),
    )


def test_duplicate_workflow_step_parameters_by_name(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  workflowId: other\n  parameters:\n"
            "    - {name: p, value: 1}\n    - {name: p, value: 2}\n"
        )
    )
    assert built.error().message == "duplicate parameter 'p'"


# --------------------------------------------------------------------------- components

COMPONENTS = """\
components:
  parameters:
    page:
      name: page
      in: query
      value: 1
    token:
      name: Authorization
      in: header
      value: $inputs.token
  successActions:
    done:
      name: done
      type: end
  failureActions:
    again:
      name: again
      type: retry
      retryAfter: 1.5
      retryLimit: 3
"""


def test_component_parameter_reference(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n"
            "    - reference: $components.parameters.token\n",
            COMPONENTS,
        )
    )
    assert built.errors == []
    (parameter,) = built.model.workflows[0].steps[0].parameters
    assert (parameter.name, parameter.location) == ("Authorization", "header")
    assert parameter.value.evaluate(ExpressionContext(inputs={"token": "t0"})) == "t0"


def test_component_parameter_reference_with_a_value_override(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n"
            "    - reference: $components.parameters.page\n      value: 7\n",
            COMPONENTS,
        )
    )
    assert built.errors == []
    (parameter,) = built.model.workflows[0].steps[0].parameters
    assert (parameter.name, parameter.location) == ("page", "query")
    assert parameter.value.evaluate(ExpressionContext()) == 7
    assert parameter.pointer == "/workflows/0/steps/0/parameters/0"


def test_reference_to_a_missing_component_lists_the_available_ones(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n"
            "    - reference: $components.parameters.nope\n",
            COMPONENTS,
        )
    )
    error = built.error()
    assert error.message == "'$components.parameters.nope' does not exist in components.parameters"
    assert error.hint == "available: page, token"
    assert (pointer(error), at(error)) == (
        "/workflows/0/steps/0/parameters/0/reference",
        (FIRST_STEP_LINE + 3, 24),
    )


def test_reference_without_any_components(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n"
            "    - reference: $components.parameters.page\n"
        )
    )
    error = built.error()
    assert error.message == "'$components.parameters.page' does not exist in components.parameters"
    assert error.hint is None


def test_parameter_reference_to_the_wrong_kind_of_component(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n"
            "    - reference: $components.successActions.done\n",
            COMPONENTS,
        )
    )
    assert built.error().message == (
        "'reference' must be a $components.parameters.<name> expression, not "
        "'$components.successActions.done'"
    )


def test_duplicate_through_a_reference_is_reported_at_the_step(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n"
            "    - {name: page, in: query, value: 2}\n"
            "    - reference: $components.parameters.page\n",
            COMPONENTS,
        )
    )
    assert built.raised is None
    error = built.error()
    assert error.message == "duplicate parameter 'page' in query"
    assert pointer(error) == "/workflows/0/steps/0/parameters/1"


def test_action_references(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n"
            "  onSuccess:\n    - reference: $components.successActions.done\n"
            "  onFailure:\n    - reference: $components.failureActions.again\n",
            COMPONENTS,
        )
    )
    assert built.errors == []
    step = built.model.workflows[0].steps[0]
    assert [(a.name, a.type) for a in step.on_success] == [("done", "end")]
    (retry,) = step.on_failure
    assert (retry.name, retry.type, retry.retry_after, retry.retry_limit) == (
        "again",
        "retry",
        1.5,
        3,
    )


def test_success_action_reference_to_a_failure_action(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n"
            "  onSuccess:\n    - reference: $components.failureActions.again\n",
            COMPONENTS,
        )
    )
    error = built.error()
    assert error.message == (
        "'reference' must be a $components.successActions.<name> expression, not "
        "'$components.failureActions.again'"
    )
    assert pointer(error) == "/workflows/0/steps/0/onSuccess/0/reference"


# --------------------------------------------------------------------------- actions


def actions_doc(on_success: str = "", on_failure: str = "") -> str:
    text = "- stepId: s\n  operationId: op\n"
    if on_success:
        text += "  onSuccess:\n" + textwrap.indent(on_success, "    ")
    if on_failure:
        text += "  onFailure:\n" + textwrap.indent(on_failure, "    ")
    return with_steps(text)


def test_success_action_cannot_retry(build: Build) -> None:
    built = build(actions_doc(on_success="- name: a\n  type: retry\n"))
    error = built.error()
    assert error.message == "success action type must be one of end, goto, not 'retry'"
    assert pointer(error) == "/workflows/0/steps/0/onSuccess/0/type"


def test_failure_action_type_must_be_known(build: Build) -> None:
    built = build(actions_doc(on_failure="- name: a\n  type: stop\n"))
    assert built.error().message == (
        "failure action type must be one of end, goto, retry, not 'stop'"
    )


def test_goto_needs_a_target(build: Build) -> None:
    built = build(actions_doc(on_success="- name: a\n  type: goto\n"))
    assert built.error().message == "goto action 'a' needs a stepId or a workflowId"


def test_action_cannot_have_both_step_and_workflow(build: Build) -> None:
    built = build(actions_doc(on_success="- name: a\n  type: goto\n  stepId: s\n  workflowId: w\n"))
    # The goto's "exactly one target" is reported at the second target as well.
    first = built.errors[0]
    assert first.message == "success action 'a' has both workflowId and stepId"
    assert pointer(first) == "/workflows/0/steps/0/onSuccess/0"


def test_action_name_is_required(build: Build) -> None:
    built = build(actions_doc(on_success="- type: end\n"))
    assert built.error().message == "success action is missing the required field 'name'"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "'retryAfter' must be a number >= 0"),
        ("'5'", "'retryAfter' must be a number, not a string"),
        ("true", "'retryAfter' must be a number, not a boolean"),
    ],
)
def test_retry_after_must_be_a_non_negative_number(build: Build, value: str, message: str) -> None:
    built = build(actions_doc(on_failure=f"- name: a\n  type: retry\n  retryAfter: {value}\n"))
    error = built.error()
    assert error.message == message
    assert pointer(error) == "/workflows/0/steps/0/onFailure/0/retryAfter"
    assert at(error) == (FIRST_STEP_LINE + 5, 25)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-2", "'retryLimit' must be an integer >= 0"),
        ("1.5", "'retryLimit' must be an integer, not a number"),
        ("true", "'retryLimit' must be an integer, not a boolean"),
    ],
)
def test_retry_limit_must_be_a_non_negative_integer(build: Build, value: str, message: str) -> None:
    built = build(actions_doc(on_failure=f"- name: a\n  type: retry\n  retryLimit: {value}\n"))
    error = built.error()
    assert error.message == message
    assert pointer(error) == "/workflows/0/steps/0/onFailure/0/retryLimit"


def test_zero_retry_after_and_limit_are_valid(build: Build) -> None:
    built = build(
        actions_doc(on_failure="- name: a\n  type: retry\n  retryAfter: 0\n  retryLimit: 0\n")
    )
    assert built.errors == []
    (action,) = built.model.workflows[0].steps[0].on_failure
    assert (action.retry_after, action.retry_limit) == (0, 0)


# --------------------------------------------------------------------------- outputs


def test_output_names_must_match_the_pattern(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  outputs:\n"
            "    good.name-1_x: $statusCode\n    bad name: $statusCode\n    'a/b': 1\n"
        )
    )
    names = [e for e in built.errors if e.rule == "invalid-name"]  # 1 is not text, either
    assert [(e.message, pointer(e), at(e)) for e in names] == [
        (
            "output name 'bad name' must match ^[a-zA-Z0-9.\\-_]+$",
            "/workflows/0/steps/0/outputs/bad name",
            (FIRST_STEP_LINE + 4, 11),
        ),
        (
            "output name 'a/b' must match ^[a-zA-Z0-9.\\-_]+$",
            "/workflows/0/steps/0/outputs/a~1b",
            (FIRST_STEP_LINE + 5, 11),
        ),
    ]
    step = built.model.workflows[0].steps[0]
    assert "good.name-1_x" in step.outputs


def test_workflow_output_names_are_checked_too(build: Build) -> None:
    built = build(MINIMAL + "    outputs:\n      'x y': $steps.s.outputs.a\n")
    assert built.error().message == "output name 'x y' must match ^[a-zA-Z0-9.\\-_]+$"
    assert pointer(built.error()) == "/workflows/0/outputs/x y"


# --------------------------------------------------------------------------- unknown fields


def test_unknown_fields_warn_with_a_did_you_mean_hint(build: Build) -> None:
    # An error to `arazzo validate`, a warning to a run (the field is ignored).
    built = build(with_steps("- stepId: s\n  operationId: op\n  sucessCriteria: []\n  zzzz: 1\n"))
    assert built.errors == []
    assert [(w.message, w.hint, pointer(w), at(w)) for w in built.warnings] == [
        (
            "unknown field 'sucessCriteria' in step",
            "did you mean 'successCriteria'?",
            "/workflows/0/steps/0/sucessCriteria",
            (FIRST_STEP_LINE + 2, 9),
        ),
        (
            "unknown field 'zzzz' in step",
            "remove it, or prefix it with 'x-'",
            "/workflows/0/steps/0/zzzz",
            (FIRST_STEP_LINE + 3, 9),
        ),
    ]
    assert all(w.severity is Severity.WARNING for w in built.warnings)


def test_unknown_field_in_info(build: Build) -> None:
    built = build(MINIMAL.replace("  version: '1'\n", "  version: '1'\n  titel: x\n"))
    (warning,) = built.warnings
    assert warning.message == "unknown field 'titel' in info"
    assert warning.hint == "did you mean 'title'?"
    assert at(warning) == (5, 3)


def test_extensions_are_accepted_silently(build: Build) -> None:
    text = (
        MINIMAL.replace("arazzo: 1.0.1\n", "arazzo: 1.0.1\nx-top: 1\n")
        .replace("  title: T\n", "  title: T\n  x-logo: l\n")
        .replace("    url: api.yaml\n", "    url: api.yaml\n    x-note: n\n")
        .replace("  - workflowId: w\n", "  - workflowId: w\n    x-internal: true\n")
        .replace("  operationId: op\n", "  operationId: op\n        x-step: {a: 1}\n")
    )
    built = build(text)
    assert list(built.diagnostics) == []


# --------------------------------------------------------------------------- expressions


def criteria_doc(criteria: str) -> str:
    return with_steps(
        "- stepId: s\n  operationId: op\n  successCriteria:\n" + textwrap.indent(criteria, "    ")
    )


CRITERIA_LINE = FIRST_STEP_LINE + 3
CONDITION_COLUMN = 24  # where the scalar after '      - condition: ' starts


def test_condition_error_points_into_a_plain_scalar(build: Build) -> None:
    built = build(criteria_doc("- condition: $statusCode ==\n"))
    error = built.error()
    assert error.message == (
        "expected an operand after '=='\n    $statusCode ==\n                  ^"
    )
    assert pointer(error) == "/workflows/0/steps/0/successCriteria/0/condition"
    assert at(error) == (CRITERIA_LINE, CONDITION_COLUMN + len("$statusCode =="))


def test_condition_error_points_into_a_double_quoted_scalar(build: Build) -> None:
    built = build(criteria_doc('- condition: "$statusCode == 200 &&"\n'))
    error = built.error()
    assert error.message.startswith("expected an operand after '&&'")
    # one past the opening quote, then the offset of the end of the text
    assert at(error) == (CRITERIA_LINE, CONDITION_COLUMN + 1 + len("$statusCode == 200 &&"))


def test_condition_error_points_into_a_single_quoted_scalar(build: Build) -> None:
    built = build(criteria_doc("- condition: '$statusCode = 200'\n"))
    error = built.error()
    assert error.message.startswith("unexpected '='")
    assert error.hint == "compare with '=='"
    assert at(error) == (CRITERIA_LINE, CONDITION_COLUMN + 1 + len("$statusCode "))


def test_condition_error_in_a_flow_mapping(build: Build) -> None:
    built = build(criteria_doc("- {condition: $statusCode ==}\n"))
    assert at(built.error()) == (CRITERIA_LINE, 25 + len("$statusCode =="))


def test_escaped_quoted_scalar_falls_back_to_the_scalar_start(build: Build) -> None:
    built = build(criteria_doc('- condition: "$statusCode == \\"x\\""\n'))
    error = built.error()
    assert error.hint == "use single quotes: 'x'"
    assert at(error) == (CRITERIA_LINE, CONDITION_COLUMN)


def test_folded_scalar_falls_back_to_the_scalar_start(build: Build) -> None:
    built = build(criteria_doc("- condition: >-\n    $statusCode ==\n"))
    assert at(built.error()) == (CRITERIA_LINE, CONDITION_COLUMN)


def test_value_expression_error_points_into_the_scalar(build: Build) -> None:
    built = build(
        with_steps(
            "- stepId: s\n  operationId: op\n  parameters:\n"
            "    - name: q\n      in: query\n      value: $response.headers.Location\n"
        )
    )
    error = built.error()
    assert error.message.startswith("expected 'header.', 'query.', 'path.' or 'body' after")
    assert error.hint == "did you mean 'header'?"
    assert pointer(error) == "/workflows/0/steps/0/parameters/0/value"
    assert at(error) == (FIRST_STEP_LINE + 5, 20 + len("$response."))


def test_output_expression_error_points_into_the_scalar(build: Build) -> None:
    built = build(
        with_steps("- stepId: s\n  operationId: op\n  outputs:\n    x: 'pre {$foo} post'\n")
    )
    error = built.error()
    assert error.message.startswith("unknown runtime expression '$foo'")
    assert at(error) == (FIRST_STEP_LINE + 3, 15 + len("pre {"))


def test_malformed_jsonpath_criterion_is_an_error_at_its_condition(build: Build) -> None:
    built = build(criteria_doc("- condition: $.a[\n  type: jsonpath\n  context: $response.body\n"))
    error = built.error()
    assert "invalid JSONPath query" in error.message
    assert pointer(error) == "/workflows/0/steps/0/successCriteria/0/condition"


def test_context_error_points_into_the_context(build: Build) -> None:
    built = build(
        criteria_doc("- condition: ^ok$\n  type: regex\n  context: $response.headers.X\n")
    )
    error = built.error()
    assert pointer(error) == "/workflows/0/steps/0/successCriteria/0/context"
    assert at(error) == (CRITERIA_LINE + 2, 22 + len("$response."))


def test_unknown_criterion_type_points_at_the_type(build: Build) -> None:
    built = build(criteria_doc("- condition: $statusCode == 200\n  type: JSONPath\n"))
    error = built.error()
    assert error.message.startswith("unknown criterion type 'JSONPath'")
    assert pointer(error) == "/workflows/0/steps/0/successCriteria/0/type"


def test_expression_error_in_json_points_into_the_string(build: Build) -> None:
    text = (
        '{"arazzo": "1.0.1", "info": {"title": "T", "version": "1"},\n'
        ' "sourceDescriptions": [{"name": "api", "url": "api.yaml"}],\n'
        ' "workflows": [{"workflowId": "w", "steps": [\n'
        '  {"stepId": "s", "operationId": "op",\n'
        '   "successCriteria": [{"condition": "$statusCode =="}]}\n'
        " ]}]}\n"
    )
    built = build(text)
    line = text.splitlines()[4]
    assert at(built.error()) == (5, line.index("$") + 1 + len("$statusCode =="))


# --------------------------------------------------------------------------- error scoping

TWO_WORKFLOWS = HEAD + textwrap.dedent(
    """\
    workflows:
      - workflowId: good
        steps:
          - stepId: s
            operationId: op
      - workflowId: bad
        steps:
          - stepId: s
            operationId: op
            successCriteria:
              - condition: $statusCode ==
    """
)


def test_workflow_errors_do_not_raise_from_build_model(build: Build) -> None:
    built = build(TWO_WORKFLOWS)
    assert built.raised is None
    assert built.model is not None
    assert [w.workflow_id for w in built.model.workflows] == ["good", "bad"]
    assert len(built.errors) == 1


def test_check_workflow_raises_only_for_the_broken_workflow(build: Build) -> None:
    built = build(TWO_WORKFLOWS)
    good = built.model.workflow("good")
    bad = built.model.workflow("bad")
    check_workflow(good, built.diagnostics)
    with pytest.raises(DocumentInvalid) as info:
        check_workflow(bad, built.diagnostics)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.message.startswith("expected an operand after '=='")
    assert str(info.value.location).startswith(f"{NAME}:18:")
    assert info.value.render().endswith("1 error; nothing was sent")


def test_document_wide_errors_raise_with_all_of_them(build: Build) -> None:
    text = TWO_WORKFLOWS.replace("  title: T\n", "").replace("arazzo: 1.0.1", "arazzo: 2.0.0")
    built = build(text)
    assert built.raised is not None
    assert [d.message for d in built.raised.diagnostics] == [
        "unsupported Arazzo version '2.0.0': this runner implements Arazzo 1.0.x and 1.1.x",
        "info is missing the required field 'title'",
    ]
    # The workflow's own error stays in the diagnostics but is not part of the raise.
    assert len(built.errors) == 3
    assert built.raised.render().endswith("2 errors; nothing was sent")


def test_component_errors_are_document_wide(build: Build) -> None:
    text = with_steps(
        "- stepId: s\n  operationId: op\n  parameters:\n"
        "    - reference: $components.parameters.bad\n",
        "components:\n  parameters:\n    bad:\n      name: x\n      value: 1\n",
    )
    built = build(text)
    assert built.raised is not None
    error = built.error()
    assert error.message == "parameter is missing the required field 'in'"
    assert pointer(error) == "/components/parameters/bad"


def test_workflow_pointer_of() -> None:
    def diagnostic(pointer: str | None) -> Diagnostic:
        location = SourceLocation(NAME, 1, 1, pointer) if pointer is not None else None
        return Diagnostic(Severity.ERROR, "m", location)

    assert workflow_pointer_of(diagnostic("/workflows/3/steps/0/x")) == "/workflows/3"
    assert workflow_pointer_of(diagnostic("/workflows/12")) == "/workflows/12"
    assert workflow_pointer_of(diagnostic("/workflows")) is None
    assert workflow_pointer_of(diagnostic("/workflows/1x")) is None
    assert workflow_pointer_of(diagnostic("/components/parameters/p")) is None
    assert workflow_pointer_of(diagnostic("")) is None
    assert workflow_pointer_of(diagnostic(None)) is None


def test_model_builder_collects_into_the_given_diagnostics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(TWO_WORKFLOWS, encoding="utf-8")
    diagnostics = Diagnostics()
    model = ModelBuilder(load_document(NAME), diagnostics).build()
    assert model is not None
    assert [pointer(d) for d in diagnostics.errors] == [
        "/workflows/1/steps/0/successCriteria/0/condition"
    ]
