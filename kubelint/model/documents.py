"""Sources, documents and resources: what the loader reads and every later stage works on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from kubelint.model.findings import Path, ResourceRef


class Positions(Protocol):
    """Where the values of a document are: a path inside it to a 1-based (line, column)."""

    def locate(self, path: Path, at_key: bool = False) -> tuple[int, int] | None: ...


class _NoPositions:
    """The positions of a document that has no text (made in code): none."""

    def locate(self, path: Path, at_key: bool = False) -> tuple[int, int] | None:
        return None


NO_POSITIONS: Positions = _NoPositions()


@dataclass(eq=False)
class Source:
    """A file (or stdin) as read: its display name and decoded text."""

    name: str
    text: str


@dataclass(eq=False)
class Document:
    """One YAML document of a source, parsed as Kubernetes parses it.

    ``start_line`` is the 0-based line of the document's first line in the
    source. ``positions()`` is built lazily (it costs a second parse) and only for
    documents that have findings.
    """

    source: Source
    index: int
    start_line: int
    text: str
    data: Any
    exact: bool = False
    #: builds the position map from (text, start_line) on first use; the loader sets it, and a
    #: document made in code (no text) has none
    position_builder: Callable[[str, int], Positions] | None = field(default=None, repr=False)
    _positions: Positions | None = field(default=None, repr=False)

    def positions(self) -> Positions:
        if self._positions is None:
            builder = self.position_builder
            self._positions = builder(self.text, self.start_line) if builder is not None else NO_POSITIONS
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
    data: dict[str, Any]
    api_version: str
    kind: str
    name: str | None
    namespace: str | None
    #: ``object`` (a whole object), ``patch`` (a kustomize patch: a partial object that defines nothing)
    #: or ``generated`` (made by a kustomize generator, placed at the generator in its kustomization)
    role: str = field(default="object", compare=False)
    #: the API group ("" for the core group) and version, split once: every check asks for them
    group: str = field(init=False, repr=False, compare=False)
    version: str = field(init=False, repr=False, compare=False)
    #: per-resource memo of kubelint.k8s.objects helpers (the pod spec ...), shared by all rules of a run
    memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

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
