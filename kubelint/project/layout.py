"""Where the project is and what files it has: its root, its manifest files, its Helm charts.

A run is given some files (by pre-commit, an editor, a CI job on changed files) and reports on
those only, but resolves references against the whole project, as mypy checks the files it is given
against everything they import. The project is the folder of the configuration file
(``.kubelint.yaml``, or ``pyproject.toml`` with ``[tool.kubelint]``), else the git work tree that
holds the files; its files are the ones git tracks there (what the commit holds: pre-commit stashes
unstaged changes, but a file never added is not part of the commit), or every file of the folder
outside git, less the configuration's ``exclude``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from kubelint.load.sources import MANIFEST_SUFFIXES, discover
from kubelint.project.kustomize import FILE_NAMES as KUSTOMIZATION_NAMES

CHART_FILE = "Chart.yaml"
#: folders of a chart that hold plain manifests, not templates (helm.sh: The Chart File Structure)
CHART_PLAIN_FOLDERS = ("crds",)


def git_root(folder: Path) -> Path | None:
    """The top of the git work tree holding ``folder``, without running git: a ``.git`` entry."""
    for candidate in [folder, *folder.parents]:
        if (candidate / ".git").exists():
            return candidate
    return None


def project_root(config_root: Path | None, targets: Iterable[str]) -> Path | None:
    """The project of the named files: the configuration's folder when it holds them all, else the
    git work tree holding the first of them; None for stdin only, or files in no project."""
    named = [Path(os.path.abspath(t)) for t in targets if t != "-"]
    if not named:
        return None
    if config_root is not None:
        root = config_root.resolve()
        if all(_below(path, root) for path in named):
            return root
    first = named[0] if named[0].is_dir() else named[0].parent
    return git_root(first)


def _below(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except ValueError:
        return False


def project_files(root: Path, exclude: Callable[[str, str | None], bool] | None = None) -> list[str]:
    """The project's manifest and kustomization files, as paths relative to the working directory:
    git's index where the root is a git work tree (tracked files that still exist), else a walk."""
    listed = _git_files(root)
    if listed is None:
        return discover([_shown(root)], exclude=exclude)
    out = []
    shown_root = _shown(root)
    prefix = "" if shown_root == "." else shown_root.rstrip(os.sep) + os.sep
    for relative in listed:
        name = relative.rpartition("/")[2]
        if not (name.endswith(MANIFEST_SUFFIXES) or name in KUSTOMIZATION_NAMES):
            continue
        if relative.startswith(".") or "/." in relative:
            continue  # hidden folders (.github, .git) hold no manifests, as a folder walk skips them
        path = prefix + relative.replace("/", os.sep)
        if os.path.isfile(path) and not (exclude and exclude(path, shown_root)):
            out.append(path)
    return out


def _git_files(root: Path) -> list[str] | None:
    if not (root / ".git").exists():
        return None
    try:
        completed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached"], capture_output=True,
                                   timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    return sorted({name for name in completed.stdout.decode("utf-8", "surrogateescape").split("\0") if name})


def _shown(path: Path) -> str:
    """A path as the run shows it: relative to the working directory when below it."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


@dataclass(frozen=True)
class Chart:
    """A Helm chart folder: its Chart.yaml; its templates are not manifests until rendered."""

    folder: str
    chart_file: str

    def holds(self, path: str) -> bool:
        """Whether ``path`` is chart source (not a plain manifest of its crds/ folder)."""
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(self.folder))
        if relative.startswith(".."):
            return False
        first = relative.split(os.sep, 1)[0]
        return first not in CHART_PLAIN_FOLDERS


def find_charts(files: Iterable[str]) -> list[Chart]:
    """The charts that hold any of ``files``: a folder with a Chart.yaml, the file itself or an
    ancestor of it (subcharts under charts/ belong to their parent)."""
    found: dict[str, Chart] = {}
    checked: set[str] = set()
    for file in files:
        if file == "-":
            continue
        folder = os.path.dirname(os.path.abspath(file))
        while folder and folder not in checked:
            checked.add(folder)
            chart_file = os.path.join(folder, CHART_FILE)
            if os.path.isfile(chart_file):
                found.setdefault(folder, Chart(_shown(Path(folder)), _shown(Path(chart_file))))
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    # the outermost chart holds its subcharts
    charts = sorted(found.values(), key=lambda c: len(os.path.abspath(c.folder)))
    outer: list[Chart] = []
    for chart in charts:
        if not any(parent.holds(chart.chart_file) for parent in outer):
            outer.append(chart)
    return outer
