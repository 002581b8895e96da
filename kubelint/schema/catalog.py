"""The bundled CRD catalog: the CustomResourceDefinitions of popular operators, offline.

``schemas/crds/`` (built by scripts/build_crd_catalog.py from the upstream CRDs in ../shared/crds)
holds ``index.json`` (projects with their release, repository, commit and licence; every
group/version/kind with its plural, scope, served/storage/deprecated flags and bundle) and
``catalog.json.xz``, one JSON value per line: a header, the table of subtrees that several CRDs
share (referenced as ``{"$r": n}``), then every CRD, in the index's order.

A run without custom resources never touches the catalog: importing this module reads nothing,
the index is read on the first question, the stream is decompressed when a CRD is first asked
for, and then only the lines of that CRD and of the shared subtrees it refers to are parsed,
each once (so identical subtrees stay one object). A CRD handed out is a CustomResourceDefinition
like one from the input, wrapped as a Resource for ``kubelint.schema.crd.CRDRegistry.add``;
callers must not change it.

Kinds that two channels of a project define (gateway-api ``standard`` and ``experimental``) are
looked up in the preferred channel first (standard), so that by default a resource is held to
the stable schema; selecting a channel by name (``gateway-api/experimental``) uses that one.
"""

from __future__ import annotations

import difflib
import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from kubelint._paths import data_dir
from kubelint.load.sources import UsageError
from kubelint.model import Document, Resource, Source

FORMAT = 1
#: the annotation a catalog CRD carries: which bundle and release it comes from
ORIGIN_ANNOTATION = "kubelint.io/crd-catalog"
_REF = "$r"


class CatalogError(UsageError, ValueError):
    """A selection naming no bundled project, or catalog files that cannot be read: a usage error
    (exit code 2), as a --crds path that does not exist is."""


# The records are NamedTuples rather than dataclasses: making four dataclasses cost 3 ms of
# import time (measured), which every run that imports the engine would pay.


class Origin(NamedTuple):
    """Where some of a project's CRDs come from: one upstream repository at one commit."""

    name: str  # e.g. "cert-manager", or "flux/helm-controller" for a project of several repositories
    repository: str  # owner/name on GitHub
    commit: str
    licence: str
    release: str | None  # the project's release as its CRD files record it, if they do
    generator: str | None  # e.g. "controller-gen v0.19.0": the tool that wrote the CRDs, not a release

    @property
    def label(self) -> str:
        return self.release or f"commit {self.commit[:12]}"


class Project(NamedTuple):
    name: str
    release: str | None
    origins: tuple[Origin, ...]
    bundles: tuple[str, ...]  # in order of preference: "gateway-api/standard" before "gateway-api/experimental"

    @property
    def label(self) -> str:
        """The release, or the commit where the CRD files record no release (for listings)."""
        if self.release:
            return self.release
        if len(self.origins) == 1:
            return self.origins[0].label
        return ", ".join(f"{o.name.rpartition('/')[2]} {o.label}" for o in self.origins)


class CatalogKind(NamedTuple):
    """One group/version/kind of the catalog, as the index describes it (no schema decoded)."""

    api_version: str
    kind: str
    plural: str
    namespaced: bool
    served: bool
    storage: bool
    deprecated: bool
    bundle: str
    project: str
    crd: str  # the CRD's metadata.name, e.g. certificates.cert-manager.io

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]


class Selection:
    """The bundles a run may use (``crd-catalog: [...]``); empty turns the catalog off."""

    __slots__ = ("bundles",)

    def __init__(self, bundles: Iterable[str]) -> None:
        self.bundles = frozenset(bundles)

    def __contains__(self, bundle: str) -> bool:
        return bundle in self.bundles

    def __bool__(self) -> bool:
        return bool(self.bundles)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Selection) and other.bundles == self.bundles

    def __hash__(self) -> int:
        return hash(self.bundles)

    def __repr__(self) -> str:
        return f"Selection({sorted(self.bundles)})"


class Catalog:
    """The CRD catalog in a folder (by default the bundled one)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else data_dir("schemas") / "crds"
        self._index: dict[str, Any] | None = None
        self._by_group_kind: dict[tuple[str, str], list[dict[str, Any]]] | None = None
        self._lines: list[bytes] | None = None
        self._table: list[Any] = []  # parsed and resolved table entries (None: not parsed yet)
        self._crd_lines: dict[tuple[str, str], int] = {}
        self._crds: dict[tuple[str, str], dict[str, Any]] = {}
        self._resources: dict[tuple[str, str], Resource] = {}

    # --- the index ---------------------------------------------------------------------------

    @property
    def index(self) -> dict[str, Any]:
        if self._index is None:
            path = self.directory / "index.json"
            try:
                with open(path, encoding="utf-8") as handle:
                    index = json.load(handle)
            except (OSError, ValueError) as exc:
                raise CatalogError(f"{path}: cannot read the CRD catalog ({exc}); reinstall kubelint") from None
            if not isinstance(index, dict) or index.get("format") != FORMAT:
                raise CatalogError(f"{path}: not a CRD catalog index of format {FORMAT}; reinstall kubelint")
            self._index = index
        return self._index

    def projects(self) -> list[Project]:
        """The bundled projects with their release (or commit), sorted by name."""
        out = []
        for name, project in self.index["projects"].items():
            origins = tuple(Origin(source, s["repository"], s["commit"], s["licence"], s.get("release"),
                                   s.get("generator")) for source, s in project["sources"].items())
            out.append(Project(name, project.get("release"), origins, tuple(project["bundles"])))
        return out

    def bundles(self) -> list[str]:
        return list(self.index["bundles"])

    def select(self, names: Iterable[str] | None = None) -> Selection:
        """The bundles that project or bundle names stand for; None is every bundle, [] none.

        A project name takes all of its channels (the preferred one first at lookup); a bundle
        name (``gateway-api/experimental``) takes that channel only.
        """
        if names is None:
            return Selection(self.index["bundles"])
        projects = self.index["projects"]
        chosen: set[str] = set()
        for name in names:
            if name in projects:
                chosen.update(projects[name]["bundles"])
            elif name in self.index["bundles"]:
                chosen.add(name)
            else:
                raise CatalogError(_unknown_name(name, sorted(set(projects) | set(self.index["bundles"]))))
        return Selection(chosen)

    def lookup(self, api_version: str, kind: str, selection: Selection | None = None) -> CatalogKind | None:
        """The catalog's entry for apiVersion/kind in the selected bundles: the preferred channel first,
        among the channels that serve this version (gateway-api's standard channel keeps v1alpha2
        TCPRoute unserved, the experimental one serves it); else the preferred channel's."""
        entries = [e for e in self.index["kinds"].get(api_version, {}).get(kind, ())
                   if selection is None or e["bundle"] in selection]
        served = [e for e in entries if e["served"]]
        chosen = (served or entries)[:1]
        return self._kind(api_version, kind, chosen[0]) if chosen else None

    def versions_of(self, group: str, kind: str, selection: Selection | None = None) -> list[CatalogKind]:
        """Every version of group/kind in the first selected bundle that defines it (for "the
        CRD defines only v1, v1beta1" when a manifest asks for another version)."""
        if self._by_group_kind is None:
            table: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for api_version, kinds in self.index["kinds"].items():
                for name, entries in kinds.items():
                    for entry in entries:
                        table.setdefault((api_version.rpartition("/")[0], name), []).append(
                            dict(entry, apiVersion=api_version))
            self._by_group_kind = table
        entries = self._by_group_kind.get((group, kind), [])
        bundles = [e["bundle"] for e in entries if selection is None or e["bundle"] in selection]
        if not bundles:
            return []
        preferred = min(bundles, key=self._preference)
        return [self._kind(e["apiVersion"], kind, e) for e in entries if e["bundle"] == preferred]

    def kinds(self) -> list[CatalogKind]:
        return [self._kind(api_version, kind, entry)
                for api_version, kinds in self.index["kinds"].items()
                for kind, entries in kinds.items() for entry in entries]

    def _kind(self, api_version: str, kind: str, entry: dict[str, Any]) -> CatalogKind:
        return CatalogKind(api_version, kind, entry["plural"], entry["scope"] != "Cluster", entry["served"],
                           entry["storage"], entry["deprecated"], entry["bundle"],
                           self.index["bundles"][entry["bundle"]]["project"], entry["crd"])

    def _preference(self, bundle: str) -> int:
        order: list[str] = self.index["projects"][self.index["bundles"][bundle]["project"]]["bundles"]
        return order.index(bundle)

    # --- the CRDs ----------------------------------------------------------------------------

    @property
    def decoded(self) -> bool:
        """Whether the stream has been decompressed (it is, after the first definition())."""
        return self._lines is not None

    def parsed_table_entries(self) -> int:
        """How many shared subtrees have been parsed so far (the rest of the stream stays bytes)."""
        return sum(entry is not None for entry in self._table)

    def definition(self, entry: CatalogKind) -> dict[str, Any]:
        """The CustomResourceDefinition (all its versions) that defines entry, as a plain dict."""
        key = (entry.bundle, entry.crd)
        crd = self._crds.get(key)
        if crd is None:
            stored = self._stored(entry.bundle, entry.crd)
            metadata = {"name": entry.crd,
                        "annotations": {ORIGIN_ANNOTATION: f"{entry.bundle} {self._origin_label(entry)}"}}
            crd = self._crds[key] = {"apiVersion": stored["apiVersion"], "kind": stored["kind"],
                                     "metadata": metadata, "spec": stored["spec"]}
        return crd

    def resource(self, entry: CatalogKind) -> Resource:
        """The CRD as a Resource for CRDRegistry.add; the same object on every call."""
        key = (entry.bundle, entry.crd)
        resource = self._resources.get(key)
        if resource is None:
            data = self.definition(entry)
            document = Document(Source(f"<kubelint:crd-catalog:{entry.bundle}>", ""), 0, 0, "", data)
            resource = self._resources[key] = Resource(document, (), data, data["apiVersion"], data["kind"],
                                                       entry.crd, None)
        return resource

    def describe(self, entry: CatalogKind) -> str:
        """Where entry's schema comes from, for messages: ``the bundled cert-manager CRDs of commit
        2d0d7f7f7424``, ``the bundled prometheus-operator CRDs of release 0.93.0``."""
        label = self._origin_label(entry)
        return f"the bundled {entry.bundle} CRDs of {label if label.startswith('commit ') else 'release ' + label}"

    def _origin_label(self, entry: CatalogKind) -> str:
        source = self.index["bundles"][entry.bundle]["crds"][entry.crd]
        origin = self.index["projects"][entry.project]["sources"][source]
        return origin.get("release") or f"commit {origin['commit'][:12]}"

    def _stored(self, bundle: str, name: str) -> dict[str, Any]:
        lines = self._decode()
        number = self._crd_lines.get((bundle, name))
        if number is None:
            raise CatalogError(f"{self.directory / self.index['stream']}: no CRD {name} in bundle {bundle}; "
                               "reinstall kubelint")
        with _collector_paused():
            crd = self._resolve(json.loads(lines[number]))
        if not isinstance(crd, dict) or crd.get("metadata", {}).get("name") != name:
            raise CatalogError(f"{self.directory / self.index['stream']}: does not match its index; reinstall kubelint")
        return crd

    def _decode(self) -> list[bytes]:
        """The stream's lines: a header, the table entries, then the CRDs in the index's order."""
        if self._lines is None:
            # lzma is imported here, not at the top: its C extension costs ~2 ms of start-up that
            # runs without custom resources never need
            import lzma

            path = self.directory / self.index["stream"]
            try:
                lines = lzma.decompress(path.read_bytes()).split(b"\n")
                header = json.loads(lines[0])
            except (OSError, lzma.LZMAError, ValueError) as exc:
                raise CatalogError(f"{path}: cannot read the CRD catalog ({exc}); reinstall kubelint") from None
            order = [(bundle, name) for bundle, info in self.index["bundles"].items() for name in sorted(info["crds"])]
            if not isinstance(header, dict) or header.get("format") != FORMAT or \
                    header.get("crds") != len(order) or len(lines) != 2 + header["table"] + len(order):
                raise CatalogError(f"{path}: not a CRD catalog of format {FORMAT} matching its index; "
                                   "reinstall kubelint")
            first_crd = 1 + header["table"]
            self._crd_lines = {key: first_crd + position for position, key in enumerate(order)}
            self._table = [None] * header["table"]
            self._lines = lines
        return self._lines

    def _resolve(self, value: Any) -> Any:
        """value with every ``{"$r": n}`` replaced by table entry n (parsed and resolved once)."""
        if isinstance(value, dict):
            if len(value) == 1 and _REF in value:
                return self._entry(value[_REF])
            for key, child in value.items():
                if isinstance(child, (dict, list)):
                    value[key] = self._resolve(child)
        elif isinstance(value, list):
            for position, child in enumerate(value):
                if isinstance(child, (dict, list)):
                    value[position] = self._resolve(child)
        return value

    def _entry(self, number: int) -> Any:
        entry = self._table[number]
        if entry is None:
            lines = self._decode()
            entry = self._table[number] = self._resolve(json.loads(lines[1 + number]))
        return entry


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing a CRD allocates thousands of containers that live on: without the cyclic collector
    scanning them again and again, it takes half the time (measured in bench/crd_catalog.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _unknown_name(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    suggestion = f' (did you mean "{close[0]}"?)' if close else ""
    return f'crd-catalog: no bundled project "{name}"{suggestion}; bundled: {", ".join(known)}'


_DEFAULT: Catalog | None = None


def default_catalog() -> Catalog:
    """The catalog shipped with kubelint (one per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Catalog()
    return _DEFAULT


def projects() -> list[Project]:
    """The bundled projects and their releases (for ``kubelint crds``)."""
    return default_catalog().projects()


def select(names: Iterable[str] | None = None) -> Selection:
    """The bundles that ``crd-catalog: [names]`` stands for; raises CatalogError on an unknown name."""
    return default_catalog().select(names)


def lookup(api_version: str, kind: str, selection: Selection | None = None) -> CatalogKind | None:
    """The bundled kind for apiVersion/kind, or None."""
    return default_catalog().lookup(api_version, kind, selection)


def crd_resource(api_version: str, kind: str, selection: Selection | None = None) -> Resource | None:
    """The bundled CRD that defines apiVersion/kind, as a Resource for CRDRegistry.add, or None."""
    catalog = default_catalog()
    entry = catalog.lookup(api_version, kind, selection)
    return catalog.resource(entry) if entry is not None else None
