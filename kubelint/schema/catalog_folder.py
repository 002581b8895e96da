"""A team's own CRD catalog (``--crd-catalog DIR``): a folder of CRDs, or of kubeconform-style JSON schemas.

Two kinds of files, which may be mixed:

- YAML files (``*.yaml``, ``*.yml``, in the folder and below it) holding CustomResourceDefinitions,
  as ``kubectl get crd -o yaml`` or a project's release writes them: every version of every CRD.
- JSON Schemas of one version of one kind, named as kubeconform's ``-schema-location`` templates
  find them (pkg/registry/registry.go: ``ResourceKind`` is the kind in lower case,
  ``ResourceAPIVersion`` the version without the group, ``KindSuffix`` ``-<first label of the
  group>-<version>``) and as scripts/openapi2jsonschema.py writes them (``FILENAME_FORMAT``,
  lower-cased): ``{group}/{kind}_{version}.json`` (the layout of datreeio/CRDs-catalog,
  ``{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json``), ``{kind}_{version}.json`` (the
  script's default), ``{kind}-{group's first label}-{version}.json`` (``{{.ResourceKind}}{{.KindSuffix}}``)
  and ``{kind}-{group}-{version}.json``; ``certificate_v1.json`` is cert-manager.io/v1 Certificate.
  Such a file is the version's ``openAPIV3Schema``; a JSON file found by those names that holds a
  CustomResourceDefinition is read as one.

A JSON Schema is read as the structural schema it was made from, and applied as the API server
applies a CRD's: a field that no ``properties`` names is unknown unless the object has
``additionalProperties`` or ``x-kubernetes-preserve-unknown-fields``.
A JSON Schema says nothing of the kind's scope: the bundled catalog's is taken when it knows the
kind, else Namespaced. Nothing is read until a custom kind is looked up; the YAML files are then
read once, JSON Schemas one by one as kinds ask for them. A file that cannot be read is a
CatalogError naming it (exit code 2), never a traceback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kubelint.load import resources as resource_loader
from kubelint.load.reader import read_documents
from kubelint.load.sources import read_source
from kubelint.model import Document, Resource, Source
from kubelint.schema.catalog import CatalogError, default_catalog

_CRD_SUFFIXES = (".yaml", ".yml")
#: read problems that make a CRD file unusable (the others, ambiguous scalars and such, do not)
_FATAL = {"yaml-syntax", "yaml-duplicate-key", "yaml-alias-limit", "yaml-depth-limit", "yaml-encoding",
          "file-unreadable", "file-too-large"}


class FolderCatalog:
    """The CRDs and JSON Schemas of one folder, looked up by apiVersion and kind."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._crds: dict[tuple[str, str], Resource] | None = None
        self._schemas: dict[tuple[str, str], Resource | None] = {}
        self._names: dict[str, str] | None = None  # lower-cased relative name -> relative name

    def lookup(self, api_version: str, kind: str) -> Resource | None:
        """The CRD that defines apiVersion/kind (a JSON Schema wrapped as a one-version CRD), or None."""
        crd = self._crd_files().get((api_version, kind))
        if crd is not None:
            return crd
        key = (api_version, kind)
        if key not in self._schemas:
            self._schemas[key] = self._schema(api_version, kind)
        return self._schemas[key]

    def versions_of(self, group: str, kind: str) -> list[str]:
        """The apiVersions of group/kind the folder defines (for "defines only ..." messages)."""
        found = {api_version for (api_version, name) in self._crd_files()
                 if name == kind and api_version.rpartition("/")[0] == group}
        lower = kind.lower()
        for name in self._file_names():
            stem = name[:-len(".json")]
            for prefix in (f"{group}/{lower}_", f"{lower}_"):
                if stem.startswith(prefix) and "/" not in stem[len(prefix):]:
                    found.add(f"{group}/{stem[len(prefix):]}")
            for infix in (f"{lower}-{group.split('.')[0]}-", f"{lower}-{group}-"):
                if stem.startswith(infix):
                    found.add(f"{group}/{stem[len(infix):]}")
        return sorted(found)

    # --- CRD files ---------------------------------------------------------------------------

    def _crd_files(self) -> dict[tuple[str, str], Resource]:
        if self._crds is None:
            crds: dict[tuple[str, str], Resource] = {}
            for path in sorted(self._walk()):
                if path.endswith(_CRD_SUFFIXES):
                    for crd in self._read_crds(path):
                        for api_version, kind in _defines(crd):
                            crds.setdefault((api_version, kind), crd)
            self._crds = crds
        return self._crds

    def _walk(self) -> list[str]:
        found = []
        for folder, subfolders, files in os.walk(self.folder, followlinks=False):
            subfolders[:] = sorted(s for s in subfolders if not s.startswith("."))
            found.extend(os.path.join(folder, name) for name in files)
        return found

    def _read_crds(self, path: str) -> list[Resource]:
        source, problems = read_source(path)
        if source is None:
            first = problems[0] if problems else None
            raise CatalogError(f"CRD catalog {path}: {first.message if first else 'cannot be read'}")
        crds = []
        for parsed in read_documents(source)[0]:
            fatal = [p for p in parsed.problems if p.rule in _FATAL]
            if fatal:
                raise CatalogError(f"CRD catalog {path}:{fatal[0].line}:{fatal[0].column}: {fatal[0].message}")
            for resource in resource_loader.extract(parsed.document)[0]:
                if resource.kind == "CustomResourceDefinition" and resource.group == "apiextensions.k8s.io":
                    crds.append(resource)
        return crds

    # --- JSON Schemas ------------------------------------------------------------------------

    def _file_names(self) -> dict[str, str]:
        """The JSON files of the folder and of its group folders, relative to it (``a.b/kind_v1.json``),
        by their lower-cased names (kubeconform's file names are lower case; a hand-made one may not be)."""
        if self._names is None:
            names: set[str] = set()
            try:
                entries = list(os.scandir(self.folder))
            except OSError as exc:
                raise CatalogError(f"CRD catalog {self.folder}: cannot be read ({exc.strerror})") from None
            for entry in entries:
                if entry.is_file() and entry.name.endswith(".json"):
                    names.add(entry.name)
                elif entry.is_dir() and "." in entry.name:   # a group folder: cert-manager.io/
                    try:
                        names.update(f"{entry.name}/{inner.name}" for inner in os.scandir(entry.path)
                                     if inner.is_file() and inner.name.endswith(".json"))
                    except OSError:
                        continue
            self._names = {name.lower(): name for name in sorted(names)}
        return self._names

    def _schema(self, api_version: str, kind: str) -> Resource | None:
        group, _, version = api_version.rpartition("/")
        if not group:
            return None
        lower = kind.lower()
        candidates = (f"{group}/{lower}_{version}.json", f"{lower}_{version}.json",
                      f"{lower}-{group.split('.')[0]}-{version}.json", f"{lower}-{group}-{version}.json")
        names = self._file_names()
        for candidate in candidates:
            name = names.get(candidate.lower())
            if name is not None:
                return self._read_schema(self.folder / name, group, version, kind)
        return None

    def _read_schema(self, path: Path, group: str, version: str, kind: str) -> Resource | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(f"CRD catalog {path}: cannot be read ({exc})") from None
        except ValueError as exc:
            raise CatalogError(f"CRD catalog {path}: not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise CatalogError(f"CRD catalog {path}: not a JSON Schema (a JSON object) nor a "
                               "CustomResourceDefinition")
        if data.get("kind") == "CustomResourceDefinition":
            crd = _wrap(str(path), data)
            return crd if (f"{group}/{version}", kind) in set(_defines(crd)) else None
        return _wrap(str(path), _one_version_crd(group, version, kind, data))


def _wrap(name: str, data: dict[str, Any]) -> Resource:
    document = Document(Source(name, ""), 0, 0, "", data)
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return Resource(document, (), data, str(data.get("apiVersion", "")), "CustomResourceDefinition",
                    metadata.get("name") if isinstance(metadata.get("name"), str) else None, None)


def _one_version_crd(group: str, version: str, kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema of one version as the CRD it was made from, as far as kubelint needs one."""
    known = default_catalog().versions_of(group, kind)
    plural = known[0].plural if known else kind.lower() + "s"
    scope = "Cluster" if known and not known[0].namespaced else "Namespaced"
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{plural}.{group}"},
            "spec": {"group": group, "scope": scope, "names": {"kind": kind, "plural": plural},
                     "versions": [{"name": version, "served": True, "storage": True,
                                   "schema": {"openAPIV3Schema": schema}}]}}


def _defines(crd: Resource) -> list[tuple[str, str]]:
    """(apiVersion, kind) of every version a CRD defines."""
    spec = crd.data.get("spec")
    if not isinstance(spec, dict) or not isinstance(spec.get("group"), str):
        return []
    names = spec.get("names")
    kind = names.get("kind") if isinstance(names, dict) else None
    versions = spec.get("versions")
    if not isinstance(kind, str) or not isinstance(versions, list):
        return []
    return [(f"{spec['group']}/{v['name']}", kind) for v in versions if isinstance(v, dict) and isinstance(v.get("name"), str)]
