"""Hostile and broken documents, through the ``arazzo`` command.

Each case ends with exit code 2, a message that says what is wrong and where
(file:line:col when there is a line), no traceback, and in bounded time. The
documents that could exhaust memory (alias bombs, huge and endless inputs) run
in a fresh process with a wall-clock timeout and a cap on its address space;
the rest run in this process. Remote documents come from a server on 127.0.0.1.
"""

from __future__ import annotations

import functools
import json
import resource
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner import api
from arazzo_runner.document import DocumentLimits
from tests._support.cli import CliResult, assert_clean_failure, run_cli, run_python
from tests._support.documents import arazzo_document
from tests._support.paths import SESSIONS_OPENAPI, WORKFLOW
from tests._support.servers import Reply, serving
from tests._support.sessions import run_workflow

# A server that answers nothing in time, one that streams without end, and one
# whose every byte comes quickly but the whole never does.
SLOW = Reply(delay=30.0)
ENDLESS = Reply(stream="endless")
TRICKLE = Reply(stream="trickle")


def run_bounded(*args: str, memory_mib: int, limits: str | None = None) -> CliResult:
    """Run ``arazzo`` in a fresh process with a wall-clock timeout and ``memory_mib`` of memory.

    ``memory_mib`` caps the process's address space; ``limits`` is Python
    source for ``DocumentLimits(...)`` arguments, given to every ``api.load``
    (the command has no option for them).
    """
    code = "import sys; from arazzo_runner.cli import main\n"
    if limits is not None:
        code += (
            "import functools; from arazzo_runner import api, document\n"
            f"api.load = functools.partial(api.load, limits=document.DocumentLimits({limits}))\n"
        )
    code += "sys.exit(main(sys.argv[1:]))\n"

    def cap_memory() -> None:
        size = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return run_python(code, *args, timeout=60, preexec_fn=cap_memory)


@pytest.fixture
def fetch_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remote documents get one second to arrive, instead of the default."""
    # The command has no option for the limits: every load the CLI makes gets these.
    limited = functools.partial(api.load, limits=DocumentLimits(fetch_timeout=1.0))
    monkeypatch.setattr(api, "load", limited)


def assert_refused(result: CliResult, *fragments: str) -> None:
    assert_clean_failure(result, 2, *fragments)


def minimal_arazzo(source_url: str = "api.yaml", **extra: Any) -> str:
    step = {
        "stepId": "s",
        "operationId": "op",
        "successCriteria": [{"condition": "$statusCode == 200"}],
    }
    workflow = {"workflowId": "w", "steps": [step]}
    document = arazzo_document(workflow, title="T", source_url=source_url, **extra)
    return json.dumps(document, indent=2)


def minimal_openapi(server: str, parameters: list[Any] | None = None, **extra: Any) -> str:
    operation: dict[str, Any] = {"operationId": "op", "responses": {"200": {"description": "ok"}}}
    if parameters is not None:
        operation["parameters"] = parameters
    document = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "servers": [{"url": server}],
        "paths": {"/x": {"get": operation}},
        **extra,
    }
    return json.dumps(document, indent=2)


# --------------------------------------------------------------------------- YAML alias bombs

BILLION_LAUGHS = "\n".join(
    [f"a0: &a0 [{', '.join(['lol'] * 9)}]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
)


@pytest.mark.subprocess
def test_billion_laughs_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.arazzo.yaml"
    path.write_text("arazzo: 1.0.1\n" + BILLION_LAUGHS + "\n")
    result = run_bounded("run", str(path), memory_mib=768)
    # a6 is the first anchor that expands past 1,000,000 nodes (9**7).
    assert_refused(result, f"{path}:8:5: error:", "aliases expand this document", "alias bomb")


@pytest.mark.subprocess
def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.arazzo.yaml"
    path.write_text("arazzo: 1.0.1\ninfo: &loop\n  title: T\n  again: *loop\n")
    result = run_bounded("run", str(path), memory_mib=768)
    assert_refused(result, f"{path}:2:7: error:", "refers to a node that contains it")  # the anchor


def test_modest_aliases_are_fine(tmp_path: Path) -> None:
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / SESSIONS_OPENAPI.name).write_text(SESSIONS_OPENAPI.read_text())
    text = WORKFLOW.read_text().replace("info:\n", "x-anchors: &shared {a: [1, 2, 3]}\n"
                                        "x-uses: [*shared, *shared]\ninfo:\n", 1)  # fmt: skip
    path = tmp_path / "workflows" / "aliases.arazzo.yaml"
    path.parent.mkdir()
    path.write_text(text)
    result = run_cli("run", str(path), "--workflow", "nope")
    assert_refused(result, "no workflow 'nope'")  # it loaded; only the workflow id is wrong


# --------------------------------------------------------------------------- nesting and size


@pytest.mark.parametrize("name", ["deep.arazzo.yaml", "deep.arazzo.json"])
def test_deep_flow_nesting_is_a_located_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n")
    result = run_cli("run", str(path))
    assert_refused(result, f"{path}:1:101: error:", "nested more than 100 levels deep")


def test_deep_block_nesting_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.arazzo.yaml"
    path.write_text("".join(" " * level + "a:\n" for level in range(3000)))
    result = run_cli("run", str(path))
    assert_refused(result, f"{path}:1000:", "levels deep")


def _nested_document(levels: int) -> str:
    """An Arazzo document whose request payload makes it ``levels`` deep in total."""
    payload: Any = "$inputs.x"
    for _ in range(levels - 6):  # /workflows/0/steps/0/requestBody/payload: 6 levels
        payload = {"a": payload}
    document = json.loads(minimal_arazzo())
    step = document["workflows"][0]["steps"][0]
    step["requestBody"] = {"contentType": "application/json", "payload": payload}
    return json.dumps(document)


def test_nesting_at_the_limit_is_accepted_and_one_more_is_not(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(minimal_openapi("http://127.0.0.1:9"))
    (tmp_path / "ok.arazzo.json").write_text(_nested_document(100))
    (tmp_path / "deep.arazzo.json").write_text(_nested_document(101))
    accepted = run_cli("run", str(tmp_path / "ok.arazzo.json"), "--workflow", "nope")
    assert_refused(accepted, "no workflow 'nope'")
    refused = run_cli("run", str(tmp_path / "deep.arazzo.json"))
    assert_refused(refused, f"{tmp_path / 'deep.arazzo.json'}:1:", "more than 100 levels")


@pytest.mark.subprocess
def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.arazzo.yaml"
    with path.open("wb") as stream:
        stream.truncate(65 * 1024 * 1024)  # sparse: no disk space, no time
    result = run_bounded("run", str(path), memory_mib=768)
    assert_refused(result, f"{path}: error: document is too large", "67,108,864 bytes")


@pytest.mark.subprocess
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_device_is_read_only_up_to_the_limit() -> None:
    result = run_bounded("run", "/dev/zero", limits="max_bytes=1024", memory_mib=768)
    assert_refused(result, "/dev/zero: error: document is too large", "1,024 bytes")


def test_long_integer_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "long.arazzo.yaml"
    path.write_text("arazzo: 1.0.1\ninfo:\n  n: " + "9" * 5000 + "\n")
    assert_refused(run_cli("run", str(path)), f"{path}:3:6: error:", "cannot read this value")


# --------------------------------------------------------------------------- encodings


def test_latin1_file_names_the_byte_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.arazzo.yaml"
    path.write_bytes(b"arazzo: 1.0.1\ninfo:\n  title: Caf\xe9\n")
    result = run_cli("run", str(path))
    assert_refused(
        result, f"{path}:3:13: error: not valid UTF-8 (byte 0xe9 at offset 32)", "Latin-1"
    )


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_documents_run(tmp_path: Path, codec: str, sessions_server: Any) -> None:
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / SESSIONS_OPENAPI.name).write_bytes(
        SESSIONS_OPENAPI.read_text().encode(codec)
    )
    path = tmp_path / "workflows" / "wide.arazzo.yaml"
    path.parent.mkdir()
    path.write_bytes(WORKFLOW.read_text().encode(codec))
    result = run_workflow(sessions_server, workflow=str(path))
    assert result.exit_code == 0, result.stderr


# --------------------------------------------------------------------------- versions


@pytest.mark.parametrize("version", ["1.2.0", "2.0.0"])
def test_unknown_arazzo_versions_are_refused(tmp_path: Path, version: str) -> None:
    path = tmp_path / "v.arazzo.yaml"
    path.write_text(WORKFLOW.read_text().replace("arazzo: 1.0.1", f"arazzo: {version}"))
    result = run_cli("run", str(path))
    assert_refused(
        result, f"{path}:1:9: error:", f"unsupported Arazzo version '{version}'", "1.0.x and 1.1.x"
    )


# --------------------------------------------------------------------------- $ref cycles

CYCLES = {
    "a-b-a": {"A": {"$ref": "#/components/parameters/B"},
              "B": {"$ref": "#/components/parameters/A"}},
    "self": {"A": {"$ref": "#/components/parameters/A"}},
}  # fmt: skip


@pytest.mark.parametrize("shape", sorted(CYCLES))
def test_openapi_ref_cycle_is_a_warning_and_the_run_goes_on(tmp_path: Path, shape: str) -> None:
    with serving({"/x": "{}"}) as api:
        openapi = minimal_openapi(
            api.base_url,
            [{"$ref": "#/components/parameters/A"}],
            components={"parameters": CYCLES[shape]},
        )
        (tmp_path / "api.yaml").write_text(openapi)
        (tmp_path / "w.arazzo.json").write_text(minimal_arazzo())
        result = run_cli("run", str(tmp_path / "w.arazzo.json"))
    assert result.exit_code == 0, result.stderr
    assert "cannot resolve $ref '#/components/parameters/A': the reference is circular" in (
        result.stderr
    )
    assert f"{tmp_path / 'api.yaml'}:" in result.stderr or "api.yaml:" in result.stderr
    assert api.targets() == ["/x"]


def test_openapi_ref_cycle_across_files(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        minimal_openapi("http://127.0.0.1:9", [{"$ref": "other.yaml#/p"}])
    )
    (tmp_path / "other.yaml").write_text("p:\n  $ref: './api.yaml#/paths/~1x/get/parameters/0'\n")
    (tmp_path / "w.arazzo.json").write_text(minimal_arazzo())
    result = run_cli("run", str(tmp_path / "w.arazzo.json"), "--timeout", "2")
    assert result.exit_code == 1, result.stderr  # the request is made; nothing listens
    assert "cannot resolve $ref 'other.yaml#/p': the reference is circular" in result.stderr


def test_inputs_schema_cycle_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(minimal_openapi("http://127.0.0.1:9"))
    document = json.loads(minimal_arazzo(components={"inputs": {
        "a": {"$ref": "#/components/inputs/b"},
        "b": {"allOf": [{"$ref": "#/components/inputs/a"}]},
    }}))  # fmt: skip
    document["workflows"][0]["inputs"] = {"$ref": "#/components/inputs/a"}
    path = tmp_path / "w.arazzo.yaml"
    path.write_text(json.dumps(document, indent=2))
    result = run_cli("run", str(path))
    assert_refused(
        result,
        f"{path}:",
        "the inputs schema of workflow 'w' refers to itself without end: #/components/inputs/a"
        " -> #/components/inputs/b -> #/components/inputs/b/allOf/0 -> #/components/inputs/a",
    )


def test_recursive_inputs_schema_is_fine(tmp_path: Path) -> None:
    with serving({"/x": "{}"}) as api:
        (tmp_path / "api.yaml").write_text(minimal_openapi(api.base_url))
        document = json.loads(minimal_arazzo(components={"inputs": {"tree": {
            "type": "object",
            "properties": {"kids": {"type": "array",
                                    "items": {"$ref": "#/components/inputs/tree"}}},
        }}}))  # fmt: skip
        document["workflows"][0]["inputs"] = {"$ref": "#/components/inputs/tree"}
        path = tmp_path / "w.arazzo.json"
        path.write_text(json.dumps(document))
        tree = json.dumps({"kids": [{"kids": [{"kids": []}]}]})
        result = run_cli("run", str(path), "--inputs", "-", stdin=tree)
    assert result.exit_code == 0, result.stderr


# --------------------------------------------------------------------------- remote documents


@pytest.mark.slow
@pytest.mark.usefixtures("fetch_timeout")
def test_slow_server_is_a_timeout_error() -> None:
    with serving({"/w.arazzo.yaml": SLOW}) as docs:
        url = f"{docs.base_url}/w.arazzo.yaml"
        result = run_cli("run", url)
    assert_refused(result, f"{url}: error: cannot fetch document: no complete response within 1 s")


@pytest.mark.slow
@pytest.mark.usefixtures("fetch_timeout")
def test_trickling_server_is_a_timeout_error_too() -> None:
    # Each byte comes quickly, so only a deadline for the whole download catches it.
    with serving({"/w.arazzo.yaml": TRICKLE}) as docs:
        url = f"{docs.base_url}/w.arazzo.yaml"
        result = run_cli("run", url)
    assert_refused(result, f"{url}: error: cannot fetch document: no complete response")


@pytest.mark.subprocess
def test_endless_body_is_cut_at_the_size_limit() -> None:
    with serving({"/w.arazzo.yaml": ENDLESS}) as docs:
        url = f"{docs.base_url}/w.arazzo.yaml"
        result = run_bounded("run", url, memory_mib=1024)
    assert_refused(result, f"{url}: error: cannot fetch document: it is larger than the limit "
                           "of 67,108,864 bytes")  # fmt: skip


@pytest.mark.slow
@pytest.mark.usefixtures("fetch_timeout")
def test_slow_source_description_is_located_at_its_url(tmp_path: Path) -> None:
    with serving({"/api.yaml": SLOW}) as docs:
        path = tmp_path / "w.arazzo.json"
        path.write_text(minimal_arazzo(f"{docs.base_url}/api.yaml"))
        result = run_cli("run", str(path))
    assert_refused(result, f"{path}:10:14: error: cannot load source description 'api'",
                   "no complete response within 1 s")  # fmt: skip


# --------------------------------------------------------------------------- --offline


def test_offline_refuses_a_remote_arazzo_document() -> None:
    with serving({"/w.arazzo.json": minimal_arazzo()}) as docs:
        url = f"{docs.base_url}/w.arazzo.json"
        result = run_cli("run", url, "--offline")
    assert_refused(result, f"not fetching {url}", "--offline")
    assert docs.targets() == []


def test_offline_refuses_a_remote_source_description(tmp_path: Path) -> None:
    with serving({"/api.yaml": minimal_openapi("http://127.0.0.1:9")}) as docs:
        path = tmp_path / "w.arazzo.json"
        path.write_text(minimal_arazzo(f"{docs.base_url}/api.yaml"))
        result = run_cli("run", str(path), "--offline")
    assert_refused(
        result,
        f"{path}:10:14: error: cannot load source description 'api'",
        f"not fetching {docs.base_url}/api.yaml",
        "hint: download the document and refer to the local copy, or run without --offline",
    )
    assert docs.targets() == []


def test_offline_refuses_a_remote_ref_at_the_ref(tmp_path: Path) -> None:
    with serving({"/p.yaml": "name: q\nin: query\n"}) as docs:
        (tmp_path / "api.json").write_text(
            minimal_openapi("http://127.0.0.1:9", [{"$ref": f"{docs.base_url}/p.yaml"}])
        )
        path = tmp_path / "w.arazzo.json"
        path.write_text(minimal_arazzo("api.json"))
        result = run_cli("run", str(path), "--offline")
    assert_refused(result, "api.json:23:21: error: $ref '", f"{docs.base_url}/p.yaml'",
                   "--offline")  # fmt: skip
    assert docs.targets() == []


def test_offline_still_makes_the_workflows_own_calls(tmp_path: Path) -> None:
    with serving({"/x": "{}"}) as api:
        (tmp_path / "api.yaml").write_text(minimal_openapi(api.base_url))
        path = tmp_path / "w.arazzo.json"
        path.write_text(minimal_arazzo())
        result = run_cli("run", str(path), "--offline")
    assert result.exit_code == 0, result.stderr
    assert api.targets() == ["/x"]


def test_without_offline_remote_refs_are_fetched(tmp_path: Path) -> None:
    with serving({"/x": "{}", "/p.yaml": "name: q\nin: query\n"}) as docs:
        (tmp_path / "api.json").write_text(
            minimal_openapi(docs.base_url, [{"$ref": f"{docs.base_url}/p.yaml"}])
        )
        path = tmp_path / "w.arazzo.json"
        path.write_text(minimal_arazzo("api.json"))
        result = run_cli("run", str(path))
    assert result.exit_code == 0, result.stderr
    assert set(docs.targets()) == {"/p.yaml", "/x"}
    assert docs.targets()[-1] == "/x"  # the description was complete before the call


# --------------------------------------------------------------------------- reference reach


def test_remote_document_cannot_name_a_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(minimal_openapi("http://127.0.0.1:9"))
    with serving({"/w.arazzo.json": minimal_arazzo(secret.as_uri())}) as docs:
        result = run_cli("run", f"{docs.base_url}/w.arazzo.json")
    assert_refused(result, f"'{secret.as_uri()}' is a local file, and a remote document",
                   "cannot refer to local files")  # fmt: skip


def test_remote_document_absolute_path_stays_on_its_server(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(minimal_openapi("http://127.0.0.1:9"))
    with serving({"/w.arazzo.json": minimal_arazzo(str(secret))}) as docs:
        result = run_cli("run", f"{docs.base_url}/w.arazzo.json")
    assert_refused(result, "cannot fetch document: HTTP 404")
    assert docs.targets() == ["/w.arazzo.json", str(secret)]  # asked its server, never the disk


def test_remote_ref_cannot_name_a_local_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: q\nin: query\n")
    with serving({"/x": "{}"}) as docs:
        docs.serve("/api.json", minimal_openapi(docs.base_url, [{"$ref": secret.as_uri()}]))
        (tmp_path / "w.arazzo.json").write_text(minimal_arazzo(f"{docs.base_url}/api.json"))
        result = run_cli("run", str(tmp_path / "w.arazzo.json"))
    assert result.exit_code == 0, result.stderr
    assert "cannot refer to local files; the parameter it stands for is ignored" in result.stderr
    assert docs.targets() == ["/api.json", "/x"]


def test_local_references_may_leave_the_documents_directory(tmp_path: Path) -> None:
    with serving({"/x": "{}"}) as api:
        (tmp_path / "shared").mkdir()
        (tmp_path / "shared" / "p.yaml").write_text("name: q\nin: query\n")
        (tmp_path / "specs").mkdir()
        (tmp_path / "specs" / "api.json").write_text(
            minimal_openapi(api.base_url, [{"$ref": "../shared/p.yaml"}])
        )
        (tmp_path / "flows").mkdir()
        path = tmp_path / "flows" / "w.arazzo.json"
        path.write_text(minimal_arazzo("../specs/api.json"))
        result = run_cli("run", str(path))
    assert result.exit_code == 0, result.stderr
    assert "$ref" not in result.stderr  # the parameter two directories away was found


def test_unsupported_url_scheme_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.arazzo.json"
    path.write_text(minimal_arazzo("ftp://127.0.0.1/api.yaml"))
    assert_refused(run_cli("run", str(path)), f"{path}:10:14: error:",
                   "uses the URL scheme 'ftp:', which is not supported")  # fmt: skip
