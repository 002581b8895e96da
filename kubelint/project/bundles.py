"""Bundles: the deployment units of a project, within which references resolve.

A repository often holds several deployments: kustomize overlays (dev, staging, production) of one
base, or environments as plain folders with the same object names. Each is a separate set of
objects in a separate cluster or namespace, so references and duplicate objects are checked within
one bundle (with the bases and components it includes), never across two:

- every folder with a kustomization that no other kustomization includes is a bundle, holding the
  files of its kustomization tree (a base included by three overlays is in three bundles);
- every folder matching the configuration's ``bundles:`` globs is a bundle of the files below it;
- every other file of the project is in the root bundle.

In a kustomize bundle an object gets the namespace that the outermost kustomization on its way
sets (kustomize's namespace transformer), and the ConfigMaps and Secrets the generators make are
part of the bundle.
"""

from __future__ import annotations

import fnmatch
import functools
import os
from dataclasses import dataclass, field
from typing import Iterable

from kubelint.project.kustomize import CYCLE, Generated, Kustomization

ROOT_BUNDLE = "."


@dataclass
class Bundle:
    """One deployment unit: its files, the namespaces its kustomizations set, what they generate."""

    name: str
    files: list[str] = field(default_factory=list)
    #: file (as key()) -> the namespace the bundle's kustomizations set on its objects
    namespaces: dict[str, str] = field(default_factory=dict)
    #: the objects the generators make: their kustomization, the generator, their namespace
    generated: list[tuple[Kustomization, Generated, str | None]] = field(default_factory=list)
    kustomizations: list[Kustomization] = field(default_factory=list)

    def add(self, file: str, namespace: str | None = None) -> None:
        file_key = key(file)
        if file_key not in self._members:
            self._members.add(file_key)
            self.files.append(file)
            if namespace:
                self.namespaces[file_key] = namespace

    def __post_init__(self) -> None:
        self._members: set[str] = {key(f) for f in self.files}

    def __contains__(self, file: object) -> bool:
        return isinstance(file, str) and key(file) in self._members


@functools.lru_cache(maxsize=None)
def key(path: str) -> str:
    """A path as one key, however it was written (relative, with ``..``, absolute)."""
    return os.path.normpath(os.path.abspath(path))


def kustomize_bundles(kustomizations: dict[str, Kustomization]) -> list[Bundle]:
    """A bundle for each kustomization no other includes; members of an include cycle are reported
    at each edge of it and each is then a bundle of its own, so the rest is still checked."""
    by_folder = {key(k.folder): k for k in kustomizations.values()}
    included: set[str] = set()
    for k in by_folder.values():
        for entry in k.named("folder", "component", "plugin-folder"):
            included.add(key(entry.target))
    cyclic = _report_cycles(by_folder)
    roots = [k for folder, k in sorted(by_folder.items()) if folder not in included or folder in cyclic]
    bundles = []
    for root in roots:
        bundle = Bundle(root.folder)
        _collect(root, by_folder, bundle, root.namespace, set())
        bundles.append(bundle)
    return bundles


def _collect(k: Kustomization, by_folder: dict[str, Kustomization], bundle: Bundle, namespace: str | None,
             seen: set[str]) -> None:
    folder = key(k.folder)
    if folder in seen:
        return
    seen.add(folder)
    bundle.kustomizations.append(k)
    bundle.add(k.file)
    for entry in k.entries:
        if entry.role == "resource":
            bundle.add(entry.target, namespace)
        elif entry.role in ("patch", "plugin", "config", "data"):
            bundle.add(entry.target)
        elif entry.role in ("folder", "component"):
            child = by_folder.get(key(entry.target))
            if child is not None:
                _collect(child, by_folder, bundle, namespace or child.namespace, seen)
        elif entry.role == "plugin-folder":
            child = by_folder.get(key(entry.target))
            if child is not None:
                bundle.kustomizations.append(child)
                bundle.add(child.file)
                for inner in child.entries:
                    bundle.add(inner.target)
    for generated in k.generated:
        bundle.generated.append((k, generated, generated.namespace or namespace))


def _report_cycles(by_folder: dict[str, Kustomization]) -> set[str]:
    """Folders on an include cycle; each edge of a cycle gets a finding in the kustomization that names it."""
    edges = {folder: [(key(e.target), e) for e in k.named("folder", "component")] for folder, k in by_folder.items()}
    cyclic: set[str] = set()
    for start in sorted(edges):
        for target, entry in edges[start]:
            if _reaches(target, start, edges):
                cyclic.add(start)
                kustomization = by_folder[start]
                if not any(p.rule == CYCLE and p.path == entry.path for p in kustomization.problems):
                    kustomization.problem(entry.path, f"cycle: '{entry.value}' includes this kustomization again "
                                          f"({kustomization.folder}): kustomize fails (cycle detected)", rule=CYCLE,
                                          hint="remove one of the includes that lead back here")
    return cyclic


def _reaches(start: str, goal: str, edges: dict[str, list]) -> bool:
    stack, seen = [start], set()
    while stack:
        folder = stack.pop()
        if folder == goal:
            return True
        if folder in seen:
            continue
        seen.add(folder)
        stack.extend(target for target, _ in edges.get(folder, ()))
    return False


def configured_bundles(patterns: Iterable[str], root: str, files: Iterable[str]) -> list[Bundle]:
    """The bundles the configuration declares: folders matching the ``bundles:`` globs (relative to
    the configuration's folder), each with the files below it."""
    bundles: dict[str, Bundle] = {}
    for file in files:
        relative = os.path.relpath(key(file), key(root)).replace(os.sep, "/")
        parts = relative.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if any(fnmatch.fnmatchcase(folder, pattern.strip().strip("/")) for pattern in patterns):
                name = os.path.relpath(os.path.join(key(root), folder))
                bundles.setdefault(folder, Bundle(name)).add(file)
                break
    return [bundles[folder] for folder in sorted(bundles)]
