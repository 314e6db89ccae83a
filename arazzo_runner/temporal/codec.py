"""Encrypting every payload a run puts in Temporal's history.

Workflow inputs hold tokens and passwords, and responses hold whatever the
APIs return; Temporal keeps them all in its history. :class:`EncryptionCodec`
encrypts each payload with AES-256-GCM before it leaves the process, so the
server and its UI only ever see ciphertext.

Keys come from ``ARAZZO_TEMPORAL_KEYS`` or from the file ``ARAZZO_TEMPORAL_KEY_FILE``
names: entries ``ID:KEY`` (KEY is 32 bytes in base64), separated by commas or
lines. The first key encrypts; every key listed decrypts, so a key is rotated by
putting a new one first and removing the old one once no history needs it
(``docs/temporal.md``).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from ..errors import UsageError

KEYS_VARIABLE = "ARAZZO_TEMPORAL_KEYS"
KEY_FILE_VARIABLE = "ARAZZO_TEMPORAL_KEY_FILE"
ENCODING = b"binary/arazzo-encrypted"
_KEY_ID = "arazzo-key-id"
_NONCE_BYTES = 12
NEW_KEY_HINT = (
    f"set {KEYS_VARIABLE}=ID:KEY (or {KEY_FILE_VARIABLE}=FILE holding such entries) in the "
    "environment of every worker and client; make a key with: "
    'python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'
)


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: bytes


def parse_keys(text: str, where: str) -> list[Key]:
    """The keys in ``text`` (entries ``ID:KEY``), first the one that encrypts."""
    keys: list[Key] = []
    for entry in text.replace("\n", ",").split(","):
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        key_id, colon, encoded = entry.partition(":")
        try:
            secret = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            secret = b""
        if not colon or not key_id.strip() or len(secret) != 32:
            raise UsageError(
                f"{where}: each entry must be ID:KEY with KEY 32 bytes in base64 "
                f"(entry {len(keys) + 1} is not)",
                hint=NEW_KEY_HINT,
            )
        keys.append(Key(key_id.strip(), secret))
    if not keys:
        raise UsageError(f"{where} holds no key", hint=NEW_KEY_HINT)
    return keys


def keys_from_environment(environ: Mapping[str, str] | None = None) -> list[Key]:
    """The keys the environment configures; a :class:`UsageError` if there are none."""
    environ = os.environ if environ is None else environ
    if environ.get(KEYS_VARIABLE):
        return parse_keys(environ[KEYS_VARIABLE], KEYS_VARIABLE)
    path = environ.get(KEY_FILE_VARIABLE)
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"{KEY_FILE_VARIABLE}: cannot read {path}: {exc.strerror}", hint=NEW_KEY_HINT
            ) from None
        return parse_keys(text, f"{KEY_FILE_VARIABLE} ({path})")
    raise UsageError(
        "runs on Temporal need an encryption key: inputs, tokens and responses are kept in "
        "Temporal's history, and are stored encrypted",
        hint=NEW_KEY_HINT,
    )


class EncryptionCodec(PayloadCodec):
    """Encrypts payloads with the first of ``keys``; decrypts with whichever key encrypted."""

    def __init__(self, keys: Sequence[Key]) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not keys:
            raise ValueError("an EncryptionCodec needs at least one key")
        self._current = keys[0]
        self._ciphers = {key.key_id: AESGCM(key.secret) for key in keys}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self._ciphers[self._current.key_id]
        encoded: list[Payload] = []
        for payload in payloads:
            nonce = os.urandom(_NONCE_BYTES)
            data = nonce + cipher.encrypt(nonce, payload.SerializeToString(), None)
            encoded.append(
                Payload(
                    metadata={"encoding": ENCODING, _KEY_ID: self._current.key_id.encode()},
                    data=data,
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded: list[Payload] = []
        for payload in payloads:
            if payload.metadata.get("encoding") != ENCODING:
                decoded.append(payload)  # written without encryption (Temporal's own)
                continue
            key_id = payload.metadata.get(_KEY_ID, b"").decode()
            cipher = self._ciphers.get(key_id)
            if cipher is None:
                raise ValueError(
                    f"a payload is encrypted with key '{key_id}', which is not configured "
                    f"({KEYS_VARIABLE}); keep old keys listed after the new one until no "
                    "history needs them"
                )
            nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
            decoded.append(Payload.FromString(cipher.decrypt(nonce, sealed, None)))
        return decoded
