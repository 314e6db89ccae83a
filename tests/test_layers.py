"""The package's layers: each imports only from the layers below it.

The order is the pipeline of ``docs/architecture.md``: documents are read,
modelled, their expressions compiled, their operations found, requests built and
sent, by an engine that reports to the layers above. Every import counts: at
module level, inside functions (kept lazy for start-up time) and under
``TYPE_CHECKING``; a layer that needs a type from above it is a layer in the
wrong place.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "arazzo_runner"

# Lowest first. Modules on one line form one layer and may import each other.
LAYERS: list[tuple[str, ...]] = [
    ("_version", "errors", "jsontypes", "pointers"),
    ("diagnostics", "results"),
    ("expressions",),
    ("criteria",),
    ("document",),
    ("openapi", "asyncapi"),
    ("http", "messaging"),
    ("engine",),
    ("masking",),
    ("validation",),
    ("reporting",),
    ("api", "dry_run", "batch", "reports", "upgrade"),
    ("temporal",),
    ("cli",),
    ("pytest_plugin", "__init__", "__main__"),
]


def _layer_of(module: str) -> int:
    top = module.split(".")[0]
    for index, members in enumerate(LAYERS):
        if top in members:
            return index
    raise AssertionError(f"arazzo_runner.{module} is in no layer: add it to LAYERS")


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts), is_package


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module relative to the package) for each import in ``path``."""
    module, is_package = _module_name(path)
    package = module.split(".") if is_package and module != "__init__" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            target = [*base, *(node.module.split(".") if node.module else [])]
            if not target:  # "from . import x" in the package root
                yield from ((node.lineno, alias.name) for alias in node.names)
            else:
                yield node.lineno, ".".join(target)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("arazzo_runner."):
            yield node.lineno, (node.module or "").removeprefix("arazzo_runner.")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("arazzo_runner."):
                    yield node.lineno, alias.name.removeprefix("arazzo_runner.")


def upward_imports() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module, _ = _module_name(path)
        own = _layer_of(module)
        for line, target in _imports(path):
            if _layer_of(target) > own:
                where = path.relative_to(PACKAGE.parent)
                found.append(f"{where}:{line}: {module} imports {target}, a higher layer")
    return found


def test_every_module_is_in_a_layer() -> None:
    for path in PACKAGE.rglob("*.py"):
        _layer_of(_module_name(path)[0])


def test_no_layer_imports_from_a_layer_above_it() -> None:
    assert upward_imports() == []
