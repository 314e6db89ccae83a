"""The small grammars several layers read: how documents name sources, components and paths.

Each pattern is written once, here, low in the layers, so that validation, the
operation resolver, the request builder and the engine accept exactly the same
spellings: a reference one of them accepts and another refuses is a bug.
"""

from __future__ import annotations

import re

SOURCE_NAME = r"[A-Za-z0-9_-]+"
"""A source description's name, as ``$sourceDescriptions.<name>`` may spell it."""

SOURCE_REFERENCE = re.compile(rf"^\$sourceDescriptions\.({SOURCE_NAME})\.(.+)$")
"""``$sourceDescriptions.<name>.<rest>``: an operationId or workflowId of one source."""

OPERATION_PATH = re.compile(rf"^(\{{)?\$sourceDescriptions\.({SOURCE_NAME})\.url(\}})?#(.*)$")
"""``{$sourceDescriptions.<name>.url}#<pointer>``; groups 1 and 3 are the braces, if written."""

BARE_OPERATION_PATH = re.compile(rf"^({SOURCE_NAME})#(/paths/.*)$")
"""``<name>#/paths/...``: not the spec's form, but some published documents use it."""

COMPONENT_REFERENCE = re.compile(
    r"^\$components\.(parameters|successActions|failureActions)\.([A-Za-z0-9._-]+)$"
)
"""The ``reference`` of a Reusable Object: ``$components.<section>.<name>``."""

PATH_TEMPLATE = re.compile(r"\{([^{}]+)\}")
"""A ``{name}`` in an OpenAPI path or server URL template; group 1 is the name."""


# --------------------------------------------------------------------------- versions

_VERSION = re.compile(r"^(\d+)\.(\d+)\.\d+(?:-.+)?$")


def spec_minor(version: object) -> str | None:
    """``"1.1"`` for ``"1.1.0"`` or ``"1.1.2-rc1"``; None for anything not a version string.

    Each document is read by the rules of its own ``arazzo`` version, so a 1.0
    document keeps its 1.0 meaning even when it calls a 1.1 one.
    """
    match = _VERSION.match(version) if isinstance(version, str) else None
    return f"{match[1]}.{match[2]}" if match else None
