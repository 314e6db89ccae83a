"""Rewriting an Arazzo 1.0 document as 1.1 (``arazzo upgrade``), or saying why it cannot be.

Arazzo 1.1 renames no field a 1.0 document can hold, so the rewrite itself is the
``arazzo`` version. What takes care is everything 1.1 *reads differently* in a
document that stays byte for byte the same; where that would change what the
document does, nothing is rewritten and each place is reported (see
docs/upgrading.md for the list and docs/semantics.md for the readings):

* a step that refers to the outputs of a step written after it (1.1 makes the
  reference a dependency and runs the later step first), or sends its own outputs;
* a literal object with ``context``, ``selector`` and ``type`` where 1.1 accepts a
  Selector Object (1.1 sends what it selects);
* ids and names that 1.1 runtime expressions cannot name.

A literal ``{$`` in a regex, JSONPath or XPath condition (text in a strict 1.0
reading, an expression in 1.1) needs no check of its own: this runner already reads
``{$...}`` in conditions as 1.1 does, and a ``{$`` that opens no complete expression
is a validation error of the 1.0 document, which is reported first.

The version is changed in the text itself, at the characters the parser says it
occupies, so comments, key order, quoting, blank lines, line endings, the
encoding and JSON indentation all stay as they were.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .diagnostics import Diagnostic, Diagnostics, Severity
from .document import (
    ArazzoDocument,
    DocumentLimits,
    LoadedDocument,
    Step,
    decode_document,
    display_path,
    encode_like,
    is_url,
    join_pointer,
    parse_document,
    resolve_pointer,
    top_level_value_span,
)
from .errors import DocumentError, SourceLocation, UsageError
from .expressions import RuntimeExpression
from .validation import validate_document

__all__ = ["TARGET_VERSION", "Outcome", "Upgrade", "upgrade_file", "write_atomically"]

TARGET_VERSION = "1.1.0"

_VERSION_1_1 = re.compile(r"^1\.1\.\d+(-.+)?$")
# The 1.1 grammar: identifier-strict for step ids, workflow ids and source names;
# identifier for input and output names (dots allowed).
_STRICT_IDENTIFIER = re.compile(r"^[A-Za-z0-9_\-]+$")
_IDENTIFIER = re.compile(r"^[A-Za-z0-9.\-_]+$")
_SELECTOR_FIELDS = frozenset({"context", "selector", "type"})


class Outcome(StrEnum):
    UPGRADED = "upgraded"
    ALREADY_1_1 = "already-1.1"
    REFUSED = "refused"


@dataclass(frozen=True)
class Upgrade:
    """What upgrading one file came to."""

    path: str
    outcome: Outcome
    version: str | None
    """The ``arazzo`` version the file declares (None when it declares none)."""
    original: bytes
    upgraded: bytes | None
    """The rewritten file, when ``outcome`` is UPGRADED."""
    text: str
    """The document as text: rewritten when UPGRADED, as read otherwise."""
    problems: list[Diagnostic]
    """Why it was refused: the document's validation errors, else what 1.1 reads differently."""


def upgrade_file(path: str, limits: DocumentLimits | None = None) -> Upgrade:
    """Upgrade the Arazzo document at ``path`` (a local file) to Arazzo 1.1.

    Raises :class:`UsageError` for a URL and :class:`DocumentError` for a file that
    cannot be read; every problem in the document itself is in the result.
    """
    limits = limits or DocumentLimits()
    name = display_path(path)
    original = _read(path, name, limits)
    try:
        text = decode_document(original, name)
        document = parse_document(text, uri=os.path.abspath(path), display_name=name, limits=limits)
    except DocumentError as exc:
        problem = Diagnostic(Severity.ERROR, exc.message, exc.location, exc.hint)
        return Upgrade(path, Outcome.REFUSED, None, original, None, "", [problem])
    data = document.data
    version = data.get("arazzo") if isinstance(data, dict) else None
    version = version if isinstance(version, str) else None

    def refused(problems: list[Diagnostic]) -> Upgrade:
        return Upgrade(path, Outcome.REFUSED, version, original, None, text, problems)

    if version is not None and _VERSION_1_1.match(version):
        return Upgrade(path, Outcome.ALREADY_1_1, version, original, None, text, [])
    diagnostics = Diagnostics()
    # The sources are not read: upgrading changes nothing about how operations are
    # found, and `arazzo validate` checks them.
    model = validate_document(document, diagnostics, offline=True, check_sources=False)
    if diagnostics.errors or model is None or version is None:
        return refused(diagnostics.errors or [_not_arazzo_1_0(document)])
    problems = meaning_changes(document, model)
    if problems:
        return refused(problems)
    rewritten = _with_version(document, text, version)
    if rewritten is None:
        return refused([_unlocatable_version(document)])
    return Upgrade(
        path, Outcome.UPGRADED, version, original, encode_like(original, rewritten), rewritten, []
    )


def meaning_changes(document: LoadedDocument, model: ArazzoDocument) -> list[Diagnostic]:
    """Every place where the same text means something else under Arazzo 1.1."""
    found = [
        *_identifiers(document, model),
        *_step_references(document, model),
        *_selector_shapes(document),
    ]
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=_reading_order)


# --------------------------------------------------------------------------- identifiers


def _identifiers(document: LoadedDocument, model: ArazzoDocument) -> Iterator[Diagnostic]:
    data = document.data
    for index, source in enumerate(_list(data.get("sourceDescriptions"))):
        yield from _strict_id(document, source, "name", f"/sourceDescriptions/{index}", "source")
    for w_index, workflow in enumerate(_list(data.get("workflows"))):
        pointer = f"/workflows/{w_index}"
        yield from _strict_id(document, workflow, "workflowId", pointer, "workflows")
        for s_index, step in enumerate(_list(_get(workflow, "steps"))):
            yield from _strict_id(document, step, "stepId", f"{pointer}/steps/{s_index}", "steps")
    for workflow in model.workflows:
        for name in workflow.input_properties:
            if _IDENTIFIER.match(name):
                continue
            written = join_pointer(workflow.pointer, "inputs", "properties", name)
            at = written if _exists(data, written) else join_pointer(workflow.pointer, "inputs")
            yield _problem(
                document,
                at,
                f"input name '{name}' is not an Arazzo 1.1 identifier: $inputs.<name> "
                "names only letters, digits, '.', '-' and '_', so a 1.1 document cannot "
                "refer to it",
                "rename the input (and every $inputs reference to it), then upgrade again",
                "upgrade-identifier",
                key=written == at,
            )


def _strict_id(
    document: LoadedDocument, owner: Any, field: str, pointer: str, root: str
) -> Iterator[Diagnostic]:
    value = _get(owner, field)
    if not isinstance(value, str) or _STRICT_IDENTIFIER.match(value):
        return
    expression = {
        "source": "$sourceDescriptions.<name>",
        "workflows": "$workflows.<workflowId>",
        "steps": "$steps.<stepId>",
    }[root]
    yield _problem(
        document,
        join_pointer(pointer, field),
        f"{field} '{value}' is not an Arazzo 1.1 identifier: {expression} names only "
        "letters, digits, '-' and '_', so a 1.1 document cannot refer to it",
        "rename it (and every reference to it) with letters, digits, '-' and '_' only, "
        "then upgrade again",
        "upgrade-identifier",
    )


# --------------------------------------------------------------------------- step order


@dataclass(frozen=True)
class _Use:
    """A runtime expression written in a step, and whether it is read before the request."""

    pointer: str
    expression: RuntimeExpression
    before_request: bool


def _step_references(document: LoadedDocument, model: ArazzoDocument) -> Iterator[Diagnostic]:
    """Steps that refer to the outputs of a later step, or send their own.

    1.0 runs steps in the order written (or as goto says), so such a reference
    reads what the other step left on an earlier pass, or nothing. 1.1 makes every
    ``$steps.X.outputs`` reference a dependency that runs X first.
    """
    for workflow in model.workflows:
        order = {step.step_id: index for index, step in enumerate(workflow.steps)}
        for index, step in enumerate(workflow.steps):
            for use in _uses(step):
                expression = use.expression
                target = expression.names[0] if expression.root == "steps" else None
                later = order.get(target, -1) if target is not None else -1
                if later > index:
                    yield _forward_reference(document, step, target or "", use)
                elif later == index and use.before_request:
                    yield _self_reference(document, step, use)


def _forward_reference(document: LoadedDocument, step: Step, target: str, use: _Use) -> Diagnostic:
    return _problem(
        document,
        _leaf_with(document.data, use.pointer, use.expression.text),
        f"step '{step.step_id}' uses {use.expression.text}, an output of step '{target}', "
        f"which is written after it: Arazzo 1.0 runs '{step.step_id}' first (the value is "
        f"whatever '{target}' left on an earlier pass of a goto loop), Arazzo 1.1 makes the "
        f"reference a dependency and runs '{target}' before '{step.step_id}'",
        f"if '{target}' is meant to run first, move it before '{step.step_id}'; a value kept "
        "from an earlier pass of a loop has no 1.1 equivalent (see docs/upgrading.md)",
        "upgrade-forward-reference",
    )


def _self_reference(document: LoadedDocument, step: Step, use: _Use) -> Diagnostic:
    return _problem(
        document,
        _leaf_with(document.data, use.pointer, use.expression.text),
        f"step '{step.step_id}' sends {use.expression.text}, one of its own outputs, in its "
        "request: Arazzo 1.0 sends what the step's previous pass left, Arazzo 1.1 makes the "
        "reference a dependency of the step on itself, which can never be met",
        "carry the value in another step's outputs (or the workflow's inputs) instead; see "
        "docs/upgrading.md",
        "upgrade-self-reference",
    )


def _uses(step: Step) -> Iterator[_Use]:
    """Every runtime expression that takes effect in ``step``, components included."""
    for parameter in step.parameters:
        # A component's value is located where the step uses it (its Reusable Object).
        written = parameter.pointer if parameter.reference else parameter.value_pointer
        for expression in parameter.value.expressions():
            yield _Use(written, expression, before_request=True)
    body = step.request_body
    if body is not None:
        if body.payload is not None:
            payload = join_pointer(body.pointer, "payload")
            for expression in body.payload.expressions():
                yield _Use(payload, expression, before_request=True)
        for replacement in body.replacements:
            value = join_pointer(replacement.pointer, "value")
            for expression in replacement.value.expressions():
                yield _Use(value, expression, before_request=True)
    for criterion in step.success_criteria:
        for expression in criterion.compiled.expressions():
            yield _Use(criterion.pointer, expression, before_request=False)
    for action in [*step.on_success, *step.on_failure]:
        for criterion in action.criteria:
            where = action.reference or criterion.pointer
            for expression in criterion.compiled.expressions():
                yield _Use(where, expression, before_request=False)
    for name, output in step.outputs.items():
        for expression in output.expressions():
            yield _Use(join_pointer(step.pointer, "outputs", name), expression, False)


def _leaf_with(data: Any, pointer: str, text: str) -> str:
    """The pointer of the first string under ``pointer`` that contains ``text``, for a
    location on the very line; ``pointer`` itself when there is none."""
    pending: list[tuple[str, Any]] = [(pointer, _at(data, pointer))]
    while pending:
        at, value = pending.pop(0)
        if isinstance(value, str) and text in value:
            return at
        if isinstance(value, dict):
            pending[:0] = [(join_pointer(at, str(k)), v) for k, v in value.items()]
        elif isinstance(value, list):
            pending[:0] = [(join_pointer(at, i), v) for i, v in enumerate(value)]
    return pointer


# --------------------------------------------------------------------------- selector shapes


def _selector_shapes(document: LoadedDocument) -> Iterator[Diagnostic]:
    """Literal objects that 1.1 would read as Selector Objects and evaluate."""
    for pointer, value in _selector_sites(document.data):
        for at in _selector_shaped(value, pointer):
            yield _problem(
                document,
                at,
                "this object has the fields context, selector and type of an Arazzo 1.1 "
                "Selector Object: Arazzo 1.0 sends it as written, Arazzo 1.1 would send the "
                "value it selects instead",
                "if it must be sent as written, pass it in through a workflow input "
                "($inputs.<name>) instead of writing it in the document, then upgrade again",
                "upgrade-selector-shape",
            )


def _selector_sites(data: Any) -> Iterator[tuple[str, Any]]:
    """Where 1.1 accepts a Selector Object: parameter values, payloads, replacement values."""
    for w_index, workflow in enumerate(_list(_get(data, "workflows"))):
        base = f"/workflows/{w_index}"
        yield from _parameter_values(_get(workflow, "parameters"), f"{base}/parameters")
        for s_index, step in enumerate(_list(_get(workflow, "steps"))):
            at = f"{base}/steps/{s_index}"
            yield from _parameter_values(_get(step, "parameters"), f"{at}/parameters")
            body = _get(step, "requestBody")
            if isinstance(body, dict) and "payload" in body:
                yield f"{at}/requestBody/payload", body["payload"]
            for r_index, replacement in enumerate(_list(_get(body, "replacements"))):
                if isinstance(replacement, dict) and "value" in replacement:
                    yield f"{at}/requestBody/replacements/{r_index}/value", replacement["value"]
    parameters = _get(_get(data, "components"), "parameters")
    for name, parameter in parameters.items() if isinstance(parameters, dict) else ():
        if isinstance(parameter, dict) and "value" in parameter:
            yield join_pointer("/components/parameters", name, "value"), parameter["value"]


def _parameter_values(parameters: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    for index, parameter in enumerate(_list(parameters)):
        if isinstance(parameter, dict) and "value" in parameter:
            yield f"{pointer}/{index}/value", parameter["value"]


def _selector_shaped(value: Any, pointer: str) -> Iterator[str]:
    """Pointers of the objects in ``value`` (itself included) that hold all three fields."""
    pending: list[tuple[str, Any]] = [(pointer, value)]
    while pending:
        at, current = pending.pop()
        if isinstance(current, dict):
            if current.keys() >= _SELECTOR_FIELDS:
                yield at
                continue
            pending.extend((join_pointer(at, str(k)), v) for k, v in current.items())
        elif isinstance(current, list):
            pending.extend((join_pointer(at, i), v) for i, v in enumerate(current))


# --------------------------------------------------------------------------- the rewrite


def _with_version(document: LoadedDocument, text: str, version: str) -> str | None:
    """``text`` with the ``arazzo`` version replaced where it is written, or None.

    Only the version's own characters change (its quotes stay); the result is
    parsed again and must hold the same data but for the version.
    """
    span = top_level_value_span(text, "arazzo", is_json=document.is_json)
    if span is None:
        return None
    start, end = span
    written = text[start:end]
    if version not in written:
        return None
    rewritten = text[:start] + written.replace(version, TARGET_VERSION, 1) + text[end:]
    try:
        again = parse_document(rewritten, uri=document.uri, display_name=document.display_name)
    except DocumentError:
        return None
    expected = {**document.data, "arazzo": TARGET_VERSION}
    return rewritten if again.data == expected else None


def _not_arazzo_1_0(document: LoadedDocument) -> Diagnostic:
    # Validation reports why; this is the safety net should it ever find nothing to say.
    return _problem(
        document,
        "/arazzo",
        "the document could not be read as an Arazzo 1.0 document",
        "run 'arazzo validate' on it",
        "upgrade-version",
    )


def _unlocatable_version(document: LoadedDocument) -> Diagnostic:
    return _problem(
        document,
        "/arazzo",
        "the arazzo version could not be rewritten in place (it is written in a form "
        "this command does not edit, such as an alias or an escape)",
        f"write it as a plain value (arazzo: 1.0.1), or change it to {TARGET_VERSION} by hand",
        "upgrade-version",
    )


def write_atomically(path: str, content: bytes) -> None:
    """Replace the file at ``path`` with ``content``, all at once or not at all.

    The new content goes to a temporary file in the same directory (so the
    rename cannot cross file systems), is flushed to disk, takes the old file's
    permissions, and then replaces it; on any failure the original is untouched
    and the temporary file removed. A symbolic link keeps pointing at the file.
    """
    target = os.path.realpath(path)
    directory, name = os.path.split(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, os.stat(target).st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# --------------------------------------------------------------------------- helpers


def _read(path: str, name: str, limits: DocumentLimits) -> bytes:
    if is_url(path):
        raise UsageError(
            f"arazzo upgrade rewrites a local file, not a URL: {path}",
            hint="download the document first, then upgrade the file",
        )
    try:
        size = os.path.getsize(path)
        if size > limits.max_bytes:
            raise DocumentError(
                f"{name} is {size} bytes, over the limit of {limits.max_bytes}",
                location=SourceLocation(name),
            )
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as exc:
        raise DocumentError(
            f"cannot read {name}: {exc.strerror or exc}",
            location=SourceLocation(name),
            hint="check the path",
        ) from None


def _problem(
    document: LoadedDocument, pointer: str, message: str, hint: str, rule: str, *, key: bool = False
) -> Diagnostic:
    return Diagnostic(Severity.ERROR, message, document.location(pointer, key=key), hint, rule)


def _reading_order(diagnostic: Diagnostic) -> tuple[int, int]:
    location = diagnostic.location
    return (location.line or 0, location.column or 0) if location else (0, 0)


def _get(owner: Any, field: str) -> Any:
    return owner.get(field) if isinstance(owner, dict) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _at(data: Any, pointer: str) -> Any:
    try:
        return resolve_pointer(data, pointer)
    except LookupError:
        return None


def _exists(data: Any, pointer: str) -> bool:
    try:
        resolve_pointer(data, pointer)
    except LookupError:
        return False
    return True
