"""Findings and what checks report before they become findings: severities, paths, resource references."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from kubelint.model.fixes import Fix

#: A location inside parsed YAML: mapping keys (str) and sequence indexes (int).
Path = tuple[str | int, ...]


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that ``Severity.ERROR > Severity.WARNING``."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: expected error, warning or info") from None


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """Which Kubernetes object a finding is about."""

    api_version: str
    kind: str
    namespace: str | None
    name: str | None

    def __str__(self) -> str:
        name = self.name or "<unnamed>"
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{name}"
        return f"{self.kind}/{name}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, pointing at a file, line and column (both 1-based) where known.

    ``path`` is the field path inside the resource in Kubernetes' notation
    (``spec.template.spec.containers[0].image``); ``hint`` says how to fix it.
    """

    rule: str
    severity: Severity
    message: str
    file: str
    line: int | None = None
    column: int | None = None
    resource: ResourceRef | None = None
    path: str = ""
    hint: str | None = None
    #: the source line (secrets masked), for reporters that show code; not part of the JSON
    snippet: str | None = field(default=None, compare=False)
    #: how to fix it (kubelint/fix/ applies it with --fix); not part of the JSON
    fix: Fix | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line or 0, self.column or 0, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        resource = None
        if self.resource is not None:
            resource = {
                "apiVersion": self.resource.api_version,
                "kind": self.resource.kind,
                "namespace": self.resource.namespace,
                "name": self.resource.name,
            }
        return {
            "rule": self.rule,
            "severity": self.severity.label,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "resource": resource,
            "path": self.path,
            "hint": self.hint,
        }


@dataclass(frozen=True, slots=True)
class Problem:
    """What a check reports before the engine turns it into a Finding.

    Checks know *where* in a resource something is wrong (``path``) but not the
    line: the engine maps the path to a position, attaches the rule's severity
    and applies configuration and suppressions, in one place.
    ``at_key`` points at the key rather than the value (unknown fields, say).
    """

    path: Path
    message: str
    rule: str | None = None
    severity: Severity | None = None
    hint: str | None = None
    at_key: bool = False
    #: the edits that fix it, with paths relative to the resource like ``path`` (model/fixes.py); not
    #: compared or hashed (its values may be mappings)
    fix: Fix | None = field(default=None, compare=False)


def format_path(path: Iterable[str | int]) -> str:
    """Render a path as Kubernetes does: ``spec.containers[0].env[1].name``.

    Keys that are not plain identifiers (label keys, say) are written in
    brackets, as the API server's field.Path.Key() does: ``metadata.labels[app.kubernetes.io/name]``.
    """
    out: list[str] = []
    for segment in path:
        if isinstance(segment, int):
            out.append(f"[{segment}]")
        elif segment and all(c.isalnum() or c in "_-$" for c in segment):
            out.append(("." if out else "") + segment)
        else:
            out.append(f"[{segment}]")
    return "".join(out)
