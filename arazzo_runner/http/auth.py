"""Credentials for the security schemes of OpenAPI descriptions.

The user supplies one value per security scheme name, with ``--auth
SCHEME=VALUE`` or the environment variable ``ARAZZO_AUTH_<SCHEME>`` (the
scheme name upper-cased, every character other than A-Z and 0-9 replaced by
``_``: ``basicAuth`` -> ``ARAZZO_AUTH_BASICAUTH``, ``api-key`` ->
``ARAZZO_AUTH_API_KEY``). ``--auth`` wins over the environment.

Before a request is sent, its operation's effective ``security`` (the
operation's own, else the description's; ``[]`` means none) is read; the
first requirement whose every scheme can be satisfied is applied:

* ``apiKey``: the value goes in the named header, query parameter or cookie;
* ``http`` ``basic``: the value is ``USER:PASSWORD``; ``bearer``: a token;
* ``oauth2`` with a ``clientCredentials`` flow and a ``CLIENT_ID:SECRET``
  value: a token is fetched from ``tokenUrl`` (a form POST with
  ``grant_type=client_credentials``, ``client_id``, ``client_secret`` and the
  requirement's scopes), kept for the run (until its ``expires_in``) and sent
  as ``Authorization: Bearer``; any other ``oauth2`` or ``openIdConnect``
  value is taken as an access token.

A value the workflow already sets (its own ``Authorization`` header, the
API key parameter) satisfies the scheme and is left alone. The token request
is yielded to the engine's driver like any request, so it works the same in
the blocking and the asyncio driver; it is not reported as a step exchange,
and no message ever contains a credential or a token. A fetched token is
handed to ``on_secret`` (the CLI passes its masker's ``add``) and listed by
:meth:`Credentials.secrets`.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin

from ..document import join_pointer
from ..errors import UsageError, unknown_name_hint
from ..openapi import Located, Operation, UnresolvableReference, dereference
from .commands import Command, SendOutcome, SendRequest
from .messages import PreparedRequest, header_index, header_values

ENV_PREFIX = "ARAZZO_AUTH_"
_TOKEN_EXPIRY_MARGIN_SECONDS = 5.0


def env_variable(scheme: str) -> str:
    """The environment variable that holds the credential for security scheme ``scheme``."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", scheme.upper())


def parse_auth_options(pairs: Iterable[str]) -> dict[str, str]:
    """``--auth SCHEME=VALUE`` values, by scheme name."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value:
            # Never echo the argument: without its '=' it may be the secret itself.
            what = f"the value for '{name.strip()}' is empty" if sep and name.strip() else None
            raise UsageError(
                f"--auth expects SCHEME=VALUE ({what or 'one of them is not of that form'})",
                hint="for example: --auth api_key=$API_KEY, --auth basicAuth=user:password",
            )
        values[name.strip()] = value
    return values


def check_scheme_names(given: Iterable[str], known: Iterable[str]) -> None:
    """Refuse a ``--auth`` scheme name that no description defines, with a did-you-mean.

    An unknown name would otherwise be ignored silently, and the run would fail
    later with a 401 that does not say why.
    """
    schemes = sorted(set(known))
    for name in given:
        if name not in schemes:
            raise UsageError(
                f"--auth names security scheme '{name}', which no source description defines",
                hint=unknown_name_hint(name, schemes, "security schemes"),
            )


class CredentialError(Exception):
    """A credential cannot be applied (malformed value, failed token request)."""


@dataclass
class _Token:
    value: str
    expires_at: float | None

    def fresh(self) -> bool:
        return self.expires_at is None or time.monotonic() < self.expires_at


@dataclass
class _Chosen:
    """A scheme of the chosen requirement, and the value to apply for it."""

    name: str
    scheme: dict[str, Any]
    scopes: list[str]
    value: str


@dataclass
class Credentials:
    """Credential values by security scheme name, applied to requests by their operations."""

    values: dict[str, str] = field(default_factory=dict)
    """From ``--auth``: scheme name -> value."""
    environ: Mapping[str, str] = field(default_factory=dict)
    """Where ``ARAZZO_AUTH_*`` variables are read (a snapshot of ``os.environ`` by default)."""
    on_secret: Callable[[str], object] | None = field(default=None, repr=False, compare=False)
    """Told every secret learnt during a run (an OAuth2 token), e.g. ``SecretMasker.add``;
    :meth:`secrets` lists them too."""
    _tokens: dict[tuple[str, str, tuple[str, ...]], _Token] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def from_options(
        cls,
        pairs: Iterable[str],
        environ: Mapping[str, str] | None = None,
        on_secret: Callable[[str], object] | None = None,
    ) -> Credentials:
        source = os.environ if environ is None else environ
        snapshot = {k: v for k, v in source.items() if k.startswith(ENV_PREFIX)}
        return cls(parse_auth_options(pairs), snapshot, on_secret)

    def value_for(self, scheme: str) -> str | None:
        if scheme in self.values:
            return self.values[scheme]
        return self.environ.get(env_variable(scheme))

    def secrets(self) -> list[str]:
        """Every secret value known so far (given values and fetched tokens), for masking."""
        found = [*self.values.values(), *self.environ.values()]
        found += [token.value for token in self._tokens.values()]
        return [value for value in found if value]

    # -- applying

    def apply(
        self, request: PreparedRequest, operation: Operation, base_url: str, timeout: float
    ) -> Generator[Command, Any, str | None]:
        """Add the credentials ``operation`` needs to ``request``; the error text, or None.

        May yield a :class:`SendRequest` for an OAuth2 token.
        """
        chosen = self._choose(request, operation)
        try:
            for scheme in chosen:
                yield from self._apply_one(request, operation, scheme, base_url, timeout)
        except CredentialError as exc:
            return str(exc)
        return None

    def _choose(self, request: PreparedRequest, operation: Operation) -> list[_Chosen]:
        requirements = _effective_security(operation)
        schemes = operation.description.security_schemes()
        for requirement in requirements:
            chosen = self._choose_requirement(requirement, schemes, request, operation)
            if chosen is not None:
                return chosen
        return []

    def _choose_requirement(
        self,
        requirement: Mapping[str, Any],
        schemes: Mapping[str, Any],
        request: PreparedRequest,
        operation: Operation,
    ) -> list[_Chosen] | None:
        """What to apply for ``requirement``; None when one of its schemes cannot be met."""
        chosen: list[_Chosen] = []
        for name, scopes in requirement.items():
            scheme = _scheme(str(name), schemes, operation)
            if scheme is None or not _supported(scheme):
                return None
            if _already_set(scheme, request):
                continue
            value = self.value_for(str(name))
            if value is None:
                return None
            scope_list = [str(s) for s in scopes] if isinstance(scopes, list) else []
            chosen.append(_Chosen(str(name), scheme, scope_list, value))
        return chosen

    def _apply_one(
        self,
        request: PreparedRequest,
        operation: Operation,
        chosen: _Chosen,
        base_url: str,
        timeout: float,
    ) -> Generator[Command, Any, None]:
        scheme, value = chosen.scheme, chosen.value
        kind = str(scheme.get("type"))
        if kind == "apiKey":
            _put_api_key(request, scheme, value)
        elif kind == "http":
            request.headers.append(("Authorization", _http_authorization(chosen)))
        else:
            token = value
            token_url = _client_credentials_url(scheme)
            if token_url is not None and ":" in value:
                token = yield from self._token(operation, chosen, token_url, base_url, timeout)
            request.headers.append(("Authorization", f"Bearer {token}"))

    # -- OAuth2 client credentials

    def _token(
        self,
        operation: Operation,
        chosen: _Chosen,
        token_url: str,
        base_url: str,
        timeout: float,
    ) -> Generator[Command, Any, str]:
        key = (operation.description.name, chosen.name, tuple(sorted(chosen.scopes)))
        cached = self._tokens.get(key)
        if cached is not None and cached.fresh():
            return cached.value
        # OpenAPI: a relative tokenUrl is relative to the server URL.
        url = urljoin(base_url if base_url.endswith("/") else base_url + "/", token_url)
        client_id, _, secret = chosen.value.partition(":")
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        if chosen.scopes:
            form["scope"] = " ".join(chosen.scopes)
        request = PreparedRequest(
            "POST",
            url,
            [
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Accept", "application/json"),
            ],
            [],
            urlencode(form).encode(),
        )
        outcome: SendOutcome = yield SendRequest(request, timeout)
        token = _read_token(outcome, chosen.name)
        # A token fetched mid-run is as secret as the credentials that got it.
        self._tokens[key] = token
        if self.on_secret is not None:
            self.on_secret(token.value)
        return token.value


# --------------------------------------------------------------------------- security requirements


def _effective_security(operation: Operation) -> list[Mapping[str, Any]]:
    if "security" in operation.raw:
        requirements = operation.raw["security"]
    else:
        data = operation.description.document.data
        requirements = data.get("security") if isinstance(data, dict) else None
    if not isinstance(requirements, list):
        return []
    return [r for r in requirements if isinstance(r, dict)]


def _scheme(name: str, schemes: Mapping[str, Any], operation: Operation) -> dict[str, Any] | None:
    if name not in schemes:
        return None
    description = operation.description
    pointer = join_pointer("/components/securitySchemes", name)
    try:
        node = dereference(Located(schemes[name], description.document, pointer), description.cache)
    except UnresolvableReference:
        return None
    return node.value if isinstance(node.value, dict) else None


def _supported(scheme: Mapping[str, Any]) -> bool:
    kind = scheme.get("type")
    if kind == "apiKey":
        return isinstance(scheme.get("name"), str) and scheme.get("in") in (
            "header",
            "query",
            "cookie",
        )
    if kind == "http":
        return str(scheme.get("scheme", "")).lower() in ("basic", "bearer")
    return kind in ("oauth2", "openIdConnect")


def _already_set(scheme: Mapping[str, Any], request: PreparedRequest) -> bool:
    """Whether the workflow itself already sends what ``scheme`` would add."""
    if scheme.get("type") != "apiKey":
        return request.header("Authorization") is not None
    name = str(scheme["name"])
    where = scheme.get("in")
    if where == "header":
        return request.header(name) is not None
    if where == "query":
        return any(key == name for key, _ in request.query)
    return name in _cookie_names(request)


def _cookie_names(request: PreparedRequest) -> set[str]:
    return {
        part.split("=")[0].strip()
        for value in header_values(request.headers, "Cookie")
        for part in value.split(";")
        if part.strip()
    }


def _put_api_key(request: PreparedRequest, scheme: Mapping[str, Any], value: str) -> None:
    name = str(scheme["name"])
    where = scheme["in"]
    if where == "header":
        request.headers.append((name, value))
    elif where == "query":
        request.query.append((name, value))
    else:
        index = header_index(request.headers, "Cookie")
        if index is None:
            request.headers.append(("Cookie", f"{name}={value}"))
        else:
            header, existing = request.headers[index]
            request.headers[index] = (header, f"{existing}; {name}={value}")


def _http_authorization(chosen: _Chosen) -> str:
    if str(chosen.scheme.get("scheme", "")).lower() == "bearer":
        return f"Bearer {chosen.value}"
    if ":" not in chosen.value:
        raise CredentialError(
            f"the credential for HTTP basic scheme '{chosen.name}' must be USER:PASSWORD"
        )
    encoded = base64.b64encode(chosen.value.encode()).decode("ascii")
    return f"Basic {encoded}"


def _client_credentials_url(scheme: Mapping[str, Any]) -> str | None:
    if scheme.get("type") != "oauth2":
        return None
    flows = scheme.get("flows")
    flow = flows.get("clientCredentials") if isinstance(flows, dict) else None
    url = flow.get("tokenUrl") if isinstance(flow, dict) else None
    return url if isinstance(url, str) and url else None


def _read_token(outcome: SendOutcome, scheme: str) -> _Token:
    what = f"cannot get an OAuth2 token for security scheme '{scheme}'"
    response = outcome.response
    if response is None:
        raise CredentialError(f"{what}: {outcome.error}")
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict):
        # The OAuth2 error code is safe to show; the rest of the body may not be.
        code = body.get("error") if isinstance(body, dict) else None
        reason = f" ({code})" if isinstance(code, str) else ""
        raise CredentialError(
            f"{what}: the token endpoint answered HTTP {response.status_code}{reason}"
        )
    token = body.get("access_token")
    if not isinstance(token, str) or not token:
        raise CredentialError(f"{what}: the token endpoint's answer has no access_token")
    expires_in = body.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
        expires_at = time.monotonic() + max(0.0, expires_in - _TOKEN_EXPIRY_MARGIN_SECONDS)
    return _Token(token, expires_at)
