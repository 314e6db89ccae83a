"""Checking each response against the OpenAPI operation that produced it.

Four checks, each with a severity (``error``, ``warn`` or ``off``):

* ``status-code-declared``: the status is among the operation's ``responses``
  (an exact code, a ``2XX``-style range, or ``default``);
* ``content-type-declared``: the response's media type is declared for that
  response (``*/*`` and ``type/*`` ranges match; an empty body needs none);
* ``body-schema``: a JSON body is valid against the declared schema;
* ``headers-declared``: every header the response marks ``required`` is there.

A failed check at ``warn`` adds a warning to the step; at ``error`` it fails
the step, its message naming the check and, for a schema violation, the JSON
path of the offending value. Every check that runs is recorded on the
:class:`~arazzo_runner.http.messages.Exchange` so reports can show it.

Schemas are validated with ``openapi-schema-validator`` (the schema validator
openapi-core is built on), imported only when a body is first validated. It
implements OpenAPI 3.0's dialect (``nullable``, ``readOnly``/``writeOnly``,
draft-4 style ``exclusiveMaximum``) and 3.1's (JSON Schema 2020-12), which a
plain JSON Schema validator does not. openapi-core's own response validation
is not used: it finds the operation again from the request URL and the
description's servers, which fails as soon as ``--server`` points elsewhere.
Compiled validators are cached per schema, so repeated runs compile once.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..document import LoadedDocument, join_pointer
from ..errors import UsageError
from ..openapi import Located, Operation, UnresolvableReference, dereference
from ..results import Status, StepResult
from .messages import CheckResult, Exchange, ResponseRecord

if TYPE_CHECKING:
    from ..diagnostics import Diagnostics

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
        raise UsageError(f"{origin}: unknown check '{name}'", hint=valid_names_hint())
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

    def apply(
        self,
        operation: Operation,
        exchange: Exchange,
        result: StepResult,
        diagnostics: Diagnostics,
    ) -> None:
        """Check ``exchange``'s response; record the outcomes and mark ``result``."""
        response = exchange.response
        if response is None or not self.enabled:
            return
        context = _context_for(operation, response.status_code)
        for name, check in self._active_checks():
            outcome, message = check(context, response)
            severity = self.severities[name]
            exchange.checks.append(CheckResult(name, outcome, severity.value, message))
            if outcome == "failed":
                _report_failure(name, severity, message, result, diagnostics)

    def _active_checks(
        self,
    ) -> Iterable[tuple[str, Callable[[_Context, ResponseRecord], tuple[str, str]]]]:
        functions: dict[str, Callable[[_Context, ResponseRecord], tuple[str, str]]] = {
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
        if not _is_json(response.media_type):
            return "skipped", f"bodies of type {response.media_type or '(none)'} are not validated"
        try:
            body = json.loads(response.content)
        except ValueError as exc:
            return "failed", f"the body is not valid JSON ({exc})"
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


def _report_failure(
    name: str,
    severity: CheckSeverity,
    message: str,
    result: StepResult,
    diagnostics: Diagnostics,
) -> None:
    text = f"response check {name} failed: {message}"
    if severity is CheckSeverity.ERROR:
        if result.status is Status.SUCCEEDED:
            result.status = Status.FAILED
            result.error = text
        else:
            result.error = f"{result.error}; {text}" if result.error else text
        return
    warning = f"step '{result.step_id}': {text}"
    result.warnings.append(warning)
    diagnostics.warning(warning, rule=name)


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


def _essence(media_type: str) -> str:
    return media_type.split(";")[0].strip().lower()


def _best_media_key(declared: Iterable[str], actual: str) -> str | None:
    """The declared media type (or range) that covers ``actual``, most specific first."""
    wanted = _essence(actual)
    main_type = wanted.split("/")[0]
    ranked: list[tuple[int, str]] = []
    for key in declared:
        essence = _essence(key)
        if essence == wanted:
            ranked.append((0, key))
        elif essence == f"{main_type}/*":
            ranked.append((1, key))
        elif essence == "*/*":
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
        if "*/*" in {_essence(str(k)) for k in content}:
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


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


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
        if str(name).lower() == "content-type":
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


_PACKAGE = "openapi_schema_validator"
_import_lock = threading.RLock()


@functools.cache
def _schema_validators() -> ModuleType:
    """``openapi_schema_validator.validators``, without running the package's ``__init__`` yet.

    That ``__init__`` also imports the package's ``validate`` shortcut, whose
    settings class pulls in pydantic and pydantic-settings: over 100 ms, more than
    the rest of a cold ``arazzo run`` spends on imports, for a function never
    called here. So the package module is created without executing it and
    registered as usual; its ``__init__`` runs the first time anything asks the
    package for a name it does not have yet (``from openapi_schema_validator
    import validate``), so other users of the package see no difference.
    """
    name = f"{_PACKAGE}.validators"
    with _import_lock:
        if _PACKAGE in sys.modules:
            return importlib.import_module(name)
        spec = importlib.util.find_spec(_PACKAGE)
        if spec is None or spec.loader is None or not spec.submodule_search_locations:
            return importlib.import_module(name)  # not a package: let the import say why
        package = importlib.util.module_from_spec(spec)
        sys.modules[_PACKAGE] = package
        try:
            validators = importlib.import_module(name)
        except BaseException:
            del sys.modules[_PACKAGE]
            raise
        # Armed only now: while the submodules load, `from openapi_schema_validator
        # import _format` must fall through to importing the submodule.
        package.__getattr__ = _initialize_on_demand(package)  # type: ignore[method-assign]
        return validators


def _initialize_on_demand(package: ModuleType) -> Callable[[str], Any]:
    """A module ``__getattr__`` that runs the package's ``__init__`` once, then looks again."""

    def __getattr__(attribute: str) -> Any:
        with _import_lock:
            if package.__dict__.get("__getattr__") is __getattr__:
                del package.__getattr__
                assert package.__spec__ is not None and package.__spec__.loader is not None
                package.__spec__.loader.exec_module(package)
        try:
            return package.__dict__[attribute]
        except KeyError:
            raise AttributeError(
                f"module {package.__name__!r} has no attribute {attribute!r}"
            ) from None

    return __getattr__


def _compile(operation: Operation, schema: Located) -> Any:
    """A validator for the schema at ``schema``, resolving its ``$ref``s like the description."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

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
    validators = _schema_validators()
    validator_class = validators.OAS30ReadValidator if is_30 else validators.OAS31Validator
    return validator_class(
        reference, registry=registry, format_checker=validator_class.FORMAT_CHECKER
    )


def _violation_order(error: Any) -> tuple[int, str]:
    return (len(error.absolute_path), str(error.json_path))


def _describe_violations(violations: list[Any]) -> str:
    shown = [
        f"at {error.json_path}: {_short(error.message)}"
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
