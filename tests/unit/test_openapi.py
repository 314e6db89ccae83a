"""OpenAPI descriptions (operations, parameters, $ref, servers) and finding a step's operation."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from arazzo_runner.diagnostics import Diagnostic, Diagnostics
from arazzo_runner.document.build import build_model
from arazzo_runner.document.model import ArazzoDocument, Step
from arazzo_runner.document.parsing import LoadedDocument, parse_document
from arazzo_runner.document.reading import load_document
from arazzo_runner.errors import DocumentError
from arazzo_runner.openapi.description import DocumentCache, OpenAPIDescription, Operation
from arazzo_runner.openapi.resolve import SourceRegistry

PETS = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
servers:
  - url: https://{region}.pets.test/{base}
    variables:
      region: {default: eu}
      base: {default: v1, enum: [v1, v2]}
paths:
  /pets/{id}:
    summary: one pet
    servers:
      - url: https://path.pets.test
    parameters:
      - name: id
        in: path
      - name: limit
        in: query
        required: true
        description: path-level
      - $ref: '#/components/parameters/Trace'
    get:
      operationId: getPet
      servers:
        - url: https://op.pets.test
      parameters:
        - name: limit
          in: query
          description: operation-level
        - name: limit
          in: header
    put:
      operationId: putPet
  /pets:
    post:
      operationId: addPet
      requestBody:
        $ref: '#/components/requestBodies/Pet'
    get:
      operationId: listPets
      parameters:
        - $ref: '#/components/parameters/My%20Param'
  /a~b:
    get:
      operationId: tilde
components:
  parameters:
    Trace: {name: X-Trace, in: header}
    My Param: {name: spaced, in: query}
  requestBodies:
    Pet:
      content:
        application/json: {}
        application/xml: {}
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def describe(
    text: str,
    *,
    uri: str = "/specs/pets.yaml",
    name: str = "pets",
    diagnostics: Diagnostics | None = None,
) -> OpenAPIDescription:
    display_name = uri.rsplit("/", 1)[-1]
    document = parse_document(textwrap.dedent(text), uri=uri, display_name=display_name)
    return OpenAPIDescription(name, document, DocumentCache(), diagnostics)


def operation(description: OpenAPIDescription, operation_id: str) -> Operation:
    found = description.by_operation_id(operation_id)
    assert found is not None, operation_id
    return found


def parameter_table(op: Operation, diagnostics: Diagnostics) -> list[tuple[str, str, bool]]:
    return [(p.name, p.location, p.required) for p in op.parameters(diagnostics)]


def at(diagnostic: Diagnostic) -> tuple[int | None, int | None, str | None]:
    assert diagnostic.location is not None
    return diagnostic.location.line, diagnostic.location.column, diagnostic.location.pointer


# --------------------------------------------------------------------------- operation index


def test_operation_by_operation_id() -> None:
    op = operation(describe(PETS), "getPet")
    assert (op.path, op.method, op.pointer) == ("/pets/{id}", "get", "/paths/~1pets~1{id}/get")
    assert op.label == "GET /pets/{id}"
    assert op.operation_id == "getPet"


def test_unknown_operation_id_is_none() -> None:
    assert describe(PETS).by_operation_id("nope") is None


def test_operation_by_pointer() -> None:
    description = describe(PETS)
    op = description.by_pointer("/paths/~1pets~1{id}/get")
    assert op is not None
    assert (op.operation_id, op.path, op.method) == ("getPet", "/pets/{id}", "get")


@pytest.mark.parametrize(
    "pointer",
    [
        "/paths/~1pets~1{id}/post",  # no such method in the path item
        "/paths/~1nope/get",  # no such path
        "/paths/~1pets~1{id}/summary",  # not an HTTP method
        "/paths/~1pets/GET",  # methods are lowercase
        "/components/parameters/Trace",
        "paths/~1pets/get",
    ],
)
def test_pointer_that_names_no_operation(pointer: str) -> None:
    assert describe(PETS).by_pointer(pointer) is None


def test_pointer_unescapes_tilde() -> None:
    op = describe(PETS).by_pointer("/paths/~1a~0b/get")
    assert op is not None
    assert op.path == "/a~b"
    assert operation(describe(PETS), "tilde").pointer == "/paths/~1a~0b/get"


def test_operations_lists_every_method_and_nothing_else() -> None:
    labels = sorted(op.label for op in describe(PETS).operations())
    assert labels == ["GET /a~b", "GET /pets", "GET /pets/{id}", "POST /pets", "PUT /pets/{id}"]


def test_first_operation_id_wins_when_repeated() -> None:
    description = describe(
        """\
        openapi: 3.0.3
        paths:
          /a:
            get: {operationId: same}
          /b:
            get: {operationId: same}
        """
    )
    assert operation(description, "same").path == "/a"


def test_operations_of_a_referenced_path_item(tmp_path: Path) -> None:
    write(
        tmp_path,
        "api.yaml",
        """\
        openapi: 3.1.0
        paths:
          /pets:
            $ref: 'paths/pets.yaml'
        """,
    )
    write(tmp_path, "paths/pets.yaml", "get:\n  operationId: listPets\n")
    description = OpenAPIDescription(
        "api", load_document(str(tmp_path / "api.yaml")), DocumentCache()
    )
    op = description.by_operation_id("listPets")
    assert op is not None
    assert op.label == "GET /pets"


# --------------------------------------------------------------------------- parameters


def test_parameters_merge_path_and_operation_levels() -> None:
    diagnostics = Diagnostics()
    op = operation(describe(PETS), "getPet")
    assert parameter_table(op, diagnostics) == [
        ("id", "path", True),  # path parameters are required by default
        ("limit", "query", False),  # the operation's own limit replaced the path's
        ("X-Trace", "header", False),  # through a $ref to components
        ("limit", "header", False),  # a different 'in' is a different parameter
    ]
    by_key = {(p.name, p.location): p for p in op.parameters(diagnostics)}
    assert by_key[("limit", "query")].raw["description"] == "operation-level"
    assert list(diagnostics) == []


def test_operation_without_own_parameters_gets_the_path_level_ones() -> None:
    diagnostics = Diagnostics()
    op = operation(describe(PETS), "putPet")
    assert parameter_table(op, diagnostics) == [
        ("id", "path", True),
        ("limit", "query", True),
        ("X-Trace", "header", False),
    ]


def test_parameter_style_and_explode_defaults() -> None:
    op = operation(describe(PETS), "getPet")
    styles = {(p.name, p.location): (p.style, p.explode) for p in op.parameters(Diagnostics())}
    assert styles[("id", "path")] == ("simple", False)
    assert styles[("limit", "query")] == ("form", True)
    assert styles[("limit", "header")] == ("simple", False)


def test_percent_encoded_ref_fragment() -> None:
    op = operation(describe(PETS), "listPets")
    assert parameter_table(op, Diagnostics()) == [("spaced", "query", False)]


def test_ref_to_another_file_resolves_relative_to_the_referring_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        "api/openapi.yaml",
        """\
        openapi: 3.1.0
        paths:
          /a:
            get:
              operationId: a
              parameters:
                - $ref: 'common/params.yaml#/Shared'
        """,
    )
    # The second hop is relative to common/params.yaml, not to openapi.yaml.
    write(tmp_path, "api/common/params.yaml", "Shared:\n  $ref: 'more/deep.yaml#/P'\n")
    write(tmp_path, "api/common/more/deep.yaml", "P: {name: shared, in: cookie}\n")
    description = OpenAPIDescription(
        "api", load_document(str(tmp_path / "api/openapi.yaml")), DocumentCache()
    )
    diagnostics = Diagnostics()
    assert parameter_table(operation(description, "a"), diagnostics) == [
        ("shared", "cookie", False)
    ]
    assert list(diagnostics) == []


def test_unresolvable_ref_is_a_warning_at_the_ref_and_the_parameter_is_skipped() -> None:
    diagnostics = Diagnostics()
    description = describe(
        """\
        openapi: 3.1.0
        paths:
          /a:
            get:
              operationId: a
              parameters:
                - name: kept
                  in: query
                - $ref: '#/components/parameters/Missing'
        components:
          parameters: {}
        """,
        diagnostics=diagnostics,
    )
    assert parameter_table(operation(description, "a"), diagnostics) == [("kept", "query", False)]
    (warning,) = diagnostics.warnings
    assert warning.message == (
        "cannot resolve $ref '#/components/parameters/Missing': there is no 'Missing' in "
        "'#/components/parameters'; the parameter it stands for is ignored"
    )
    assert at(warning) == (9, 17, "/paths/~1a/get/parameters/1/$ref")
    assert diagnostics.errors == []


def test_ref_to_a_missing_file_is_a_warning(tmp_path: Path) -> None:
    write(
        tmp_path,
        "api.yaml",
        """\
        openapi: 3.1.0
        paths:
          /a:
            get:
              operationId: a
              parameters:
                - $ref: 'nofile.yaml#/P'
        """,
    )
    description = OpenAPIDescription(
        "api", load_document(str(tmp_path / "api.yaml")), DocumentCache()
    )
    diagnostics = Diagnostics()
    assert parameter_table(operation(description, "a"), diagnostics) == []
    (warning,) = diagnostics.warnings
    assert warning.message.startswith("cannot resolve $ref 'nofile.yaml#/P': file not found")


CYCLE_HEAD = """\
openapi: 3.1.0
paths:
  /a:
    get:
      operationId: a
      parameters:
        - $ref: '#/components/parameters/A'
components:
  parameters:
"""


@pytest.mark.parametrize(
    "components",
    [
        "    A: {$ref: '#/components/parameters/B'}\n    B: {$ref: '#/components/parameters/A'}\n",
        "    A: {$ref: '#/components/parameters/A'}\n",
    ],
    ids=["two-step-cycle", "self-reference"],
)
def test_circular_ref_is_a_warning_not_a_hang(components: str) -> None:
    diagnostics = Diagnostics()
    description = describe(CYCLE_HEAD + components)
    assert parameter_table(operation(description, "a"), diagnostics) == []
    (warning,) = diagnostics.warnings
    assert warning.message == (
        "cannot resolve $ref '#/components/parameters/A': the reference is circular; "
        "the parameter it stands for is ignored"
    )
    assert at(warning) == (7, 17, "/paths/~1a/get/parameters/0/$ref")


def test_parameter_without_name_or_in_is_a_warning() -> None:
    diagnostics = Diagnostics()
    description = describe(
        """\
        openapi: 3.1.0
        paths:
          /a:
            get:
              operationId: a
              parameters:
                - name: x
                - name: y
                  in: body
        """
    )
    assert parameter_table(operation(description, "a"), diagnostics) == []
    assert [(w.message, at(w)) for w in diagnostics.warnings] == [
        (
            "parameter of GET /a is not a valid OpenAPI parameter (it needs 'name' and 'in'); "
            "ignored",
            (7, 11, "/paths/~1a/get/parameters/0"),
        ),
        (
            "parameter of GET /a is not a valid OpenAPI parameter (it needs 'name' and 'in'); "
            "ignored",
            (8, 11, "/paths/~1a/get/parameters/1"),
        ),
    ]


def test_request_content_types_through_a_ref() -> None:
    op = operation(describe(PETS), "addPet")
    assert op.request_content_types() == ["application/json", "application/xml"]
    assert operation(describe(PETS), "getPet").request_content_types() == []


# --------------------------------------------------------------------------- security

SECURED = """\
openapi: 3.1.0
security:
  - apiKey: []
  - oauth: [read]
paths:
  /a:
    get:
      operationId: a
      security:
        - petAuth: []
        - apiKey: []
  /b:
    get:
      operationId: b
  /c:
    get:
      operationId: c
      security: []
components:
  securitySchemes:
    oauth: {type: oauth2, flows: {}}
"""


def test_undefined_security_schemes_warn_once_per_scheme_per_description() -> None:
    description = describe(SECURED)
    diagnostics = Diagnostics()
    for operation_id in ("a", "b", "c", "a"):
        operation(description, operation_id).check_security(diagnostics)
    assert [(w.message, at(w)) for w in diagnostics.warnings] == [
        (
            "security scheme 'petAuth' (required by GET /a) is not defined in "
            "components.securitySchemes; it is ignored",
            (10, 9, "/paths/~1a/get/security"),
        ),
        (
            "security scheme 'apiKey' (required by GET /a) is not defined in "
            "components.securitySchemes; it is ignored",
            (10, 9, "/paths/~1a/get/security"),
        ),
    ]


def test_document_level_security_is_used_when_the_operation_has_none() -> None:
    diagnostics = Diagnostics()
    operation(describe(SECURED), "b").check_security(diagnostics)
    (warning,) = diagnostics.warnings
    assert warning.message.startswith("security scheme 'apiKey' (required by GET /b)")
    assert at(warning) == (3, 3, "/security")


def test_empty_operation_security_opts_out() -> None:
    diagnostics = Diagnostics()
    operation(describe(SECURED), "c").check_security(diagnostics)
    assert list(diagnostics) == []


def test_each_description_reports_its_own_missing_schemes() -> None:
    diagnostics = Diagnostics()
    first = describe(SECURED, name="first", uri="/specs/first.yaml")
    second = describe(SECURED, name="second", uri="/specs/second.yaml")
    operation(first, "b").check_security(diagnostics)
    operation(second, "b").check_security(diagnostics)
    operation(second, "b").check_security(diagnostics)
    assert [str(w.location) for w in diagnostics.warnings] == [
        "first.yaml:3:3",
        "second.yaml:3:3",
    ]


# --------------------------------------------------------------------------- servers


def test_servers_precedence_operation_path_document() -> None:
    description = describe(PETS)
    assert description.server_url(operation(description, "getPet")) == "https://op.pets.test"
    assert description.server_url(operation(description, "putPet")) == "https://path.pets.test"
    # Document servers, with variables set to their defaults.
    assert description.server_url(operation(description, "addPet")) == "https://eu.pets.test/v1"


def test_default_server_is_slash() -> None:
    description = describe("openapi: 3.1.0\npaths:\n  /a:\n    get: {operationId: a}\n")
    assert operation(description, "a").servers() == [{"url": "/"}]


def test_empty_servers_list_falls_through_to_the_next_level() -> None:
    description = describe(
        """\
        openapi: 3.1.0
        servers: [{url: 'https://doc.test'}]
        paths:
          /a:
            servers: []
            get: {operationId: a, servers: []}
        """
    )
    assert description.server_url(operation(description, "a")) == "https://doc.test"


def test_relative_server_url_of_a_local_file_is_an_error_with_a_server_hint() -> None:
    description = describe(
        "openapi: 3.1.0\nservers: [{url: /v1}]\npaths:\n  /a:\n    get: {operationId: a}\n"
    )
    with pytest.raises(DocumentError) as info:
        description.server_url(operation(description, "a"))
    assert info.value.message == (
        "the server URL '/v1' of source description 'pets' is relative, and the description "
        "is a local file, so there is no host to send requests to"
    )
    assert info.value.hint == "pass --server pets=https://host/base-path"
    assert info.value.location is not None
    assert info.value.location.file == "pets.yaml"
    # At the server's url, where the fix goes.
    assert (info.value.location.line, info.value.location.column) == (2, 17)


def test_no_servers_with_a_local_file_is_an_error() -> None:
    description = describe("openapi: 3.1.0\npaths:\n  /a:\n    get: {operationId: a}\n")
    with pytest.raises(DocumentError) as info:
        description.server_url(operation(description, "a"))
    assert "the server URL '/'" in info.value.message


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        ("/v1", "https://api.test/v1"),
        ("v1", "https://api.test/specs/v1"),
        ("//other.test/v1", "https://other.test/v1"),
        (None, "https://api.test/"),
    ],
)
def test_relative_server_url_resolves_against_a_url_located_description(
    server: str | None, expected: str
) -> None:
    servers = f"servers: [{{url: '{server}'}}]\n" if server is not None else ""
    description = describe(
        "openapi: 3.1.0\n" + servers + "paths:\n  /a:\n    get: {operationId: a}\n",
        uri="https://api.test/specs/openapi.yaml",
    )
    assert description.server_url(operation(description, "a")) == expected


# --------------------------------------------------------------------------- versions


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("swagger: '1.2'\ninfo: {title: x, version: '1'}\npaths: {}\n", "Swagger 1.2"),
        ("info: {title: x, version: '1'}\npaths: {}\n", "no 'openapi' field"),
        ("openapi: '4.0.0'\n", "'openapi: 4.0.0'"),
        ("openapi: 3.0\n", "'openapi: 3.0'"),
        ("- 1\n", "no 'openapi' field"),
    ],
)
def test_non_openapi_documents_are_refused(text: str, found: str) -> None:
    with pytest.raises(DocumentError) as info:
        describe(text)
    assert info.value.message == (
        f"source description 'pets' is not an OpenAPI 3.x document ({found})"
    )
    if found.startswith("Swagger"):
        assert info.value.hint == (
            "Swagger 2.0 and OpenAPI 3.x are read; convert it to OpenAPI 3 first"
        )
    else:
        assert info.value.hint is None
    # At the 'openapi' field when there is one, else at the top of the document.
    assert str(info.value.location) == ("pets.yaml:1:10" if "openapi:" in text else "pets.yaml:1:1")


@pytest.mark.parametrize("version", ["3.0.0", "3.0.3", "3.1.0", "3.1.1"])
def test_openapi_3_0_and_3_1_are_read_silently(version: str) -> None:
    diagnostics = Diagnostics()
    description = describe(f"openapi: {version}\npaths: {{}}\n", diagnostics=diagnostics)
    assert description.version == version
    assert list(diagnostics) == []


def test_openapi_3_2_is_a_warning() -> None:
    diagnostics = Diagnostics()
    description = describe(
        "openapi: 3.2.0\npaths:\n  /a:\n    get: {operationId: a}\n", diagnostics=diagnostics
    )
    (warning,) = diagnostics.warnings
    assert (
        warning.message == "source description 'pets' is OpenAPI 3.2.0; it is read as OpenAPI 3.1"
    )
    assert at(warning) == (1, 10, "/openapi")
    assert description.by_operation_id("a") is not None


# --------------------------------------------------------------------------- SourceRegistry

STORE = """\
openapi: 3.1.0
info: {title: Store, version: '1'}
servers: [{url: 'https://store.test'}]
paths:
  /shared:
    get: {operationId: shared}
  /orders:
    post: {operationId: placeOrder}
  /my pets:
    get: {operationId: spaced}
"""

REGISTRY_PETS = """\
openapi: 3.1.0
info: {title: Pets, version: '1'}
servers: [{url: 'https://pets.test'}]
paths:
  /pets/{id}:
    get: {operationId: getPet}
  /shared:
    get: {operationId: shared}
"""


class Registry:
    """An Arazzo document in tmp_path with the sources 'pets' and 'store'."""

    def __init__(self, tmp_path: Path, sources: str | None = None) -> None:
        write(tmp_path, "specs/pets.yaml", REGISTRY_PETS)
        write(tmp_path, "specs/store.yaml", STORE)
        write(tmp_path, "specs/other.arazzo.yaml", "arazzo: 1.0.1\n")
        self.tmp_path = tmp_path
        self.sources = sources or (
            "  - {name: pets, url: pets.yaml, type: openapi}\n"
            "  - {name: store, url: store.yaml}\n"
            "  - {name: flows, url: other.arazzo.yaml, type: arazzo}\n"
        )

    def step(self, target: str) -> tuple[SourceRegistry, Step, ArazzoDocument]:
        text = (
            "arazzo: 1.0.1\ninfo: {title: T, version: '1'}\nsourceDescriptions:\n"
            + self.sources
            + "workflows:\n  - workflowId: w\n    steps:\n      - stepId: s\n"
            + f"        {target}\n"
        )
        write(self.tmp_path, "specs/wf.arazzo.yaml", text)
        diagnostics = Diagnostics()
        model = build_model(load_document("specs/wf.arazzo.yaml"), diagnostics)
        return SourceRegistry(model, diagnostics), model.workflows[0].steps[0], model

    def resolve(self, target: str) -> Operation:
        registry, step, _ = self.step(target)
        return registry.resolve(step)

    def fail(self, target: str) -> DocumentError:
        registry, step, _ = self.step(target)
        with pytest.raises(DocumentError) as info:
            registry.resolve(step)
        return info.value


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Registry:
    monkeypatch.chdir(tmp_path)
    return Registry(tmp_path)


STEP_LINE = 11  # the line of the step's target in Registry.step's document


def test_plain_operation_id(registry: Registry) -> None:
    op = registry.resolve("operationId: getPet")
    assert (op.description.name, op.label) == ("pets", "GET /pets/{id}")


def test_qualified_operation_id(registry: Registry) -> None:
    op = registry.resolve("operationId: $sourceDescriptions.store.shared")
    assert (op.description.name, op.label) == ("store", "GET /shared")


def test_qualified_operation_id_not_in_that_source(registry: Registry) -> None:
    error = registry.fail("operationId: $sourceDescriptions.store.getPet")
    assert error.message == "source description 'store' has no operationId 'getPet'"
    assert str(error.location) == f"specs/wf.arazzo.yaml:{STEP_LINE}:22"


def test_operation_id_differing_only_in_case_gets_a_suggestion(registry: Registry) -> None:
    error = registry.fail("operationId: $sourceDescriptions.pets.GETPET")
    assert error.hint == "did you mean 'getPet'? operationIds are case-sensitive"
    error = registry.fail("operationId: getPets")
    assert error.hint is not None and error.hint.startswith("did you mean 'getPet'?")


def test_ambiguous_plain_operation_id(registry: Registry) -> None:
    error = registry.fail("operationId: shared")
    assert (
        error.message == "operationId 'shared' exists in several source descriptions (pets, store)"
    )
    assert error.hint == "qualify it: $sourceDescriptions.pets.shared"
    assert error.location is not None
    assert error.location.pointer == "/workflows/0/steps/0/operationId"


def test_unknown_operation_id(registry: Registry) -> None:
    error = registry.fail("operationId: nothing")
    assert error.message == (
        "no operation with operationId 'nothing' in the source descriptions (pets, store)"
    )
    assert error.hint == "check the spelling against the OpenAPI description's operationIds"
    assert str(error.location) == f"specs/wf.arazzo.yaml:{STEP_LINE}:22"


def test_lenient_source_dot_operation_id(registry: Registry) -> None:
    op = registry.resolve("operationId: store.placeOrder")
    assert (op.description.name, op.label) == ("store", "POST /orders")


def test_lenient_form_with_an_unknown_operation(registry: Registry) -> None:
    error = registry.fail("operationId: store.nothing")
    assert error.message.startswith("no operation with operationId 'store.nothing'")


@pytest.mark.parametrize(
    "path",
    [
        "'{$sourceDescriptions.pets.url}#/paths/~1pets~1{id}/get'",
        "'$sourceDescriptions.pets.url#/paths/~1pets~1{id}/get'",
    ],
    ids=["braces", "no-braces"],
)
def test_operation_path(registry: Registry, path: str) -> None:
    op = registry.resolve(f"operationPath: {path}")
    assert (op.description.name, op.label, op.pointer) == (
        "pets",
        "GET /pets/{id}",
        "/paths/~1pets~1{id}/get",
    )


def test_percent_encoded_operation_path(registry: Registry) -> None:
    op = registry.resolve("operationPath: '{$sourceDescriptions.store.url}#/paths/~1my%20pets/get'")
    assert op.path == "/my pets"


def test_lenient_name_hash_operation_path(registry: Registry) -> None:
    op = registry.resolve("operationPath: 'store#/paths/~1orders/post'")
    assert (op.description.name, op.label) == ("store", "POST /orders")


def test_operation_path_to_nothing(registry: Registry) -> None:
    error = registry.fail("operationPath: '{$sourceDescriptions.pets.url}#/paths/~1pets/get'")
    assert error.message == "source description 'pets' has no operation at '#/paths/~1pets/get'"
    assert error.hint == "check it against the paths and operationIds of the OpenAPI description"
    assert str(error.location) == f"specs/wf.arazzo.yaml:{STEP_LINE}:24"


@pytest.mark.parametrize(
    "path",
    [
        "pets.yaml#/paths/~1shared/get",
        "{$sourceDescriptions.pets.url}/paths/~1shared/get",
        "nope#/paths/~1shared/get",
    ],
)
def test_malformed_operation_path(registry: Registry, path: str) -> None:
    error = registry.fail(f"operationPath: '{path}'")
    assert error.message == (
        f"operationPath '{path}' is not of the form "
        "'{$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>'"
    )


@pytest.mark.parametrize(
    "target",
    [
        "operationId: $sourceDescriptions.nope.shared",
        "operationPath: '{$sourceDescriptions.nope.url}#/paths/~1shared/get'",
    ],
)
def test_unknown_source_name(registry: Registry, target: str) -> None:
    error = registry.fail(target)
    written = target.partition(": ")[2].strip("'")
    assert error.message == (f"'{written}' names source description 'nope', which is not defined")
    assert error.hint == "source descriptions: pets, store, flows"
    assert error.location is not None
    assert error.location.line == STEP_LINE


def test_arazzo_source_used_for_an_operation(registry: Registry) -> None:
    error = registry.fail("operationId: $sourceDescriptions.flows.x")
    assert error.message == (
        "source description 'flows' is an Arazzo document; operations come from OpenAPI "
        "descriptions"
    )
    assert error.location is not None
    assert error.location.pointer == "/workflows/0/steps/0/operationId"


def test_arazzo_sources_are_not_searched_for_plain_operation_ids(registry: Registry) -> None:
    # other.arazzo.yaml is not an OpenAPI description; it must not even be loaded.
    op = registry.resolve("operationId: getPet")
    assert op.description.name == "pets"


def test_missing_source_description_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    registry = Registry(tmp_path, sources="  - {name: gone, url: ../missing/none.yaml}\n")
    error = registry.fail("operationId: $sourceDescriptions.gone.x")
    assert error.message == (
        "cannot load source description 'gone': missing/none.yaml: file not found"
    )
    assert error.hint == "a relative url is resolved against the Arazzo document's location"
    assert error.location is not None
    assert (error.location.line, error.location.pointer) == (4, "/sourceDescriptions/0/url")


def test_source_description_with_a_yaml_error_names_its_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    registry = Registry(tmp_path, sources="  - {name: broken, url: broken.yaml}\n")
    write(tmp_path, "specs/broken.yaml", "openapi: 3.1.0\npaths: [\n")
    error = registry.fail("operationId: x")
    assert error.message.startswith(
        "cannot load source description 'broken': specs/broken.yaml:3:1: invalid YAML: "
    )


def test_source_descriptions_are_loaded_once(registry: Registry) -> None:
    sources, step, model = registry.step("operationId: getPet")
    first = sources.openapi(model.source_descriptions[0])
    assert sources.openapi(model.source_descriptions[0]) is first
    assert sources.resolve(step).description is first


def test_registry_loads_relative_to_the_arazzo_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    registry = Registry(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sources, step, _ = registry.step("operationId: getPet")
    monkeypatch.chdir(elsewhere)
    assert sources.resolve(step).description.document.uri == str(tmp_path / "specs/pets.yaml")


def test_resolved_operation_knows_its_description(registry: Registry) -> None:
    op = registry.resolve("operationId: getPet")
    assert isinstance(op.description.document, LoadedDocument)
    assert op.description.document.display_name == "specs/pets.yaml"
    assert op.description.server_url(op) == "https://pets.test"
