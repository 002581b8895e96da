"""The project model of a run: every file it reads, what each file is, and the bundles.

Files are read for one of these roles:

- ``manifest``: whole objects, checked in full;
- ``patch``: a kustomize strategic-merge patch or JSON 6902 operations: partial objects, checked for
  their fields' names and types but not for required fields, and never counted as defining an object;
- ``kustomization``: a Kustomization or Component (kustomize.py), checked against its own schema;
- ``plugin``: a config of a kustomize transformer, generator or validator: not a cluster object;
- ``config``, ``data``: kustomize's transformer configurations, OpenAPI and ``crds:`` files, and
  generator sources: not manifests at all, not read as YAML;
- ``chart``: Helm chart source (templates, values, Chart.yaml): not manifests until rendered.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from kubelint.model import Document
from kubelint.project import kustomize
from kubelint.project.bundles import ROOT_BUNDLE, Bundle, configured_bundles, key, kustomize_bundles
from kubelint.project.layout import Chart, find_charts

MANIFEST, PATCH, KUSTOMIZATION, PLUGIN, CONFIG, DATA, CHART = (
    "manifest", "patch", "kustomization", "plugin", "config", "data", "chart")
#: roles whose files are read as YAML documents
READ_ROLES = frozenset({MANIFEST, PATCH, KUSTOMIZATION, PLUGIN})
_ENTRY_ROLES = {"resource": MANIFEST, "patch": PATCH, "plugin": PLUGIN, "config": CONFIG, "data": DATA}
#: when kustomizations disagree about a file, the role that wins (a resource is checked in full)
_PRECEDENCE = (MANIFEST, PATCH, PLUGIN, CONFIG, DATA)

#: reads a kustomization file: its document (None when it could not be parsed) and its data
ReadKustomization = Callable[[str], tuple[Document | None, Any]]


@dataclass
class Project:
    """What a run reads and how: the roles of its files, its kustomizations, charts and bundles."""

    root: str | None
    files: list[str]
    roles: dict[str, str] = field(default_factory=dict)
    kustomizations: dict[str, kustomize.Kustomization] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    bundles: list[Bundle] = field(default_factory=list)
    _bundles_of: dict[str, list[Bundle]] = field(default_factory=dict, repr=False)

    def role(self, file: str) -> str:
        return self.roles.get(key(file), MANIFEST)

    def bundles_of(self, file: str) -> list[Bundle]:
        return self._bundles_of.get(key(file), [])

    def kustomization(self, file: str) -> kustomize.Kustomization | None:
        return self.kustomizations.get(key(file))


def order(files: Iterable[str]) -> list[str]:
    """Files in a canonical order, whatever order they were named in: as a walk of the project finds
    them (folder by folder, names sorted), so that a run's results do not depend on the order of its
    arguments or on how pre-commit batches them."""
    return sorted(dict.fromkeys(files), key=lambda f: key(f).split(os.sep))


def build(named: list[str], context: list[str], read_kustomization: ReadKustomization,
          bundle_patterns: Iterable[str] = (), root: str | None = None) -> Project:
    """The project of a run given ``named`` files (those reported on) and ``context`` files (read for
    references only). Kustomizations are followed wherever they point, so a named overlay brings its
    bases along even without the project's context."""
    listed = [f for f in dict.fromkeys(named + context) if f != "-"]
    charts = find_charts(listed)
    roles: dict[str, str] = {}
    files: dict[str, str] = {}  # key -> path as shown
    for file in listed:
        if any(chart.holds(file) for chart in charts):
            roles[key(file)] = CHART
        files.setdefault(key(file), file)
    kustomizations: dict[str, kustomize.Kustomization] = {}
    pending = [f for f in listed if roles.get(key(f)) != CHART and _is_kustomization(f)]
    while pending:
        file = pending.pop(0)
        if key(file) in kustomizations:
            continue
        document, data = read_kustomization(file)
        k = kustomize.read(file, document, data)
        kustomizations[key(file)] = k
        roles[key(file)] = KUSTOMIZATION
        files.setdefault(key(file), file)
        for entry in k.entries:
            if entry.role in ("folder", "component", "plugin-folder"):
                found = kustomize.find_file(entry.target)
                if found is not None and key(found) not in kustomizations:
                    pending.append(_shown(found))
    for k in kustomizations.values():
        plugin_folders = {key(e.target) for e in k.named("plugin-folder")}
        for entry in k.entries:
            role = _ENTRY_ROLES.get(entry.role)
            if role is None:
                continue
            current = roles.get(key(entry.target))
            if current in (KUSTOMIZATION, CHART):
                continue
            if current is None or _PRECEDENCE.index(role) < _PRECEDENCE.index(current):
                roles[key(entry.target)] = role
            if role in (MANIFEST, PATCH, PLUGIN):
                files.setdefault(key(entry.target), _shown(entry.target))
        for folder in plugin_folders:  # a folder of plugin configs: its resources are configs
            inner = kustomizations.get(key(kustomize.find_file(folder) or ""))
            for entry in inner.entries if inner else ():
                if entry.role == "resource":
                    roles[key(entry.target)] = PLUGIN
    unreadable = {key(k.folder) for k in kustomizations.values() if k.unreadable}
    for file_key in files:
        if file_key not in roles and any(file_key.startswith(folder + os.sep) for folder in unreadable):
            # a folder whose kustomization cannot be read: what its files are for is unknown (a patch
            # read as an object would give false errors); the kustomization's own error says enough
            roles[file_key] = CONFIG
    bundles = kustomize_bundles(kustomizations)
    in_bundle = {key(f) for b in bundles for f in b.files}
    configured = configured_bundles(bundle_patterns, root or ".", [f for k_, f in files.items()
                                                                   if k_ not in in_bundle]) if bundle_patterns else []
    in_bundle |= {key(f) for b in configured for f in b.files}
    rest = Bundle(ROOT_BUNDLE)
    for file_key, file in files.items():
        if file_key not in in_bundle and roles.get(file_key, MANIFEST) in (MANIFEST, PATCH, PLUGIN):
            rest.add(file)
    all_bundles = bundles + configured + ([rest] if rest.files else [])
    project = Project(root, order(f for k_, f in files.items() if roles.get(k_, MANIFEST) in READ_ROLES), roles,
                      kustomizations, charts, all_bundles)
    for bundle in all_bundles:
        for file in bundle.files:
            project._bundles_of.setdefault(key(file), []).append(bundle)
    return project


def _is_kustomization(file: str) -> bool:
    return kustomize.is_kustomization_file(file)


def _shown(path: str) -> str:
    relative = os.path.relpath(os.path.abspath(path))
    return os.path.abspath(path) if relative.startswith("..") else relative
