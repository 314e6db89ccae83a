"""Whether a step supplies the parameters its operation needs: one check for every caller.

``arazzo validate``, ``arazzo run`` and ``--dry-run`` report the same problems
in the same words, whether the OpenAPI description is a local file or a URL
(see "Parameters a step must supply" in docs/semantics.md):

* every ``{name}`` in the operation's path must be supplied as a path
  parameter: without it there is no URL to send to (an error);
* every other parameter the operation marks ``required`` should be supplied,
  unless the server has a ``default`` for it, or it is one of the headers
  OpenAPI says to ignore (a warning: the server may refuse the request);
* a path or query parameter the operation does not declare is probably
  misspelt (a warning; only when every declared parameter could be read);
* a declared parameter whose ``$ref`` leads nowhere is ignored (a warning);
* an ``in: querystring`` parameter (Arazzo 1.1, OpenAPI 3.2) is the whole query
  string: a query parameter or a second querystring parameter beside it is an
  error.

Header names are compared without regard to case; the workflow's parameters
count as supplied by each of its steps.
"""

from __future__ import annotations

from ..document import PATH_TEMPLATE, Parameter, Step, Workflow, join_pointer
from .description import Operation, OperationParameter, UnreadParameter
from .resolve import ResolutionProblem

# OpenAPI 3.x: header parameters named Accept, Content-Type or Authorization "SHALL be
# ignored"; the request body and the security schemes decide those headers.
IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


def check_parameters(
    workflow: Workflow, step: Step, operation: Operation
) -> list[ResolutionProblem]:
    """The problems with the parameters ``step`` supplies to ``operation``, in that order."""
    target = "operationPath" if step.operation_path is not None else "operationId"
    pointer = join_pointer(step.pointer, target)
    declared = operation.declared_parameters()
    problems = [_broken(step, operation, unread, pointer) for unread in declared.unread
                if unread.broken is not None]  # fmt: skip
    given = [*workflow.parameters, *step.parameters]
    supplied = {(p.name, p.location) for p in given}
    problems += _querystring_with_query(step, given)
    path_names = PATH_TEMPLATE.findall(operation.path)
    problems += [
        _missing_path_parameter(step, operation, name, pointer)
        for name in path_names
        if (name, "path") not in supplied
    ]
    problems += [
        _missing_required(step, operation, parameter, pointer)
        for parameter in declared.parameters
        if _expected(parameter) and not _is_supplied(supplied, parameter)
    ]
    if not declared.unread:
        known = {(p.name, p.location) for p in declared.parameters}
        known |= {(name, "path") for name in path_names}
        # There is one query string: a querystring parameter matches whatever its name.
        known |= {(p.name, "querystring") for p in step.parameters
                  if any(d.location == "querystring" for d in declared.parameters)}  # fmt: skip
        problems += [
            _unknown(operation, parameter)
            for parameter in step.parameters
            if parameter.location in ("path", "query", "querystring")
            and (parameter.name, parameter.location) not in known
        ]
    return problems


def _querystring_with_query(step: Step, given: list[Parameter]) -> list[ResolutionProblem]:
    """An ``in: querystring`` parameter is the whole query string: nothing else can join it."""
    whole = [p for p in given if p.location == "querystring"]
    if not whole:
        return []
    others = [p for p in given if p.location == "query"] + whole[1:]
    if not others:
        return []
    other = others[0]
    what = "query parameter" if other.location == "query" else "second querystring parameter"
    return [
        ResolutionProblem(
            "querystring-with-query",
            join_pointer(other.pointer, "in") if other.reference is None else other.pointer,
            f"step '{step.step_id}' sends the {what} '{other.name}' with the querystring "
            f"parameter '{whole[0].name}', which is the whole query string",
            hint="put every query field in the querystring parameter's value "
            "(for example: a=1&b={$inputs.b}), or use only query parameters",
        )
    ]


def _expected(parameter: OperationParameter) -> bool:
    """Whether a step should supply ``parameter`` (path parameters: see the path template)."""
    if parameter.location == "path" or not parameter.required:
        return False
    if parameter.location == "header" and parameter.name.lower() in IGNORED_HEADERS:
        return False
    schema = parameter.raw.get("schema")
    return not (isinstance(schema, dict) and "default" in schema)


def _is_supplied(supplied: set[tuple[str, str | None]], parameter: OperationParameter) -> bool:
    if parameter.location == "querystring":  # the one query string, whatever its name
        return any(loc == "querystring" for _, loc in supplied)
    if parameter.location == "header":  # header names ignore case
        wanted = parameter.name.lower()
        return any(n.lower() == wanted and loc == "header" for n, loc in supplied)
    return (parameter.name, parameter.location) in supplied


def _missing_path_parameter(
    step: Step, operation: Operation, name: str, pointer: str
) -> ResolutionProblem:
    return ResolutionProblem(
        "missing-path-parameter",
        pointer,
        f"step '{step.step_id}' does not supply path parameter '{name}' of {operation.label}",
        hint=f"add a parameter with name: {name} and in: path",
    )


def _missing_required(
    step: Step, operation: Operation, parameter: OperationParameter, pointer: str
) -> ResolutionProblem:
    name, location = parameter.name, parameter.location
    return ResolutionProblem(
        "missing-required-parameter",
        pointer,
        f"step '{step.step_id}' does not supply the required {location} parameter '{name}' "
        f"of {operation.label}",
        hint=f"add a parameter with name: {name} and in: {location}, or set it at the "
        "workflow level",
        blocking=False,
    )


def _unknown(operation: Operation, parameter: Parameter) -> ResolutionProblem:
    # A component's name is written in the component; the step uses it at the reference.
    in_place = parameter.reference is None
    return ResolutionProblem(
        "unknown-parameter",
        join_pointer(parameter.pointer, "name") if in_place else parameter.pointer,
        f"{operation.label} has no {parameter.location} parameter '{parameter.name}'",
        hint="check the name against the operation's parameters",
        blocking=False,
    )


def _broken(
    step: Step, operation: Operation, unread: UnreadParameter, pointer: str
) -> ResolutionProblem:
    return ResolutionProblem(
        "broken-ref",
        pointer,
        f"a parameter of {operation.label}, used by step '{step.step_id}', is a broken "
        f"reference: {unread.location}: {unread.broken}",
        hint="fix the $ref in the OpenAPI description; until then the parameter is ignored",
        blocking=False,
    )
