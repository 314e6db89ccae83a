"""Finding the channel (and operation) an Arazzo 1.1 message step uses.

:func:`resolve_message_step` is to AsyncAPI steps what ``openapi/resolve.py`` is
to HTTP steps: one resolver for ``arazzo validate`` and for a run, returning the
target or a :class:`~arazzo_runner.openapi.ResolutionProblem` at the step's
field. A step is a message step when it has ``action`` or ``channelPath``, or
when its ``operationId`` names an operation of an ``asyncapi`` source.

The step's ``action`` is the runner's point of view and is never compared with
the AsyncAPI operation's own ``action`` (they are often opposite: a service that
*receives* orders is sent one by the workflow).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote

from ..document import OPERATION_PATH, SOURCE_REFERENCE, ArazzoDocument, SourceDescription, Step
from ..document import join_pointer as _join
from ..openapi.resolve import ResolutionProblem
from .description import AsyncAPIDescription
from .model import AsyncOperation, Channel, Message

ACTIONS = ("send", "receive")


@dataclass(frozen=True)
class MessageTarget:
    """What a message step sends to or receives from."""

    description: AsyncAPIDescription
    channel: Channel
    operation: AsyncOperation | None
    """None for a step that names its channel with ``channelPath``."""
    messages: tuple[Message, ...]

    @property
    def source(self) -> str:
        return self.description.name

    @property
    def label(self) -> str:
        if self.operation is not None:
            return f"{self.operation.operation_id} ({self.channel.address})"
        return f"channel {self.channel.key} ({self.channel.address})"

    def correlation_locations(self) -> list[str]:
        """The distinct correlation id locations of the messages (usually one)."""
        found = [m.correlation.text for m in self.messages if m.correlation is not None]
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class MessageResolution:
    target: MessageTarget | None = None
    problem: ResolutionProblem | None = None
    advice: tuple[ResolutionProblem, ...] = ()


class AsyncSources(Protocol):
    def asyncapi(self, source: SourceDescription) -> AsyncAPIDescription | None:
        """The source's AsyncAPI description; None when it was not read (offline, remote)."""


def resolve_message_step(
    document: ArazzoDocument, step: Step, sources: AsyncSources
) -> MessageResolution:
    """The channel and operation of a message step, or why it has none."""
    found = _find(document, step, sources)
    problems = [*found.advice]
    if found.problem is not None:
        return MessageResolution(problem=found.problem, advice=found.advice)
    action_problem = _check_action(step)
    if action_problem is not None:
        return MessageResolution(found.target, action_problem, tuple(problems))
    return found


def _check_action(step: Step) -> ResolutionProblem | None:
    if step.action is None:
        return ResolutionProblem(
            "missing-action",
            step.pointer,
            f"step '{step.step_id}' uses an AsyncAPI channel but has no 'action'",
            hint="add action: send (to publish a message) or action: receive (to wait for one)",
        )
    if step.action not in ACTIONS:
        return ResolutionProblem(
            "invalid-value",
            _join(step.pointer, "action"),
            f"the action of step '{step.step_id}' is '{step.action}'; it must be send or receive",
        )
    if step.correlation_id is not None and step.action != "receive":
        return ResolutionProblem(
            "correlation-on-send",
            _join(step.pointer, "correlationId"),
            f"step '{step.step_id}' sends a message, and correlationId applies only to "
            "receive steps",
            hint="put the correlation value in the message (a header or payload field) and "
            "give correlationId to the step that receives the reply",
        )
    return None


def _find(document: ArazzoDocument, step: Step, sources: AsyncSources) -> MessageResolution:
    if step.channel_path is not None:
        return _by_channel_path(document, step, step.channel_path, sources)
    if step.operation_id is not None:
        return _by_operation_id(document, step, step.operation_id, sources)
    if step.operation_path is not None:
        return _by_operation_path(document, step, step.operation_path, sources)
    return MessageResolution(
        problem=ResolutionProblem(
            "missing-step-target",
            step.pointer,
            f"step '{step.step_id}' has an action but names no channel",
            hint="add operationId: $sourceDescriptions.<name>.<operationId> or channelPath: "
            "'{$sourceDescriptions.<name>.url}#/channels/<channel>'",
        )
    )


def _by_channel_path(
    document: ArazzoDocument, step: Step, path: str, sources: AsyncSources
) -> MessageResolution:
    pointer = _join(step.pointer, "channelPath")
    match = OPERATION_PATH.match(path)
    if match is None:
        return _failed(
            "unresolved-channel",
            pointer,
            f"channelPath '{path}' is not of the form "
            "'{$sourceDescriptions.<name>.url}#/channels/<channel>'",
            hint="e.g. channelPath: '{$sourceDescriptions.events.url}#/channels/orders'",
        )
    description = _description(document, match.group(2), pointer, sources)
    if isinstance(description, MessageResolution):
        return description
    fragment = unquote(match.group(4))
    channel = description.channel_at(fragment)
    if channel is None:
        known = ", ".join(c.key for c in description.channels()) or "none"
        return _failed(
            "unresolved-channel",
            pointer,
            f"source description '{description.name}' has no channel at '#{fragment}'",
            hint=f"its channels: {known} (written #/channels/<name>, '/' escaped as '~1')",
        )
    return MessageResolution(MessageTarget(description, channel, None, channel.messages))


def _by_operation_id(
    document: ArazzoDocument, step: Step, operation_id: str, sources: AsyncSources
) -> MessageResolution:
    pointer = _join(step.pointer, "operationId")
    match = SOURCE_REFERENCE.match(operation_id)
    if match is not None:
        return _operation_in(document, match.group(1), match.group(2), pointer, sources)
    candidates = [s for s in document.source_descriptions if s.type == "asyncapi"]
    found = []
    for source in candidates:
        description = sources.asyncapi(source)
        if description is None:
            return MessageResolution()  # it may be in a source that was not read
        operation = description.by_operation_id(operation_id)
        if operation is not None:
            found.append(_target(description, operation))
    if len(found) == 1:
        return MessageResolution(found[0])
    names = ", ".join(s.name for s in candidates) or "none"
    if found:
        return _failed(
            "ambiguous-operation-id",
            pointer,
            f"operationId '{operation_id}' exists in several AsyncAPI source descriptions "
            f"({names})",
            hint=f"qualify it: $sourceDescriptions.{found[0].source}.{operation_id}",
        )
    return _failed(
        "unresolved-operation",
        pointer,
        f"no AsyncAPI operation with operationId '{operation_id}' in the source descriptions "
        f"({names})",
        hint="check it against the operations of the AsyncAPI descriptions",
    )


def _by_operation_path(
    document: ArazzoDocument, step: Step, path: str, sources: AsyncSources
) -> MessageResolution:
    # The spec's own 1.1 example writes operationPath: $sourceDescriptions.<name>.<operationId>
    # for AsyncAPI operations. That is an error (asyncapi-operation-path, as the 1.1 schema
    # refuses it, docs/semantics.md); the step is still read as the operationId it stands
    # for, so that the rest of it is checked in the same pass.
    pointer = _join(step.pointer, "operationPath")
    match = SOURCE_REFERENCE.match(path)
    if match is not None and not path.endswith(".url") and "#" not in path:
        found = _operation_in(document, match.group(1), match.group(2), pointer, sources)
        advice = ResolutionProblem(
            "asyncapi-operation-path",
            pointer,
            f"operationPath '{path}' names an AsyncAPI operation by its operationId",
            hint=f"write operationId: {path}",
        )
        return MessageResolution(found.target, found.problem, (*found.advice, advice))
    operation_path = OPERATION_PATH.match(path)
    if operation_path is not None and operation_path.group(4).startswith("/channels/"):
        advice = ResolutionProblem(
            "asyncapi-operation-path",
            pointer,
            f"operationPath '{path}' points at an AsyncAPI channel",
            hint=f"write channelPath: '{path}'",
        )
        found = _by_channel_path(document, step, path, sources)
        return MessageResolution(found.target, found.problem, (*found.advice, advice))
    return _failed(
        "invalid-operation-path",
        pointer,
        f"operationPath '{path}' does not name an AsyncAPI operation or channel",
        hint="AsyncAPI steps use operationId: $sourceDescriptions.<name>.<operationId> or "
        "channelPath: '{$sourceDescriptions.<name>.url}#/channels/<channel>'",
    )


def _operation_in(
    document: ArazzoDocument, name: str, operation_id: str, pointer: str, sources: AsyncSources
) -> MessageResolution:
    description = _description(document, name, pointer, sources)
    if isinstance(description, MessageResolution):
        return description
    operation = description.by_operation_id(operation_id)
    if operation is None:
        known = ", ".join(op.operation_id for op in description.operations()) or "none"
        return _failed(
            "unresolved-operation",
            pointer,
            f"source description '{name}' has no operation '{operation_id}'",
            hint=f"its operations: {known}",
        )
    return MessageResolution(_target(description, operation))


def _description(
    document: ArazzoDocument, name: str, pointer: str, sources: AsyncSources
) -> AsyncAPIDescription | MessageResolution:
    source = document.source(name)
    if source is None:
        names = ", ".join(s.name for s in document.source_descriptions) or "none"
        return _failed(
            "unknown-source",
            pointer,
            f"no source description named '{name}'",
            hint=f"source descriptions: {names}",
        )
    if source.type != "asyncapi":
        kind = f"is of type '{source.type}'" if source.type else "has no type (read as openapi)"
        return _failed(
            "unresolved-channel",
            pointer,
            f"source description '{name}' {kind}; channels and message operations come from "
            "'asyncapi' source descriptions",
            hint=f"give source description '{name}' type: asyncapi if it is an AsyncAPI "
            "description",
        )
    description = sources.asyncapi(source)
    if description is None:
        return MessageResolution()
    return description


def _target(description: AsyncAPIDescription, operation: AsyncOperation) -> MessageTarget:
    return MessageTarget(description, operation.channel, operation, operation.messages)


def _failed(rule: str, pointer: str, message: str, hint: str | None = None) -> MessageResolution:
    return MessageResolution(problem=ResolutionProblem(rule, pointer, message, hint))
