"""One validation pipeline for ``arazzo validate`` and for every document a run reaches.

:func:`validate_document` serves the ``validate`` command; :func:`prepare_document`
serves a run (:func:`arazzo_runner.api.load`, and each Arazzo source description
a run calls into), so a document that fails validation never sends a request.
The pipeline reads a document once and builds its model once:

1. reading the file (YAML 1.2 or JSON),
2. its structure: the Arazzo 1.0 JSON Schema shipped in this package (``structure.py``),
3. building the model, which compiles every expression and criterion (``document``),
4. rules over the model: uniqueness, references, expressions, control flow
   (``semantic.py`` and the modules it names),
5. the source descriptions and the operations steps call (``operations.py``).

A problem found by two layers is reported once: each diagnostic is known by
its rule and pointer, and the first layer to report it keeps it. Each
diagnostic carries a rule id from ``rules.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ..diagnostics import Diagnostic, Diagnostics, DocumentInvalid, Severity
from ..document import (
    ArazzoDocument,
    LoadedDocument,
    LoadOptions,
    ModelBuilder,
    load_document,
    workflow_pointer_of,
)
from ..document.syntax import spec_minor
from ..errors import DocumentError, SourceLocation
from ..expressions.parser import arazzo_grammar
from ..openapi import DocumentCache
from .context import LintContext
from .rules import RULES, Rule

__all__ = ["RULES", "Rule", "prepare_document", "validate_document"]


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
    purpose = f"validate offline={offline} sources={check_sources}"
    remembered = _passed_before(purpose, document, options, diagnostics)
    if remembered is not None:
        return remembered
    documents = DocumentCache(options=options)
    findings = _check(
        document,
        offline=offline,
        check_sources=check_sources,
        options=options,
        documents=documents,
    )
    said = sorted(findings.all, key=_reading_order)
    for diagnostic in said:
        diagnostics.add(diagnostic)
    if findings.model is not None:
        _remember_pass(purpose, document, options, documents, said)
    return findings.model


def prepare_document(
    document: LoadedDocument, diagnostics: Diagnostics, options: LoadOptions | None = None
) -> ArazzoDocument:
    """Validate a document about to run and return its model.

    Errors that concern the whole document raise :class:`DocumentInvalid`
    (nothing is sent). Errors inside one workflow go to ``diagnostics``, where
    they stop that workflow (and only it) before its first request; warnings
    are reported and do not stop anything. This serves the document a run
    starts from and every Arazzo source description it calls into: their
    problems all go to the run's ``diagnostics``, located in their own file.

    Remote source descriptions are left to the run, which fetches them once
    when it prepares a workflow; local ones are checked here.
    """
    options = options or LoadOptions()
    remembered = _passed_before(_RUN_CHECKS, document, options, diagnostics)
    if remembered is not None:
        return remembered
    # The run reads the same source descriptions: it gets the ones read here.
    documents = DocumentCache(options=options)
    findings = _check(
        document, offline=True, check_sources=True, options=options, documents=documents
    )
    model = findings.model
    _refuse_if_it_cannot_run(findings)
    assert model is not None  # a document without a model has a document-wide error
    found = sorted(_for_a_run(findings.all), key=_reading_order)
    for diagnostic in found:
        diagnostics.add(diagnostic)
    _remember_pass(_RUN_CHECKS, document, options, documents, found)
    model.documents = documents
    return model


_RUN_CHECKS = "run"


def _passed_before(
    purpose: str, document: LoadedDocument, options: LoadOptions, diagnostics: Diagnostics
) -> ArazzoDocument | None:
    """The model of ``document`` when the same checks passed it without an error, over
    the same documents (``check_cache.py``): only the model is built then, and the
    warnings that pass found go to ``diagnostics`` again."""
    from .check_cache import CheckCache

    cache = CheckCache.for_options(options)
    recalled = cache.recall(purpose, document, options) if cache is not None else None
    if recalled is None:
        return None
    documents = DocumentCache(options=options)
    for other in (document, *recalled.documents):
        documents.add(other)
    built = Diagnostics()
    data = document.data
    with arazzo_grammar(spec_minor(data.get("arazzo") if isinstance(data, dict) else None)):
        model = ModelBuilder(document, built).build()
    if model is None or any(True for _ in built):
        return None  # cannot happen after a pass; the checks will say what is wrong
    for warning in recalled.warnings:
        diagnostics.add(warning)
    model.documents = documents
    return model


def _remember_pass(
    purpose: str,
    document: LoadedDocument,
    options: LoadOptions,
    documents: DocumentCache,
    said: list[Diagnostic],
) -> None:
    """Keep a pass without errors (``said`` are its warnings) for the next time."""
    if any(d.severity is Severity.ERROR for d in said) or documents.any_unreadable:
        return
    from .check_cache import CheckCache

    cache = CheckCache.for_options(options)
    if cache is not None:
        cache.remember(purpose, document, options, documents.read(), said)


# Spec violations a run can still carry out exactly as written: an unknown field
# is ignored (and a did-you-mean warning printed), and an operationPath written
# as "<source>#/paths/..." names one operation unambiguously. `arazzo validate`
# reports them as errors; `arazzo run` warns, so published documents run unchanged.
RUN_WARNINGS = frozenset(
    {"unknown-field", "needs-arazzo-1.1", "invalid-operation-path", "invalid-asyncapi"}
)

# Advice on how a document is written, for its authors (`arazzo validate`); a
# run reads these documents correctly, and repeating the advice on every run
# of someone else's document is noise.
RUN_SILENT = frozenset({"bare-expression", "naming-convention"})


# --------------------------------------------------------------------------- the layers


@dataclass
class _Findings:
    """What each layer found, each problem once (by rule and pointer)."""

    structure: list[Diagnostic]
    """The schema's findings and the structure rules over the model."""
    building: list[Diagnostic]
    """What building the model found: expressions, criteria, references."""
    rules: list[Diagnostic]
    """References, expressions, control flow, naming and the source descriptions."""
    model: ArazzoDocument | None

    @property
    def all(self) -> list[Diagnostic]:
        return [*self.structure, *self.building, *self.rules]


def _for_a_run(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [_as_run_warning(d) for d in found if d.rule not in RUN_SILENT]


def _check(
    document: LoadedDocument,
    *,
    offline: bool,
    check_sources: bool,
    options: LoadOptions,
    documents: DocumentCache | None = None,
) -> _Findings:
    # The rules read expressions too: by the grammar of the document's own version.
    data = document.data
    with arazzo_grammar(spec_minor(data.get("arazzo") if isinstance(data, dict) else None)):
        return _check_document(
            document,
            offline=offline,
            check_sources=check_sources,
            options=options,
            documents=documents,
        )


def _check_document(
    document: LoadedDocument,
    *,
    offline: bool,
    check_sources: bool,
    options: LoadOptions,
    documents: DocumentCache | None = None,
) -> _Findings:
    # Imported when a document is checked: the schema layer brings in jsonschema,
    # which a command that checks nothing (--help, --version) need not load.
    from .operations import check_sources as check_operations
    from .semantic import check_semantics
    from .structure import check_steps, check_structure, is_arazzo
    from .uniqueness import check_uniqueness
    from .unnamed import with_placeholder_ids

    structure = check_structure(document)
    # One cache for every pass, so that each source description is read once.
    documents = documents or DocumentCache(options=options)
    # It may be named by its own $self (Arazzo 1.1), by itself or by what it calls.
    documents.add(document)
    if not is_arazzo(document.data):
        return _Findings(structure, [], [], None)
    built = Diagnostics()
    model = ModelBuilder(document, built).build()
    assert model is not None  # the data is an object

    def found_by(
        *checks: Callable[[LintContext], None], read: tuple[LoadedDocument, ArazzoDocument]
    ) -> list[Diagnostic]:
        ctx = LintContext(*read, offline=offline, options=options, documents=documents)
        for check in checks:
            check(ctx)
        return ctx.found

    structure += found_by(check_steps, check_uniqueness, read=(document, model))
    rule_checks = (check_semantics, *([check_operations] if check_sources else []))
    rules = found_by(*rule_checks, read=(document, model))
    building = list(built)
    # The rules read workflows and steps without an id in a second pass (see unnamed.py).
    named = with_placeholder_ids(document)
    if named is not None:
        named_built = Diagnostics()
        named_model = ModelBuilder(named.document, named_built).build()
        assert named_model is not None
        building += [d for d in named_built if named.inside(d)]
        found = found_by(*rule_checks, read=(named.document, named_model))
        rules += [d for d in found if named.inside(d) and not named.about_a_placeholder(d)]
    building, structure, rules = _once_each([building, structure, rules])
    return _Findings(structure, building, rules, model)


def _once_each(layers: list[list[Diagnostic]]) -> list[list[Diagnostic]]:
    """Each layer's diagnostics less those an earlier layer reported (same rule and pointer).

    Building the model comes first: a criterion type it cannot compile is worded
    as a run has always worded it. Within a layer nothing is dropped: one field
    may well have two problems of one kind (two unknown inputs in one value).
    """
    said: set[tuple[str | None, str | None]] = set()
    kept = []
    for layer in layers:
        kept.append([d for d in layer if _identity(d) not in said])
        said.update(_identity(d) for d in layer)
    return kept


def _identity(diagnostic: Diagnostic) -> tuple[str | None, str | None]:
    return diagnostic.rule, diagnostic.location.pointer if diagnostic.location else None


def _refuse_if_it_cannot_run(findings: _Findings) -> None:
    """Raise :class:`DocumentInvalid` when no workflow of the document can run.

    That is when some error lies outside every workflow that could be built. A
    document whose structure is broken there is refused with the errors outside
    its workflows (errors inside them are often consequences); one that cannot
    run for another reason (a source description that cannot be read) is
    refused with all its errors, to fix at once.
    """
    built = {w.pointer for w in findings.model.workflows} if findings.model else set()
    errors = [d for d in _for_a_run(findings.all) if d.severity is Severity.ERROR]
    structural = _for_a_run([*findings.structure, *findings.building])
    fundamental = [d for d in structural if d.severity is Severity.ERROR and _outside(d, built)]
    if fundamental or findings.model is None:
        shared = [d for d in errors if workflow_pointer_of(d) is None]
        raise DocumentInvalid(shared or fundamental)
    if any(_outside(d, built) for d in errors):
        raise DocumentInvalid(errors)


def _outside(diagnostic: Diagnostic, built: set[str]) -> bool:
    return workflow_pointer_of(diagnostic) not in built


def _as_run_warning(diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.rule not in RUN_WARNINGS or diagnostic.severity is not Severity.ERROR:
        return diagnostic
    return replace(diagnostic, severity=Severity.WARNING)


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


def _reading_order(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    location = diagnostic.location
    if location is None:
        return ("", 0, 0, diagnostic.rule or "")
    return (location.file, location.line or 0, location.column or 0, diagnostic.rule or "")
