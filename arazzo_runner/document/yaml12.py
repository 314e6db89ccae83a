"""YAML loaders that read scalars the way YAML 1.2 (and JSON) does.

PyYAML implements YAML 1.1, which turns ``2026-03-15`` into a date,
``on``/``yes``/``no`` into booleans, ``1:20`` into 80 and ``017`` into 15.
Arazzo recommends YAML 1.2 and its data model is JSON's, so these loaders use
the YAML 1.2 core schema for booleans and numbers, and dates stay strings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # PyYAML built without libyaml: the pure-Python parser, only slower
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

# YAML 1.1 tags whose implicit resolvers are replaced by YAML 1.2 core schema ones.
_REPLACED_TAGS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}


class _Yaml12Resolver(Resolver):
    """Plain scalars resolve to booleans and numbers as in the YAML 1.2 core schema."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # A plain scalar's tag depends on its text alone (there are no path
        # resolvers here), and descriptions repeat the same few texts ("string",
        # "object", "200"...) hundreds of thousands of times: each is matched once.
        if kind is not yaml.ScalarNode or not implicit[0] or self.yaml_path_resolvers:
            return _resolve(self, kind, value, implicit)
        tags: dict[str, str] | None = self.__dict__.get("_plain_tags")
        if tags is None:
            tags = self.__dict__["_plain_tags"] = {}
        tag = tags.get(value)
        if tag is None:
            tag = tags[value] = _resolve(self, kind, value, implicit)
        return tag


# PyYAML's own resolution (its stubs leave it untyped).
_resolve: Callable[[Resolver, Any, Any, Any], Any] = Resolver.resolve


_Yaml12Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
_Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
# Integers are added before floats so that "17" is an integer.
_Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)


class _Yaml12Constructor(SafeConstructor):
    """Builds YAML 1.2 integers, and locates values that cannot be built."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError, MemoryError):
            raise
        except Exception as exc:
            # PyYAML's constructors trust the text they are given: an explicit tag
            # on a value it cannot hold (``!!int abc``, ``!!bool maybe``, ``!!float ''``)
            # raises ValueError, KeyError or IndexError, and so does an integer too
            # long for Python. Each is a problem with the document, not a bug.
            raise ConstructorError(
                None,
                None,
                f"cannot read this value as {_tag_name(node.tag)} ({exc})",
                node.start_mark,
            ) from None


def _construct_int(loader: yaml.SafeLoader | yaml.CSafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # YAML 1.2: a leading zero does not make a number octal


_Yaml12Constructor.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _tag_name(tag: str) -> str:
    return "!!" + tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else tag


class Yaml12Loader(_Yaml12Constructor, _Yaml12Resolver, _SafeLoader):
    """The YAML 1.2 loader, on libyaml's parser when PyYAML has it."""


class Yaml12PythonLoader(_Yaml12Constructor, _Yaml12Resolver, yaml.SafeLoader):
    """The YAML 1.2 loader on PyYAML's own parser.

    libyaml rejects some text that JSON allows (escaped surrogate pairs such as
    "\\ud83d\\ude00"); the pure-Python parser accepts it, so source positions
    fall back to this loader.
    """


# --------------------------------------------------------------------------- plain documents

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# Scalars built by the loader's own constructors (YAML 1.2 numbers, booleans, null).
_OTHER_SCALARS = frozenset(
    {
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
    }
)


class _NotPlain(Exception):
    """The document uses something only the full constructor handles."""


def construct_document(loader: Yaml12Loader, root: yaml.Node) -> Any:
    """What ``loader.construct_document(root)`` returns, built faster when it can be.

    Descriptions are almost always plain: mappings with scalar keys, sequences,
    strings, numbers, booleans and nulls, nothing shared. For those the tree is
    built in one loop, without PyYAML's per-node generators and bookkeeping
    (about half of a large YAML description's first load). Anything else (merge
    keys, ``=``, other tags, aliases, a collection as a key, a value a
    constructor refuses) sends the whole document to the loader's own
    constructor, which builds it, or words the error, as before.
    """
    try:
        return _construct_plainly(loader, root)
    except _NotPlain:
        return loader.construct_document(root)


def _construct_plainly(loader: Yaml12Loader, root: yaml.Node) -> Any:
    if isinstance(root, yaml.ScalarNode):
        return _scalar(loader, root)
    top = _empty(root)
    pending: list[tuple[yaml.Node, Any]] = [(root, top)]
    seen: set[int] = set()
    while pending:
        node, built = pending.pop()
        if id(node) in seen:
            raise _NotPlain  # an alias: the same object twice, or a cycle
        seen.add(id(node))
        if isinstance(built, dict):
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _NotPlain
                built[_scalar(loader, key_node)] = _child(loader, value_node, pending)
        else:
            built.extend(_child(loader, item, pending) for item in node.value)
    return top


def _child(loader: Yaml12Loader, node: yaml.Node, pending: list[tuple[yaml.Node, Any]]) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(loader, node)
    built = _empty(node)
    pending.append((node, built))
    return built


def _empty(node: yaml.Node) -> dict[Any, Any] | list[Any]:
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        return {}
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return []
    raise _NotPlain


def _scalar(loader: Yaml12Loader, node: yaml.ScalarNode) -> Any:
    if node.tag == _STR:
        value: str = node.value
        return value
    if node.tag not in _OTHER_SCALARS:
        raise _NotPlain
    try:
        return loader.yaml_constructors[node.tag](loader, node)
    except Exception:
        raise _NotPlain from None  # the full constructor words it, located
