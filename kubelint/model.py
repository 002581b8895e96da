"""The plain data that flows through kubelint: sources, documents, resources, findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Iterable

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

    def sort_key(self) -> tuple:
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


@dataclass(eq=False)
class Source:
    """A file (or stdin) as read: its display name and decoded text."""

    name: str
    text: str


@dataclass(eq=False)
class Document:
    """One YAML document of a source, parsed as Kubernetes parses it.

    ``start_line`` is the 0-based line of the document's first line in the
    source. ``positions`` is built lazily (it costs a second parse) and only for
    documents that have findings.
    """

    source: Source
    index: int
    start_line: int
    text: str
    data: Any
    exact: bool = False
    _positions: Any = field(default=None, repr=False)

    def positions(self):
        if self._positions is None:
            from kubelint.load.positions import PositionIndex

            self._positions = PositionIndex.build(self.text, self.start_line)
        return self._positions


@dataclass(eq=False)
class Resource:
    """A Kubernetes object: a whole document, or one item of a ``kind: List``.

    ``path`` locates the object inside its document (``()`` or ``("items", 3)``).
    ``namespace`` is the effective namespace (the run's default where the
    manifest sets none) for namespaced kinds, and None for cluster-scoped ones.
    """

    document: Document
    path: Path
    data: dict
    api_version: str
    kind: str
    name: str | None
    namespace: str | None
    #: the API group ("" for the core group) and version, split once: every check asks for them
    group: str = field(init=False, repr=False, compare=False)
    version: str = field(init=False, repr=False, compare=False)
    #: per-resource memo of kubelint.k8s.objects helpers (the pod spec ...), shared by all rules of a run
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.group, _, self.version = self.api_version.rpartition("/")

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(self.api_version, self.kind, self.namespace, self.name)

    @property
    def file(self) -> str:
        return self.document.source.name

    def __repr__(self) -> str:
        return f"Resource({self.ref}, {self.file})"
