"""The terminal report: findings grouped by file, each with its source line and a marker.

Colour only on a terminal (and never with NO_COLOR); the layout is the same either way.
Messages are added as plain text, never as rich markup, so brackets in field paths
(``metadata.labels[app]``) print as they are.
"""

from __future__ import annotations

import io
from itertools import groupby

from kubelint.model import Severity
from kubelint.report.json_report import summary

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold blue"}


def render(result, context) -> str:
    if not result.findings:
        return "" if context.quiet else _summary_line(result) + "\n" + _fix_lines(result)
    # Start-up: rich costs about 40 ms to import; a clean run prints one line without it.
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=context.color, no_color=not context.color,
                      color_system="standard" if context.color else None, highlight=False,
                      width=max(context.width, 60), soft_wrap=True)
    for file, group in groupby(result.findings, key=lambda f: f.file):
        console.print(Text(file, style="bold underline"))
        for finding in group:
            console.print(_finding(finding, Text))
        console.print()
    if context.statistics:
        console.print(_statistics(result, Text))
    if not context.quiet:
        console.print(Text(_summary_line(result), style="bold"))
    return buffer.getvalue() + ("" if context.quiet else _fix_lines(result))


def _finding(finding, Text):
    where = f"{finding.line}:{finding.column}" if finding.line is not None else "-"
    text = Text("  ")
    text.append(f"{where:>7}  ", style="dim")
    text.append(f"{finding.severity.label:<7}  ", style=_STYLES[finding.severity])
    text.append(finding.message)
    text.append(f"  [{finding.rule}]", style="cyan")
    if finding.resource is not None:
        text.append(f"\n{'':>11}in {finding.resource}", style="dim")
    if finding.snippet is not None and finding.line is not None:
        gutter = f"{finding.line:>9} | "
        text.append("\n" + gutter, style="blue")
        text.append(finding.snippet.rstrip("\r\n").expandtabs(1))
        marker_at = max((finding.column or 1) - 1, 0)
        text.append("\n" + " " * (len(gutter) - 2) + "| ", style="blue")
        text.append(" " * marker_at + "^", style=_STYLES[finding.severity])
    if finding.hint:
        text.append(f"\n{'':>11}= hint: ", style="green")
        text.append(finding.hint)
    return text


def _statistics(result, Text):
    counts: dict[tuple[str, str], int] = {}
    for finding in result.findings:
        key = (finding.rule, finding.severity.label)
        counts[key] = counts.get(key, 0) + 1
    text = Text("Findings per rule:\n", style="bold")
    for (rule, severity), count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        text.append(f"  {count:>6}  {severity:<7}  {rule}\n")
    return text


def _summary_line(result) -> str:
    counts = summary(result)
    parts = []
    for key, word in (("errors", "error"), ("warnings", "warning"), ("infos", "info")):
        if counts[key]:
            parts.append(f"{counts[key]} {word}{'s' if counts[key] != 1 and key != 'infos' else ''}")
    scope = (f"{counts['files']} file{'s' if counts['files'] != 1 else ''}, "
             f"{counts['resources']} resource{'s' if counts['resources'] != 1 else ''}, "
             f"Kubernetes {result.kube_version}, {result.elapsed:.2f}s")
    if counts.get("suppressed"):
        scope += f"; {counts['suppressed']} suppressed"
    if not parts:
        return f"All checks passed ({scope})"
    return f"Found {', '.join(parts)} ({scope})"


def fix_lines(summary, remaining: int) -> list[str]:
    """What ``--fix`` did (or ``--diff`` would do): fixed and remaining findings, fixes left out and why."""
    verb = "Fixed" if summary.applied else "Would fix"
    total = summary.total
    files = len(summary.files)
    by_rule = ", ".join(f"{count} {rule}" for rule, count in sorted(summary.fixed.items(), key=lambda i: (-i[1], i[0])))
    lines = [f"{verb} {total} finding{'s' if total != 1 else ''} in {files} file{'s' if files != 1 else ''}"
             + (f" ({by_rule})" if by_rule else "") + f"; {remaining} remain{'s' if remaining == 1 else ''}"]
    if summary.revealed:
        lines.append(f"{summary.revealed} of them appeared with the fixes: rules that now apply to values that "
                     "mean what they say")
    if summary.unsafe:
        lines.append(f"{summary.unsafe} more fixable with --unsafe-fixes (the fix may change what the manifest means)")
    for file, line, rule, reason in summary.skipped:
        where = f"{file}:{line}" if line else file
        lines.append(f"not fixed: {where} [{rule}]: {reason}")
    return lines


def _fix_lines(result) -> str:
    summary = getattr(result, "fixes", None)
    if summary is None:
        return ""
    return "".join(line + "\n" for line in fix_lines(summary, len(result.findings)))
