"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

``::error file=deploy/app.yaml,line=30,col=13,title=kubelint schema-type::spec.replicas: ...``
(``::warning`` for warnings, ``::notice`` for infos), one line per finding, the file relative
to the repository root (where the runner looks for it). Values are escaped exactly as the
runner unescapes them (actions/runner src/Runner.Common/ActionCommand.cs, and
actions/toolkit packages/core/src/command.ts, which writes them): in the message ``%``,
CR and LF become ``%25``, ``%0D`` and ``%0A``; in properties ``:`` and ``,`` also become
``%3A`` and ``%2C``. So a message is always one line, and nothing in it can start or end a
command. The summary line (and ``--statistics``) follow as plain log lines.
"""

from __future__ import annotations

from kubelint.model import Severity
from kubelint.report import repository_path, rule_counts
from kubelint.report.text import _summary_line

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, object], message: str) -> str:
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                      if value is not None and value != "")
    return f"::{name}{' ' + fields if fields else ''}::{escape_data(message)}"


def render(result, context) -> str:
    lines = [_annotation(finding, context.root) for finding in result.findings]
    if context.statistics and result.findings:
        lines.append("Findings per rule:")
        lines += [f"  {row['count']:>6}  {row['severity']:<7}  {row['rule']}" for row in rule_counts(result.findings)]
    if not context.quiet:
        lines.append(_summary_line(result))
    return "".join(line + "\n" for line in lines)


def _annotation(finding, root) -> str:
    path = repository_path(finding.file, root)
    message = finding.message
    if path is None:  # stdin, or a file outside the repository: the annotation has no file
        where = finding.file + (f":{finding.line}:{finding.column}" if finding.line is not None else "")
        message = f"{where}: {message}"
    if finding.resource is not None:
        message += f"\nin {finding.resource}"
    if finding.hint:
        message += f"\nhint: {finding.hint}"
    properties = {
        "file": path,
        "line": finding.line if path is not None else None,
        "col": finding.column if path is not None else None,
        "title": f"kubelint {finding.rule}",
    }
    return command(COMMANDS[finding.severity], properties, message)
