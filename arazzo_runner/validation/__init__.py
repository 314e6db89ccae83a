"""``arazzo validate``: check Arazzo documents without running them.

One entry point, :func:`validate_document`, is shared by the ``validate``
command and by :func:`arazzo_runner.api.load` (through
:func:`prepare_document`), so a document that fails validation never sends a
request. The checks run in layers:

1. reading the file (YAML 1.2 or JSON),
2. the Arazzo 1.0 JSON Schema shipped in this package (``schema.py``),
3. the model's own checks (``model.py``: ids, expressions, criteria),
4. document-wide rules: references, expressions, control flow (``semantic.py``),
5. the source descriptions and the operations steps call (``operations.py``).

Each diagnostic carries a rule id from ``rules.py``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..diagnostics import Diagnostic, Diagnostics, DocumentInvalid, Severity
from ..document import (
    ArazzoDocument,
    Info,
    LoadedDocument,
    LoadOptions,
    ModelBuilder,
    SourceDescription,
    build_model,
    load_document,
    workflow_pointer_of,
)
from ..errors import DocumentError, SourceLocation
from ..openapi import DocumentCache
from .context import LintContext
from .rules import RULES, Rule, severity_of

__all__ = ["RULES", "Rule", "prepare_document", "validate_document"]

# Problems both the schema and the model find; where the schema reported one
# at the same place, the model's phrasing of it is left out.
_STRUCTURAL = frozenset(
    {
        "required-field",
        "wrong-type",
        "unknown-field",
        "invalid-value",
        "unsupported-version",
        "empty-list",
        "invalid-name",
        "missing-step-target",
        "conflicting-step-target",
        "missing-goto-target",
        "conflicting-action-target",
        "invalid-criterion-type",
    }
)


def validate_document(
    source: str | LoadedDocument,
    diagnostics: Diagnostics,
    *,
    offline: bool = False,
    check_sources: bool = True,
    options: LoadOptions | None = None,
) -> ArazzoDocument | None:
    """Check one Arazzo document, adding every problem found to ``diagnostics``.

    ``source`` is a path or URL, or an already loaded document. Nothing is
    raised for a problem in the document: a file that cannot be read is an
    ``unreadable-file`` diagnostic. ``offline`` leaves remote source
    descriptions unfetched (their operations are then not checked). Returns
    the model when one could be built, for callers that go on to run it.
    ``options`` say how documents are read (limits, no network).
    """
    options = options or LoadOptions()
    document = _load(source, diagnostics, options)
    if document is None:
        return None
    offline = offline or options.offline
    found, model = _check(document, offline=offline, check_sources=check_sources, options=options)
    for diagnostic in sorted(found, key=_reading_order):
        diagnostics.add(diagnostic)
    return model


def prepare_document(
    document: LoadedDocument, diagnostics: Diagnostics, options: LoadOptions | None = None
) -> ArazzoDocument:
    """Validate a document about to run and build its model.

    Errors that concern the whole document raise :class:`DocumentInvalid`
    (nothing is sent). Errors inside one workflow go to ``diagnostics``, where
    they stop that workflow (and only it) before its first request; warnings
    are reported and do not stop anything.

    Remote source descriptions are left to the run, which fetches them once
    when it prepares a workflow; local ones are checked here.
    """
    options = options or LoadOptions()
    # The run reads the same source descriptions: it gets the ones read here.
    documents = DocumentCache(options=options)
    found, _ = _check(
        document, offline=True, check_sources=True, options=options, documents=documents
    )
    found = [_as_run_warning(d) for d in found if d.rule not in RUN_SILENT]
    scratch = Diagnostics()
    try:
        model = build_model(document, scratch)
    except DocumentInvalid as exc:
        shared = [
            d for d in found if d.severity is Severity.ERROR and workflow_pointer_of(d) is None
        ]
        raise DocumentInvalid(shared or exc.diagnostics) from None
    built = {w.pointer for w in model.workflows}
    errors = [d for d in found if d.severity is Severity.ERROR]
    if any(workflow_pointer_of(d) not in built for d in errors):
        raise DocumentInvalid(errors)  # every error at once, not only the first kind
    for diagnostic in sorted(found, key=_reading_order):
        diagnostics.add(diagnostic)
    # Whatever the model refuses, a run refuses too, even where validation
    # phrased it differently.
    flagged = {(d.location, d.severity) for d in found}
    for diagnostic in scratch.errors:
        if (diagnostic.location, Severity.ERROR) not in flagged:
            diagnostics.add(diagnostic)
    model.documents = documents
    return model


# Spec violations a run can still carry out exactly as written: an unknown field
# is ignored (and a did-you-mean warning printed), and an operationPath written
# as "<source>#/paths/..." names one operation unambiguously. `arazzo validate`
# reports them as errors; `arazzo run` warns, so published documents run unchanged.
RUN_WARNINGS = frozenset({"unknown-field", "invalid-operation-path"})

# Advice on how a document is written, for its authors (`arazzo validate`); a
# run reads these documents correctly, and repeating the advice on every run
# of someone else's document is noise.
RUN_SILENT = frozenset({"bare-expression", "naming-convention"})


def _as_run_warning(diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.rule not in RUN_WARNINGS or diagnostic.severity is not Severity.ERROR:
        return diagnostic
    return replace(diagnostic, severity=Severity.WARNING)


# --------------------------------------------------------------------------- layers


def _load(
    source: str | LoadedDocument, diagnostics: Diagnostics, options: LoadOptions
) -> LoadedDocument | None:
    if isinstance(source, LoadedDocument):
        return source
    try:
        return load_document(source, display_name=source, options=options)
    except DocumentError as exc:
        location = exc.location or SourceLocation(source)
        if location.file != source:
            location = replace(location, file=source)
        diagnostics.add(
            Diagnostic(Severity.ERROR, exc.message, location, exc.hint, "unreadable-file")
        )
        return None


def _check(
    document: LoadedDocument,
    *,
    offline: bool,
    check_sources: bool,
    options: LoadOptions,
    documents: DocumentCache | None = None,
) -> tuple[list[Diagnostic], ArazzoDocument | None]:
    from .schema import check_schema

    data = document.data
    model_found = Diagnostics()
    builder = ModelBuilder(document, model_found)
    model = builder.build()
    if _not_arazzo(data):
        # An OpenAPI file or a list: the schema would list every field of it.
        return [_with_rule_severity(d) for d in model_found][:1], None
    from_model = list(model_found)
    found = [
        d
        for p in check_schema(data)
        if not _said_by_model(d := _from_schema(document, p), from_model, p.subject)
    ]
    schema_pointers = {_pointer(d) for d in found}
    for diagnostic in from_model:
        if diagnostic.rule in _STRUCTURAL and _pointer(diagnostic) in schema_pointers:
            continue
        found.append(_with_rule_severity(diagnostic))
    if not isinstance(data, dict):
        return found, None
    complete = model or _partial_model(document, builder)
    ctx = LintContext(document, complete, offline=offline, options=options, documents=documents)
    from .semantic import check_semantics

    check_semantics(ctx)
    if check_sources:
        from .operations import check_sources as check_operations

        check_operations(ctx)
    return found + ctx.found, model


def _said_by_model(schema: Diagnostic, model: list[Diagnostic], subject: str | None) -> bool:
    """Whether the model reports the same problem at the same place.

    The model's phrasing is kept then: it is what ``arazzo run`` has always
    said. Unknown fields are the exception: the model calls them ignored,
    the schema (rightly, for a linter) calls them errors.
    """
    if schema.rule == "unknown-field":
        return False
    return any(
        m.rule == schema.rule
        and _pointer(m) == _pointer(schema)
        and (subject is None or f"'{subject}'" in m.message)
        for m in model
    )


def _not_arazzo(data: Any) -> bool:
    return not isinstance(data, dict) or (
        "arazzo" not in data and ("openapi" in data or "swagger" in data)
    )


def _from_schema(document: LoadedDocument, problem: Any) -> Diagnostic:
    location = document.location(problem.pointer, key=problem.key)
    return Diagnostic(
        severity_of(problem.rule), problem.message, location, problem.hint, problem.rule
    )


def _pointer(diagnostic: Diagnostic) -> str | None:
    return diagnostic.location.pointer if diagnostic.location else None


def _with_rule_severity(diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.rule is None or diagnostic.rule not in RULES:
        return diagnostic
    return replace(diagnostic, severity=severity_of(diagnostic.rule))


def _partial_model(document: LoadedDocument, builder: ModelBuilder) -> ArazzoDocument:
    """A model for the document-wide checks when the version or info is broken."""
    data = document.data
    raw_sources = data.get("sourceDescriptions")
    sources = []
    for index, raw in enumerate(raw_sources if isinstance(raw_sources, list) else []):
        named = isinstance(raw, dict) and isinstance(raw.get("name"), str)
        if named and isinstance(raw.get("url"), str):
            kind = raw.get("type")
            kind = kind if isinstance(kind, str) else None
            pointer = f"/sourceDescriptions/{index}"
            sources.append(SourceDescription(raw["name"], raw["url"], kind, pointer))
    return ArazzoDocument(
        "", Info("", ""), sources, builder.workflows, builder.components, document
    )


def _reading_order(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    location = diagnostic.location
    if location is None:
        return ("", 0, 0, diagnostic.rule or "")
    return (location.file, location.line or 0, location.column or 0, diagnostic.rule or "")
