#!/usr/bin/env python3
"""Build kubelint's bundled CRD catalog from the upstream CustomResourceDefinitions in ../shared/crds.

Reads every CRD under ``<source>/<project>/...`` (the verbatim upstream YAML; repository, commit
and licence of each project in ``<source>/SOURCES.md``) with kubelint's own reader, so that a
bundled CRD is exactly what ``--crds`` would read, and writes:

* ``schemas/crds/catalog.json.xz``: one xz stream holding every bundle. A bundle is a project, or
  one CRD channel of a project that has several (gateway-api ``standard`` and ``experimental``).
  Each CRD keeps what validation needs: group, names, scope, and per version ``served``,
  ``storage``, ``deprecated``, ``deprecationWarning``, ``subresources`` and the
  ``openAPIV3Schema`` with every keyword except the documentation ones (``description``,
  ``example``, ``externalDocs``, ``title``): types, formats, enums, patterns, bounds, required,
  additionalProperties, nullable, default, every ``x-kubernetes-*`` key and the
  ``x-kubernetes-validations`` CEL rules with their message, messageExpression, fieldPath and
  reason. Printer columns, selectable fields and conversion webhooks do not change what is valid
  and are dropped. Identical subtrees (the Kubernetes core types that prometheus-operator, argo,
  keda, redis ... embed again and again) are stored once in a table and referenced as
  ``{"$r": n}``, n being the entry's place in the table; an entry only refers to earlier ones.
  The stream holds one JSON value per line: a header, the table entries, then every CRD (bundles
  in the index's order, CRDs sorted by name), so that a reader parses only the lines it needs.
* ``schemas/crds/index.json``: per project its release, repository, commit and licence; per
  bundle its CRDs; per group/version/kind the plural, scope, served/storage/deprecated flags and
  the bundle (several for a kind that two channels define, in order of preference). kubelint
  reads the index first and decodes the stream only when a custom resource needs it
  (kubelint/schema/catalog.py).

One stream rather than a file per project, because the projects share many of their bytes (the
embedded core types): measured with bench/crd_catalog.py --layouts on the CRDs of ../shared, a file
per bundle would take 75.8 KB and a file of the common subtrees plus a file per bundle 66.7 KB,
where one stream takes 50.2 KB (52.5 KB without the table, whose real gain is a JSON of 0.4 MB
instead of 2.8 MB to parse). Decompressing all of it costs about 5 ms, once per run that needs a
bundled CRD.

The output is reproducible: sorted keys, table in first-use order, xz (which stores no time).
Usage: python scripts/build_crd_catalog.py [--source ../shared/crds (or $KUBELINT_SHARED/crds)] [--out schemas/crds] [--check]
``--check`` exits 1 when the committed files differ from what the CRDs give (CI). The stream is
compared by its decompressed content, so that a different liblzma build, which may compress the
same bytes differently, does not count as out of date.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # kubelint's reader, from this checkout

from kubelint.load import resources as resource_loader
from kubelint.load.reader import read_documents
from kubelint.load.sources import discover, read_source

#: ../shared beside the checkout, or $KUBELINT_SHARED (as the tests read it)
DEFAULT_SOURCE = Path(os.environ.get("KUBELINT_SHARED", ROOT.parent / "shared")) / "crds"
OUT = ROOT / "schemas" / "crds"
STREAM = "catalog.json.xz"
INDEX = "index.json"
FORMAT = 1

#: schema keywords that only document: the API server never validates with them
DOC_KEYWORDS = frozenset({"description", "example", "externalDocs", "title"})
#: keywords whose value is a schema, a map of schemas or a list of schemas (JSONSchemaProps in
#: k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1/types_jsonschema.go)
SCHEMA_VALUE = ("items", "additionalProperties", "additionalItems", "not")
SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items")
#: CRD version fields that take part in validation (name, schema, and whether/how it is served)
VERSION_FIELDS = ("name", "served", "storage", "deprecated", "deprecationWarning", "subresources")
SPEC_FIELDS = ("group", "names", "scope", "preserveUnknownFields")
#: a channel named here is preferred, in this order, where two channels define the same kind
CHANNEL_ORDER = ("standard", "experimental")
#: annotations and labels that carry the project's own release (not the generator's)
RELEASE_KEYS = ("app.kubernetes.io/version", "operator.prometheus.io/version",
                "gateway.networking.k8s.io/bundle-version")
#: controller-gen's version: the tool that generated the CRD, recorded apart from the release
GENERATOR_KEY = "controller-gen.kubebuilder.io/version"
#: versions that name no release: gateway-api's main branch says v0.0.0-dev, a controller-gen
#: build from source says (unknown)
NOT_A_RELEASE = re.compile(r"^(v?0\.0\.0(-.*)?|\(unknown\)|)$")
#: subtrees smaller than this (bytes of compact JSON) stay inline: a reference would not be shorter
MIN_SHARED_SIZE = 12
REF = "$r"
XZ_FILTERS = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "pb": 0}]


class BuildError(Exception):
    """A source that cannot be bundled: named with its file and the reason."""


@dataclass
class SourceEntry:
    """One section of SOURCES.md: where a folder of CRDs comes from."""

    name: str  # the folder under the source root, e.g. "flux/helm-controller"
    repository: str
    commit: str
    licence: str

    @property
    def project(self) -> str:
        return self.name.split("/", 1)[0]


@dataclass
class Bundle:
    id: str
    project: str
    channel: str | None
    crds: list[dict] = field(default_factory=list)  # compact CRDs, sorted by name
    files: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # CRD name -> source name


# --- reading ---------------------------------------------------------------------------------


_SECTION = re.compile(r"^## +(\S+)\s*$")
_ITEM = re.compile(r"^- +(repo|commit|paths|licence|license): *(.*?)\s*$")


def parse_sources(path: Path) -> list[SourceEntry]:
    """The sections of SOURCES.md (``## name`` then ``- repo:``, ``- commit:``, ``- licence:``)."""
    if not path.is_file():
        raise BuildError(f"{path}: missing (it names each project's repository, commit and licence)")
    entries: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        section = _SECTION.match(line)
        if section:
            current = {"name": section.group(1), "line": str(number)}
            entries.append(current)
            continue
        item = _ITEM.match(line)
        if item and current is not None:
            current[item.group(1).replace("license", "licence")] = item.group(2)
    out = []
    for entry in entries:
        missing = [key for key in ("repo", "commit", "licence") if not entry.get(key)]
        if missing:
            raise BuildError(f"{path}:{entry['line']}: section {entry['name']} lacks {', '.join(missing)}")
        if not re.fullmatch(r"[0-9a-f]{40}", entry["commit"]):
            raise BuildError(f"{path}:{entry['line']}: section {entry['name']}: commit is not a 40-digit hash")
        licence = entry["licence"].split(" (", 1)[0].strip()
        out.append(SourceEntry(entry["name"], entry["repo"], entry["commit"], licence))
    return out


def read_crds(files: list[str]) -> Iterator[tuple[str, dict]]:
    """(file, CRD) for every CustomResourceDefinition of the files, read as ``--crds`` reads them."""
    for file in files:
        source, problems = read_source(file)
        if source is None:
            raise BuildError(f"{file}: {problems[0].message if problems else 'unreadable'}")
        for document in read_documents(source)[0]:
            if document.problems:
                first = document.problems[0]
                raise BuildError(f"{file}:{first.line}: {first.message}")
            for resource in resource_loader.extract(document.document)[0]:
                if resource.kind == "CustomResourceDefinition" and resource.group == "apiextensions.k8s.io":
                    yield file, resource.data


# --- compaction ------------------------------------------------------------------------------


def compact_schema(schema: Any) -> Any:
    """A schema node without its documentation; values (enum, default ...) are kept verbatim."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DOC_KEYWORDS:
            continue
        if key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: compact_schema(sub) for name, sub in value.items()}
        elif key in SCHEMA_LISTS and isinstance(value, list):
            out[key] = [compact_schema(sub) for sub in value]
        elif key in SCHEMA_VALUE and isinstance(value, dict):
            out[key] = compact_schema(value)
        else:
            out[key] = value
    return out


def compact_crd(crd: dict, file: str) -> dict:
    """The parts of a CRD that validation uses, as a CRD that kubelint.schema.crd can register."""
    if crd.get("apiVersion") != "apiextensions.k8s.io/v1":
        raise BuildError(f"{file}: {crd.get('apiVersion')} CRDs are not bundled (only apiextensions.k8s.io/v1)")
    spec = crd.get("spec") or {}
    name = (crd.get("metadata") or {}).get("name")
    versions = spec.get("versions")
    if not isinstance(name, str) or not isinstance(spec.get("names"), dict) or not isinstance(versions, list):
        raise BuildError(f"{file}: a CustomResourceDefinition without metadata.name, spec.names or spec.versions")
    out_versions = []
    for version in versions:
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        if not isinstance(schema, dict):
            raise BuildError(f"{file}: {name} version {version.get('name')} has no openAPIV3Schema")
        entry = {key: version[key] for key in VERSION_FIELDS if key in version}
        entry["schema"] = {"openAPIV3Schema": compact_schema(schema)}
        out_versions.append(entry)
    out_spec = {key: spec[key] for key in SPEC_FIELDS if key in spec}
    out_spec["versions"] = out_versions
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": name}, "spec": out_spec}


def _metadata_values(crds: list[dict], key: str) -> set[str]:
    values = set()
    for crd in crds:
        metadata = crd.get("metadata") or {}
        for place in ("annotations", "labels"):
            value = (metadata.get(place) or {}).get(key)
            if value is not None:
                values.add(str(value))
    return values


def release_of(crds: list[dict], where: str) -> dict[str, str | None]:
    """The release as the CRD files record it: {release, releaseFrom (the annotation or label),
    placeholder (a version that names no release, e.g. gateway-api's main branch), generator}.

    A release is only taken when every CRD of the source that carries the key agrees; without
    one, the commit identifies the source.
    """
    found: dict[str, str | None] = {"release": None, "releaseFrom": None, "placeholder": None}
    for key in RELEASE_KEYS:
        values = _metadata_values(crds, key)
        if len(values) > 1:
            raise BuildError(f"{where}: the CRDs disagree on {key}: {', '.join(sorted(values))}")
        if not values:
            continue
        value = next(iter(values))
        if NOT_A_RELEASE.match(value):
            found["placeholder"] = found["placeholder"] or f"{key}={value}"
            continue
        found["release"], found["releaseFrom"] = value, key
        break
    generators = _metadata_values(crds, GENERATOR_KEY) - {"(unknown)"}
    found["generator"] = f"controller-gen {generators.pop()}" if len(generators) == 1 else None
    return found


# --- sharing identical subtrees --------------------------------------------------------------


class Interner:
    """Content keys of every dict of the CRDs, and which to store once in the table."""

    def __init__(self) -> None:
        self.key: dict[int, bytes] = {}  # id(dict) -> digest of its canonical JSON
        self.size: dict[bytes, int] = {}

    def visit(self, value: Any) -> tuple[str, int]:
        """(canonical token, compact JSON size) of a value, registering every dict on the way."""
        if isinstance(value, dict):
            if REF in value:
                raise BuildError(f"a CRD holds a mapping with the key {REF!r}, which the catalog uses for references")
            parts, size = [], 2 + max(len(value) - 1, 0)
            for name in sorted(value):
                token, child = self.visit(value[name])
                encoded = json.dumps(name)
                parts.append(f"{encoded}:{token}")
                size += len(encoded) + 1 + child
            digest = hashlib.sha256(("{" + ",".join(parts) + "}").encode()).digest()
            self.key[id(value)] = digest
            self.size[digest] = size
            return "#" + digest.hex(), size
        if isinstance(value, list):
            tokens = [self.visit(item) for item in value]
            return "[" + ",".join(t for t, _ in tokens) + "]", 2 + max(len(value) - 1, 0) + sum(s for _, s in tokens)
        encoded = json.dumps(value, allow_nan=False)
        return encoded, len(encoded)

    def counts(self, roots: list[Any], shared: set[bytes]) -> dict[bytes, int]:
        """How often each dict is written when the ``shared`` ones are written once and referenced."""
        counts: dict[bytes, int] = {}
        written: set[bytes] = set()

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                key = self.key[id(value)]
                counts[key] = counts.get(key, 0) + 1
                if key in shared:
                    if key in written:
                        return
                    written.add(key)
                for child in value.values():
                    walk(child)
            elif isinstance(value, list):
                for child in value:
                    walk(child)

        for root in roots:
            walk(root)
        return counts

    def choose_shared(self, roots: list[Any]) -> set[bytes]:
        """The dicts written more than once, even after their repeated parents are shared."""
        counts = self.counts(roots, set())
        shared = {key for key, n in counts.items() if n > 1 and self.size[key] >= MIN_SHARED_SIZE}
        while True:
            counts = self.counts(roots, shared)
            kept = {key for key in shared if counts.get(key, 0) > 1}
            if kept == shared:
                return shared
            shared = kept


def encode_shared(interner: Interner, roots: list[Any], shared: set[bytes]) -> tuple[list, list]:
    """(table, encoded roots): shared dicts replaced by ``{"$r": n}``, the table in first-use order."""
    table: list = []
    place: dict[bytes, int] = {}

    def encode(value: Any) -> Any:
        if isinstance(value, dict):
            key = interner.key[id(value)]
            if key in place:
                return {REF: place[key]}
            out = {name: encode(child) for name, child in sorted(value.items())}
            if key in shared:
                place[key] = len(table)
                table.append(out)
                return {REF: place[key]}
            return out
        if isinstance(value, list):
            return [encode(child) for child in value]
        return value

    return table, [encode(root) for root in roots]


# --- building --------------------------------------------------------------------------------


def channel_rank(channel: str | None) -> tuple[int, str]:
    if channel in CHANNEL_ORDER:
        return CHANNEL_ORDER.index(channel), channel or ""
    return len(CHANNEL_ORDER), channel or ""


def collect(source_root: Path) -> tuple[list[SourceEntry], dict[str, Bundle], dict[str, dict]]:
    """Read SOURCES.md and the CRDs: the sources, the bundles and per source its provenance."""
    sources = parse_sources(source_root / "SOURCES.md")
    by_name = {s.name: s for s in sources}
    folders = sorted(p for p in source_root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for folder in folders:
        if folder.name not in by_name and not any(s.project == folder.name for s in sources):
            raise BuildError(f"{folder}: no section in SOURCES.md names its repository, commit and licence")
    bundles: dict[str, Bundle] = {}
    provenance: dict[str, dict] = {}
    for entry in sources:
        folder = source_root / entry.name
        if not folder.is_dir():
            raise BuildError(f"{source_root / 'SOURCES.md'}: section {entry.name} names no folder under {source_root}")
        # CRDs right in the folder belong to the project's bundle; a sub-folder that is not a
        # source of its own is a channel (gateway-api's standard/ and experimental/)
        places: list[tuple[str | None, Path, bool]] = [(None, folder, False)]
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            if f"{entry.name}/{sub.name}" not in by_name:
                places.append((sub.name, sub, True))
        all_raw: list[dict] = []
        for channel, place, recursive in places:
            files = [f for f in discover([str(place)]) if recursive or Path(f).parent == place]
            found = list(read_crds(files))
            if not found:
                continue
            bundle_id = entry.project if channel is None else f"{entry.project}/{channel}"
            bundle = bundles.setdefault(bundle_id, Bundle(bundle_id, entry.project, channel))
            for file, crd in found:
                compact = compact_crd(crd, file)
                name = compact["metadata"]["name"]
                if name in bundle.sources:
                    raise BuildError(f"{file}: {name} is defined twice in bundle {bundle_id}")
                bundle.crds.append(compact)
                bundle.files.append(str(Path(file).relative_to(source_root)))
                bundle.sources[name] = entry.name
                all_raw.append(crd)
        if not all_raw:
            raise BuildError(f"{folder}: no CustomResourceDefinition found")
        provenance[entry.name] = {"repository": entry.repository, "commit": entry.commit, "licence": entry.licence,
                                  **release_of(all_raw, str(folder))}
    for bundle in bundles.values():
        order = sorted(range(len(bundle.crds)), key=lambda i: bundle.crds[i]["metadata"]["name"])
        bundle.crds = [bundle.crds[i] for i in order]
        bundle.files = sorted(set(bundle.files))
    return sources, dict(sorted(bundles.items())), provenance


def build_index(sources: list[SourceEntry], bundles: dict[str, Bundle], provenance: dict[str, dict]) -> dict:
    projects: dict[str, dict] = {}
    for entry in sources:
        project = projects.setdefault(entry.project, {"sources": {}, "bundles": []})
        project["sources"][entry.name] = provenance[entry.name]
    for project_name, project in projects.items():
        own = [b for b in bundles.values() if b.project == project_name]
        project["bundles"] = [b.id for b in sorted(own, key=lambda b: channel_rank(b.channel))]
        releases = {s["release"] for s in project["sources"].values()}
        project["release"] = releases.pop() if len(project["sources"]) == 1 else None
    kinds: dict[str, dict[str, list]] = {}
    for bundle in bundles.values():
        for crd in bundle.crds:
            spec = crd["spec"]
            for version in spec["versions"]:
                api_version = f"{spec['group']}/{version['name']}"
                kinds.setdefault(api_version, {}).setdefault(spec["names"]["kind"], []).append({
                    "bundle": bundle.id,
                    "crd": crd["metadata"]["name"],
                    "plural": spec["names"].get("plural", ""),
                    "scope": spec.get("scope", "Namespaced"),
                    "served": bool(version.get("served", True)),
                    "storage": bool(version.get("storage", False)),
                    "deprecated": bool(version.get("deprecated", False)),
                })
    rank = {b.id: channel_rank(b.channel) for b in bundles.values()}
    for by_kind in kinds.values():
        for entries in by_kind.values():
            entries.sort(key=lambda e: rank[e["bundle"]])
    return {
        "format": FORMAT,
        "stream": STREAM,
        "projects": dict(sorted(projects.items())),
        "bundles": {b.id: {"project": b.project, "channel": b.channel, "crds": dict(sorted(b.sources.items())),
                           "files": b.files}
                    for b in bundles.values()},
        "kinds": {av: dict(sorted(k.items())) for av, k in sorted(kinds.items())},
    }


def dump_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def compress(raw: bytes) -> bytes:
    return lzma.compress(raw, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, filters=XZ_FILTERS)


def build(source_root: Path) -> dict[str, bytes]:
    """The catalog files (name -> bytes) that the CRDs under source_root give."""
    sources, bundles, provenance = collect(source_root)
    interner = Interner()
    roots = [{crd["metadata"]["name"]: crd for crd in bundle.crds} for bundle in bundles.values()]
    for root in roots:
        interner.visit(root)
    shared = interner.choose_shared(roots)
    table, encoded = encode_shared(interner, roots, shared)
    index = build_index(sources, bundles, provenance)
    return {STREAM: compress(stream_text(table, encoded)),
            INDEX: (json.dumps(index, indent=1, sort_keys=True) + "\n").encode()}


def stream_text(table: list, encoded_bundles: list[dict]) -> bytes:
    """The stream's text: one JSON value per line (compact JSON never holds a raw newline)."""
    header = {"format": FORMAT, "table": len(table), "crds": sum(len(b) for b in encoded_bundles)}
    lines = [dump_json(header)] + [dump_json(entry) for entry in table]
    for crds in encoded_bundles:
        lines.extend(dump_json(crds[name]) for name in sorted(crds))
    return b"\n".join(lines) + b"\n"


def stale_files(outputs: dict[str, bytes], out: Path) -> list[str]:
    """The files under out that differ from outputs (the stream compared by its content)."""
    stale = []
    for name, data in outputs.items():
        path = out / name
        if not path.is_file():
            stale.append(f"{path} (missing)")
        elif path.read_bytes() != data and not (name.endswith(".xz") and _same_content(path, data)):
            stale.append(str(path))
    return stale


def _same_content(path: Path, data: bytes) -> bool:
    try:
        return lzma.decompress(path.read_bytes()) == lzma.decompress(data)
    except lzma.LZMAError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare with the committed files (exit 1 if stale)")
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"no CRDs found: {args.source} is not a folder", file=sys.stderr)
        return 2
    try:
        outputs = build(args.source)
    except BuildError as exc:
        print(f"cannot build the CRD catalog: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files(outputs, args.out)
        if stale:
            print("the CRD catalog is out of date; run scripts/build_crd_catalog.py:\n  " + "\n  ".join(stale))
            return 1
        print(f"{len(outputs)} CRD catalog files up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in outputs.items():
        path = args.out / name
        path.write_bytes(data)
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"wrote {shown} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
