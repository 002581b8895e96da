"""The JSON report: a stable, documented shape (see README, "JSON output").

``{"version": 1, "tool": {...}, "kubernetesVersion": "1.36",
   "findings": [{"rule", "severity", "message", "file", "line", "column",
                 "resource": {"apiVersion", "kind", "namespace", "name"} | null,
                 "path", "hint"}],
   "summary": {"files", "documents", "resources", "errors", "warnings", "infos", "suppressed",
               "elapsedSeconds"}}``
and, with ``--statistics``, ``"statistics": [{"rule", "severity", "count"}]`` (most frequent first); with
``--fix`` or ``--diff``, ``"fixes": {"applied", "fixed", "byRule", "files", "remaining", "revealed", "unsafe",
"skipped": [{"file", "line", "rule", "reason"}]}``.
"""

from __future__ import annotations

import json

from kubelint._version import __version__
from kubelint.model import Severity
from kubelint.report import rule_counts

SHAPE_VERSION = 1


def summary(result) -> dict:
    counts = {severity: 0 for severity in Severity}
    for finding in result.findings:
        counts[finding.severity] += 1
    return {
        "files": result.files,
        "documents": result.documents,
        "resources": len(result.resources),
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "infos": counts[Severity.INFO],
        "suppressed": getattr(result, "suppressed", 0),
        "elapsedSeconds": round(result.elapsed, 3),
    }


def render(result, context) -> str:
    payload = {
        "version": SHAPE_VERSION,
        "tool": {"name": "kubelint", "version": __version__},
        "kubernetesVersion": result.kube_version,
        "findings": [finding.to_dict() for finding in result.findings],
        "summary": summary(result),
    }
    if context.statistics:
        payload["statistics"] = rule_counts(result.findings)
    fixes = getattr(result, "fixes", None)
    if fixes is not None:  # --fix or --diff
        payload["fixes"] = {"applied": fixes.applied, "fixed": fixes.total, "byRule": fixes.fixed,
                            "files": fixes.files, "remaining": len(result.findings), "revealed": fixes.revealed,
                            "unsafe": fixes.unsafe,
                            "skipped": [{"file": f, "line": line, "rule": rule, "reason": reason}
                                        for f, line, rule, reason in fixes.skipped]}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
