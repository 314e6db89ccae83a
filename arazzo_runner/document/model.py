"""The Arazzo document model: typed objects with every expression and criterion compiled.

The model is built once per load (``build.py``), after the document's structure
has been checked; running a workflow many times never re-parses anything.
Every object keeps the JSON pointer it was read from, so any problem found
later can be reported at its file, line and column.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from ..criteria import CompiledCriterion
from ..diagnostics import Diagnostic, Diagnostics, DocumentInvalid
from ..errors import SourceLocation
from ..expressions import CompiledValue
from .parsing import LoadedDocument
from .reading import LoadOptions
from .syntax import spec_minor


class ReadDocuments(Protocol):
    """Documents already read, by URI (the openapi layer's ``DocumentCache``)."""

    options: LoadOptions

    def get(self, uri: str) -> LoadedDocument: ...


class ActionKind(StrEnum):
    """Whether an action runs after success or failure; the value names its components section."""

    SUCCESS = "successActions"
    FAILURE = "failureActions"


@dataclass
class Info:
    title: str
    version: str
    summary: str | None = None
    description: str | None = None


@dataclass
class SourceDescription:
    name: str
    url: str
    type: str | None
    pointer: str

    def as_expression_value(self) -> dict[str, Any]:
        """What ``$sourceDescriptions.<name>`` evaluates to."""
        return {"name": self.name, "url": self.url, "type": self.type}


@dataclass
class Parameter:
    name: str
    location: str | None  # the spec's ``in``; None only for workflow-call steps
    value: CompiledValue
    pointer: str
    """Where the step or workflow lists it: the Reusable Object, for a component."""
    value_pointer: str = ""
    """Where ``value`` is written: under ``pointer``, or in the component it comes from."""
    reference: str | None = None
    """The component it comes from (``/components/parameters/<name>``), if any."""


@dataclass
class Criterion:
    condition: str
    type: str | Mapping[str, Any] | None
    context: str | None
    compiled: CompiledCriterion
    pointer: str


@dataclass
class Action:
    """A success or failure action (control flow after a step)."""

    name: str
    type: str
    workflow_id: str | None
    step_id: str | None
    criteria: list[Criterion]
    retry_after: float | None
    retry_limit: int | None
    pointer: str
    """Where the action is written: the component, for a Reusable Object."""
    reference: str | None = None
    """The Reusable Object in the list that brought it in, if it is a component."""
    conditional: bool = False
    """Whether the action has criteria, also when they do not compile (and are not in
    ``criteria``): such an action does not always apply."""
    parameters: list[Parameter] = field(default_factory=list)
    """Arazzo 1.1: the inputs of the workflow a ``workflowId`` action transfers to."""
    has_parameters: bool = False
    """Whether the action lists ``parameters`` at all (an empty or unreadable list too)."""

    @property
    def used_at(self) -> str:
        """The list item that puts the action in effect (a problem with using it belongs there)."""
        return self.reference or self.pointer


@dataclass
class PayloadReplacement:
    target: str
    value: CompiledValue
    pointer: str
    target_type: str | None = None
    """Arazzo 1.1 ``targetSelectorType`` (``jsonpointer``, ``jsonpath``, ``xpath``);
    None when not given, which means a JSON Pointer, or XPath for an XML body."""
    target_version: str | None = None
    """The version of ``target_type`` (its default when only the name is given)."""
    compiled_target: Any = None
    """A JSONPath target, compiled once (``criteria.JsonPathQuery``)."""


@dataclass
class RequestBody:
    content_type: str | None
    payload: CompiledValue | None
    has_payload: bool
    replacements: list[PayloadReplacement]
    pointer: str


@dataclass
class Step:
    step_id: str
    pointer: str
    description: str | None = None
    operation_id: str | None = None
    operation_path: str | None = None
    workflow_id: str | None = None
    parameters: list[Parameter] = field(default_factory=list)
    request_body: RequestBody | None = None
    success_criteria: list[Criterion] = field(default_factory=list)
    on_success: list[Action] = field(default_factory=list)
    on_failure: list[Action] = field(default_factory=list)
    outputs: dict[str, CompiledValue] = field(default_factory=dict)
    output_names: tuple[str, ...] = ()
    """Every output the step declares, also those whose value does not compile."""
    timeout: int | None = None
    """Arazzo 1.1: the most milliseconds one attempt of the step may take."""
    depends_on: list[str] = field(default_factory=list)
    """Arazzo 1.1: steps that must have completed first (a stepId,
    ``$workflows.<id>.steps.<stepId>`` or ``$sourceDescriptions.<name>.<id>.steps.<stepId>``)."""
    # Arazzo 1.1 steps on AsyncAPI channels (read from 1.1 documents only).
    channel_path: str | None = None
    action: str | None = None
    """``send`` or ``receive``: the runner's point of view, never the AsyncAPI operation's."""
    correlation_id: CompiledValue | None = None

    @property
    def is_message_step(self) -> bool:
        """Whether the step sends or receives a message (it has ``action`` or ``channelPath``)."""
        return self.action is not None or self.channel_path is not None


@dataclass
class Workflow:
    workflow_id: str
    pointer: str
    steps: list[Step]
    summary: str | None = None
    description: str | None = None
    inputs: dict[str, Any] | None = None
    input_schema: dict[str, Any] | None = None
    """``inputs`` with local ``$ref``s followed at the top and for each property,
    which is what converting and defaulting inputs needs."""
    depends_on: list[str] = field(default_factory=list)
    success_actions: list[Action] = field(default_factory=list)
    failure_actions: list[Action] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    outputs: dict[str, CompiledValue] = field(default_factory=dict)
    output_names: tuple[str, ...] = ()
    """Every output the workflow declares, also those whose value does not compile."""
    file: str = ""
    """The document it is written in, as locations name it ("" when not known)."""

    @property
    def input_properties(self) -> dict[str, Any]:
        """The inputs it declares: the ``properties`` of its inputs schema, ``$ref``s followed."""
        return schema_properties(self.input_schema)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.step_id == step_id), None)


@dataclass
class ArazzoDocument:
    version: str
    info: Info
    source_descriptions: list[SourceDescription]
    workflows: list[Workflow]
    components: dict[str, Any]
    document: LoadedDocument
    documents: ReadDocuments | None = field(default=None, compare=False, repr=False)
    """The source descriptions (and files they refer to) already read while the document
    was validated, for the run to reuse instead of reading and parsing them again."""

    @property
    def minor_version(self) -> str:
        """``"1.0"`` or ``"1.1"``: which version's rules this document is read by."""
        return spec_minor(self.version) or "1.0"

    @property
    def is_1_1(self) -> bool:
        """Whether the document declares Arazzo 1.1 (and gets the 1.1 rules)."""
        return self.minor_version == "1.1"

    @property
    def self_uri(self) -> str | None:
        """What the ``$self`` expression gives (Arazzo 1.1): the document's ``$self``,
        resolved against where it was read, as an absolute URI (``file:`` for a local
        file); None when the document has no ``$self``."""
        identity = self.document.self_uri
        if identity is None or not self.is_1_1:
            return None
        if urlsplit(identity).scheme or not os.path.isabs(identity):
            return identity
        return Path(identity).as_uri()

    def workflow(self, workflow_id: str) -> Workflow | None:
        return next((w for w in self.workflows if w.workflow_id == workflow_id), None)

    def source(self, name: str) -> SourceDescription | None:
        return next((s for s in self.source_descriptions if s.name == name), None)

    def location(self, pointer: str, *, key: bool = False) -> SourceLocation:
        return self.document.location(pointer, key=key)


# --------------------------------------------------------------------------- scoping errors

_WORKFLOW_POINTER = re.compile(r"^/workflows/\d+(?=/|$)")


def workflow_pointer_of(diagnostic: Diagnostic) -> str | None:
    """The pointer of the workflow a diagnostic lies in, or None if it is document-wide.

    A workflow's ``workflowId`` is how the rest of the document names it, so a
    problem with it (a duplicate) concerns the whole document.
    """
    pointer = diagnostic.location.pointer if diagnostic.location else None
    match = _WORKFLOW_POINTER.match(pointer or "")
    if match is None or pointer == f"{match.group(0)}/workflowId":
        return None
    return match.group(0)


def errors_in(workflow: Workflow, diagnostics: Diagnostics) -> list[Diagnostic]:
    """The errors that lie inside ``workflow``.

    The file is compared too: a run's diagnostics also hold those of the other
    Arazzo documents it calls, whose workflows have the same pointers.
    """
    return [
        d
        for d in diagnostics.errors
        if workflow_pointer_of(d) == workflow.pointer
        and (not workflow.file or d.location is None or d.location.file == workflow.file)
    ]


def check_workflow(workflow: Workflow, diagnostics: Diagnostics) -> None:
    """Raise :class:`DocumentInvalid` if ``diagnostics`` hold errors inside ``workflow``."""
    errors = errors_in(workflow, diagnostics)
    if errors:
        raise DocumentInvalid(errors)


def schema_properties(schema: Any) -> dict[str, Any]:
    """The ``properties`` of a JSON Schema object; empty for anything else."""
    if isinstance(schema, Mapping) and isinstance(schema.get("properties"), Mapping):
        return dict(schema["properties"])
    return {}


def effective_actions(workflow_actions: list[Action], step_actions: list[Action]) -> list[Action]:
    """A step's actions first, then the workflow's that the step does not override by name."""
    if not workflow_actions:
        return step_actions  # only read by the callers: no copy needed
    overridden = {action.name for action in step_actions}
    return [*step_actions, *(a for a in workflow_actions if a.name not in overridden)]
