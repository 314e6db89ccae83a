"""Defects `arazzo validate` finds across parts of a document, each reported once.

Every class has a document that triggers it (rule, line, column) and a clean
one; the documents edit the clean document of ``tests/_support/lint.py``.
"""

from __future__ import annotations

from pathlib import Path

from arazzo_runner.diagnostics import Diagnostic, Severity
from tests._support.cli import assert_clean_failure, run_cli
from tests._support.lint import CLEAN, OPENAPI, position, validate_text, write_project
from tests._support.servers import Reply, ScriptedServer

WORKFLOW_END = "    outputs:\n      name: $steps.find.outputs.name\n"


def _edit(*edits: tuple[str, str], text: str = CLEAN) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _found(diagnostics: list[Diagnostic], rule: str) -> list[tuple[int | None, int | None]]:
    return [
        (d.location.line, d.location.column) for d in diagnostics if d.rule == rule and d.location
    ]


def _at(document: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    return position(document, needle, occurrence)


# --------------------------------------------------------------------------- $outputs of a call

CALLER = """\
  - workflowId: caller
    steps:
      - stepId: call
        workflowId: adopt
        successCriteria:
          - condition: {criterion}
        outputs:
          got: {output}
"""


def _caller(criterion: str, output: str) -> str:
    called = CALLER.format(criterion=criterion, output=output)
    return _edit((WORKFLOW_END, WORKFLOW_END + called))


def test_outputs_read_after_a_call_are_checked_against_the_called_workflow(
    tmp_path: Path,
) -> None:
    document = _caller("$outputs.nickname != null", "$outputs.nam")
    found = validate_text(tmp_path, document)
    assert _found(found, "unknown-workflow-output") == [
        _at(document, "$outputs.nickname"),
        _at(document, "$outputs.nam"),
    ]
    message = next(d for d in found if d.rule == "unknown-workflow-output")
    assert message.severity is Severity.ERROR
    assert "workflow 'adopt', which step 'call' calls, has no output 'nickname'" in message.message
    assert message.hint is not None and "outputs of 'adopt': name" in message.hint


def test_outputs_the_called_workflow_declares_are_clean(tmp_path: Path) -> None:
    found = validate_text(tmp_path, _caller("$outputs.name != null", "$outputs.name#/first"))
    assert found == []


CHILD = """\
arazzo: 1.0.1
info: {title: child, version: 1.0.0}
sourceDescriptions:
  - {name: pets, url: pets.openapi.yaml, type: openapi}
workflows:
  - workflowId: child
    steps:
      - stepId: get
        operationId: getPet
        parameters: [{name: petId, in: path, value: '1'}]
        outputs: {id: $response.body#/id}
    outputs:
      id: $steps.get.outputs.id
"""

PARENT = """\
arazzo: 1.0.1
info: {title: parent, version: 1.0.0}
sourceDescriptions:
  - {name: kids, url: child.arazzo.yaml, type: arazzo}
workflows:
  - workflowId: parent
    steps:
      - stepId: call
        workflowId: $sourceDescriptions.kids.child
        outputs:
          childId: OUTPUT
    outputs:
      id: READ
"""


def _parent(tmp_path: Path, output: str, read: str) -> tuple[str, list[Diagnostic]]:
    (tmp_path / "child.arazzo.yaml").write_text(CHILD, encoding="utf-8")
    document = PARENT.replace("OUTPUT", output).replace("READ", read)
    return document, validate_text(tmp_path, document)


def test_outputs_of_a_workflow_in_another_document_are_checked(tmp_path: Path) -> None:
    document, found = _parent(tmp_path, "$outputs.ident", "$steps.call.outputs.childId")
    assert _found(found, "unknown-workflow-output") == [_at(document, "$outputs.ident")]
    assert [d.rule for d in found] == ["unknown-workflow-output"]


def test_outputs_of_another_document_that_exist_are_clean(tmp_path: Path) -> None:
    assert _parent(tmp_path, "$outputs.id", "$steps.call.outputs.childId")[1] == []


# --------------------------------------------------------------------------- source fields


def test_outputs_of_a_source_workflow_are_reported_with_what_to_write(tmp_path: Path) -> None:
    document, found = _parent(tmp_path, "$outputs.id", "$sourceDescriptions.kids.child.outputs.id")
    assert _found(found, "unknown-source-field") == [
        _at(document, "$sourceDescriptions.kids.child.outputs.id")
    ]
    diagnostic = found[0]
    assert diagnostic.severity is Severity.ERROR
    assert "never resolves" in diagnostic.message
    assert diagnostic.hint == (
        "read it from the step that calls that workflow: $steps.call.outputs.childId"
    )


def test_a_source_workflow_no_step_calls_gets_the_way_to_call_it(tmp_path: Path) -> None:
    document = _edit(
        (WORKFLOW_END, "    outputs:\n      name: '{$sourceDescriptions.pets.getPet.outputs.x}'\n"),
    )
    found = validate_text(tmp_path, document)
    assert _found(found, "unknown-source-field") == [
        _at(document, "$sourceDescriptions.pets.getPet")
    ]
    assert found[0].hint == "'pets' is an OpenAPI description, which has no workflows"


def test_source_description_fields_are_clean(tmp_path: Path) -> None:
    document = _edit(
        (
            WORKFLOW_END,
            "    outputs:\n      where: $sourceDescriptions.pets.url\n"
            "      kind: 'a {$sourceDescriptions.pets.type}'\n",
        )
    )
    assert validate_text(tmp_path, document) == []


# --------------------------------------------------------------------------- components

COMPONENTS = """\
components:
  parameters:
    tenant:
      name: X-Tenant
      in: header
      value: $steps.find.outputs.tenant
  successActions:
    stop:
      name: stop
      type: end
      criteria:
        - condition: $steps.find.outputs.status == 'sold'
"""

USES = "          - reference: $components.parameters.tenant\n"


def _with_components(outputs: str) -> str:
    return _edit(
        ("workflows:\n", COMPONENTS + "workflows:\n"),
        (
            "          name: $response.body#/name\n",
            "          name: $response.body#/name\n" + outputs,
        ),
        (
            "          - name: X-Tenant\n            in: header\n"
            "            value: $inputs.tenant\n",
            USES,
        ),
        (
            "        requestBody:",
            "        onSuccess:\n          - reference: $components.successActions.stop\n"
            "        requestBody:",
        ),
    )


def test_component_expressions_are_checked_where_a_workflow_uses_them(tmp_path: Path) -> None:
    document = _with_components("")
    found = validate_text(tmp_path, document)
    assert _found(found, "unknown-step-output") == [
        _at(document, "reference: $components.parameters.tenant", 1),
        _at(document, "reference: $components.successActions.stop"),
    ]
    messages = [d.message for d in found if d.rule == "unknown-step-output"]
    assert "step 'find' has no output 'tenant'" in messages[0]
    assert "components.parameters.tenant" in messages[0]
    assert "components.successActions.stop" in messages[1]


def test_component_expressions_that_fit_the_workflow_are_clean(tmp_path: Path) -> None:
    outputs = "          tenant: $response.header.X-Tenant\n          status: $response.body#/s\n"
    assert validate_text(tmp_path, _with_components(outputs)) == []


def test_a_component_is_reported_only_in_the_workflow_it_does_not_fit(tmp_path: Path) -> None:
    second = """\
  - workflowId: other
    steps:
      - stepId: find
        operationId: addPet
        parameters:
          - reference: $components.parameters.tenant
"""
    outputs = "          tenant: $response.header.X-Tenant\n          status: $response.body#/s\n"
    document = _with_components(outputs) + second
    found = validate_text(tmp_path, document)
    assert _found(found, "unknown-step-output") == [
        _at(document, "reference: $components.parameters.tenant", 2)
    ]
    assert [d.rule for d in found] == ["unknown-step-output"]
    assert "(in components.parameters.tenant, used here)" in found[0].message


# --------------------------------------------------------------------------- replacements


def _replacement(
    target: str, content_type: str | None = "application/json", extra: str = ""
) -> str:
    kind = f"          contentType: {content_type}\n" if content_type else ""
    return _edit(
        (
            "          contentType: application/json\n          payload:\n"
            "            name: $steps.find.outputs.name\n",
            kind + "          payload:\n            name: $steps.find.outputs.name\n"
            f"          replacements:\n            - target: {target}\n{extra}"
            "              value: x\n",
        )
    )


def test_a_replacement_target_that_is_not_a_pointer_is_reported(tmp_path: Path) -> None:
    document = _replacement("$.name.first")
    found = validate_text(tmp_path, document)
    assert _found(found, "invalid-replacement-target") == [_at(document, "$.name.first")]
    assert found[0].severity is Severity.ERROR
    assert found[0].hint == "write it as a JSON Pointer: target: '/name/first'"


def test_the_body_type_the_operation_declares_decides_without_a_content_type(
    tmp_path: Path,
) -> None:
    document = _replacement("name[0]", content_type=None)
    found = validate_text(tmp_path, document)
    assert _found(found, "invalid-replacement-target") == [_at(document, "name[0]")]
    assert found[0].hint == "write it as a JSON Pointer: target: '/name/0'"


def test_a_bad_escape_in_a_pointer_is_explained(tmp_path: Path) -> None:
    found = validate_text(tmp_path, _replacement("/a~2b"))
    assert [d.rule for d in found] == ["invalid-replacement-target"]
    assert found[0].hint is not None and "'~0'" in found[0].hint


def test_pointers_xpath_bodies_and_other_selectors_are_clean(tmp_path: Path) -> None:
    assert validate_text(tmp_path, _replacement("/name")) == []
    assert validate_text(tmp_path, _replacement("''")) == []
    assert validate_text(tmp_path, _replacement("pet/name", "application/xml")) == []
    selector = "              targetSelectorType: jsonpath\n"
    found = validate_text(tmp_path, _replacement("$.name", extra=selector))
    assert [d.rule for d in found] == ["needs-arazzo-1.1"]  # a 1.1 field, not a bad pointer


# --------------------------------------------------------------------------- one defect, once


# Conditional, so that the next step stays reachable.
STOP = (
    "          - name: stop\n            type: end\n"
    "            criteria: [{condition: $statusCode == 201}]\n"
)


def _on_success(action: str) -> str:
    return _edit(
        (
            "          - condition: $statusCode == 200\n",
            "          - condition: $statusCode == 200\n        onSuccess:\n" + action,
        )
    )


def test_an_end_action_with_empty_targets_is_reported_once(tmp_path: Path) -> None:
    document = _on_success(STOP + "            stepId: ''\n            workflowId: ''\n")
    found = validate_text(tmp_path, document)
    assert [(d.rule, d.location.line if d.location else None) for d in found] == [
        ("conflicting-action-target", _at(document, "- name: stop")[0])
    ]


def test_an_end_action_with_one_empty_target_says_to_remove_it(tmp_path: Path) -> None:
    document = _on_success(STOP + "            stepId: ''\n")
    found = validate_text(tmp_path, document)
    assert [d.rule for d in found] == ["unknown-step"]
    assert "an empty stepId" in found[0].message
    assert found[0].hint is not None and "takes no stepId or workflowId" in found[0].hint


def test_a_goto_with_both_targets_is_reported_once(tmp_path: Path) -> None:
    document = _on_success("          - name: jump\n            type: goto\n"
                           "            stepId: add\n            workflowId: adopt\n")  # fmt: skip
    found = validate_text(tmp_path, document)
    assert [d.rule for d in found] == ["conflicting-action-target"]
    assert found[0].hint == "they are mutually exclusive; keep the one the action goes to"


def test_a_version_in_a_criterion_points_to_the_expression_type_object(tmp_path: Path) -> None:
    document = _edit(
        (
            "          - condition: $statusCode == 200\n",
            "          - condition: $.name\n            context: $response.body\n"
            "            type: jsonpath\n"
            "            version: draft-goessner-dispatch-jsonpath-00\n",
        )
    )
    found = validate_text(tmp_path, document)
    assert _found(found, "unknown-field") == [_at(document, "version: draft")]
    assert found[0].hint == (
        "a criterion's version goes in a Criterion Expression Type Object: "
        'type: {type: jsonpath, version: "draft-goessner-dispatch-jsonpath-00"}'
    )


# --------------------------------------------------------------------------- what can be known

UNREADABLE_SOURCES = """\
sourceDescriptions:
  - name: pets
    url: missing.openapi.yaml
    type: openapi
  - name: kids
    url: missing.arazzo.yaml
    type: arazzo
"""


def _unreadable(*edits: tuple[str, str]) -> str:
    return _edit(
        (
            "sourceDescriptions:\n  - name: pets\n    url: pets.openapi.yaml\n    type: openapi\n",
            UNREADABLE_SOURCES,
        ),
        *edits,
    )


def test_references_are_examined_while_sources_cannot_be_read(tmp_path: Path) -> None:
    document = _unreadable(
        ("operationId: getPet", "operationId: $sourceDescriptions.nope.getPet"),
        ("operationId: addPet", "operationId: $sourceDescriptions.kids.addPet"),
    )
    found = validate_text(tmp_path, document)
    assert _found(found, "unknown-source") == [_at(document, "$sourceDescriptions.nope")]
    assert _found(found, "unresolved-operation") == [_at(document, "$sourceDescriptions.kids")]
    kids = next(d for d in found if d.rule == "unresolved-operation")
    assert "'kids' is an Arazzo document" in kids.message
    assert [d.rule for d in found].count("source-not-found") == 2


def test_operations_that_may_be_in_an_unread_source_are_not_reported(tmp_path: Path) -> None:
    found = validate_text(tmp_path, _unreadable())
    assert sorted({d.rule for d in found}) == ["source-not-found"]


def test_references_inside_a_step_without_a_step_id_are_checked(tmp_path: Path) -> None:
    document = _edit(
        ("      - stepId: add\n        operationId: addPet",
         "      - operationId: $sourceDescriptions.nope.addPet"),
        ("name: $steps.find.outputs.name\n    outputs",
         "name: $steps.fnd.outputs.name\n    outputs"),
    )  # fmt: skip
    found = validate_text(tmp_path, document)
    assert [(d.rule, (d.location.line, d.location.column)) for d in found if d.location] == [
        ("required-field", (_at(document, "- operationId: $source")[0], 9)),
        ("unknown-source", _at(document, "$sourceDescriptions.nope")),
        ("unknown-step", _at(document, "$steps.fnd")),
    ]


def test_references_inside_a_workflow_without_an_id_are_checked(tmp_path: Path) -> None:
    document = _edit(
        ("  - workflowId: adopt\n", "  - summary: adopt a pet\n"),
        (
            "          - condition: $statusCode == 200\n",
            "          - condition: $statusCode == 200\n        onSuccess:\n"
            "          - {name: jump, type: goto, stepId: ad,\n"
            "             criteria: [{condition: $statusCode == 201}]}\n",
        ),
    )
    found = validate_text(tmp_path, document)
    assert _found(found, "unknown-step") == [_at(document, "ad,\n")]
    assert "workflow '<no workflowId>'" in next(
        d.message for d in found if d.rule == "unknown-step"
    )
    # The placeholder id itself is never reported (it would break the naming convention).
    assert {d.rule for d in found} == {"required-field", "unknown-step"}


# --------------------------------------------------------------------------- the command line


def test_validate_and_run_refuse_these_defects_before_sending(tmp_path: Path) -> None:
    """A component that does not fit its workflow: validate fails, run sends nothing."""
    document = _with_components("")
    with ScriptedServer(fallback=Reply(200, {"name": "Rex"})) as server:
        openapi = OPENAPI.replace("https://pets.example", server.base_url)
        path = str(write_project(tmp_path, document, openapi))
        checked = run_cli("validate", path)
        assert_clean_failure(checked, 1, "error[unknown-step-output]", "components.parameters")
        ran = run_cli("run", path, "--workflow", "adopt", "--input", "petId=1")
        assert_clean_failure(ran, 2, "step 'find' has no output 'tenant'", "nothing was sent")
        assert server.received == []
