"""Every rule: a document that triggers it (rule, severity, line, column), and a clean one.

Each case edits the clean document of ``support.py`` and names the text the
diagnostic must point at; the expected line and column are where that text is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from arazzo_runner.diagnostics import Severity
from arazzo_runner.validation.rules import RULES
from tests._support.lint import ASYNCAPI, CLEAN, OPENAPI, position, validate_text

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass
class Case:
    rule: str
    edits: list[tuple[str, str]]
    needle: str
    occurrence: int = 1
    offset: int = 0
    """Columns after the needle: expression errors point inside the text."""
    openapi_edits: list[tuple[str, str]] = field(default_factory=list)
    asyncapi_edits: list[tuple[str, str]] = field(default_factory=list)

    def document(self) -> str:
        return _apply(CLEAN, self.edits)

    def openapi(self) -> str:
        return _apply(OPENAPI, self.openapi_edits)

    def asyncapi(self) -> str:
        return _apply(ASYNCAPI, self.asyncapi_edits)


def _apply(text: str, edits: list[tuple[str, str]]) -> str:
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


STEP_FIND = "      - stepId: find\n"
ADD_STEP = "      - stepId: add\n"
WORKFLOW_END = "    outputs:\n      name: $steps.find.outputs.name\n"
SECOND_WORKFLOW = """\
  - workflowId: other
    steps:
      - stepId: only
        operationId: getPet
        parameters:
          - {name: petId, in: path, value: '1'}
"""

MESSAGE_STEP = """\
      - stepId: wait
        operationId: $sourceDescriptions.events.onPetAdded
        action: receive
        correlationId: $inputs.tenant
        timeout: 1000
        parameters:
          - {name: petId, in: path, value: $inputs.petId}
"""


def with_message_step(*edits: tuple[str, str]) -> list[tuple[str, str]]:
    """CLEAN as Arazzo 1.1 with an AsyncAPI source and a receive step, then ``edits`` to it."""
    step = MESSAGE_STEP
    for old, new in edits:
        assert old in step, old
        step = step.replace(old, new, 1)
    return [
        ("arazzo: 1.0.1", "arazzo: 1.1.0"),
        (
            "    type: openapi\n",
            "    type: openapi\n  - name: events\n    url: events.asyncapi.yaml\n"
            "    type: asyncapi\n",
        ),
        (WORKFLOW_END, step + WORKFLOW_END),
    ]


SELF_CALLING_WORKFLOW = """\
  - workflowId: other
    steps:
      - stepId: again
        workflowId: other
"""

CASES = [
    Case("unreadable-file", [("info:\n", "info: [\n")], "title"),
    Case("required-field", [("  title: Pets\n", "")], "version: 1.0.0"),
    Case("wrong-type", [("  version: 1.0.0", "  version: [1]")], "[1]"),
    Case("unknown-field", [("        successCriteria:", "        sucessCriteria:")], "sucess"),
    Case("invalid-value", [("            in: path", "            in: body")], "body"),
    Case("unsupported-version", [("arazzo: 1.0.1", "arazzo: 2.0.0")], "2.0.0"),
    Case(
        "needs-arazzo-1.1",
        [("        successCriteria:", "        timeout: 100\n        successCriteria:")],
        "timeout",
    ),
    Case(
        "empty-list",
        [
            (
                "sourceDescriptions:\n  - name: pets\n    url: pets.openapi.yaml\n"
                "    type: openapi\n",
                "sourceDescriptions: []\n",
            )
        ],
        "[]",
    ),
    Case("duplicate-item", [("    steps:\n", "    dependsOn: [a, a]\n    steps:\n")], "a]"),
    Case(
        "invalid-name",
        [("          name: $response.body#/name", "          bad name: $response.body#/name")],
        "bad name",
    ),
    Case(
        "non-string-key",
        [("        operationId: getPet\n", "        operationId: getPet\n        7: x\n")],
        "stepId: find",
    ),
    Case("missing-step-target", [("        operationId: getPet\n", "")], "stepId: find"),
    Case(
        "conflicting-step-target",
        [("        operationId: getPet\n", "        operationId: getPet\n        workflowId: x\n")],
        "workflowId: x",
    ),
    Case(
        "asyncapi-operation-path",
        [
            ("arazzo: 1.0.1", "arazzo: 1.1.0"),
            (
                "        operationId: getPet\n",
                "        operationPath: $sourceDescriptions.pets.getPet\n        action: send\n",
            ),
        ],
        "operationPath",
    ),
    Case(
        "missing-goto-target",
        [
            (
                "          - condition: $statusCode == 200\n",
                "          - condition: $statusCode == 200\n        onSuccess:\n"
                "          - name: jump\n            type: goto\n",
            )
        ],
        "name: jump",
    ),
    Case(
        "conflicting-action-target",
        [
            (
                "          - condition: $statusCode == 200\n",
                "          - condition: $statusCode == 200\n        onSuccess:\n"
                "          - name: jump\n            type: end\n            stepId: add\n"
                "            workflowId: adopt\n",
            )
        ],
        "name: jump",
    ),
    Case(
        "missing-criterion-context",
        [
            (
                "          - condition: $statusCode == 200",
                "          - condition: ^200$\n            type: regex",
            )
        ],
        "condition: ^200$",
    ),
    Case(
        "workflow-step-request-body",
        [
            (
                "        operationId: addPet\n",
                "        workflowId: adopt\n",
            )
        ],
        "requestBody:",
    ),
    Case(
        "invalid-inputs-schema",
        [("        petId: {type: string}", "        petId: {type: strin}")],
        "strin",
    ),
    Case(
        "duplicate-workflow-id",
        [(WORKFLOW_END, WORKFLOW_END + SECOND_WORKFLOW.replace("other", "adopt"))],
        "adopt",
        2,
    ),
    Case("duplicate-step-id", [("      - stepId: add", "      - stepId: find")], "find", 2),
    Case(
        "duplicate-source-name",
        [
            (
                "    type: openapi\n",
                "    type: openapi\n  - name: pets\n    url: pets.openapi.yaml\n",
            )
        ],
        "pets",
        3,
    ),
    Case(
        "duplicate-parameter",
        [
            (
                "            value: $inputs.petId\n",
                "            value: $inputs.petId\n          - name: petId\n            in: path\n"
                "            value: '2'\n",
            )
        ],
        "name: petId",
        2,
    ),
    Case(
        "duplicate-action-name",
        [
            (
                "          - condition: $statusCode == 200\n",
                "          - condition: $statusCode == 200\n        onFailure:\n"
                "          - {name: stop, type: end}\n          - {name: stop, type: end}\n",
            )
        ],
        "{name: stop",
        2,
    ),
    Case(
        "unknown-source",
        [("        operationId: getPet", "        operationId: $sourceDescriptions.nope.getPet")],
        "$sourceDescriptions.nope",
    ),
    Case(
        "invalid-operation-path",
        [("        operationId: getPet", "        operationPath: pets/get")],
        "pets/get",
    ),
    Case(
        "unresolved-operation",
        [("        operationId: getPet", "        operationId: getPets")],
        "getPets",
    ),
    Case(
        "ambiguous-operation-id",
        [
            (
                "    type: openapi\n",
                "    type: openapi\n  - name: copy\n    url: pets.openapi.yaml\n",
            )
        ],
        "getPet",
    ),
    Case(
        "unqualified-operation-id",
        [
            (
                "    type: openapi\n",
                "    type: openapi\n  - name: copy\n    url: copy.openapi.yaml\n",
            )
        ],
        "getPet",
    ),
    Case(
        "unknown-workflow",
        [
            (
                "        operationId: addPet\n        parameters:\n"
                "          - name: X-Tenant\n            in: header\n"
                "            value: $inputs.tenant\n        requestBody:\n"
                "          contentType: application/json\n          payload:\n"
                "            name: $steps.find.outputs.name\n",
                "        workflowId: nowhere\n",
            )
        ],
        "nowhere",
    ),
    Case(
        "unknown-step",
        [
            (
                "          - condition: $statusCode == 200\n",
                "          - condition: $statusCode == 200\n        onSuccess:\n"
                "          - {name: jump, type: goto, stepId: nowhere}\n",
            )
        ],
        "nowhere",
    ),
    Case("unknown-dependency", [("    steps:\n", "    dependsOn: [ghost]\n    steps:\n")], "ghost"),
    Case(
        "dependency-cycle",
        [
            ("    steps:\n", "    dependsOn: [other]\n    steps:\n"),
            (
                WORKFLOW_END,
                WORKFLOW_END
                + SECOND_WORKFLOW.replace("    steps:\n", "    dependsOn: [adopt]\n    steps:\n"),
            ),
        ],
        "other]",
    ),
    Case(
        "workflow-recursion",
        [(WORKFLOW_END, WORKFLOW_END + SELF_CALLING_WORKFLOW)],
        "other",
        2,
    ),
    Case(
        "invalid-reference",
        [
            (
                "          - name: petId\n            in: path\n            value: $inputs.petId\n",
                "          - reference: $inputs.petId\n",
            )
        ],
        "$inputs.petId",
    ),
    Case(
        "unresolved-component",
        [
            (
                "          - name: petId\n            in: path\n            value: $inputs.petId\n",
                "          - reference: $components.parameters.petId\n",
            )
        ],
        "$components.parameters.petId",
    ),
    Case(
        "unresolved-input-reference",
        [("        petId: {type: string}", "        petId: {$ref: '#/components/inputs/pet'}")],
        "'#/components/inputs/pet'",
    ),
    Case("invalid-expression", [("value: $inputs.petId", "value: $inputs.")], "$inputs.", offset=8),
    Case(
        "invalid-criterion",
        [("condition: $statusCode == 200", "condition: $statusCode ==")],
        "$statusCode ==",
        offset=14,
    ),
    Case(
        "invalid-criterion-type",
        [
            (
                "          - condition: $statusCode == 200",
                "          - condition: $.a\n            context: $response.body\n"
                "            type: {type: jsonpath, version: rfc9535}",
            )
        ],
        "{type: jsonpath",
    ),
    Case("unknown-input", [("value: $inputs.tenant", "value: $inputs.tenants")], "$inputs.tenants"),
    Case(
        "missing-inputs-schema",
        [
            (
                "    inputs:\n      type: object\n      properties:\n"
                "        petId: {type: string}\n"
                "        tenant: {type: string}\n",
                "",
            )
        ],
        "$inputs.petId",
    ),
    Case(
        "unknown-step-output",
        [
            (
                "name: $steps.find.outputs.name\n    outputs",
                "name: $steps.find.outputs.nam\n    outputs",
            )
        ],
        "$steps.find.outputs.nam",
    ),
    Case(
        "unknown-workflow-output",
        [
            (
                WORKFLOW_END,
                WORKFLOW_END + SECOND_WORKFLOW + "    outputs:\n"
                "      x: $workflows.adopt.outputs.nickname\n",
            )
        ],
        "$workflows.adopt.outputs.nickname",
    ),
    Case(
        "unknown-source-field",
        [
            (
                WORKFLOW_END,
                WORKFLOW_END + "      spec: $sourceDescriptions.pets.adopt.outputs.name\n",
            )
        ],
        "$sourceDescriptions.pets.adopt",
    ),
    Case(
        "invalid-replacement-target",
        [
            (
                "            name: $steps.find.outputs.name\n",
                "            name: x\n"
                "          replacements: [{target: name, value: $steps.find.outputs.name}]\n",
            )
        ],
        "name, value",
    ),
    Case(
        "bare-expression",
        [("value: $inputs.tenant", "value: tenant-$inputs.tenant")],
        "$inputs.tenant",
        1,
    ),
    Case(
        "partial-expression",
        [("name: $response.body#/name", "name: $response.body.items[0].name")],
        "$response.body.items[0]",
    ),
    Case(
        "text-after-expression",
        [("value: $inputs.tenant", "value: '$inputs.tenant[0]'")],
        "$inputs.tenant[0]",
    ),
    Case(
        "unknown-expression-root",
        [("value: $inputs.tenant", "value: $datetime.iso8601")],
        "$datetime",
    ),
    Case(
        "source-not-found",
        [("url: pets.openapi.yaml", "url: missing.openapi.yaml")],
        "missing.openapi.yaml",
    ),
    Case("unreadable-source", [], "pets.openapi.yaml", openapi_edits=[("paths:\n", "paths: [\n")]),
    Case(
        "invalid-source-type",
        [],
        "pets.openapi.yaml",
        openapi_edits=[("openapi: 3.1.0", "swagger: '1.2'")],
    ),
    Case(
        "unsupported-openapi-version",
        [],
        "pets.openapi.yaml",
        openapi_edits=[("openapi: 3.1.0", "openapi: 3.2.0")],
    ),
    Case("broken-ref", [("operationId: getPet", "operationId: broken")], "broken"),
    Case(
        "missing-path-parameter",
        [
            (
                "          - name: petId\n            in: path\n            value: $inputs.petId\n",
                "          - name: verbose\n            in: query\n            value: true\n",
            )
        ],
        "getPet",
    ),
    Case(
        "querystring-with-query",
        [
            ("arazzo: 1.0.1", "arazzo: 1.1.0"),
            (
                "            value: $inputs.petId\n",
                "            value: $inputs.petId\n          - {name: q, in: querystring, "
                "value: 'a=1'}\n          - {name: verbose, in: query, value: true}\n",
            ),
        ],
        "query, value: true",
    ),
    Case(
        "missing-required-parameter",
        [
            (
                "          - name: X-Tenant\n            in: header\n",
                "          - name: X-Other\n            in: header\n",
            )
        ],
        "addPet",
    ),
    Case(
        "unknown-parameter",
        [
            (
                "            value: $inputs.petId\n",
                "            value: $inputs.petId\n          - name: limit\n            in: query\n"
                "            value: 5\n",
            )
        ],
        "limit",
    ),
    Case(
        "unreachable-step",
        [
            (
                "          - condition: $statusCode == 200\n",
                "          - condition: $statusCode == 200\n        onSuccess:\n"
                "          - {name: done, type: end}\n",
            )
        ],
        "add",
        1,
    ),
    Case("naming-convention", [("workflowId: adopt", "workflowId: adopt pet")], "adopt pet"),
    # -- Arazzo 1.1
    Case(
        "action-parameter-in",
        [
            ("arazzo: 1.0.1", "arazzo: 1.1.0"),
            (
                "          - condition: $statusCode == 200\n",
                "          - condition: $statusCode == 200\n        onSuccess:\n"
                "          - name: jump\n            type: goto\n            workflowId: other\n"
                "            criteria: [{condition: $statusCode == 201}]\n"
                "            parameters: [{name: petId, in: cookie, value: '1'}]\n",
            ),
            (WORKFLOW_END, WORKFLOW_END + SECOND_WORKFLOW),
        ],
        "cookie",
    ),
    Case(
        "step-dependency-cycle",
        [
            ("arazzo: 1.0.1", "arazzo: 1.1.0"),
            (STEP_FIND, STEP_FIND + "        dependsOn: [add]\n"),
        ],
        "find",
    ),
    Case(
        "forward-step-reference",
        [
            ("arazzo: 1.0.1", "arazzo: 1.1.0"),
            ("            value: $inputs.petId", "            value: $steps.add.outputs.id"),
            (
                "            name: $steps.find.outputs.name\n",
                "            name: x\n        outputs:\n          id: $statusCode\n",
            ),
        ],
        "$steps.add.outputs.id",
    ),
    Case(
        "invalid-asyncapi",
        with_message_step(),
        "events.asyncapi.yaml",
        asyncapi_edits=[("action: send", "action: publish")],
    ),
    Case("missing-action", with_message_step(("        action: receive\n", "")), "stepId: wait"),
    Case(
        "correlation-on-send",
        with_message_step(("action: receive", "action: send")),
        "$inputs.tenant\n        timeout",
    ),
    Case(
        "unresolved-channel",
        with_message_step(
            (
                "operationId: $sourceDescriptions.events.onPetAdded",
                "channelPath: '{$sourceDescriptions.events.url}#/channels/nope'",
            )
        ),
        "'{$sourceDescriptions.events.url}#/channels/nope'",
    ),
    Case(
        "uncorrelated-receive",
        with_message_step(("events.onPetAdded", "events.notePlain")),
        "$inputs.tenant\n        timeout",
    ),
    Case(
        "missing-channel-parameter",
        with_message_step(("in: path, value:", "in: header, value:")),
        "$sourceDescriptions.events.onPetAdded",
    ),
    Case(
        "message-mismatch",
        with_message_step(("in: path, value:", "in: query, value:")),
        "petId, in: query",
    ),
]


# Reported by model.py, whose messages say what is wrong and are kept as they are.
FROM_THE_MODEL = {
    "duplicate-workflow-id",
    "duplicate-step-id",
    "duplicate-source-name",
    "invalid-reference",
    "unresolved-component",
    "unresolved-input-reference",
    "invalid-expression",
    "invalid-criterion",
    "invalid-criterion-type",
}


def test_every_rule_has_a_case() -> None:
    covered = {case.rule for case in CASES} | {"invalid-structure"}  # see test_schema.py
    assert covered == set(RULES)


def test_the_clean_document_has_no_diagnostics(tmp_path: Path) -> None:
    assert validate_text(tmp_path, CLEAN) == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule)
def test_rule_is_reported_with_its_severity_and_position(tmp_path: Path, case: Case) -> None:
    document = case.document()
    if case.rule == "unqualified-operation-id":
        (tmp_path / "copy.openapi.yaml").write_text(
            OPENAPI.replace("operationId: getPet", "operationId: getPetCopy")
            .replace("operationId: addPet", "operationId: addPetCopy")
            .replace("operationId: broken", "operationId: brokenCopy")
        )
    found = validate_text(tmp_path, document, case.openapi(), case.asyncapi())
    matching = [d for d in found if d.rule == case.rule]
    assert matching, [f"{d.rule}: {d.message}" for d in found]
    diagnostic = matching[0]
    assert diagnostic.severity is RULES[case.rule].severity
    assert diagnostic.location is not None
    if case.rule == "unreadable-file":
        assert diagnostic.location.line is not None
        return
    line, column = position(document, case.needle, case.occurrence)
    assert (diagnostic.location.line, diagnostic.location.column) == (line, column + case.offset), (
        diagnostic.render()
    )
    assert diagnostic.message
    if RULES[case.rule].group != "structure" and case.rule not in FROM_THE_MODEL:
        assert diagnostic.hint, f"{case.rule} should say how to fix it"
