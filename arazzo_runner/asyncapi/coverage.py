"""Whether a message step's parameters and payload fit its channel and message.

The counterpart of ``openapi/coverage.py`` for AsyncAPI steps, shared by
``arazzo validate`` and a run's preparation:

- every ``{parameter}`` of the channel address needs an ``in: path`` parameter
  or a default (``missing-channel-parameter``);
- ``in: path`` parameters the address lacks, ``in: header`` parameters the
  message's headers schema does not list (when it lists any), ``query`` and
  ``cookie`` parameters (messages have neither), and a literal payload that
  breaks the message's payload schema are ``message-mismatch`` warnings;
- a ``correlationId`` needs a message with a ``correlationId.location`` to
  match it against (``uncorrelated-receive``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..document import Parameter, Step, Workflow, join_pointer
from ..expressions import Literal
from ..openapi.resolve import ResolutionProblem
from .resolve import MessageTarget


def _parameters(workflow: Workflow, step: Step) -> list[Parameter]:
    merged = {(p.name, p.location): p for p in workflow.parameters}
    merged.update({(p.name, p.location): p for p in step.parameters})
    return list(merged.values())


def target_pointer(step: Step) -> str:
    """The step's field that names its channel or operation."""
    for name, value in (
        ("channelPath", step.channel_path),
        ("operationId", step.operation_id),
        ("operationPath", step.operation_path),
    ):
        if value is not None:
            return join_pointer(step.pointer, name)
    return step.pointer


def check_message_step(
    workflow: Workflow, step: Step, target: MessageTarget
) -> Iterator[ResolutionProblem]:
    """Every way ``step`` does not fit ``target``."""
    parameters = _parameters(workflow, step)
    yield from _channel_parameters(step, target, parameters)
    yield from _headers_and_others(step, target, parameters)
    yield from _correlation(step, target)
    if step.action == "send":
        yield from _payload(step, target)


def _channel_parameters(
    step: Step, target: MessageTarget, parameters: list[Parameter]
) -> Iterator[ResolutionProblem]:
    channel = target.channel
    given = {p.name for p in parameters if p.location == "path"}
    for name in channel.parameter_names():
        declared = channel.parameters.get(name)
        if name not in given and (declared is None or declared.default is None):
            yield ResolutionProblem(
                "missing-channel-parameter",
                target_pointer(step),
                f"step '{step.step_id}' gives no value for parameter '{name}' of the address "
                f"'{channel.address}' of channel '{channel.key}'",
                hint=f"add a parameter {{name: {name}, in: path, value: ...}}",
            )
    names = set(channel.parameter_names())
    for parameter in parameters:
        if parameter.location == "path" and parameter.name not in names:
            yield _mismatch(
                parameter,
                f"channel '{channel.key}' ({channel.address}) has no address parameter "
                f"'{parameter.name}'; it is ignored",
                f"its address parameters: {', '.join(sorted(names)) or 'none'}",
            )


def _headers_and_others(
    step: Step, target: MessageTarget, parameters: list[Parameter]
) -> Iterator[ResolutionProblem]:
    declared = {name.lower() for m in target.messages for name in m.header_names()}
    for parameter in parameters:
        if parameter.location in ("query", "cookie"):
            yield _mismatch(
                parameter,
                f"messages have no {parameter.location} parameters; '{parameter.name}' is ignored",
                "use in: header for a message header, in: path for a channel address parameter",
            )
        elif parameter.location == "header" and declared and parameter.name.lower() not in declared:
            yield _mismatch(
                parameter,
                f"the message's headers do not include '{parameter.name}'; it is sent anyway",
                f"its headers: {', '.join(sorted(declared))}",
            )


def _correlation(step: Step, target: MessageTarget) -> Iterator[ResolutionProblem]:
    if step.correlation_id is None or step.action != "receive":
        return
    if not target.correlation_locations():
        yield ResolutionProblem(
            "uncorrelated-receive",
            join_pointer(step.pointer, "correlationId"),
            f"step '{step.step_id}' has a correlationId, but no message of {target.label} "
            "says where its correlation id is (correlationId.location)",
            hint="add correlationId: {location: '$message.header#/<name>'} to the message in "
            "the AsyncAPI description, or remove the step's correlationId",
        )


def _payload(step: Step, target: MessageTarget) -> Iterator[ResolutionProblem]:
    """A payload written without expressions, checked against the message's schema."""
    body = step.request_body
    schemas = [m.payload for m in target.messages if isinstance(m.payload, dict | bool)]
    if body is None or not isinstance(body.payload, Literal) or len(schemas) != 1:
        return
    problem = _schema_problem(body.payload.value, schemas[0])
    if problem is not None:
        yield ResolutionProblem(
            "message-mismatch",
            join_pointer(body.pointer, "payload"),
            f"the payload does not fit the message of {target.label}: {problem}",
            hint="check it against the message's payload schema in the AsyncAPI description",
            blocking=False,
        )


def _schema_problem(value: Any, schema: Any) -> str | None:
    from jsonschema import Draft7Validator  # only documents with literal payloads need it
    from jsonschema.exceptions import best_match

    try:
        error = best_match(Draft7Validator(schema).iter_errors(value))
    except Exception:  # a schema with $refs to elsewhere: not checked here
        return None
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{error.message}" + (f" (at /{where})" if where else "")


def _mismatch(parameter: Parameter, message: str, hint: str) -> ResolutionProblem:
    return ResolutionProblem(
        "message-mismatch", join_pointer(parameter.pointer, "name"), message, hint, blocking=False
    )
