"""kubelint: an offline Kubernetes manifest linter and static validator.

Library use::

    from kubelint import check, Options
    result = check(["deploy/"], options=Options(kube_version="1.30"))
    for finding in result.findings:
        print(finding.file, finding.line, finding.rule, finding.message)
"""

from __future__ import annotations

__version__ = "0.1.0"

from kubelint.model import Finding, ResourceRef, Severity  # noqa: E402  (cheap, no heavy imports)

__all__ = ["check", "Finding", "Options", "ResourceRef", "RunResult", "Severity", "__version__"]


def __getattr__(name: str):
    # The engine pulls in the YAML and schema libraries: import it only when used,
    # so that `kubelint --version` and the CLI's argument errors stay instant.
    if name in ("check", "RunResult"):
        from kubelint.engine import pipeline as engine

        return getattr(engine, name)
    if name == "Options":
        from kubelint.config.options import Options

        return Options
    raise AttributeError(name)
