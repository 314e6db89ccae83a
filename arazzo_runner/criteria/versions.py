"""The criterion versions a Criterion Expression Type Object may name (Arazzo 1.0.1).

Kept apart from the JSONPath and XPath modules so that checking a type object
does not import the libraries those need.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["GOESSNER_JSONPATH", "TYPE_OBJECT_VERSIONS", "XPATH_DEFAULT", "XPATH_NAMES"]

GOESSNER_JSONPATH = "draft-goessner-dispatch-jsonpath-00"

# XPath 3.1 is the default the Criterion Expression Type Object names; it is the
# version used when a criterion says just ``type: xpath``.
XPATH_DEFAULT = "xpath-31"
XPATH_NAMES: Mapping[str, str] = {
    "xpath-10": "XPath 1.0",
    "xpath-20": "XPath 2.0",
    "xpath-30": "XPath 3.0",
    "xpath-31": "XPath 3.1",
}

# What a type object may say, by type. Without the object, jsonpath means RFC 9535
# and xpath means XPath 3.1.
TYPE_OBJECT_VERSIONS: Mapping[str, tuple[str, ...]] = {
    "jsonpath": (GOESSNER_JSONPATH,),
    "xpath": ("xpath-30", "xpath-20", "xpath-10"),
}
