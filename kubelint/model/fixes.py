"""Fixes: what a finding would change in its document, as edits of the parsed data.

A check knows *what* to change (the value at a path, a key to rename, an entry to add) but not
where its text is. A fix is therefore a list of operations on the document's data at paths, like a
Problem's path; kubelint/fix/ turns each operation into a minimal edit of the original text (the
span of a scalar, the lines of an entry), so that everything else (comments, quoting, key order,
blank lines, other documents) stays byte for byte. Whether a rule's fixes are safe (they keep what
the manifest means to Kubernetes) or unsafe is the rule's (``fix:`` in rules/<id>.yaml).

These are frozen dataclasses without slots: parallel workers pickle them, which frozen slotted
dataclasses do not survive on Python 3.10.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

#: a path in a document, as kubelint.model.Path (this module imports nothing of the model: findings.py imports it)
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Replace:
    """The value at ``path`` becomes ``value``: a scalar (written in the scalar's own quoting where it
    can be), or a mapping or list (written in the style of the value it replaces)."""

    path: Path
    value: Any


@dataclass(frozen=True)
class AsString:
    """The plain scalar at ``path`` becomes the string it is written as (``yes`` -> ``"yes"``,
    ``0755`` -> ``"0755"``): what the author meant where Kubernetes expects a string."""

    path: Path


@dataclass(frozen=True)
class Rename:
    """The key at the end of ``path`` becomes ``key``; its value and position stay."""

    path: Path
    key: str


@dataclass(frozen=True)
class Remove:
    """The mapping entry or list item at ``path`` goes, with its lines."""

    path: Path


@dataclass(frozen=True)
class Insert:
    """``key: value`` is added to the mapping at ``path``: after the last key of ``after`` that the
    mapping has, else before the first of ``before`` that it has, else at its end."""

    path: Path
    key: str
    value: Any
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()


Operation = Replace | AsString | Rename | Remove | Insert


@dataclass(frozen=True)
class Fix:
    """The operations that fix one finding, and what they do in words (for --diff and the report).

    Checks make fixes with paths relative to their resource; the engine rebases them onto the
    document (``rebased``) and records which document of the source they edit.
    """

    operations: tuple[Operation, ...]
    description: str
    #: the index of the document in its source (kubelint.model.Document.index); set by the engine
    document: int | None = None
    #: the path of the resource in its document (``("items", 3)`` in a List), which the engine
    #: prefixed to every path of the operations
    base: Path = ()

    def rebased(self, base: Path, document: int) -> Fix:
        """The same fix with every path prefixed by ``base`` (the resource's path in its document)."""
        if not base:
            return replace(self, document=document)
        return Fix(tuple(replace(op, path=base + op.path) for op in self.operations), self.description, document,
                   base)


@dataclass
class FixSummary:
    """What ``--fix`` changed (or ``--diff`` would change), for the report."""

    #: whether the files were written (--fix) or only compared (--diff)
    applied: bool
    #: findings of the first check that the fixes made disappear, by rule
    fixed: dict[str, int] = field(default_factory=dict)
    #: files changed (or that would change), as named in the findings
    files: list[str] = field(default_factory=list)
    #: findings whose fix is unsafe and was not applied (no --unsafe-fixes)
    unsafe: int = 0
    #: fixes not applied, and why: (file, line, rule, reason)
    skipped: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    #: findings that appeared after fixing and were not there before (best-practice rules that now apply
    #: to a value that means what it says: replicas "3" -> 3 makes a PodDisruptionBudget advisable)
    revealed: int = 0

    @property
    def total(self) -> int:
        return sum(self.fixed.values())


def same_value(a: Any, b: Any) -> bool:
    """Equal as JSON values: true is not 1, and 1 is not 1.0 (Python's == says they are)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    return bool(a == b)
