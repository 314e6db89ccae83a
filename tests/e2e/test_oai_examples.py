"""The Arazzo specification's own example documents, run unchanged against local servers.

Every document in the corpus's ``oai/examples`` that comes with its OpenAPI
description is run here. Remote source URLs are answered from the corpus copy
(never the network), and ``--server``-style overrides point each description
at a scripted local server that behaves like the API it describes. Documents
with defects are refused with the located errors asserted below: running them
would send requests the document does not mean.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from arazzo_runner.api import LoadedArazzo, load
from arazzo_runner.diagnostics import DocumentInvalid
from arazzo_runner.document import DocumentLimits, LoadOptions
from tests._support.paths import CORPUS
from tests._support.servers import Reply, ScriptedServer

EXAMPLES = CORPUS / "oai" / "examples"

pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="corpus not available")


def from_corpus(url: str, limits: DocumentLimits) -> bytes:
    """Remote source descriptions are read from the corpus copy of the same file."""
    return (EXAMPLES / url.rsplit("/", 1)[-1]).read_bytes()


def load_example(name: str) -> LoadedArazzo:
    return load(str(EXAMPLES / name), options=LoadOptions(fetch=from_corpus))


def errors_of(loaded: LoadedArazzo, workflow_id: str, server: ScriptedServer) -> list[str]:
    """Each error's ``line:col message`` when running ``workflow_id``."""
    overrides = {s.name: server.base_url for s in loaded.document.source_descriptions}
    with pytest.raises(DocumentInvalid) as raised:
        loaded.run(workflow_id, {}, server_overrides=overrides)
    assert server.received == []  # refused before anything was sent
    return [
        f"{d.location.line}:{d.location.column} {d.message}"
        for d in raised.value.diagnostics
        if d.location is not None
    ]


# --------------------------------------------------------------------------- pet-coupons


def test_pet_coupons_buy_available_pet(server: ScriptedServer) -> None:
    server.script("GET", "/pet/findByStatus", Reply(200, [{"id": 11, "name": "Rex"}]))
    server.script("POST", "/store/order", Reply(200, {"id": 501, "status": "placed"}))
    loaded = load_example("pet-coupons.arazzo.yaml")

    result = loaded.run(
        "buy-available-pet",
        {"store_id": "pets.example.com"},
        server_overrides={"pet-coupons": server.base_url},
    )

    assert result.succeeded, result.error
    assert result.outputs == {"buy_pet_order_id": 501}
    find, order = server.received
    # Reusable parameters with their value overrides (page 1, pageSize 10).
    assert find.query == {"status": ["available"], "page": ["1"], "pageSize": ["10"]}
    # The called workflow got pet_id from the step's parameters; quantity and
    # coupon_code were not given, so they are null in the payload (with a warning).
    assert order.json() == {
        "petId": 11,
        "quantity": None,
        "couponCode": None,
        "status": "placed",
        "complete": False,
    }
    assert order.headers["Content-Type"] == "application/json"


def test_pet_coupons_place_order_alone(server: ScriptedServer) -> None:
    server.script("POST", "/store/order", Reply(200, {"id": 9}))
    loaded = load_example("pet-coupons.arazzo.yaml")

    result = loaded.run(
        "place-order",
        {"pet_id": 3, "quantity": 2, "coupon_code": "SPRING"},
        server_overrides={"pet-coupons": server.base_url},
    )

    assert result.succeeded and result.outputs == {"workflow_order_id": 9}
    assert server.received[0].json()["quantity"] == 2


def test_pet_coupons_apply_coupon_is_refused_for_its_defect(server: ScriptedServer) -> None:
    # The step names the path parameter 'pet_id'; the operation's template says {petId}.
    loaded = load_example("pet-coupons.arazzo.yaml")
    assert errors_of(loaded, "apply-coupon", server) == [
        "38:22 step 'find-coupons' does not supply path parameter 'petId' of "
        "GET /pet/{petId}/coupons"
    ]


# --------------------------------------------------------------------------- oauth


def token_endpoint(server: ScriptedServer) -> None:
    server.script(
        "POST",
        "/oauth/token",
        Reply(200, {"access_token": "at-1", "refresh_token": "rt-1", "expires_in": 3600}),
        Reply(200, {"access_token": "at-2", "refresh_token": "rt-2", "expires_in": 1800}),
    )


def test_oauth_client_credentials_flow(server: ScriptedServer) -> None:
    token_endpoint(server)
    loaded = load_example("oauth.arazzo.yaml")

    result = loaded.run(
        "client-credentials-flow",
        {"client_id": "app", "client_secret": "s3cret"},
        server_overrides={"apim-auth": server.base_url},
    )

    assert result.succeeded, result.error
    assert result.outputs == {"access_token": "at-1"}
    (request,) = server.received
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body.decode()) == {
        "client_id": ["app"],
        "client_secret": ["s3cret"],
        "grant_type": ["client_credentials"],
    }


def test_oauth_refresh_token_flow_calls_the_authorization_code_flow(
    server: ScriptedServer,
) -> None:
    server.script("GET", "/authorize", Reply(200, {"code": "c-1", "access_token": "x"}))
    token_endpoint(server)
    loaded = load_example("oauth.arazzo.yaml")

    result = loaded.run(
        "refresh-token-flow",
        {"my_client_id": "app", "my_client_secret": "s3cret", "my_redirect_uri": "https://cb"},
        server_overrides={"apim-auth": server.base_url},
    )

    assert result.succeeded, result.error
    assert result.outputs == {"access_token": "at-2", "refresh_token": "rt-2", "expires_in": 1800}
    assert server.paths() == ["GET /authorize", "POST /oauth/token", "POST /oauth/token"]
    authorize, code_exchange, refresh = server.received
    assert authorize.query == {
        "client_id": ["app"],
        "redirect_uri": ["https://cb"],
        "response_type": ["code"],
        "scope": ["read"],
        "state": ["12345"],
    }
    assert parse_qs(code_exchange.body.decode())["code"] == ["c-1"]
    # The child workflow's refresh token reached the parent's next step.
    assert parse_qs(refresh.body.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["rt-1"],
    }
    called = result.steps[0].called_workflow
    assert called is not None and called.workflow_id == "authorization-code-flow"


def test_oauth_token_check_reads_as_rfc9535_says(server: ScriptedServer) -> None:
    # `$[?@.access_token != null]` on {"error": ...}: under RFC 9535 an absent member
    # is Nothing, and Nothing != null is true, so the criterion holds although there
    # is no token (docs/semantics.md, "Criteria: jsonpath and xpath"). The output is
    # null, with a warning; `$[?@.access_token]` would test for the member.
    server.script("POST", "/oauth/token", Reply(200, {"error": "invalid_client"}))
    loaded = load_example("oauth.arazzo.yaml")

    result = loaded.run(
        "client-credentials-flow",
        {"client_id": "app", "client_secret": "wrong"},
        server_overrides={"apim-auth": server.base_url},
    )

    assert result.succeeded
    assert result.outputs == {"access_token": None}
    assert any("access_token" in w for w in result.steps[0].warnings)


# --------------------------------------------------------------------------- bnpl


def test_bnpl_is_refused_for_its_defects(server: ScriptedServer) -> None:
    # Outputs that the steps never define, and a workflow output missing '.outputs.'.
    loaded = load_example("bnpl-arazzo.yaml")
    errors = errors_of(loaded, "ApplyForLoanAtCheckout", server)
    assert [error.split(" ", 1)[0] for error in errors] == ["231:16", "242:16", "253:16", "260:62"]
    assert "step 'initiateBnplTransaction' has no output 'loanTransactionId'" in errors[1]
    assert "expected '.outputs.' after '$steps.retrieveFinalizedPaymentPlan'" in errors[3]


# --------------------------------------------------------------------------- FAPI-PAR


def test_fapi_par_is_refused_for_its_defect(server: ScriptedServer) -> None:
    # The document calls operationId 'PAR'; the description defines 'Par'.
    loaded = load_example("FAPI-PAR.arazzo.yaml")
    (error,) = errors_of(loaded, "OIDC-PAR-AuthzCode", server)
    assert error.startswith("102:22 source description 'auth-api' has no operationId 'PAR'")


def test_every_example_with_an_openapi_file_is_covered() -> None:
    covered = {"pet-coupons", "oauth", "bnpl", "FAPI-PAR"}
    with_openapi = {
        path.name.replace(".openapi.yaml", "").replace("-openapi.yaml", "")
        for path in EXAMPLES.iterdir()
        if "openapi" in path.name
    }
    assert with_openapi == covered


def test_results_are_json(server: ScriptedServer) -> None:
    token_endpoint(server)
    loaded = load_example("oauth.arazzo.yaml")
    result = loaded.run(
        "client-credentials-flow",
        {"client_id": "a", "client_secret": "b"},
        server_overrides={"apim-auth": server.base_url},
    )
    assert json.loads(json.dumps(result.to_json()))["outputs"] == {"access_token": "at-1"}


def test_examples_folder_is_where_expected() -> None:
    assert isinstance(EXAMPLES, Path)
