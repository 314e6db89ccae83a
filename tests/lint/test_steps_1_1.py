"""``arazzo validate`` on the Arazzo 1.1 step fields: ``dependsOn``, ``timeout``, forward
references to outputs, and the ``parameters`` of actions."""

from __future__ import annotations

from pathlib import Path

from tests._support.lint import CLEAN, validate_text

CLEAN_1_1 = CLEAN.replace("arazzo: 1.0.1", "arazzo: 1.1.0")
STEP_FIND = "      - stepId: find\n"
STEP_ADD = "      - stepId: add\n"
OTHER = """\
  - workflowId: other
    inputs: {type: object, properties: {code: {type: integer}}}
    steps:
      - stepId: only
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: '1'}
"""


def rules(tmp_path: Path, document: str) -> list[tuple[str, str]]:
    return [(d.rule or "", d.message) for d in validate_text(tmp_path, document)]


def test_the_clean_document_is_clean_as_1_1(tmp_path: Path) -> None:
    assert rules(tmp_path, CLEAN_1_1) == []


def test_depends_on_names_steps_that_exist(tmp_path: Path) -> None:
    document = (CLEAN_1_1 + OTHER).replace(
        STEP_ADD,
        STEP_ADD + "        dependsOn: [find, nowhere, $workflows.other.steps.only, "
        "$workflows.other.steps.gone, $workflows.ghost.steps.x]\n",
    )

    found = rules(tmp_path, document)

    assert sorted(rule for rule, _ in found) == ["unknown-step", "unknown-step", "unknown-workflow"]
    messages = "\n".join(message for _, message in found)
    assert "workflow 'adopt' has no step 'nowhere'" in messages
    assert "workflow 'other' has no step 'gone'" in messages
    assert "there is no workflow 'ghost'" in messages


def test_a_step_of_an_openapi_source_is_no_dependency(tmp_path: Path) -> None:
    document = CLEAN_1_1.replace(
        STEP_ADD, STEP_ADD + "        dependsOn: [$sourceDescriptions.pets.adopt.steps.find]\n"
    )

    assert [rule for rule, _ in rules(tmp_path, document)] == ["unknown-source"]


def test_implicit_dependencies_count_for_cycles(tmp_path: Path) -> None:
    # add reads find's outputs; find waits for add.
    document = CLEAN_1_1.replace(STEP_FIND, STEP_FIND + "        dependsOn: [add]\n")

    ((rule, message),) = rules(tmp_path, document)

    assert rule == "step-dependency-cycle"
    assert message.endswith("find -> add -> find")


def test_a_step_may_not_depend_on_itself(tmp_path: Path) -> None:
    document = CLEAN_1_1.replace(STEP_ADD, STEP_ADD + "        dependsOn: [add]\n")

    assert rules(tmp_path, document) == [("step-dependency-cycle", "step 'add' depends on itself")]


def test_a_forward_reference_is_an_error_only_without_depends_on(tmp_path: Path) -> None:
    forward = CLEAN_1_1.replace("value: $inputs.petId", "value: $steps.add.outputs.id").replace(
        "            name: $steps.find.outputs.name\n",
        "            name: x\n        outputs:\n          id: $statusCode\n",
    )

    assert [rule for rule, _ in rules(tmp_path, forward)] == ["forward-step-reference"]
    declared = forward.replace(STEP_FIND, STEP_FIND + "        dependsOn: [add]\n")
    assert rules(tmp_path, declared) == []  # find now runs after add
    as_1_0 = forward.replace("arazzo: 1.1.0", "arazzo: 1.0.1")
    assert rules(tmp_path, as_1_0) == []  # a 1.0 document keeps today's reading


def test_a_timeout_must_be_at_least_one_millisecond(tmp_path: Path) -> None:
    document = CLEAN_1_1.replace(STEP_FIND, STEP_FIND + "        timeout: 0\n")

    ((rule, message),) = rules(tmp_path, document)

    assert rule == "invalid-value" and "timeout 0" in message


def test_action_parameters_are_inputs_without_in(tmp_path: Path) -> None:
    jump = (
        "        onFailure:\n"
        "          - name: jump\n            type: goto\n            workflowId: other\n"
        "            parameters:\n"
        "              - {name: code, value: $statusCode}\n"
        "              - reference: $components.parameters.located\n"
    )
    document = (
        CLEAN_1_1.replace(
            "          - condition: $statusCode == 200\n",
            "          - condition: $statusCode == 200\n" + jump,
        )
        + OTHER
        + "components:\n  parameters:\n    located: {name: code, in: query, value: 1}\n"
    )

    ((rule, message),) = rules(tmp_path, document)

    assert rule == "action-parameter-in"
    assert "it comes from /components/parameters/located" in message
    assert rules(tmp_path, document.replace("in: query, ", "")) == []


def test_action_parameter_values_are_checked_like_other_values(tmp_path: Path) -> None:
    jump = (
        "        onFailure:\n"
        "          - name: jump\n            type: goto\n            workflowId: other\n"
        "            parameters: [{name: code, value: $inputs.nope}]\n"
    )
    document = (
        CLEAN_1_1.replace(
            "          - condition: $statusCode == 200\n",
            "          - condition: $statusCode == 200\n" + jump,
        )
        + OTHER
    )

    assert [rule for rule, _ in rules(tmp_path, document)] == ["unknown-input"]
