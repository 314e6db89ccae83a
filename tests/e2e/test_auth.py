"""Credentials from --auth and ARAZZO_AUTH_* applied by the operations' security requirements.

A scripted server on 127.0.0.1 records each request, so every test asserts
the exact header, query parameter or cookie that reached the wire; OAuth2
client credentials are fetched from a token endpoint on the same server.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from arazzo_runner.api import load
from arazzo_runner.engine import RunOptions
from arazzo_runner.http.auth import Credentials, env_variable
from tests._support.cli import run_cli
from tests._support.documents import arazzo_document, write_documents
from tests._support.servers import Reply, ScriptedServer

TOKEN_PATH = "/oauth/token"


def operation(operation_id: str, security: list[dict[str, list[str]]] | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "operationId": operation_id,
        "responses": {"200": {"description": "ok"}},
    }
    if security is not None:
        data["security"] = security
    return data


def openapi(token_url: str) -> dict[str, Any]:
    paths = {
        "/header": operation("withHeaderKey", [{"headerKey": []}]),
        "/query": operation("withQueryKey", [{"queryKey": []}]),
        "/cookie": operation("withCookieKey", [{"cookieKey": []}]),
        "/basic": operation("withBasic", [{"basicAuth": []}]),
        "/bearer": operation("withBearer", [{"bearer": []}]),
        "/oauth-a": operation("withOAuthA", [{"oauth": ["pets:read"]}]),
        "/oauth-b": operation("withOAuthB", [{"oauth": ["pets:read"]}]),
        "/open": operation("open", []),
        "/inherited": operation("inherited", None),
        "/either": operation("either", [{"oauth": []}, {"headerKey": []}]),
        "/both": operation("both", [{"headerKey": [], "queryKey": []}]),
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "secured", "version": "1"},
        "servers": [{"url": "http://localhost:1"}],
        "security": [{"bearer": []}],
        "paths": {path: {"get": op} for path, op in paths.items()},
        "components": {
            "securitySchemes": {
                "headerKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
                "cookieKey": {"type": "apiKey", "in": "cookie", "name": "session"},
                "basicAuth": {"type": "http", "scheme": "basic"},
                "bearer": {"$ref": "#/components/securitySchemes/bearerScheme"},
                "bearerScheme": {"type": "http", "scheme": "bearer"},
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": token_url,
                            "scopes": {"pets:read": "read pets"},
                        }
                    },
                },
            }
        },
    }


def arazzo(*operation_ids: str, parameters: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    steps = []
    for operation_id in operation_ids:
        step: dict[str, Any] = {"stepId": f"call_{operation_id}", "operationId": operation_id}
        if parameters:
            step["parameters"] = parameters
        steps.append(step)
    flow = {"workflowId": "flow", "steps": steps}
    return arazzo_document(flow, title="auth", source_url="api.openapi.yaml")


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as scripted:
        for path in ("/header", "/query", "/cookie", "/basic", "/bearer", "/oauth-a", "/oauth-b",
                     "/open", "/inherited", "/either", "/both"):  # fmt: skip
            scripted.script("GET", path, Reply(200, {"ok": True}))
        token = {"access_token": "fetched-token-1", "token_type": "Bearer", "expires_in": 600}
        scripted.script("POST", TOKEN_PATH, Reply(200, token))
        yield scripted


def write(tmp_path: Path, server: ScriptedServer, doc: dict[str, Any]) -> Path:
    spec = openapi(server.base_url + TOKEN_PATH)
    return write_documents(tmp_path, doc, {"api.openapi.yaml": spec})


def cli(path: Path, server: ScriptedServer, *args: str) -> Any:
    return run_cli("run", str(path), "--server", f"api={server.base_url}", *args)


def received(server: ScriptedServer, path: str) -> Any:
    found = [r for r in server.received if r.path == path]
    assert len(found) == 1, server.paths()
    return found[0]


# --------------------------------------------------------------------------- scheme types


def test_api_key_in_a_header(tmp_path: Path, server: ScriptedServer) -> None:
    path = write(tmp_path, server, arazzo("withHeaderKey"))
    result = cli(path, server, "--auth", "headerKey=key-123")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert received(server, "/header").headers["X-API-Key"] == "key-123"


def test_api_key_in_the_query_is_sent_but_not_printed(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, server, arazzo("withQueryKey"))
    result = cli(path, server, "--auth", "queryKey=query-secret-456")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert received(server, "/query").query == {"api_key": ["query-secret-456"]}
    assert "query-secret-456" not in result.stdout + result.stderr


def test_api_key_in_a_cookie(tmp_path: Path, server: ScriptedServer) -> None:
    path = write(tmp_path, server, arazzo("withCookieKey"))
    result = cli(path, server, "--auth", "cookieKey=cookie-789")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert received(server, "/cookie").headers["Cookie"] == "session=cookie-789"


def test_http_basic(tmp_path: Path, server: ScriptedServer) -> None:
    path = write(tmp_path, server, arazzo("withBasic"))
    result = cli(path, server, "--auth", "basicAuth=alice:s3cret:with-colon")
    assert result.exit_code == 0, result.stdout + result.stderr
    expected = base64.b64encode(b"alice:s3cret:with-colon").decode()
    assert received(server, "/basic").headers["Authorization"] == f"Basic {expected}"


def test_http_basic_without_a_colon_fails_the_step_without_echoing_it(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, server, arazzo("withBasic"))
    result = cli(path, server, "--auth", "basicAuth=onlyapassword", "-o", "json")
    assert result.exit_code == 1
    error = result.json()["steps"][0]["error"]
    assert error == "the credential for HTTP basic scheme 'basicAuth' must be USER:PASSWORD"
    assert "onlyapassword" not in result.stdout + result.stderr
    assert server.received == []


def test_http_bearer_through_a_referenced_scheme(tmp_path: Path, server: ScriptedServer) -> None:
    path = write(tmp_path, server, arazzo("withBearer"))
    result = cli(path, server, "--auth", "bearer=bearer-abc", "-v")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert received(server, "/bearer").headers["Authorization"] == "Bearer bearer-abc"
    assert "bearer-abc" not in result.stdout + result.stderr


def test_oauth2_client_credentials_fetch_one_token_for_the_run(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, server, arazzo("withOAuthA", "withOAuthB"))
    result = cli(path, server, "--auth", "oauth=client-1:client-secret-2", "-v")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert server.paths() == [f"POST {TOKEN_PATH}", "GET /oauth-a", "GET /oauth-b"]
    token_request = server.received[0]
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token_request.body.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["client-1"],
        "client_secret": ["client-secret-2"],
        "scope": ["pets:read"],
    }
    for path_name in ("/oauth-a", "/oauth-b"):
        assert received(server, path_name).headers["Authorization"] == "Bearer fetched-token-1"
    output = result.stdout + result.stderr
    assert "fetched-token-1" not in output
    assert "client-secret-2" not in output


def test_oauth2_works_in_the_async_driver_too(tmp_path: Path, server: ScriptedServer) -> None:
    loaded = load(str(write(tmp_path, server, arazzo("withOAuthA", "withOAuthB"))))
    options = RunOptions(
        server_overrides={"api": server.base_url},
        credentials=Credentials({"oauth": "client-1:client-secret-2"}),
    )
    result = asyncio.run(loaded.arun("flow", options=options))
    assert result.succeeded, result.to_json()
    assert server.paths() == [f"POST {TOKEN_PATH}", "GET /oauth-a", "GET /oauth-b"]
    assert received(server, "/oauth-b").headers["Authorization"] == "Bearer fetched-token-1"


def test_a_failing_token_endpoint_fails_the_step(tmp_path: Path, server: ScriptedServer) -> None:
    server.script("POST", TOKEN_PATH, Reply(401, {"error": "invalid_client"}))
    path = write(tmp_path, server, arazzo("withOAuthA"))
    result = cli(path, server, "--auth", "oauth=client-1:client-secret-2", "-o", "json")
    assert result.exit_code == 1
    assert result.json()["steps"][0]["error"] == (
        "cannot get an OAuth2 token for security scheme 'oauth': the token endpoint answered "
        "HTTP 401 (invalid_client)"
    )
    assert server.paths() == [f"POST {TOKEN_PATH}"]


def test_an_oauth2_value_without_a_colon_is_an_access_token(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, server, arazzo("withOAuthA"))
    result = cli(path, server, "--auth", "oauth=ready-made-token")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert server.paths() == ["GET /oauth-a"]
    assert received(server, "/oauth-a").headers["Authorization"] == "Bearer ready-made-token"


# --------------------------------------------------------------------------- which requirement


def test_an_explicit_header_of_the_workflow_wins(tmp_path: Path, server: ScriptedServer) -> None:
    explicit = [{"name": "Authorization", "in": "header", "value": "Bearer from-the-workflow"}]
    path = write(tmp_path, server, arazzo("withBearer", parameters=explicit))
    result = cli(path, server, "--auth", "bearer=from-the-command-line")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert received(server, "/bearer").headers["Authorization"] == "Bearer from-the-workflow"


def test_an_operation_with_empty_security_gets_nothing(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, server, arazzo("open"))
    result = cli(path, server, "--auth", "bearer=tok", "--auth", "headerKey=k-1")
    assert result.exit_code == 0, result.stdout + result.stderr
    headers = received(server, "/open").headers
    assert "Authorization" not in headers
    assert "X-API-Key" not in headers


def test_document_security_applies_when_the_operation_has_none(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, server, arazzo("inherited"))
    result = cli(path, server, "--auth", "bearer=doc-level")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert received(server, "/inherited").headers["Authorization"] == "Bearer doc-level"


def test_the_first_satisfiable_alternative_is_used(tmp_path: Path, server: ScriptedServer) -> None:
    path = write(tmp_path, server, arazzo("either"))
    result = cli(path, server, "--auth", "headerKey=alt-key")
    assert result.exit_code == 0, result.stdout + result.stderr
    headers = received(server, "/either").headers
    assert headers["X-API-Key"] == "alt-key"
    assert "Authorization" not in headers
    assert f"POST {TOKEN_PATH}" not in server.paths()


def test_a_requirement_needs_all_its_schemes(tmp_path: Path, server: ScriptedServer) -> None:
    path = write(tmp_path, server, arazzo("both"))
    result = cli(path, server, "--auth", "headerKey=only-one")
    assert result.exit_code == 0
    assert "X-API-Key" not in received(server, "/both").headers  # unsatisfiable: nothing sent
    server.received.clear()
    result = cli(path, server, "--auth", "headerKey=k-1", "--auth", "queryKey=k-2")
    request = received(server, "/both")
    assert (request.headers["X-API-Key"], request.query) == ("k-1", {"api_key": ["k-2"]})


# --------------------------------------------------------------------------- where values come from


def test_environment_variables_supply_credentials(
    tmp_path: Path, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert env_variable("headerKey") == "ARAZZO_AUTH_HEADERKEY"
    assert env_variable("my-api.key") == "ARAZZO_AUTH_MY_API_KEY"
    monkeypatch.setenv("ARAZZO_AUTH_HEADERKEY", "from-env")
    monkeypatch.setenv("ARAZZO_AUTH_BEARER", "env-bearer")
    path = write(tmp_path, server, arazzo("withHeaderKey", "withBearer"))
    result = cli(path, server, "--auth", "bearer=from-flag")  # --auth wins over the environment
    assert result.exit_code == 0, result.stdout + result.stderr
    assert received(server, "/header").headers["X-API-Key"] == "from-env"
    assert received(server, "/bearer").headers["Authorization"] == "Bearer from-flag"


def test_a_malformed_auth_option_is_a_usage_error_that_does_not_echo_it(
    tmp_path: Path, server: ScriptedServer
) -> None:
    path = write(tmp_path, server, arazzo("withBearer"))
    result = cli(path, server, "--auth", "no-equals-sign-secret")
    assert result.exit_code == 2
    assert "--auth expects SCHEME=VALUE" in result.stderr
    assert "no-equals-sign-secret" not in result.stderr
    assert server.received == []


def test_a_fetched_token_goes_to_on_secret_under_the_python_api(
    tmp_path: Path, server: ScriptedServer
) -> None:
    learnt: list[str] = []
    credentials = Credentials({"oauth": "client-1:client-secret-2"}, on_secret=learnt.append)
    loaded = load(str(write(tmp_path, server, arazzo("withOAuthA", "withOAuthB"))))
    options = RunOptions(server_overrides={"api": server.base_url}, credentials=credentials)
    assert loaded.run("flow", options=options).succeeded
    assert learnt == ["fetched-token-1"]  # once: the second step reuses the token
    assert "fetched-token-1" in credentials.secrets()
