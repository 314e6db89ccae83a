"""Which diagnostics ``arazzo validate`` reports: rule selection and suppressions.

Three ways to leave a rule out, so that a team can hold its own documents to
``--strict`` while checking documents it does not own:

* ``--select`` / ``--ignore`` (and ``select`` / ``ignore`` in the configuration
  file): rule ids from ``rules.py`` or their group names (``style``, ``flow``...);
* per-file ignores in the configuration file: a glob of paths -> rules;
* an inline comment on the line a diagnostic points at, in the file it points
  into: ``# arazzo: ignore[bare-expression]`` (or ``# arazzo: ignore`` for every
  rule on that line).

A file that cannot be read (``unreadable-file``) is always reported: no output
would otherwise say why it was not checked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import PurePath

from ..diagnostics import Diagnostic
from ..errors import UsageError, did_you_mean
from .rules import RULES

ALWAYS_REPORTED = frozenset({"unreadable-file"})
GROUPS = tuple(dict.fromkeys(rule.group for rule in RULES.values()))
# `# arazzo: ignore` or `# arazzo: ignore[rule-a, rule-b]`, anywhere on the line.
_COMMENT = re.compile(r"#\s*arazzo:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)


def expand_rules(names: Iterable[str], origin: str) -> frozenset[str]:
    """Rule ids for ``names`` (ids, group names, comma-separated lists), or a UsageError.

    ``origin`` says where the names came from (``--ignore``, a config file) for
    the message.
    """
    rules: set[str] = set()
    for name in (part.strip() for text in names for part in text.split(",")):
        if not name:
            continue
        if name in RULES:
            rules.add(name)
        elif name in GROUPS:
            rules.update(rule.id for rule in RULES.values() if rule.group == name)
        else:
            raise UsageError(f"{origin}: unknown rule '{name}'", hint=_suggest(name))
    return frozenset(rules)


def _suggest(name: str) -> str:
    close = did_you_mean(name, [*RULES, *GROUPS])
    if close:
        return f"did you mean '{close}'?"
    return "rule ids and groups are listed in docs/validate.md#rules"


@dataclass(frozen=True)
class Selection:
    """What to report: ``select`` (None: every rule) minus ``ignore`` and per-file ignores."""

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    per_file: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Glob (relative to ``root``, ``/`` separated, ``*`` crosses directories) -> rules."""
    root: str | None = None

    def ignored_in(self, file: str) -> frozenset[str]:
        ignored = set(self.ignore)
        relative = _relative(file, self.root)
        for pattern, rules in self.per_file.items():
            if fnmatchcase(relative, pattern) or fnmatchcase(file, pattern):
                ignored.update(rules)
        return frozenset(ignored)


@dataclass
class Filtered:
    kept: list[Diagnostic]
    suppressed: int
    notes: list[str]
    """Problems with the suppression comments themselves (an unknown rule id)."""


def apply(selection: Selection, file: str, diagnostics: Sequence[Diagnostic]) -> Filtered:
    """The diagnostics of ``file`` that ``selection`` and inline comments leave in."""
    ignored = selection.ignored_in(file)
    comments = _Comments()
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        rule = diagnostic.rule or ""
        if rule in ALWAYS_REPORTED or (
            (selection.select is None or rule in selection.select)
            and rule not in ignored
            and not comments.suppresses(diagnostic)
        ):
            kept.append(diagnostic)
    return Filtered(kept, len(diagnostics) - len(kept), comments.notes)


class _Comments:
    """Suppression comments, read once per file a diagnostic points into."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}
        self.notes: list[str] = []

    def suppresses(self, diagnostic: Diagnostic) -> bool:
        location = diagnostic.location
        if location is None or location.line is None:
            return False
        lines = self._read(location.file)
        if not 0 < location.line <= len(lines):
            return False
        match = _COMMENT.search(lines[location.line - 1])
        if match is None:
            return False
        if match.group(1) is None:
            return True
        named = {part.strip() for part in match.group(1).split(",") if part.strip()}
        for unknown in sorted(named - set(RULES) - set(GROUPS)):
            note = f"{location.file}:{location.line}: unknown rule '{unknown}' in an ignore comment"
            close = did_you_mean(unknown, [*RULES, *GROUPS])
            note += f" (did you mean '{close}'?)" if close else ""
            if note not in self.notes:
                self.notes.append(note)
        groups = {rule.id for rule in RULES.values() if rule.group in named}
        return diagnostic.rule in named | groups

    def _read(self, file: str) -> list[str]:
        if file not in self._lines:
            self._lines[file] = _lines_of(file)
        return self._lines[file]


def _lines_of(file: str) -> list[str]:
    if file.startswith(("http://", "https://")):
        # Remote documents are not fetched again just for their comments.
        return []
    try:
        with open(file, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return []


def _relative(file: str, root: str | None) -> str:
    """``file`` relative to the configuration file's directory when it lies below it."""
    if root is None or file.startswith(("http://", "https://")):
        return file.replace(os.sep, "/")
    relative = os.path.relpath(os.path.abspath(file), os.path.abspath(root))
    if relative.startswith(".."):
        return file.replace(os.sep, "/")
    return PurePath(relative).as_posix()


def selection_from_table(
    table: Mapping[str, object], origin: str, root: str | None
) -> tuple[Selection, bool]:
    """The ``[validate]`` table of a configuration file, and its ``strict`` setting."""
    known = ("select", "ignore", "per-file-ignores", "strict")
    for key in table:
        if key not in known:
            close = did_you_mean(key, known)
            hint = f"did you mean '{close}'?" if close else f"settings: {', '.join(known)}"
            raise UsageError(f"{origin}: unknown setting 'validate.{key}'", hint=hint)
    strict = table.get("strict", False)
    if not isinstance(strict, bool):
        raise UsageError(f"{origin}: 'validate.strict' must be true or false, got {strict!r}")
    select = table.get("select")
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, Mapping):
        raise UsageError(f"{origin}: 'validate.per-file-ignores' must be a table of glob = [rules]")
    selection = Selection(
        select=None if select is None else expand_rules(_names(select, "select", origin), origin),
        ignore=expand_rules(_names(table.get("ignore", []), "ignore", origin), origin),
        per_file={
            str(glob): expand_rules(_names(rules, f"per-file-ignores.{glob}", origin), origin)
            for glob, rules in per_file.items()
        },
        root=root,
    )
    return selection, strict


def _names(value: object, key: str, origin: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [str(item) for item in value]
    raise UsageError(f"{origin}: 'validate.{key}' must be a list of rule ids, got {value!r}")
