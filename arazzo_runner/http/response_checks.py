"""Checking each response against the OpenAPI operation that produced it.

Four checks, each with a severity (``error``, ``warn`` or ``off``):

* ``status-code-declared``: the status is among the operation's ``responses``
  (an exact code, a ``2XX``-style range, or ``default``);
* ``content-type-declared``: the response's media type is declared for that
  response (``*/*`` and ``type/*`` ranges match; an empty body needs none);
* ``body-schema``: a JSON body is valid against the declared schema;
* ``headers-declared``: every header the response marks ``required`` is there.

:meth:`ResponseChecker.check` returns one :class:`CheckResult` per check that
ran; what a failure does is the caller's to apply: the engine records the
results on the :class:`~arazzo_runner.http.messages.Exchange` (reports show
them), fails the step for a failure at ``error`` and warns for one at
``warn``, its message naming the check and, for a schema violation, the JSON
path of the offending value.

Schemas are validated in OpenAPI's dialects (3.0: ``nullable``, ``writeOnly``,
draft-4 style ``exclusiveMaximum``; 3.1: JSON Schema 2020-12), see
:mod:`arazzo_runner.http.schema_validators`, imported only when a body is
first validated, and only for a body the quick check of
:mod:`arazzo_runner.http.quick_schema` cannot vouch for. The operation is the
one the step called, never found again from the request URL, so ``--server``
pointing elsewhere changes nothing.
Compiled validators are cached per schema, so repeated runs compile once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..document import LoadedDocument, join_pointer
from ..errors import UsageError, did_you_mean
from ..jsontypes import schema_error_text
from ..openapi import Located, Operation, UnresolvableReference, dereference
from .media_types import essence, is_json
from .messages import CheckResult, ResponseRecord, has_header
from .quick_schema import accepts

if TYPE_CHECKING:
    pass

Check = Callable[["_Context", ResponseRecord], tuple[str, str]]
"""One check: (outcome, message) for a response, given what its operation declares."""

_MAX_REPORTED_VIOLATIONS = 3
_MAX_MESSAGE_LENGTH = 300


class CheckSeverity(StrEnum):
    ERROR = "error"
    WARN = "warn"
    OFF = "off"


CHECKS: dict[str, str] = {
    "status-code-declared": "the status code is declared in the operation's responses",
    "content-type-declared": "the response's media type is declared for its status",
    "body-schema": "a JSON body is valid against the declared schema",
    "headers-declared": "every response header marked required is present",
}
"""Check name -> what it verifies."""

DEFAULT_SEVERITY = CheckSeverity.WARN


def valid_names_hint() -> str:
    severities = ", ".join(s.value for s in CheckSeverity)
    return f"checks: {', '.join(CHECKS)}; severities: {severities}"


def parse_severity(name: str, value: object, origin: str) -> CheckSeverity:
    """The severity ``value`` set for check ``name``, or a :class:`UsageError` naming ``origin``."""
    if name not in CHECKS:
        guess = did_you_mean(name, CHECKS)
        hint = f"did you mean '{guess}'? ({valid_names_hint()})" if guess else valid_names_hint()
        raise UsageError(f"{origin}: unknown check '{name}'", hint=hint)
    try:
        return CheckSeverity(str(value).lower())
    except ValueError:
        raise UsageError(
            f"{origin}: '{value}' is not a severity for check '{name}'", hint=valid_names_hint()
        ) from None


def parse_check_option(text: str) -> tuple[str, CheckSeverity]:
    """One ``--check NAME=SEVERITY`` value."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise UsageError(
            f"--check expects NAME=SEVERITY, got '{text}'",
            hint="for example: --check body-schema=error; " + valid_names_hint(),
        )
    return name.strip(), parse_severity(name.strip(), value.strip(), "--check")


def default_severities() -> dict[str, CheckSeverity]:
    return dict.fromkeys(CHECKS, DEFAULT_SEVERITY)


# --------------------------------------------------------------------------- the checker


@dataclass
class _Context:
    """What the checks of one response need from its operation."""

    operation: Operation
    responses: dict[str, Any] | None
    """The operation's ``responses`` map; None when it has none."""
    response_key: str | None = None
    """The key of ``responses`` that matched the status (``200``, ``2XX``, ``default``)."""
    response: Located | None = None
    """The matched response object, ``$ref`` followed."""
    problem: str | None = None
    """Why the matched response object cannot be read."""


@dataclass
class _CachedValidator:
    document: LoadedDocument
    """Held so that the ``id()`` in the cache key cannot be reused by another document."""
    validator: Any


@dataclass
class ResponseChecker:
    """Runs the enabled response checks on each exchange and applies their verdicts."""

    severities: dict[str, CheckSeverity] = field(default_factory=default_severities)
    """Check name -> severity; a check left out keeps the default, ``warn``."""
    _validators: dict[tuple[int, str], _CachedValidator] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name, severity in self.severities.items():
            parse_severity(name, severity, "response checks")
        self.severities = {**default_severities(), **self.severities}

    @property
    def enabled(self) -> bool:
        return any(s is not CheckSeverity.OFF for s in self.severities.values())

    def check(self, operation: Operation, response: ResponseRecord) -> list[CheckResult]:
        """Run the enabled checks on ``response`` to ``operation``: each one's result, in order.

        Nothing is marked or reported here: a result that ``failed`` is a
        verdict for the caller, whose ``severity`` says what it asks for.
        """
        if not self.enabled:
            return []
        context = _context_for(operation, response.status_code)
        results = []
        for name, check in self._active_checks():
            outcome, message = check(context, response)
            results.append(CheckResult(name, outcome, self.severities[name].value, message))
        return results

    def _active_checks(self) -> Iterator[tuple[str, Check]]:
        functions: dict[str, Check] = {
            "status-code-declared": _check_status,
            "content-type-declared": _check_content_type,
            "body-schema": self._check_body,
            "headers-declared": _check_headers,
        }
        for name, function in functions.items():
            if self.severities[name] is not CheckSeverity.OFF:
                yield name, function

    # -- body-schema

    def _check_body(self, context: _Context, response: ResponseRecord) -> tuple[str, str]:
        media = _matched_media(context, response)
        if isinstance(media, str):
            return "skipped", media
        schema_node = _schema_of(media)
        if schema_node is None:
            return "skipped", "the description declares no schema for this response"
        if not response.content:
            return "skipped", "the response has no body"
        if not is_json(response.media_type):
            return "skipped", f"bodies of type {response.media_type or '(none)'} are not validated"
        try:
            body = json.loads(response.content)
        except ValueError as exc:
            return "failed", f"the body is not valid JSON ({exc})"
        version = context.operation.description.version
        if accepts(schema_node.value, schema_node.document.data, body, openapi_version=version):
            return "passed", ""  # certainly valid: no validator to import or compile
        try:
            validator = self._validator(context.operation, schema_node)
            violations = sorted(validator.iter_errors(body), key=_violation_order)
        except Exception as exc:  # a broken schema is the description's problem, not the API's
            return "skipped", f"the declared schema cannot be used: {_short(str(exc))}"
        if not violations:
            return "passed", ""
        return "failed", _describe_violations(violations)

    def _validator(self, operation: Operation, schema: Located) -> Any:
        key = (id(schema.document), schema.pointer)
        cached = self._validators.get(key)
        if cached is None or cached.document is not schema.document:
            cached = _CachedValidator(schema.document, _compile(operation, schema))
            self._validators[key] = cached
        return cached.validator


# --------------------------------------------------------------------------- finding the response


def _context_for(operation: Operation, status: int) -> _Context:
    responses = operation.raw.get("responses")
    if not isinstance(responses, dict) or not responses:
        return _Context(operation, None)
    keys = {str(k).upper(): str(k) for k in responses}
    for wanted in (str(status), f"{status // 100}XX", "DEFAULT"):
        if wanted in keys:
            key = keys[wanted]
            context = _Context(operation, responses, key)
            raw = responses[next(k for k in responses if str(k) == key)]
            pointer = join_pointer(operation.written_at, "responses", key)
            try:
                context.response = dereference(
                    Located(raw, operation.document, pointer), operation.description.cache
                )
            except UnresolvableReference as exc:
                context.problem = str(exc)
            return context
    return _Context(operation, responses)


def _response_object(context: _Context) -> dict[str, Any] | str:
    """The matched response object, or why there is none to check against."""
    if context.responses is None:
        return f"{context.operation.label} declares no responses"
    if context.response_key is None:
        return "the status is not declared"
    if context.problem is not None:
        return context.problem
    assert context.response is not None
    value = context.response.value
    return value if isinstance(value, dict) else "the response object is not an object"


def _declared_status_list(responses: Mapping[Any, Any]) -> str:
    return ", ".join(str(k) for k in responses)


def _check_status(context: _Context, response: ResponseRecord) -> tuple[str, str]:
    if context.responses is None:
        return "skipped", f"{context.operation.label} declares no responses"
    if context.response_key is None:
        declared = _declared_status_list(context.responses)
        return "failed", (
            f"HTTP {response.status_code} is not among the responses of "
            f"{context.operation.label} (declared: {declared})"
        )
    return "passed", f"matches '{context.response_key}'"


# --------------------------------------------------------------------------- media types


def _best_media_key(declared: Iterable[str], actual: str) -> str | None:
    """The declared media type (or range) that covers ``actual``, most specific first."""
    wanted = essence(actual)
    main_type = wanted.split("/")[0]
    ranked: list[tuple[int, str]] = []
    for key in declared:
        declared_essence = essence(key)
        if declared_essence == wanted:
            ranked.append((0, key))
        elif declared_essence == f"{main_type}/*":
            ranked.append((1, key))
        elif declared_essence == "*/*":
            ranked.append((2, key))
    return min(ranked)[1] if ranked else None


def _content_of(response_object: dict[str, Any]) -> dict[str, Any]:
    content = response_object.get("content")
    return content if isinstance(content, dict) else {}


def _check_content_type(context: _Context, response: ResponseRecord) -> tuple[str, str]:
    found = _response_object(context)
    if isinstance(found, str):
        return "skipped", found
    if not response.content:
        return "passed", "the response has no body"
    content = _content_of(found)
    actual = response.media_type
    status = f"HTTP {response.status_code}"
    if not content:
        return "failed", (
            f"the response has a body ({actual or 'no Content-Type'}) but the description "
            f"declares no content for {status}"
        )
    declared = ", ".join(str(k) for k in content)
    if not actual:
        if "*/*" in {essence(str(k)) for k in content}:
            return "passed", "no Content-Type; */* is declared"
        return "failed", f"the response has a body but no Content-Type (declared: {declared})"
    key = _best_media_key((str(k) for k in content), actual)
    if key is None:
        return "failed", f"{actual} is not declared for {status} (declared: {declared})"
    return "passed", f"matches '{key}'"


def _matched_media(context: _Context, response: ResponseRecord) -> Located | str:
    """The media type object that applies to ``response``, or why there is none."""
    found = _response_object(context)
    if isinstance(found, str):
        return found
    content = _content_of(found)
    key = _best_media_key((str(k) for k in content), response.media_type or "*/*")
    if key is None:
        return f"no media type declared for {response.media_type or 'a body without a type'}"
    assert context.response is not None
    pointer = join_pointer(context.response.pointer, "content", key)
    raw_key = next(k for k in content if str(k) == key)
    return Located(content[raw_key], context.response.document, pointer)


def _schema_of(media: Located) -> Located | None:
    if not isinstance(media.value, dict) or "schema" not in media.value:
        return None
    return Located(media.value["schema"], media.document, join_pointer(media.pointer, "schema"))


# --------------------------------------------------------------------------- headers


def _check_headers(context: _Context, response: ResponseRecord) -> tuple[str, str]:
    found = _response_object(context)
    if isinstance(found, str):
        return "skipped", found
    headers = found.get("headers")
    if not isinstance(headers, dict) or not headers:
        return "passed", "no headers are declared"
    assert context.response is not None
    missing = []
    for name, raw in headers.items():
        # OpenAPI: a declared Content-Type header is ignored.
        if has_header([str(name)], "Content-Type"):
            continue
        header = _header_object(context.response, str(name), raw, context.operation)
        if header.get("required") is True and response.header(str(name)) is None:
            missing.append(str(name))
    if missing:
        return "failed", f"required response header(s) missing: {', '.join(missing)}"
    return "passed", ""


def _header_object(response: Located, name: str, raw: Any, operation: Operation) -> dict[str, Any]:
    pointer = join_pointer(response.pointer, "headers", name)
    try:
        node = dereference(Located(raw, response.document, pointer), operation.description.cache)
    except UnresolvableReference:
        return {}
    return node.value if isinstance(node.value, dict) else {}


# --------------------------------------------------------------------------- schema validation


def _compile(operation: Operation, schema: Located) -> Any:
    """A validator for the schema at ``schema``, resolving its ``$ref``s like the description."""
    # Imported here, as jsonschema is: only once a body is validated.
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from .schema_validators import OpenAPI30ResponseValidator, OpenAPI31ResponseValidator

    is_30 = operation.description.version.startswith("3.0.")
    cache = operation.description.cache

    def resource(data: Any) -> Resource[Any]:
        # 3.0 schemas have no identifiers of their own; 3.1 ones are JSON Schema 2020-12.
        if is_30:
            return Resource.opaque(data)
        return Resource.from_contents(data, default_specification=DRAFT202012)

    def retrieve(uri: str) -> Resource[Any]:
        return resource(cache.get(uri).data)

    registry: Registry[Any] = Registry(retrieve=retrieve)  # type: ignore[call-arg]
    registry = registry.with_resource(schema.document.uri, resource(schema.document.data))
    reference = {"$ref": f"{schema.document.uri}#{quote(schema.pointer, safe='/~')}"}
    validator_class = OpenAPI30ResponseValidator if is_30 else OpenAPI31ResponseValidator
    return validator_class(
        reference, registry=registry, format_checker=validator_class.FORMAT_CHECKER
    )


def _violation_order(error: Any) -> tuple[int, str]:
    return (len(error.absolute_path), str(error.json_path))


def _describe_violations(violations: list[Any]) -> str:
    shown = [
        f"at {error.json_path}: {_short(schema_error_text(error))}"
        for error in violations[:_MAX_REPORTED_VIOLATIONS]
    ]
    more = len(violations) - len(shown)
    text = "the body does not match the schema: " + "; ".join(shown)
    if more > 0:
        text += f" (and {more} more)"
    return text


def _short(text: str) -> str:
    # Messages quote the offending value, which can be a whole document.
    if len(text) <= _MAX_MESSAGE_LENGTH:
        return text
    return text[: _MAX_MESSAGE_LENGTH - 3] + "..."
