"""JSON Pointers (RFC 6901): joining reference tokens, and resolving.

Tokens are escaped by :mod:`arazzo_runner.pointers`. Resolving is walked here
because its errors must name the missing token and the place where it is
missing, and because only JSON data (objects and arrays) may be walked into: a
pointer into a string is not found.
"""

from __future__ import annotations

from typing import Any

from ..pointers import escape_pointer_token, unescape_pointer_token


def join_pointer(pointer: str, *tokens: str | int) -> str:
    """Append reference tokens to a JSON pointer."""
    return pointer + "".join("/" + escape_pointer_token(str(token)) for token in tokens)


def resolve_pointer(data: Any, pointer: str) -> Any:
    """The value at JSON pointer ``pointer`` in ``data``; LookupError says why not."""
    if pointer and not pointer.startswith("/"):
        raise LookupError("the fragment is not a JSON pointer")
    current = data
    walked = "#"
    for raw_token in pointer.split("/")[1:]:
        token = unescape_pointer_token(raw_token)
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            raise LookupError(f"there is no '{token}' in '{walked}'")
        walked += "/" + raw_token
    return current
