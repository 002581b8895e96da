"""The result of a run: the findings and what was checked."""

from __future__ import annotations

from dataclasses import dataclass, field

from kubelint.model.documents import Resource
from kubelint.model.findings import Finding
from kubelint.model.fixes import FixSummary


@dataclass
class RunResult:
    """Everything a reporter needs: the findings and what was checked."""

    findings: list[Finding]
    files: int = 0
    documents: int = 0
    resources: list[Resource] = field(default_factory=list)
    kube_version: str = ""
    elapsed: float = 0.0
    #: findings silenced by annotations, comments or the baseline (kubelint/findings/suppress.py)
    suppressed: int = 0
    #: ``--fix`` and ``--diff``: what was (or would be) fixed; None in a run that fixes nothing
    fixes: FixSummary | None = None
