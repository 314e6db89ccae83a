"""Secret masking: keep credentials out of everything a run prints or writes.

A :class:`SecretMasker` knows secret *values* and replaces them with ``***``
wherever they appear: in terminal progress and ``-v`` output, warnings and
errors, the ``--output json`` document and every report. A secret is masked
inside longer strings too (``Bearer <token>``, ``?api_key=<key>``, a JSON
body), in its percent-encoded and JSON-escaped forms as well.

What is secret (the rules, also in docs/reports.md):

* inputs whose schema says ``format: password`` or ``writeOnly: true``, at any
  depth of an object input;
* inputs (and keys of object inputs) whose name contains ``token``,
  ``secret``, ``password``, ``passwd``, ``apikey``/``api_key``/``api-key``,
  ``key``, ``credential`` or ``auth`` (ignoring case). The rule is broad on
  purpose: ``keyId`` or ``author`` are masked too; a false positive costs
  readability, a false negative leaks a credential;
* the values of the ``Authorization``, ``Proxy-Authorization``, ``Cookie`` and
  ``Set-Cookie`` headers (the whole value, and the credential after the
  scheme, and each cookie value), and of headers, query and cookie parameters
  that an OpenAPI ``apiKey`` security scheme names;
* in JSON response bodies, values under keys such as ``access_token``,
  ``refresh_token``, ``id_token``, ``client_secret``, ``password`` or
  ``api_key`` (a stricter rule than for inputs: response bodies are full of
  harmless ``key``/``author`` fields), so that a token a login step returns
  is masked before it is used;
* OAuth2 tokens fetched during a run, when the masker's :meth:`SecretMasker.add`
  is the credentials' ``on_secret`` (``Credentials(..., on_secret=masker.add)``);
* anything registered with :meth:`SecretMasker.add`.

Values shorter than 4 characters are not masked as substrings (``"1"`` would
turn every ``1`` into ``***``); they are masked when a whole header, query
parameter or JSON value equals them. ``--show-secrets`` turns masking off.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, quote_plus, unquote_plus, urlsplit, urlunsplit

from .document import schema_properties
from .engine import RunListener
from .http.media_types import is_json

if TYPE_CHECKING:
    from .document import Step, Workflow
    from .http.messages import Exchange, PreparedRequest, ResponseRecord
    from .openapi import SourceRegistry

MASK = "***"
MIN_SUBSTRING_LENGTH = 4
"""Secrets shorter than this are masked only where a whole value equals them."""

SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_NAME_PARTS = ("token", "secret", "password", "passwd", "apikey", "key", "credential", "auth")
_STRICT_KEY = re.compile(
    r"(token|secret|password|passwd|apikey|credentials?)$",
)


def is_secret_name(name: str) -> bool:
    """The input-name rule: ``token``, ``secret``, ``key``, ``auth``... anywhere, any case.

    ``api_key`` and ``api-key`` match through ``key``; ``keyId``, ``monkey``
    and ``author`` match too (accepted false positives).
    """
    lowered = name.lower()
    return any(part in lowered for part in _NAME_PARTS)


def is_secret_response_key(name: str) -> bool:
    """The stricter rule for keys of JSON response bodies (``access_token``, ``apiKey``...)."""
    normalised = re.sub(r"[^a-z]", "", name.lower())
    return bool(_STRICT_KEY.search(normalised))


class SecretMasker:
    """Knows secret values, and masks them in text, bytes, URLs, headers and JSON."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._values: set[str] = set()
        self._short: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._bytes_patterns: list[bytes] | None = None
        self.header_names: set[str] = set(SENSITIVE_HEADERS)
        """Lower-cased names of headers whose whole value is secret."""
        self.query_names: set[str] = set()
        """Names of query parameters whose value is secret (``apiKey`` schemes)."""
        self.cookie_names: set[str] = set()
        self.secret_inputs: set[str] = set()
        """Input names registered as secret by the user (``--secret-input``)."""

    # -- learning

    def add(self, value: Any) -> None:
        """Register a secret: a string, or every string and number inside a list or mapping."""
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, Mapping):
            for item in value.values():
                self.add(item)
            return
        if isinstance(value, list | tuple | set):
            for item in value:
                self.add(item)
            return
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        text = value if isinstance(value, str) else str(value)
        if not text.strip() or text == MASK:
            return
        if len(text) < MIN_SUBSTRING_LENGTH:
            self._short.add(text)
            return
        forms = {text, quote(text, safe=""), quote_plus(text), json.dumps(text)[1:-1]}
        new = forms - self._values
        if new:
            self._values |= new
            self._pattern = self._bytes_patterns = None

    def add_header_name(self, name: str) -> None:
        self.header_names.add(name.lower())

    def add_query_name(self, name: str) -> None:
        self.query_names.add(name)

    def add_cookie_name(self, name: str) -> None:
        self.cookie_names.add(name)

    def add_inputs(self, inputs: Mapping[str, Any], schema: Any = None) -> None:
        """Register the secret values among a workflow's ``inputs`` (see the module rules)."""
        for name, value in inputs.items():
            property_schema = _property(schema, name)
            secret = name in self.secret_inputs or is_secret_name(name)
            if secret or _schema_says_secret(property_schema):
                self.add(value)
            elif isinstance(value, Mapping):
                self.add_inputs(value, property_schema)

    def add_workflow_inputs(self, workflow: Workflow, inputs: Mapping[str, Any]) -> None:
        self.add_inputs(inputs, workflow.input_schema)

    def secret_input_names(self, workflow: Workflow) -> set[str]:
        """The top-level inputs of ``workflow`` that are secret by name or by schema."""
        properties = workflow.input_properties
        return {
            name
            for name, schema in properties.items()
            if is_secret_name(name) or _schema_says_secret(schema)
        }

    def add_security_schemes(self, schemes: Mapping[str, Any]) -> None:
        """Mask the parameters that OpenAPI ``apiKey`` security schemes name."""
        for scheme in schemes.values():
            if not isinstance(scheme, Mapping) or scheme.get("type") != "apiKey":
                continue
            name, where = scheme.get("name"), scheme.get("in")
            if not isinstance(name, str):
                continue
            if where == "header":
                self.add_header_name(name)
            elif where == "query":
                self.add_query_name(name)
            elif where == "cookie":
                self.add_cookie_name(name)

    def observe_request(self, request: PreparedRequest) -> None:
        """Learn the secret values a request carries in sensitive headers and parameters."""
        for name, value in request.headers:
            self._observe_header(name, value)
        for name, value in request.query:
            if name in self.query_names:
                self.add(value)
        for name, value in _query_pairs(request.url):
            if name in self.query_names:
                self.add(value)

    def observe_response(self, response: ResponseRecord) -> None:
        """Learn ``Set-Cookie`` values and tokens a JSON response body returns."""
        for name, value in response.headers:
            self._observe_header(name, value)
        if response.content and is_json(response.media_type):
            try:
                body = json.loads(response.content)
            except ValueError:
                return
            self._observe_json(body)

    def _observe_json(self, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                if (
                    isinstance(key, str)
                    and is_secret_response_key(key)
                    and not isinstance(item, Mapping | list)
                ):
                    self.add(item)
                else:
                    self._observe_json(item)
        elif isinstance(value, list):
            for item in value:
                self._observe_json(item)

    def _observe_header(self, name: str, value: str) -> None:
        lowered = name.lower()
        if lowered not in self.header_names:
            return
        self.add(value)
        if lowered in ("authorization", "proxy-authorization"):
            scheme, _, credential = value.strip().partition(" ")
            if credential.strip():
                self.add(credential.strip())
                if scheme.lower() == "basic":
                    self._add_basic(credential.strip())
        elif lowered in ("cookie", "set-cookie"):
            pairs = value.split(";") if lowered == "cookie" else value.split(";")[:1]
            for pair in pairs:
                _, sep, cookie_value = pair.strip().partition("=")
                if sep:
                    self.add(cookie_value.strip().strip('"'))

    def _add_basic(self, credential: str) -> None:
        try:
            decoded = base64.b64decode(credential, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return
        self.add(decoded)
        _, sep, password = decoded.partition(":")
        if sep:
            self.add(password)

    # -- masking

    def _regex(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._values:
            # Longest first, so a secret that contains another is masked whole.
            ordered = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered))
        return self._pattern

    def mask(self, text: str) -> str:
        """``text`` with every known secret (4 characters or more) replaced by ``***``."""
        if not self.enabled or not text:
            return text
        if text in self._short:
            return MASK
        if not any(value in text for value in self._values):
            return text  # most texts hold no secret: no pattern to build or run
        pattern = self._regex()
        return pattern.sub(MASK, text) if pattern is not None else text

    def mask_bytes(self, content: bytes) -> bytes:
        """Raw bytes (a body) with every known secret replaced, before any base64 encoding."""
        if not self.enabled or not content:
            return content
        if self._bytes_patterns is None:
            self._bytes_patterns = sorted(
                {v.encode("utf-8") for v in self._values}, key=len, reverse=True
            )
        for secret in self._bytes_patterns:
            content = content.replace(secret, MASK.encode())
        if content.decode("utf-8", errors="replace") in self._short:
            return MASK.encode()
        return content

    def mask_value(self, value: Any) -> Any:
        """A JSON-like value with every string (and matching number) masked, recursively."""
        if not self.enabled:
            return value
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            text = str(value)
            if text in self._short or text in self._values:
                return MASK
            return value
        if isinstance(value, Mapping):
            return {
                (self.mask(k) if isinstance(k, str) else k): self.mask_value(v)
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):
            return [self.mask_value(item) for item in value]
        return self.mask(str(value))

    def mask_header(self, name: str, value: str) -> str:
        """A header's value as shown: ``***`` for a secret header, else with secrets masked."""
        if not self.enabled:
            return value
        lowered = name.lower()
        if lowered in self.header_names:
            if lowered in ("authorization", "proxy-authorization"):
                scheme, sep, credential = value.strip().partition(" ")
                if sep and credential and scheme.isalpha():
                    return f"{scheme} {MASK}"  # the scheme is useful, the credential is not
            if lowered == "cookie":
                return "; ".join(
                    _masked_cookie(pair.strip()) for pair in value.split(";") if pair.strip()
                )
            if lowered == "set-cookie":
                first, sep, attributes = value.partition(";")
                name_part, eq, _ = first.partition("=")
                shown = f"{name_part.strip()}={MASK}" if eq else MASK
                return shown + (sep + self.mask(attributes) if sep else "")
            return MASK
        return self.mask(value)

    def mask_headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, self.mask_header(name, value)) for name, value in headers]

    def mask_query(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        if not self.enabled:
            return list(pairs)
        return [
            (name, MASK if name in self.query_names else self.mask(value)) for name, value in pairs
        ]

    def mask_url(self, url: str) -> str:
        """A URL with secret query parameters and any known secret in it masked."""
        if not self.enabled:
            return url
        if self.query_names:
            parts = urlsplit(url)
            if parts.query:
                pieces = []
                for piece in parts.query.split("&"):
                    name, sep, _value = piece.partition("=")
                    if sep and unquote_plus(name) in self.query_names:
                        piece = f"{name}={MASK}"
                    pieces.append(piece)
                url = urlunsplit(parts._replace(query="&".join(pieces)))
        return self.mask(url)


def _masked_cookie(pair: str) -> str:
    name, sep, _ = pair.partition("=")
    return f"{name}={MASK}" if sep else MASK


def _query_pairs(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def _property(schema: Any, name: str) -> Any:
    return schema_properties(schema).get(name)


def _schema_says_secret(schema: Any) -> bool:
    return isinstance(schema, Mapping) and (
        schema.get("format") == "password" or schema.get("writeOnly") is True
    )


class SecretLearner(RunListener):
    """Teaches a masker the secrets a run meets, before any other listener prints them.

    Put it first in :class:`~arazzo_runner.engine.events.Listeners`: the inputs of
    nested workflows, the values of sensitive headers and parameters of each
    request, and ``Set-Cookie`` values and tokens in JSON responses are
    registered as they appear.
    """

    def __init__(self, masker: SecretMasker, sources: SourceRegistry | None = None) -> None:
        self.masker = masker
        self.sources = sources
        self._schemes_seen: set[int] = set()

    def workflow_started(self, workflow: Workflow, inputs: Mapping[str, Any]) -> None:
        self.masker.add_workflow_inputs(workflow, inputs)

    def step_started(self, step: Step, request: PreparedRequest | None) -> None:
        self._learn_schemes(step)
        if request is not None:
            self.masker.observe_request(request)

    def _learn_schemes(self, step: Step) -> None:
        # The apiKey schemes of the description the step's operation is in.
        if self.sources is None or step.workflow_id is not None:
            return
        try:
            description = self.sources.resolve(step).description
        except Exception:  # a step of another Arazzo document, or not resolvable here
            return
        if id(description) not in self._schemes_seen:
            self._schemes_seen.add(id(description))
            self.masker.add_security_schemes(description.security_schemes())

    def exchange(self, exchange: Exchange) -> None:
        self.masker.observe_request(exchange.request)
        if exchange.response is not None:
            self.masker.observe_response(exchange.response)
