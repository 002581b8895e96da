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
    # Start-up: importing the package for its data types (kubelint.model, the CLI's modules) need
    # not import the engine, with the YAML and schema libraries (about 60 ms), or the options.
    if name == "check":
        from kubelint.engine.pipeline import check  # start-up: see above

        return check
    if name == "Options":
        from kubelint.config.options import Options  # start-up: see above

        return Options
    raise AttributeError(name)
