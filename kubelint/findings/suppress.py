"""Suppressions: the one place where findings are silenced, after every rule has run.

Three ways to say "not this one", all taking rule ids or prefixes (``pss``, ``resources-requests``)
separated by commas, or nothing for every rule:

- the annotation ``kubelint.io/ignore: "rule-a, rule-b"`` on an object, or on the pod template of a
  workload (for charts that only let you set pod annotations): it silences those rules for the
  whole object; ``kubelint.io/ignore-reason`` says why;
- a comment ``# kubelint: ignore[rule-a, rule-b]`` at the end of the line of a finding, or on its
  own line(s) just above it; text after the bracket is the reason;
- a comment ``# kubelint: ignore-file`` (or ``ignore-file[rule-a]``) anywhere in a file.

A suppression naming an unknown rule is reported (``suppression-invalid``), since it silences
nothing; with ``--report-unused-suppressions``, so is each rule of a suppression that silenced no
finding (``suppression-unused``), when that rule ran in this run. The baseline (kubelint/findings/baseline.py)
is applied after these.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable

from kubelint.config.options import matches_rule
from kubelint.k8s import objects as k8s
from kubelint.model import Finding, Resource, ResourceRef, Source

ANNOTATION = "kubelint.io/ignore"
REASON_ANNOTATION = "kubelint.io/ignore-reason"
#: ``# kubelint: ignore``, ``# kubelint: ignore[a, b]``, ``# kubelint: ignore-file[...]``: the ``#``
#: must start the line or follow whitespace, as a YAML comment does.
COMMENT = re.compile(r"(?:^|(?<=\s))#\s*kubelint:\s*(ignore-file|ignore)(?![\w-])(?:\[([^\]]*)\])?")
_ALL = ("*",)


@dataclass
class Suppression:
    """One annotation or comment, with the rule patterns it names and which of them were used."""

    kind: str                       # "annotation", "comment" or "file"
    patterns: tuple[str, ...]       # rule ids or prefixes; ("*",) for every rule
    file: str
    line: int | None
    column: int | None
    resource: ResourceRef | None = None
    path: str = ""
    used: set[str] = field(default_factory=set)

    def matches(self, rule: str) -> str | None:
        """The pattern that covers ``rule``, or None."""
        for pattern in self.patterns:
            if pattern == "*" or rule == pattern or rule.startswith(pattern.rstrip("-") + "-"):
                return pattern
        return None

    def describe(self) -> str:
        if self.kind == "annotation":
            return f"annotation {ANNOTATION}"
        listed = "" if self.patterns == _ALL else "[" + ", ".join(self.patterns) + "]"
        return "comment # kubelint: " + ("ignore-file" if self.kind == "file" else "ignore") + listed


def parse_patterns(text: str | None) -> tuple[str, ...]:
    """``"a, b"`` -> ("a", "b"); None (a comment without brackets), "all" or "*" -> every rule;
    an empty list -> () (reported as invalid: it names no rule)."""
    if text is None:
        return _ALL
    parts = tuple(p for p in re.split(r"[\s,]+", text.strip()) if p)
    if any(p in ("all", "ALL", "*") for p in parts):
        return _ALL
    return parts


def known_pattern(pattern: str, rule_ids: Iterable[str]) -> bool:
    return pattern == "*" or any(r == pattern or r.startswith(pattern.rstrip("-") + "-") for r in rule_ids)


# --- collecting -------------------------------------------------------------------------------


def from_annotations(resources: list[Resource]) -> list[Suppression]:
    out = []
    for resource in resources:
        places = [("metadata", "annotations")]
        template = k8s.pod_template_metadata_path(resource)
        if template is not None:
            places.append(template + ("annotations",))
        for place in places:
            annotations = k8s.get(resource.data, place)
            if not isinstance(annotations, dict) or ANNOTATION not in annotations:
                continue
            value = annotations[ANNOTATION]
            path = resource.path + place + (ANNOTATION,)
            position = resource.document.positions().locate(path)
            line, column = position if position else (resource.document.start_line + 1, 1)
            out.append(Suppression("annotation", parse_patterns(value if isinstance(value, str) else ""),
                                   resource.file, line, column, resource.ref,
                                   "metadata.annotations" if place == ("metadata", "annotations") else
                                   ".".join(str(p) for p in place)))
    return out


def from_comments(source: Source) -> list[Suppression]:
    """The suppression comments of one file (only files that mention ``kubelint:`` are scanned)."""
    if "kubelint:" not in source.text:
        return []
    out = []
    lines = source.text.splitlines()
    for index, text in enumerate(lines):
        if "kubelint:" not in text:
            continue
        for match in COMMENT.finditer(text):
            kind = "file" if match.group(1) == "ignore-file" else "comment"
            patterns = parse_patterns(match.group(2))
            column = match.start() + 1
            if kind == "file":
                out.append(Suppression("file", patterns, source.name, index + 1, column))
                continue
            out.append(Suppression("comment", patterns, source.name, index + 1, column))
    return out


def _standalone(text: str) -> bool:
    return text.lstrip().startswith("#")


class Index:
    """Every suppression of a run, looked up by finding."""

    def __init__(self, resources: list[Resource], sources: dict[str, Source]):
        self.all: list[Suppression] = from_annotations(resources)
        self.by_resource: dict[tuple[str, ResourceRef], list[Suppression]] = {}
        for suppression in self.all:
            self.by_resource.setdefault((suppression.file, suppression.resource), []).append(suppression)
        self.by_line: dict[tuple[str, int], list[Suppression]] = {}
        self.by_file: dict[str, list[Suppression]] = {}
        for name, source in sources.items():
            comments = from_comments(source)
            if not comments:
                continue
            lines = source.text.splitlines()
            for suppression in comments:
                self.all.append(suppression)
                if suppression.kind == "file":
                    self.by_file.setdefault(name, []).append(suppression)
                    continue
                targets = [suppression.line]
                if _standalone(lines[suppression.line - 1]):
                    # a comment on its own line covers the next line that is not a comment itself
                    after = suppression.line
                    while after < len(lines) and (_standalone(lines[after]) or not lines[after].strip()):
                        after += 1
                    targets.append(after + 1)
                for target in targets:
                    self.by_line.setdefault((name, target), []).append(suppression)

    def find(self, finding: Finding) -> tuple[Suppression, str] | None:
        """The suppression (and its pattern) that silences ``finding``, marking it used."""
        candidates: list[Suppression] = []
        if finding.resource is not None:
            candidates += self.by_resource.get((finding.file, finding.resource), ())
        if finding.line is not None:
            candidates += self.by_line.get((finding.file, finding.line), ())
        candidates += self.by_file.get(finding.file, ())
        for suppression in candidates:
            pattern = suppression.matches(finding.rule)
            if pattern is not None:
                suppression.used.add(pattern)
                return suppression, pattern
        return None


# --- applying ---------------------------------------------------------------------------------


def apply(findings: list[Finding], *, resources: list[Resource], sources: dict[str, Source], rules: dict,
          options, baseline=None) -> tuple[list[Finding], int]:
    """Drop suppressed findings (annotations, comments, then the baseline); add findings about
    invalid (and, if asked, unused) suppressions.

    Returns the findings to report and how many were suppressed. ``rules`` are all rules by id;
    ``options`` decides which rules ran (options.rule_enabled) and the severities; ``baseline`` is a
    loaded kubelint.findings.baseline.Baseline or None.
    """
    index = Index(resources, sources)
    kept = [f for f in findings if index.find(f) is None] if index.all else list(findings)
    suppressed = len(findings) - len(kept)
    if baseline is not None:
        kept, accepted = baseline.filter(kept)
        suppressed += accepted
    kept += _invalid(index, rules, options)
    if report_unused(options, rules):
        ran = {rule_id for rule_id, rule in rules.items() if options.rule_enabled(rule)}
        kept += _unused(index, rules, ran, options)
        if baseline is not None:
            severity = options.severity.get("suppression-unused", rules["suppression-unused"].severity)
            kept += baseline.unused(set(sources), ran, severity)
    return kept, suppressed


def report_unused(options, rules: dict) -> bool:
    rule = rules["suppression-unused"]
    ignored = any(_ignored(rule.id, pattern) for pattern in options.ignore)
    return not ignored and (options.report_unused_suppressions or options.rule_enabled(rule))


def _ignored(rule_id: str, pattern: str) -> bool:
    return matches_rule(rule_id, pattern)


def _finding(rule_id: str, rules: dict, options, suppression: Suppression, message: str, hint: str) -> Finding:
    severity = options.severity.get(rule_id, rules[rule_id].severity)
    return Finding(rule_id, severity, message, suppression.file, suppression.line, suppression.column,
                   suppression.resource, suppression.path if suppression.kind == "annotation" else "", hint)


def _invalid(index: Index, rules: dict, options) -> list[Finding]:
    if not options.rule_enabled(rules["suppression-invalid"]):
        return []
    out = []
    for suppression in index.all:
        if not suppression.patterns:
            out.append(_finding("suppression-invalid", rules, options, suppression,
                                f"{suppression.describe()} names no rule: it silences nothing",
                                'list rule ids or prefixes, e.g. "pss-host-path, image-tag"'))
        unknown = [p for p in suppression.patterns if not known_pattern(p, rules)]
        for pattern in unknown:
            close = difflib.get_close_matches(pattern, list(rules), n=1)
            hint = f"did you mean {close[0]}?" if close else "`kubelint rules --all` lists the rule ids"
            out.append(_finding("suppression-invalid", rules, options, suppression,
                                f'{suppression.describe()} names "{pattern}", which is not a rule or prefix of '
                                "rules: it silences nothing", hint))
    return out


def checkable(pattern: str, rules: dict, ran: set[str]) -> bool:
    """Whether this run could have used ``pattern``: the rules it names ran (the rules on by default
    among them, for a prefix; the rule itself, for an id)."""
    matched = {r for r in rules if pattern == "*" or r == pattern or r.startswith(pattern.rstrip("-") + "-")}
    if not matched & ran:
        return False
    expected = matched if pattern in rules else {r for r in matched if rules[r].enabled}
    return expected <= ran


def _unused(index: Index, rules: dict, ran: set[str], options) -> list[Finding]:
    out = []
    for suppression in index.all:
        for pattern in suppression.patterns:
            if pattern in suppression.used or not known_pattern(pattern, rules) or not checkable(pattern, rules, ran):
                continue
            what = "every rule" if pattern == "*" else pattern
            where = {"annotation": "this object", "comment": "this line", "file": "this file"}[suppression.kind]
            out.append(_finding("suppression-unused", rules, options, suppression,
                                f"{suppression.describe()} suppresses {what}, but {what} reports nothing on {where}",
                                "remove it (or the rule from its list): a stale suppression would hide a future "
                                "finding"))
    return out
