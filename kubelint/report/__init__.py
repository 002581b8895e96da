"""Reporters: pure functions from a run's result to the text of one output format.

Each module defines ``render(result, context) -> str``. Adding a format is adding
a module and a line to FORMATS.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path

FORMATS: dict[str, str] = {
    "text": "kubelint.report.text",
    "json": "kubelint.report.json_report",
    "sarif": "kubelint.report.sarif",
    "junit": "kubelint.report.junit",
    "github": "kubelint.report.github",
}

#: where the project and its rule documentation live (SARIF helpUri, JUnit and GitHub links)
HOMEPAGE = "https://github.com/kubelint/kubelint"
RULES_DOCS = HOMEPAGE + "/blob/main/docs/rules.md"


@dataclass
class ReportContext:
    """What reporters may need besides the findings."""

    rules: dict = field(default_factory=dict)
    color: bool = False
    root: Path = field(default_factory=Path.cwd)
    statistics: bool = False
    quiet: bool = False
    width: int = 100


def repository_root(start: Path | None = None) -> Path:
    """The top of the git work tree holding ``start`` (default: the working directory), else ``start``.

    SARIF and GitHub annotations name files relative to the repository root, which is
    where code scanning and the Actions runner look for them, wherever kubelint ran.
    """
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():  # a folder, or a file in worktrees and submodules
            return folder
    return start


def repository_path(file: str, root: Path) -> str | None:
    """``file`` relative to ``root`` with forward slashes, or None when it lies outside
    (or is not a file: ``<stdin>``, ``<text>``)."""
    if file.startswith("<") and file.endswith(">"):
        return None
    try:
        relative = os.path.relpath(os.path.abspath(file), root)
    except ValueError:  # another drive on Windows
        return None
    if relative == ".." or relative.startswith(".." + os.sep):
        return None
    return relative.replace(os.sep, "/")


def rule_counts(findings) -> list[dict]:
    """``--statistics``: how many findings of each rule (and severity), most frequent first."""
    counts: dict[tuple[str, str], int] = {}
    for finding in findings:
        key = (finding.rule, finding.severity.label)
        counts[key] = counts.get(key, 0) + 1
    return [{"rule": rule, "severity": severity, "count": count}
            for (rule, severity), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def render(format_name: str, result, context: ReportContext) -> str:
    module = importlib.import_module(FORMATS[format_name])
    return module.render(result, context)
