"""Finding the operation a step calls, once, for validation and for a run alike.

:func:`resolve_operation` returns the operation, or a :class:`ResolutionProblem`
saying why there is none, located at the step's ``operationId`` or
``operationPath``. ``arazzo validate`` reports the problem; a run raises it
(:meth:`SourceRegistry.resolve`). Where the source descriptions come from is
the caller's: a run loads them (:class:`SourceRegistry`), validation may have
left some unread (remote ones, offline).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote

from ..diagnostics import Diagnostics
from ..document import (
    BARE_OPERATION_PATH,
    OPERATION_PATH,
    SOURCE_REFERENCE,
    ArazzoDocument,
    FetchRefused,
    LoadedDocument,
    LoadOptions,
    SourceDescription,
    Step,
    display_path,
    is_relative_reference,
    join_pointer,
)
from ..errors import DocumentError, did_you_mean
from .description import (
    DocumentCache,
    Located,
    OpenAPIDescription,
    Operation,
    UnresolvableReference,
    dereference,
)

if TYPE_CHECKING:
    from ..asyncapi.description import AsyncAPIDescription
    from ..asyncapi.resolve import MessageTarget


@dataclass(frozen=True)
class ResolutionProblem:
    """Why a step cannot use an operation as written, at a pointer of the Arazzo document."""

    rule: str
    pointer: str
    message: str
    hint: str | None = None
    blocking: bool = True
    """Whether the step cannot be sent as written; advice (a spelling the spec does
    not use but the runner understands) does not block."""


@dataclass(frozen=True)
class Resolution:
    """What finding a step's operation found: the operation, or the problem, or neither
    (when the source description it is in was not read)."""

    operation: Operation | None = None
    problem: ResolutionProblem | None = None
    advice: tuple[ResolutionProblem, ...] = ()
    """Non-blocking problems: the step names the operation in a form the spec does not use."""


class Sources(Protocol):
    """The source descriptions of one Arazzo document, as a caller has read them."""

    def openapi(self, source: SourceDescription) -> OpenAPIDescription | None:
        """The source's OpenAPI description; None when it is not available to check
        against (a remote one left unread, or one that cannot be read: reported there)."""

    def is_arazzo(self, source: SourceDescription) -> bool:
        """Whether the source is an Arazzo document (which has workflows, not operations)."""


def resolve_operation(document: ArazzoDocument, step: Step, sources: Sources) -> Resolution:
    """The operation ``step`` calls, found in ``sources``."""
    return _Resolver(document, step, sources).resolve()


class _Resolver:
    def __init__(self, document: ArazzoDocument, step: Step, sources: Sources) -> None:
        self.document = document
        self.step = step
        self.sources = sources

    def resolve(self) -> Resolution:
        if self.step.operation_path is not None:
            return self._by_path(self.step.operation_path)
        if self.step.operation_id is not None:
            return self._by_id(self.step.operation_id)
        return Resolution()

    # -- operationId

    def _by_id(self, operation_id: str) -> Resolution:
        pointer = join_pointer(self.step.pointer, "operationId")
        match = SOURCE_REFERENCE.match(operation_id)
        if match is not None:
            return self._qualified(match.group(1), match.group(2), pointer, operation_id)
        candidates = self._openapi_sources()
        descriptions = [self.sources.openapi(source) for source in candidates]
        if any(d is None for d in descriptions):
            return Resolution()  # the operation may be in a source that was not read
        found = [op for d in descriptions if d and (op := d.by_operation_id(operation_id))]
        if len(found) > 1:
            names = ", ".join(op.description.name for op in found)
            qualified = f"$sourceDescriptions.{found[0].description.name}.{operation_id}"
            return _failed(
                "ambiguous-operation-id",
                pointer,
                f"operationId '{operation_id}' exists in several source descriptions ({names})",
                hint=f"qualify it: {qualified}",
            )
        if found:
            advice = []
            if len(candidates) > 1:
                advice.append(_unqualified(operation_id, pointer, found[0], len(candidates)))
            return Resolution(found[0], advice=tuple(advice))
        return self._loosely_qualified(operation_id, pointer, candidates)

    def _qualified(self, name: str, operation_id: str, pointer: str, written: str) -> Resolution:
        source = self._named(name, pointer, written)
        if isinstance(source, ResolutionProblem):
            return Resolution(problem=source)
        description = self.sources.openapi(source)
        if description is None:
            return Resolution()
        found = description.by_operation_id(operation_id)
        if found is not None:
            return Resolution(found)
        suggestion = _operation_id_hint(description, operation_id)
        what = f"'{name}' has no operationId '{operation_id}'"
        return Resolution(problem=_no_operation(pointer, what, description, suggestion))

    def _loosely_qualified(
        self, operation_id: str, pointer: str, candidates: list[SourceDescription]
    ) -> Resolution:
        # "<source>.<operationId>" without the $sourceDescriptions prefix: the runner
        # accepts it, but it is not the spec's form.
        prefix, dot, rest = operation_id.partition(".")
        source = self.document.source(prefix) if dot else None
        description = self._openapi_of(source)
        found = description.by_operation_id(rest) if description else None
        if found is not None:
            advice = ResolutionProblem(
                "unqualified-operation-id",
                pointer,
                f"operationId '{operation_id}' names its source without the "
                "$sourceDescriptions prefix",
                hint=f"write $sourceDescriptions.{operation_id}",
                blocking=False,
            )
            return Resolution(found, advice=(advice,))
        names = ", ".join(c.name for c in candidates) or "none"
        hints = [_operation_id_hint(d, operation_id) for c in candidates
                 if (d := self.sources.openapi(c))]  # fmt: skip
        return _failed(
            "unresolved-operation",
            pointer,
            f"no operation with operationId '{operation_id}' in the source descriptions ({names})",
            hint=next((h for h in hints if h.startswith("did you mean")), None)
            or "check the spelling against the OpenAPI description's operationIds",
        )

    # -- operationPath

    def _by_path(self, operation_path: str) -> Resolution:
        pointer = join_pointer(self.step.pointer, "operationPath")
        match = OPERATION_PATH.match(operation_path)
        bare = BARE_OPERATION_PATH.match(operation_path)
        advice: list[ResolutionProblem] = []
        if match is not None:
            name, fragment = match.group(2), match.group(4)
            if not (match.group(1) and match.group(3)):
                advice.append(_unbraced(operation_path, pointer, name, fragment))
        elif bare is not None and self.document.source(bare.group(1)) is not None:
            name, fragment = bare.group(1), bare.group(2)
            advice.append(_bare_source(operation_path, pointer, name, fragment))
        else:
            return Resolution(problem=_malformed_path(operation_path, pointer))
        return self._at_path(name, fragment, pointer, operation_path, tuple(advice))

    def _at_path(
        self,
        name: str,
        fragment: str,
        pointer: str,
        written: str,
        advice: tuple[ResolutionProblem, ...],
    ) -> Resolution:
        source = self._named(name, pointer, written)
        if isinstance(source, ResolutionProblem):
            return Resolution(problem=source, advice=advice)
        description = self.sources.openapi(source)
        if description is None:
            return Resolution(advice=advice)
        found = description.by_pointer(unquote(fragment))
        if found is None:
            what = f"'{name}' has no operation at '#{fragment}'"
            return Resolution(problem=_no_operation(pointer, what, description), advice=advice)
        return Resolution(found, advice=advice)

    # -- sources

    def _openapi_sources(self) -> list[SourceDescription]:
        return [
            source
            for source in self.document.source_descriptions
            if source.type in (None, "openapi") and not self.sources.is_arazzo(source)
        ]

    def _openapi_of(self, source: SourceDescription | None) -> OpenAPIDescription | None:
        if source is None or self.sources.is_arazzo(source):
            return None
        return self.sources.openapi(source)

    def _named(
        self, name: str, pointer: str, written: str
    ) -> SourceDescription | ResolutionProblem:
        source = self.document.source(name)
        if source is None:
            names = ", ".join(s.name for s in self.document.source_descriptions) or "none"
            return ResolutionProblem(
                "unknown-source",
                pointer,
                f"'{written}' names source description '{name}', which is not defined",
                hint=f"source descriptions: {names}",
            )
        if self.sources.is_arazzo(source):
            return ResolutionProblem(
                "unresolved-operation",
                pointer,
                f"source description '{name}' is an Arazzo document; operations come from "
                "OpenAPI descriptions",
                hint="call one of its workflows with workflowId: $sourceDescriptions."
                f"{name}.<workflowId>",
            )
        return source


def _failed(rule: str, pointer: str, message: str, hint: str | None = None) -> Resolution:
    return Resolution(problem=ResolutionProblem(rule, pointer, message, hint))


def _unqualified(
    operation_id: str, pointer: str, found: Operation, count: int
) -> ResolutionProblem:
    return ResolutionProblem(
        "unqualified-operation-id",
        pointer,
        f"operationId '{operation_id}' is not qualified, and the document has {count} OpenAPI "
        "source descriptions",
        hint=f"write $sourceDescriptions.{found.description.name}.{operation_id}",
        blocking=False,
    )


def _unbraced(operation_path: str, pointer: str, name: str, fragment: str) -> ResolutionProblem:
    return ResolutionProblem(
        "bare-expression",
        pointer,
        f"the source in operationPath '{operation_path}' is not written as "
        "{$sourceDescriptions.<name>.url}",
        hint=f"write {{$sourceDescriptions.{name}.url}}#{fragment}",
        blocking=False,
    )


def _bare_source(operation_path: str, pointer: str, name: str, fragment: str) -> ResolutionProblem:
    return ResolutionProblem(
        "invalid-operation-path",
        pointer,
        f"operationPath '{operation_path}' names its source without a runtime expression",
        hint=f"write {{$sourceDescriptions.{name}.url}}#{fragment}",
        blocking=False,
    )


def _malformed_path(operation_path: str, pointer: str) -> ResolutionProblem:
    return ResolutionProblem(
        "invalid-operation-path",
        pointer,
        f"operationPath '{operation_path}' is not of the form "
        "'{$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>'",
        hint="escape '/' in the path as '~1', e.g. "
        "{$sourceDescriptions.api.url}#/paths/~1pets~1{id}/get",
    )


def _no_operation(
    pointer: str, what: str, description: OpenAPIDescription, suggestion: str | None = None
) -> ResolutionProblem:
    broken = _broken_path_items(description)
    hint = "check it against the paths and operationIds of the OpenAPI description"
    if suggestion is not None and suggestion.startswith("did you mean"):
        hint = suggestion
    elif broken:
        hint = f"note: {broken[0]}"
    return ResolutionProblem("unresolved-operation", pointer, f"source description {what}", hint)


def _broken_path_items(description: OpenAPIDescription) -> list[str]:
    """Path items whose ``$ref`` leads nowhere: the operation may be behind one."""
    paths = description.document.data.get("paths")
    problems = []
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        where = join_pointer("/paths", str(path))
        try:
            dereference(Located(item, description.document, where), description.cache)
        except UnresolvableReference as exc:
            location = description.document.location(join_pointer(where, "$ref"))
            problems.append(f"{location}: {exc}; the operations of '{path}' are unavailable")
    return problems


def _operation_id_hint(description: OpenAPIDescription, operation_id: str) -> str:
    """A suggestion for a mistyped operationId (operationIds are case-sensitive)."""
    known = [op.operation_id for op in description.operations() if op.operation_id]
    same_but_case = [name for name in known if name.lower() == operation_id.lower()]
    if same_but_case:
        return f"did you mean '{same_but_case[0]}'? operationIds are case-sensitive"
    close = did_you_mean(operation_id, known)
    if close:
        return f"did you mean '{close}'?"
    return "check the spelling against the OpenAPI description's operationIds"


# --------------------------------------------------------------------------- a run's sources


class SourceRegistry:
    """Loads an Arazzo document's source descriptions on first use, for a run."""

    def __init__(
        self,
        document: ArazzoDocument,
        diagnostics: Diagnostics,
        cache: DocumentCache | None = None,
        *,
        options: LoadOptions | None = None,
    ) -> None:
        self.document = document
        self.diagnostics = diagnostics
        if cache is None:
            cache = _validated_documents(document, options or LoadOptions())
        self.cache = cache or DocumentCache(options=options)
        self._openapi: dict[str, OpenAPIDescription] = {}
        self._asyncapi: dict[str, AsyncAPIDescription] = {}

    def openapi(self, source: SourceDescription) -> OpenAPIDescription:
        """The source's description, loaded once; a :class:`DocumentError` if it cannot be."""
        if source.name not in self._openapi:
            self._openapi[source.name] = OpenAPIDescription(
                source.name, self._load(source), self.cache, self.diagnostics
            )
        return self._openapi[source.name]

    def asyncapi(self, source: SourceDescription) -> AsyncAPIDescription:
        """The source's AsyncAPI description, loaded once like an OpenAPI one."""
        if source.name not in self._asyncapi:
            # Imported here: asyncapi/ reads $refs with this package's refs module.
            from ..asyncapi.description import AsyncAPIDescription

            self._asyncapi[source.name] = AsyncAPIDescription(
                source.name, self._load(source), self.cache, self.diagnostics
            )
        return self._asyncapi[source.name]

    def _load(self, source: SourceDescription) -> LoadedDocument:
        uri = source.url
        try:
            uri = self.document.document.resolve_uri(source.url)
            return self.cache.get(uri)
        except DocumentError as exc:
            where = self.document.location(join_pointer(source.pointer, "url"))
            inner = exc.location if exc.location and exc.location.line else display_path(uri)
            raise DocumentError(
                f"cannot load source description '{source.name}': {inner}: {exc.message}",
                location=where,
                # With --offline, or for a URL or an absolute path, the relative-url
                # hint would mislead; the loader's is right.
                hint="a relative url is resolved against the Arazzo document's location"
                if is_relative_reference(source.url) and not isinstance(exc, FetchRefused)
                else exc.hint,
            ) from None

    def resolve_message(self, step: Step) -> MessageTarget:
        """The channel a message step uses, or a :class:`DocumentError` located at the step."""
        from ..asyncapi.resolve import resolve_message_step

        found = resolve_message_step(self.document, step, self)
        problem = found.problem
        if found.target is not None and problem is None:
            return found.target
        assert problem is not None  # every source is read here, or raised about
        raise DocumentError(
            problem.message, location=self.document.location(problem.pointer), hint=problem.hint
        )

    def is_arazzo(self, source: SourceDescription) -> bool:
        return source.type == "arazzo"

    def resolve(self, step: Step) -> Operation:
        """The operation a step calls, or a :class:`DocumentError` located at the step."""
        found = resolve_operation(self.document, step, self)
        if found.operation is not None:
            return found.operation
        problem = found.problem
        if problem is None:
            # A step the resolver has no rule for: an AsyncAPI step (callers that
            # run steps send those to resolve_message) names a channel, not an operation.
            raise DocumentError(
                f"step '{step.step_id}' names no HTTP operation",
                location=self.document.location(step.pointer),
            )
        raise DocumentError(
            problem.message, location=self.document.location(problem.pointer), hint=problem.hint
        )


def _validated_documents(document: ArazzoDocument, options: LoadOptions) -> DocumentCache | None:
    """The documents validation already read (see ``validation.prepare_document``), if
    they were read the way this run would read them: a large description is then
    not read and parsed a second time."""
    shared = document.documents
    if not isinstance(shared, DocumentCache) or shared.options != options:
        return None
    return shared if shared.options.fetch is options.fetch else None
