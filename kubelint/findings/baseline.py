"""The baseline: findings accepted once, so that only new ones are reported.

``kubelint check . --write-baseline .kubelint-baseline.json`` records every current finding;
``kubelint check . --baseline .kubelint-baseline.json`` (or ``baseline:`` in the configuration) then
reports only findings that are not in it. That is how an old repository adopts kubelint in one
command, and fixes its backlog at its own pace.

A finding is recorded by a fingerprint of what it is about, not where it is: the rule, the object
(API group, kind, namespace, name) and the field path inside it. Line numbers, file names and
message wording do not enter it, so edits elsewhere in a file, moving an object to another file or
rewording a message keep it matched. Findings that have no object (a YAML syntax error) are keyed
by rule, file and path. Each fingerprint carries a count: a baseline that accepted two
identical findings accepts two, not more.

The file is JSON with one entry per line (readable diffs), sorted; entries also name the file for
people and for ``--report-unused-suppressions``, which reports entries that no longer match a
finding (fixed: remove them by writing the baseline again).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kubelint.model import Finding, Severity

VERSION = 1
#: Findings about suppressions themselves are never recorded.
_NOT_RECORDED = ("suppression-unused", "suppression-invalid")


class BaselineError(Exception):
    """An unreadable or malformed baseline file (a usage error: exit code 2)."""


def _relative(file: str, root: Path) -> str:
    if file in ("-", "<stdin>") or file.startswith("<"):
        return file
    try:
        return os.path.relpath(os.path.abspath(file), root).replace(os.sep, "/")
    except ValueError:
        return file.replace(os.sep, "/")


def key(finding: Finding, root: Path) -> tuple[str, ...]:
    """What identifies a finding across edits: (rule, object, path) or, without object, the file."""
    ref = finding.resource
    if ref is not None:
        group = ref.api_version.rpartition("/")[0]
        kind = f"{group}/{ref.kind}" if group else ref.kind
        return (finding.rule, kind, ref.namespace or "", ref.name or "", finding.path)
    return (finding.rule, "", _relative(finding.file, root), finding.path)


def fingerprint(key_parts: tuple[str, ...]) -> str:
    return hashlib.sha256("\0".join(key_parts).encode("utf-8")).hexdigest()[:20]


def describe(finding: Finding) -> str:
    ref = finding.resource
    if ref is None:
        return ""
    group = ref.api_version.rpartition("/")[0]
    kind = f"{group}/{ref.kind}" if group else ref.kind
    return "/".join(p for p in (kind, ref.namespace or "", ref.name or "<unnamed>") if p)


def render(findings: list[Finding], path: str) -> tuple[str, int]:
    """The text of a baseline file at ``path`` that accepts ``findings``, and how many it records."""
    root = Path(path).resolve().parent
    counts: Counter[str] = Counter()
    entries: dict[str, dict] = {}
    for finding in findings:
        if finding.rule in _NOT_RECORDED:
            continue
        digest = fingerprint(key(finding, root))
        counts[digest] += 1
        entries.setdefault(digest, {"fingerprint": digest, "rule": finding.rule, "resource": describe(finding),
                                    "path": finding.path, "file": _relative(finding.file, root)})
    lines = []
    for digest, entry in sorted(entries.items(), key=lambda item: (item[1]["file"], item[1]["resource"],
                                                                     item[1]["rule"], item[1]["path"], item[0])):
        entry["count"] = counts[digest]
        lines.append("    " + json.dumps(entry, ensure_ascii=False))
    body = "[\n" + ",\n".join(lines) + "\n  ]" if lines else "[]"
    text = ('{\n  "version": %d,\n  "tool": "kubelint",\n  "comment": "Findings accepted as they are: '
            'kubelint check --baseline FILE reports only others. Regenerate with --write-baseline FILE.",\n'
            '  "findings": %s\n}\n') % (VERSION, body)
    return text, sum(counts.values())


@dataclass
class Entry:
    fingerprint: str
    rule: str
    resource: str
    path: str
    file: str
    count: int
    line: int


class Baseline:
    """A loaded baseline: ``filter`` drops the findings it accepts and remembers what matched."""

    def __init__(self, path: str):
        self.path = path
        self.root = Path(path).resolve().parent
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BaselineError(f"--baseline {path}: no such file (create it with --write-baseline {path})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"--baseline {path}: cannot read: {exc}") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BaselineError(f"{path}: not a kubelint baseline: invalid JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
            raise BaselineError(f"{path}: not a kubelint baseline (version {VERSION}); write it with "
                                "--write-baseline")
        lines = {}
        for number, line in enumerate(text.splitlines(), start=1):
            start = line.find('"fingerprint": "')
            if start >= 0:
                lines.setdefault(line[start + 16:start + 36], number)
        self.entries: list[Entry] = []
        for item in data["findings"]:
            if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str):
                raise BaselineError(f"{path}: malformed entry {item!r}")
            count = item.get("count", 1)
            self.entries.append(Entry(item["fingerprint"], str(item.get("rule", "")), str(item.get("resource", "")),
                                      str(item.get("path", "")), str(item.get("file", "")),
                                      count if isinstance(count, int) and count > 0 else 1,
                                      lines.get(item["fingerprint"], 1)))
        self.remaining: Counter[str] = Counter()
        for entry in self.entries:
            self.remaining[entry.fingerprint] += entry.count

    def filter(self, findings: list[Finding]) -> tuple[list[Finding], int]:
        """The findings the baseline does not accept, and how many it accepted."""
        kept = []
        for finding in sorted(findings, key=Finding.sort_key):
            if finding.rule not in _NOT_RECORDED:
                digest = fingerprint(key(finding, self.root))
                if self.remaining[digest] > 0:
                    self.remaining[digest] -= 1
                    continue
            kept.append(finding)
        return kept, len(findings) - len(kept)

    def unused(self, checked_files: set[str], ran: set[str], severity: Severity) -> list[Finding]:
        """Entries that matched no finding of this run, for files that were checked and rules that ran."""
        checked = {_relative(f, self.root) for f in checked_files}
        out = []
        for entry in self.entries:
            left = self.remaining[entry.fingerprint]
            if left <= 0 or entry.file not in checked or entry.rule not in ran:
                continue
            self.remaining[entry.fingerprint] = 0
            what = f"{entry.resource} {entry.path}".strip() or entry.file
            out.append(Finding("suppression-unused", severity,
                               f"baseline entry for {entry.rule} on {what} matches no finding any more "
                               f"({left} of {entry.count} fixed)", self.path, entry.line, 5, None, "",
                               "write the baseline again (--write-baseline) to drop fixed entries"))
        return out
