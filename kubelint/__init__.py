"""kubelint: an offline Kubernetes manifest linter and static validator.

Library use::

    from kubelint import check, Options
    result = check(["deploy/"], options=Options(kube_version="1.30"))
    for finding in result.findings:
        print(finding.file, finding.line, finding.rule, finding.message)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubelint._version import __version__
from kubelint.model import Finding, ResourceRef, RunResult, Severity

if TYPE_CHECKING:
    from kubelint.config.options import Options
    from kubelint.engine.pipeline import check

__all__ = ["check", "Finding", "Options", "ResourceRef", "RunResult", "Severity", "__version__"]


def __getattr__(name: str) -> Any:
    # Start-up: the engine imports the YAML, schema and CEL libraries (about 60 ms), which
    # `kubelint --version`, `kubelint rules` and the CLI's argument errors never need.
    if name == "check":
        from kubelint.engine.pipeline import check

        return check
    if name == "Options":
        from kubelint.config.options import Options

        return Options
    raise AttributeError(name)
