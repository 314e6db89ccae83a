"""The Arazzo 1.1 specification's own example runs, against local stand-ins.

The example (the Arazzo Specification Object Example) logs in and finds a pet
over HTTP, then places an order as a message and waits for its confirmation.
Its known defects (docs/semantics.md, "Message steps") are refused or read as
documented; the edits a user makes to run it are applied here, one by one.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from arazzo_runner.messaging import OutgoingMessage, ReceivedMessage
from tests._support.brokers import MOSQUITTO, Responder, require, unique
from tests._support.cli import run_cli
from tests._support.paths import corpus_path
from tests._support.servers import Reply, ScriptedServer

PETSTORE = {
    "openapi": "3.0.3",
    "info": {"title": "Petstore stand-in", "version": "1"},
    "paths": {
        "/user/login": {
            "get": {
                "operationId": "loginUser",
                "parameters": [
                    {"name": "username", "in": "query", "schema": {"type": "string"}},
                    {"name": "password", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "the session token"}},
            }
        },
        "/pet/findByStatus": {
            "get": {
                "operationId": "findPetsByStatus",
                "parameters": [
                    {"name": "status", "in": "query", "schema": {"type": "string"}},
                    {"name": "Authorization", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "pets"}},
            }
        },
    },
}


def spec_example() -> str:
    text = corpus_path("oai/spec/arazzo-1.1.0.md").read_text(encoding="utf-8")
    start = text.index("##### Arazzo Specification Object Example")
    match = re.search(r"```yaml\n(.*?)```", text[start:], re.DOTALL)
    assert match is not None
    return match.group(1)


def write_example(directory: Path, text: str, base_url: str) -> Path:
    document = yaml.safe_load(text)
    # Its $self is where it was published: relative source urls resolve against it
    # (Arazzo 1.1), and this copy's sources are beside the file instead.
    document.pop("$self", None)
    sources = document["sourceDescriptions"]
    sources[0]["url"] = "petstore.openapi.json"
    sources[1]["url"] = "pet-asyncapi.yaml"
    petstore = dict(PETSTORE, servers=[{"url": base_url}])
    (directory / "petstore.openapi.json").write_text(json.dumps(petstore), encoding="utf-8")
    shutil.copy(corpus_path("oai/examples-1.1.0/pet-asyncapi.yaml"), directory)
    path = directory / "pet-purchase.arazzo.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def edited(text: str) -> str:
    """The edits its defects need (docs/semantics.md lists each)."""
    # Source names are case-sensitive: the steps misspell the source's name.
    text = text.replace(
        "$sourceDescriptions.petstoreDescription.", "$sourceDescriptions.petStoreDescription."
    )
    # An AsyncAPI step names its operation with operationId, not operationPath.
    text = text.replace(
        "operationPath: $sourceDescriptions.asyncOrderApiDescription.placeOrder",
        "operationId: $sourceDescriptions.asyncOrderApiDescription.placeOrder",
    )
    # confirmOrder is not an operation of pet-asyncapi.yaml: it is placeOrder's reply channel.
    text = text.replace(
        "operationPath: $sourceDescriptions.asyncOrderApiDescription.confirmOrder",
        "channelPath: '{$sourceDescriptions.asyncOrderApiDescription.url}#/channels/confirm-order'",
    )
    # The description's correlationId.location reads the orderRequestId header.
    header = "- name: {}\n      in: header"
    return text.replace(header.format("orderCorrelationId"), header.format("orderRequestId"))


INPUTS = ("-i", "username=ann", "-i", "password=secret-pw")


def test_as_published_it_is_refused_with_a_hint(tmp_path: Path) -> None:
    with ScriptedServer() as http:
        path = write_example(tmp_path, spec_example(), http.base_url)
        result = run_cli("validate", str(path))
    assert result.exit_code == 1
    assert "unknown-source" in result.stdout
    assert "petStoreDescription" in result.stdout  # the hint names the real source
    assert "error[asyncapi-operation-path]" in result.stdout  # with the field to write
    assert "has no operation 'confirmOrder'" in result.stdout


def test_with_its_defects_fixed_it_runs_over_http_and_mqtt(tmp_path: Path) -> None:
    require(MOSQUITTO)
    correlation = unique("order")

    def confirm(request: ReceivedMessage) -> list[Any]:
        request_id = request.header("orderRequestId")
        if request_id != correlation:
            return []  # another test's order on the shared topic
        body = json.dumps({"orderId": 7}).encode()
        return [OutgoingMessage("confirm-order", body, {"orderRequestId": request_id})]

    with ScriptedServer() as http:
        http.script("GET", "/user/login", Reply(200, "session-token"))
        http.script("GET", "/pet/findByStatus", Reply(200, [{"id": 5, "name": "Rex"}]))
        path = write_example(tmp_path, edited(spec_example()), http.base_url)
        with Responder(MOSQUITTO.url, "place-order", confirm) as service:
            result = run_cli(
                "run", str(path), *INPUTS, "-i", f"orderCorrelationId={correlation}",
                "--server", "asyncOrderApiDescription=mqtt://127.0.0.1:1883", "-o", "json",
            )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json()["outputs"] == {"orderId": 7}
    [order] = [m for m in service.received if m.header("orderRequestId") == correlation]
    assert order.payload() == {"petId": 5}
    assert http.received[1].header("Authorization") == "session-token"


@pytest.fixture(autouse=True)
def _corpus() -> None:
    corpus_path("oai/spec/arazzo-1.1.0.md")  # skips when the shared corpus is absent
