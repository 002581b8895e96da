"""`kubelint crds`: the bundled CRD catalog, what it holds and from which release or commit.

Custom resources whose CRD is neither in the input nor under --crds are validated against these
(kubelint/schema/catalog.py); the configuration's ``crd-catalog`` selects projects, and projects it
leaves out are listed as off.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from kubelint.cli.common import EXIT_OK, ConfigError, write_output
from kubelint.config import file as config_module

if TYPE_CHECKING:
    from kubelint.schema.catalog import CatalogKind, Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--kinds", action="store_true", help="also list every apiVersion and kind of each project")
    parser.add_argument("--config", metavar="FILE", help="configuration file whose crd-catalog to show "
                        "(default: .kubelint.yaml found upward)")


def run(args: argparse.Namespace) -> int:
    try:
        config = config_module.load_config(args.config)
    except config_module.ConfigError as exc:
        raise ConfigError(str(exc)) from None
    # Start-up: the catalog's module costs about 4 ms to import, which the other commands need not pay
    from kubelint.schema.catalog import CatalogError, default_catalog

    catalog = default_catalog()
    try:
        selected = catalog.select(config.crd_catalog).bundles
        projects = catalog.projects()
        kinds = catalog.kinds()
    except CatalogError as exc:
        raise ConfigError(f"{config.path}: {exc}" if config.crd_catalog else str(exc)) from None
    by_project: dict[str, list[CatalogKind]] = {}
    for kind in kinds:
        by_project.setdefault(kind.project, []).append(kind)
    if args.format == "json":
        text = json.dumps([_as_json(p, by_project.get(p.name, []), selected) for p in projects], indent=2) + "\n"
    else:
        text = _as_text(projects, by_project, selected, args.kinds, config.crd_catalog is not None)
    write_output(text, None)
    return EXIT_OK


def _as_text(projects: list[Project], by_project: dict[str, list[CatalogKind]],
             selected: frozenset[str], show_kinds: bool, configured: bool) -> str:
    width = max(len(p.name) for p in projects)
    lines = ["CRDs bundled with kubelint, for custom resources whose CRD is neither in the input nor under --crds:", ""]
    for project in projects:
        kinds = by_project.get(project.name, [])
        names = {k.kind for k in kinds}
        off = not any(bundle in selected for bundle in project.bundles)
        state = "  (off: not in the configuration's crd-catalog)" if off else ""
        label = project.label if len(project.origins) == 1 or project.release else f"{len(project.origins)} repositories"
        count = f"{len(names)} kind" + ("s" if len(names) != 1 else "")
        lines.append(f"  {project.name:<{width}}  {label}  ({count}){state}")
        for origin in project.origins:
            where = f"{origin.name}: " if len(project.origins) > 1 else ""
            release = f", release {origin.release}" if origin.release else ""
            lines.append(f"  {'':<{width}}    {where}github.com/{origin.repository} at commit {origin.commit}"
                         f"{release} ({origin.licence})")
        if len(project.bundles) > 1:
            shown = [b + (" (preferred)" if i == 0 else "") + ("" if b in selected else " (off)")
                     for i, b in enumerate(project.bundles)]
            lines.append(f"  {'':<{width}}    bundles: {', '.join(shown)}")
        if show_kinds:
            for api_version, kind, notes in _kind_rows(kinds, project):
                lines.append(f"  {'':<{width}}      {api_version} {kind}{notes}")
    lines += ["", f"{len(projects)} projects" + ("" if configured else "; all are used (select some with "
                                                  "crd-catalog: [...] in .kubelint.yaml, or turn the catalog off "
                                                  "with crd-catalog: false)")]
    return "\n".join(lines) + "\n"


def _kind_rows(kinds: list[CatalogKind], project: Project) -> list[tuple[str, str, str]]:
    rows = []
    for kind in sorted(kinds, key=lambda k: (k.group, k.kind, k.api_version, project.bundles.index(k.bundle))):
        notes = []
        if len(project.bundles) > 1:
            notes.append(kind.bundle.rpartition("/")[2])
        if not kind.served:
            notes.append("not served")
        elif kind.deprecated:
            notes.append("deprecated")
        if not kind.namespaced:
            notes.append("cluster-scoped")
        rows.append((kind.api_version, kind.kind, f"  ({', '.join(notes)})" if notes else ""))
    return rows


def _as_json(project: Project, kinds: list[CatalogKind], selected: frozenset[str]) -> dict[str, object]:
    return {
        "name": project.name, "release": project.release, "label": project.label,
        "selected": any(bundle in selected for bundle in project.bundles),
        "bundles": [{"name": b, "selected": b in selected} for b in project.bundles],
        "origins": [{"name": o.name, "repository": o.repository, "commit": o.commit, "licence": o.licence,
                     "release": o.release, "generator": o.generator} for o in project.origins],
        "kinds": [{"apiVersion": k.api_version, "kind": k.kind, "bundle": k.bundle, "namespaced": k.namespaced,
                   "served": k.served, "deprecated": k.deprecated} for k in kinds],
    }
