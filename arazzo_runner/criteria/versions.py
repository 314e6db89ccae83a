"""The versions an Expression Type Object may name, by Arazzo version.

Kept apart from the JSONPath and XPath modules so that checking a type object
does not import the libraries those need.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "DEFAULT_VERSIONS",
    "GOESSNER_JSONPATH",
    "JSONPOINTER",
    "RFC9535",
    "TYPE_OBJECT_VERSIONS",
    "TYPE_OBJECT_VERSIONS_1_1",
    "XPATH_DEFAULT",
    "XPATH_NAMES",
    "type_object_versions",
]

GOESSNER_JSONPATH = "draft-goessner-dispatch-jsonpath-00"
RFC9535 = "rfc9535"
JSONPOINTER = "rfc6901"

# XPath 3.1 is the default the Criterion Expression Type Object names; it is the
# version used when a criterion says just ``type: xpath``.
XPATH_DEFAULT = "xpath-31"
XPATH_NAMES: Mapping[str, str] = {
    "xpath-10": "XPath 1.0",
    "xpath-20": "XPath 2.0",
    "xpath-30": "XPath 3.0",
    "xpath-31": "XPath 3.1",
}

# What a type object may say in an Arazzo 1.0 document, by type. Without the
# object, jsonpath means RFC 9535 and xpath means XPath 3.1.
TYPE_OBJECT_VERSIONS: Mapping[str, tuple[str, ...]] = {
    "jsonpath": (GOESSNER_JSONPATH,),
    "xpath": ("xpath-30", "xpath-20", "xpath-10"),
}

# Arazzo 1.1 names the defaults too, and adds JSON Pointer (for Selector Objects
# and replacement targets; a criterion may name it as well).
TYPE_OBJECT_VERSIONS_1_1: Mapping[str, tuple[str, ...]] = {
    "jsonpath": (RFC9535, GOESSNER_JSONPATH),
    "xpath": ("xpath-31", "xpath-30", "xpath-20", "xpath-10"),
    "jsonpointer": (JSONPOINTER,),
}

# The version a bare type name means (Arazzo 1.1, "Expression Type Object").
DEFAULT_VERSIONS: Mapping[str, str] = {
    "jsonpath": RFC9535,
    "xpath": XPATH_DEFAULT,
    "jsonpointer": JSONPOINTER,
}


def type_object_versions(minor: str) -> Mapping[str, tuple[str, ...]]:
    """The type object table of Arazzo ``minor`` ("1.0" or "1.1")."""
    return TYPE_OBJECT_VERSIONS_1_1 if minor == "1.1" else TYPE_OBJECT_VERSIONS
