"""Run options: what the command line and the configuration file decide."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kubelint.model import Severity

if TYPE_CHECKING:
    from kubelint.rules.registry import Rule


@dataclass
class Options:
    """How to run: the configuration file's settings with the command line's on top (kubelint/cli/common.py)."""

    kube_version: str | None = None
    namespace: str = "default"
    crd_paths: list[str] = field(default_factory=list)
    #: the bundled CRD catalog's projects or bundles to use for custom kinds no CRD of the input or of
    #: ``crd_paths`` defines (kubelint/schema/catalog.py): None is every one, [] turns the catalog off
    crd_catalog: list[str] | None = None
    #: a team's own catalogs, consulted before the bundled one: folders of CRDs or of kubeconform-style
    #: JSON Schemas (kubelint/schema/catalog_folder.py)
    crd_catalog_dirs: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    max_file_size: int = 64 * 1024 * 1024
    schema_engine: str | None = None
    #: rule parameters from the configuration, by rule id
    rule_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: objects that exist in the cluster although the input lacks them (patterns like Secret/*/tls-*)
    external: list[str] = field(default_factory=list)
    #: the folder exclude patterns are relative to (the configuration file's)
    root: Path = field(default_factory=Path.cwd)
    #: the configuration file the options come from, if any (its folder is the project's root)
    config_path: Path | None = None
    #: settings of later stages (scheduler inventory, baseline ...) from the configuration
    extra: dict[str, Any] = field(default_factory=dict)
    #: node inventories for the scheduling dry-run (--nodes): files or folders
    nodes: list[str] = field(default_factory=list)
    #: a KubeSchedulerConfiguration file for the dry-run (--scheduler-config)
    scheduler_config: str | None = None
    #: Pod Security Standards for namespaces without labels: {"enforce"|"warn"|"audit": level,
    #: "version": "latest"|"v1.NN"} (see kubelint/k8s/podsecurity.py)
    pod_security: dict[str, str] = field(default_factory=dict)
    #: a baseline file (kubelint/findings/baseline.py): the findings it records are not reported; it is never
    #: linted itself when a folder holding it is walked
    baseline: str | None = None
    #: the baseline file is about to be (re)written: report everything, do not read it
    write_baseline: bool = False
    #: report suppressions (annotations, comments, baseline entries) that suppressed nothing
    report_unused_suppressions: bool = False
    #: processes that read and validate, then run the rules: 1 (the default), a number, or "auto"
    #: (parallel only for large inputs, one process per CPU; see kubelint/engine/parallel_read.py and
    #: kubelint/engine/parallel_rules.py)
    jobs: int | str = 1
    #: apply ``exclude`` to paths named on the command line too (as pre-commit names every file)
    force_exclude: bool = False
    #: internal errors end the run even where they could be contained (see engine.run_rule)
    debug: bool = False
    #: resolve references against the whole project (kubelint/project/layout.py) when files are named,
    #: reporting on the named files only; the command line turns it on (--no-context: off)
    project_context: bool = False
    #: paths read for references only (--context, the configuration's ``context:``): instead of the project
    context_paths: list[str] = field(default_factory=list)
    #: folders, as globs relative to ``root``, each a deployment unit of its own (kubelint/project/bundles.py)
    bundles: list[str] = field(default_factory=list)
    #: keep the parse of context files in .kubelint_cache/ at the project root (kubelint/project/cache.py)
    cache: bool = True
    #: build kustomizations with kustomize (or kubectl) instead of reading them offline (--render)
    render: bool = False
    #: texts that stand for files (path as named, ``-`` for stdin), read instead of the files: --fix checks
    #: its edits before writing them (kubelint/fix/plan.py)
    overlay: dict[str, str] = field(default_factory=dict)

    def rule_enabled(self, rule: Rule) -> bool:
        if any(matches_rule(rule.id, pattern) for pattern in self.ignore):
            return False
        if self.select:
            return any(matches_rule(rule.id, pattern) for pattern in self.select)
        return rule.enabled

    def excluded(self, path: str, named: str | None = None) -> bool:
        """Whether a file found by walking the folder ``named`` is excluded.

        Patterns are globs relative to ``root``; a folder pattern excludes everything
        below it. A path named on the command line is never excluded, and neither is
        anything below it when it lies inside an excluded folder: naming it asks for it.
        """
        if not self.exclude:
            return False
        relative = _relative(path, self.root)
        inside = _relative(named, self.root).rstrip("/") + "/" if named else None
        for pattern in self.exclude:
            if _glob(relative, pattern) and not (inside and _glob(inside, pattern)):
                return True
        return False


def _relative(path: str, root: Path) -> str:
    try:
        return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    except ValueError:
        return path.replace(os.sep, "/")


def _glob(path: str, pattern: str) -> bool:
    pattern = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    folder = pattern.rstrip("/")
    return fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path, folder + "/*")


def matches_rule(rule_id: str, pattern: str) -> bool:
    """Whether a rule id matches a --select/--ignore pattern: an id, a prefix (``pss``), a glob, or all."""
    if pattern in ("all", "ALL", "*"):
        return True
    return rule_id == pattern or rule_id.startswith(pattern.rstrip("-") + "-") or fnmatch.fnmatch(rule_id, pattern)
