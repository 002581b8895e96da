"""Reporters: pure functions from a run's result to the text of one output format.

Each module defines ``render(result, context) -> str``. Adding a format is adding
a module and a line to FORMATS.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

FORMATS: dict[str, str] = {
    "text": "kubelint.report.text",
    "json": "kubelint.report.json_report",
}


@dataclass
class ReportContext:
    """What reporters may need besides the findings."""

    rules: dict = field(default_factory=dict)
    color: bool = False
    root: Path = field(default_factory=Path.cwd)
    statistics: bool = False
    quiet: bool = False
    width: int = 100


def render(format_name: str, result, context: ReportContext) -> str:
    module = importlib.import_module(FORMATS[format_name])
    return module.render(result, context)
