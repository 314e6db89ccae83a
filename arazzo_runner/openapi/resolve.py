"""Source descriptions of an Arazzo document, and finding a step's operation in them."""

from __future__ import annotations

import difflib
import re
from urllib.parse import unquote

from ..diagnostics import Diagnostics
from ..document import (
    ArazzoDocument,
    FetchRefused,
    LoadOptions,
    SourceDescription,
    Step,
    display_path,
    join_pointer,
)
from ..errors import DocumentError
from .description import DocumentCache, OpenAPIDescription, Operation

_QUALIFIED_OPERATION_ID = re.compile(r"^\$sourceDescriptions\.([A-Za-z0-9_-]+)\.(.+)$")
_OPERATION_PATH = re.compile(r"^\{?\$sourceDescriptions\.([A-Za-z0-9_-]+)\.url\}?#(.*)$")
# Some published documents name the source directly: "<name>#/paths/...".
_BARE_OPERATION_PATH = re.compile(r"^([A-Za-z0-9_-]+)#(/paths/.*)$")


class SourceRegistry:
    """Loads an Arazzo document's source descriptions on first use."""

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

    def openapi(self, source: SourceDescription) -> OpenAPIDescription:
        if source.name not in self._openapi:
            uri = source.url
            try:
                uri = self.document.document.resolve_uri(source.url)
                loaded = self.cache.get(uri)
            except DocumentError as exc:
                where = self.document.location(join_pointer(source.pointer, "url"))
                inner = exc.location if exc.location and exc.location.line else display_path(uri)
                raise DocumentError(
                    f"cannot load source description '{source.name}': {inner}: {exc.message}",
                    location=where,
                    # With --offline the relative-url hint would mislead; the loader's is right.
                    hint=exc.hint
                    if isinstance(exc, FetchRefused)
                    else "a relative url is resolved against the Arazzo document's location",
                ) from None
            self._openapi[source.name] = OpenAPIDescription(
                source.name, loaded, self.cache, self.diagnostics
            )
        return self._openapi[source.name]

    def _openapi_sources(self) -> list[SourceDescription]:
        return [s for s in self.document.source_descriptions if s.type in (None, "openapi")]

    def resolve(self, step: Step) -> Operation:
        """The operation a step calls, or a :class:`DocumentError` located at the step."""
        if step.operation_path is not None:
            return self._by_path(step)
        assert step.operation_id is not None
        return self._by_id(step, step.operation_id)

    def _by_id(self, step: Step, operation_id: str) -> Operation:
        where = self.document.location(join_pointer(step.pointer, "operationId"))
        match = _QUALIFIED_OPERATION_ID.match(operation_id)
        if match:
            source = self._source(match.group(1), step, "operationId")
            found = self.openapi(source).by_operation_id(match.group(2))
            if found is None:
                raise DocumentError(
                    f"source description '{source.name}' has no operation with operationId "
                    f"'{match.group(2)}'",
                    location=where,
                    hint=operation_id_hint(self.openapi(source), match.group(2)),
                )
            return found
        candidates = self._openapi_sources()
        matches = [op for s in candidates if (op := self.openapi(s).by_operation_id(operation_id))]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(op.description.name for op in matches)
            raise DocumentError(
                f"operationId '{operation_id}' exists in several source descriptions ({names})",
                location=where,
                hint=f"qualify it: $sourceDescriptions.<name>.{operation_id}",
            )
        # Some published documents write "<source>.<operationId>" without the
        # $sourceDescriptions prefix; accept that when the prefix names a source.
        prefix, dot, rest = operation_id.partition(".")
        if dot and (source := self.document.source(prefix)) is not None:
            found = self.openapi(source).by_operation_id(rest)
            if found is not None:
                return found
        names = ", ".join(s.name for s in candidates) or "none"
        hints = [operation_id_hint(self.openapi(s), operation_id) for s in candidates]
        raise DocumentError(
            f"no operation with operationId '{operation_id}' in the source descriptions ({names})",
            location=where,
            hint=next((h for h in hints if h.startswith("did")), None)
            or "check the spelling against the OpenAPI description's operationIds",
        )

    def _by_path(self, step: Step) -> Operation:
        assert step.operation_path is not None
        where = self.document.location(join_pointer(step.pointer, "operationPath"))
        match = _OPERATION_PATH.match(step.operation_path)
        bare = _BARE_OPERATION_PATH.match(step.operation_path)
        if match is None and bare and self.document.source(bare.group(1)) is not None:
            match = bare
        if match is None:
            raise DocumentError(
                f"operationPath '{step.operation_path}' is not of the form "
                "'{$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>'",
                location=where,
            )
        source = self._source(match.group(1), step, "operationPath")
        pointer = unquote(match.group(2))
        found = self.openapi(source).by_pointer(pointer)
        if found is None:
            raise DocumentError(
                f"source description '{source.name}' has no operation at '#{pointer}'",
                location=where,
                hint="the pointer escapes '/' in the path as '~1', e.g. #/paths/~1pets~1{id}/get",
            )
        return found

    def _source(self, name: str, step: Step, field: str) -> SourceDescription:
        source = self.document.source(name)
        if source is None:
            names = ", ".join(s.name for s in self.document.source_descriptions)
            raise DocumentError(
                f"step '{step.step_id}' refers to source description '{name}', which is not "
                f"defined (defined: {names})",
                location=self.document.location(join_pointer(step.pointer, field)),
            )
        if source.type == "arazzo":
            raise DocumentError(
                f"source description '{name}' is an Arazzo document, not an OpenAPI description",
                location=self.document.location(join_pointer(step.pointer, field)),
            )
        return source


def _validated_documents(document: ArazzoDocument, options: LoadOptions) -> DocumentCache | None:
    """The documents validation already read (see ``lint.prepare_document``), if they
    were read the way this run would read them: a large description is then
    not read and parsed a second time."""
    shared = document.documents
    if shared is None or shared.options != options or shared.options.fetch is not options.fetch:
        return None
    return shared


def operation_id_hint(description: OpenAPIDescription, operation_id: str) -> str:
    """A suggestion for a mistyped operationId (operationIds are case-sensitive)."""
    known = [op.operation_id for op in description.operations() if op.operation_id]
    same_but_case = [name for name in known if name.lower() == operation_id.lower()]
    if same_but_case:
        return f"did you mean '{same_but_case[0]}'? operationIds are case-sensitive"
    close = difflib.get_close_matches(operation_id, known, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "check the spelling against the OpenAPI description's operationIds"
