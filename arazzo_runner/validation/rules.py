"""The rules ``arazzo validate`` checks: a stable id, a default severity, a summary.

Rule ids are part of the command's contract: CI configurations, SARIF viewers
and the corpus expectations refer to them, so an id is never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Severity

ERROR = Severity.ERROR
WARNING = Severity.WARNING


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    group: str


_TABLE: tuple[tuple[str, Severity, str, str], ...] = (
    # -- reading
    ("unreadable-file", ERROR, "reading", "The file cannot be read or is not valid YAML/JSON."),
    # -- structure (the Arazzo schema and the model)
    ("required-field", ERROR, "structure", "A required field is missing."),
    ("wrong-type", ERROR, "structure", "A field has the wrong JSON type."),
    ("unknown-field", ERROR, "structure", "A field the specification does not define."),
    ("invalid-value", ERROR, "structure", "A value outside the allowed set or range."),
    ("unsupported-version", ERROR, "structure", "The 'arazzo' version is not 1.0.x or 1.1.x."),
    (
        "needs-arazzo-1.1",
        ERROR,
        "structure",
        "A field Arazzo 1.1 defines, in a document that declares 1.0.",
    ),
    ("empty-list", ERROR, "structure", "A list that must have at least one entry is empty."),
    ("duplicate-item", ERROR, "structure", "A list holds the same item twice."),
    ("invalid-name", ERROR, "structure", "A map key does not match ^[a-zA-Z0-9.\\-_]+$."),
    ("non-string-key", ERROR, "structure", "A YAML mapping key is not a string."),
    ("invalid-structure", ERROR, "structure", "An object matches none of its allowed shapes."),
    ("missing-step-target", ERROR, "structure", "A step has no operationId/operationPath/..."),
    ("conflicting-step-target", ERROR, "structure", "A step has more than one target."),
    (
        "asyncapi-operation-path",
        ERROR,
        "structure",
        "An AsyncAPI step (with an action) names its target with operationPath (Arazzo 1.1).",
    ),
    ("missing-goto-target", ERROR, "structure", "A goto action names no stepId or workflowId."),
    ("conflicting-action-target", ERROR, "structure", "An action has a stepId and a workflowId."),
    ("missing-criterion-context", ERROR, "structure", "A typed criterion has no context."),
    ("workflow-step-request-body", ERROR, "structure", "A workflow call has a requestBody."),
    ("invalid-inputs-schema", ERROR, "structure", "A workflow's inputs is not a JSON Schema."),
    (
        "action-parameter-in",
        ERROR,
        "structure",
        "An action parameter with 'in' (it is an input of the workflow it goes to; 1.1).",
    ),
    # -- uniqueness
    ("duplicate-workflow-id", ERROR, "uniqueness", "Two workflows share a workflowId."),
    ("duplicate-step-id", ERROR, "uniqueness", "Two steps of a workflow share a stepId."),
    ("duplicate-source-name", ERROR, "uniqueness", "Two source descriptions share a name."),
    ("duplicate-parameter", ERROR, "uniqueness", "A parameter (name + in) is listed twice."),
    ("duplicate-action-name", ERROR, "uniqueness", "Two actions of one list share a name."),
    # -- references
    ("unknown-source", ERROR, "references", "A source description name that is not defined."),
    ("invalid-operation-path", ERROR, "references", "An operationPath of the wrong form."),
    ("unresolved-operation", ERROR, "references", "No operation with that operationId/path."),
    ("ambiguous-operation-id", ERROR, "references", "An operationId found in several sources."),
    ("unqualified-operation-id", WARNING, "references", "Bare operationId, several sources."),
    ("unknown-workflow", ERROR, "references", "A workflowId that names no workflow."),
    ("unknown-step", ERROR, "references", "A stepId that names no step of the workflow."),
    ("unknown-dependency", ERROR, "references", "A dependsOn entry that names no workflow."),
    ("dependency-cycle", ERROR, "references", "Workflows that depend on each other in a loop."),
    ("step-dependency-cycle", ERROR, "references", "Steps that wait for each other in a loop."),
    ("workflow-recursion", ERROR, "references", "Workflows that always call each other again."),
    ("invalid-reference", ERROR, "references", "A Reusable Object reference of the wrong form."),
    ("unresolved-component", ERROR, "references", "A $components reference to nothing."),
    ("unresolved-input-reference", ERROR, "references", "An inputs $ref to nothing."),
    # -- expressions
    ("invalid-expression", ERROR, "expressions", "A runtime expression that does not parse."),
    ("invalid-criterion", ERROR, "expressions", "A criterion condition/context that is invalid."),
    ("invalid-criterion-type", ERROR, "expressions", "A criterion type/version pair not allowed."),
    ("unknown-input", ERROR, "expressions", "$inputs.X where the workflow declares no X."),
    ("missing-inputs-schema", WARNING, "expressions", "$inputs.X in a workflow without inputs."),
    ("unknown-step-output", ERROR, "expressions", "$steps.X.outputs.Y where X has no output Y."),
    (
        "forward-step-reference",
        ERROR,
        "expressions",
        "$steps.X.outputs of a later step, in a 1.1 workflow without step dependsOn.",
    ),
    (
        "unknown-workflow-output",
        ERROR,
        "expressions",
        "$workflows.X.outputs.Y, or $outputs.Y after calling X, where X has no output Y.",
    ),
    (
        "unknown-source-field",
        ERROR,
        "expressions",
        "$sourceDescriptions.X.Y where Y is not name/url/type: it never resolves.",
    ),
    (
        "invalid-replacement-target",
        ERROR,
        "expressions",
        "A payload replacement target that is not a JSON Pointer (non-XML body).",
    ),
    ("bare-expression", WARNING, "expressions", "An expression inside text without {braces}."),
    ("partial-expression", ERROR, "expressions", "An output that is not one whole expression."),
    ("text-after-expression", WARNING, "expressions", "A value: an expression, then more text."),
    ("unknown-expression-root", WARNING, "expressions", "A value like $datetime.x: literal text."),
    # -- source descriptions
    ("source-not-found", ERROR, "sources", "A source description url that cannot be loaded."),
    ("unreadable-source", ERROR, "sources", "A source description that does not parse."),
    ("invalid-source-type", ERROR, "sources", "A source that is not OpenAPI 3.x / Arazzo."),
    ("unsupported-openapi-version", WARNING, "sources", "An OpenAPI version read as 3.1."),
    (
        "broken-ref",
        WARNING,
        "sources",
        "A $ref in an OpenAPI description that resolves to nothing.",
    ),
    (
        "invalid-asyncapi",
        ERROR,
        "sources",
        "An AsyncAPI description that breaks the official AsyncAPI JSON Schema.",
    ),
    ("missing-path-parameter", ERROR, "operations", "A path parameter the step does not supply."),
    ("missing-required-parameter", WARNING, "operations", "A required parameter not supplied."),
    ("unknown-parameter", WARNING, "operations", "A path/query parameter the operation lacks."),
    (
        "querystring-with-query",
        ERROR,
        "operations",
        "A querystring parameter sent with query parameters (Arazzo 1.1).",
    ),
    # -- AsyncAPI steps (Arazzo 1.1)
    ("missing-action", ERROR, "messages", "A step on an AsyncAPI channel without 'action'."),
    ("correlation-on-send", ERROR, "messages", "A correlationId on a send step."),
    ("unresolved-channel", ERROR, "messages", "A channelPath or AsyncAPI source that is wrong."),
    (
        "uncorrelated-receive",
        ERROR,
        "messages",
        "A correlationId, and no message that says where its correlation id is.",
    ),
    (
        "missing-channel-parameter",
        ERROR,
        "messages",
        "A channel address parameter with no value and no default.",
    ),
    (
        "message-mismatch",
        WARNING,
        "messages",
        "A parameter or payload that does not fit the channel or message.",
    ),
    # -- flow and style
    ("unreachable-step", WARNING, "flow", "A step no execution path can reach."),
    ("naming-convention", WARNING, "style", "An id or name outside [A-Za-z0-9_-]+ (a SHOULD)."),
)

RULES: dict[str, Rule] = {
    rule_id: Rule(rule_id, severity, summary, group) for rule_id, severity, group, summary in _TABLE
}


def severity_of(rule_id: str) -> Severity:
    return RULES[rule_id].severity
