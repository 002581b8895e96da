"""Rules are data: one YAML file per rule in ``rules/``, bound to a check template.

A rule file gives the id, default severity, whether it is on by default, the
template (the Python mechanism in ``kubelint/checks/`` or a built-in phase such as
``yaml`` or ``schema``) with its parameters, and the documentation that
``kubelint explain`` prints: what the rule does, why it matters, how to fix it,
and a bad and a good example. The examples are test fixtures too: in the bad one,
``# expect: <rule-id>`` marks each line where a finding must appear.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kubelint._paths import data_dir
from kubelint.load.reader import read_documents
from kubelint.model import Severity, Source

_REQUIRED = ("id", "severity", "summary", "template", "description", "rationale", "remediation")
_ALLOWED = set(_REQUIRED) | {"enabled", "category", "params", "examples", "references", "scope", "fix"}
#: ``fix: {safety: safe|unsafe, summary: ...}``: the rule's findings can carry a fix (kubelint/fix/); a safe
#: one keeps what the manifest means to Kubernetes, an unsafe one (applied only with --unsafe-fixes) may not
FIX_SAFETIES = ("safe", "unsafe")
#: ``# expect: rule-id`` or ``# expect: rule-a, rule-b[error]`` (a severity other than the default)
EXPECT_MARK = re.compile(r"#\s*expect:\s*([a-z0-9-]+(?:\[[a-z]+\])?(?:\s*,\s*[a-z0-9-]+(?:\[[a-z]+\])?)*)")


def parse_expectations(text: str) -> list[tuple[int, str, str | None]]:
    """(line, rule id, severity or None) for every ``# expect:`` marker in a YAML text."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = EXPECT_MARK.search(line)
        if match:
            for item in match.group(1).split(","):
                item = item.strip()
                rule, _, severity = item.partition("[")
                out.append((number, rule, severity.rstrip("]") or None))
    return out


class RuleError(ValueError):
    """A rule file that does not follow the format."""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    template: str
    description: str
    rationale: str
    remediation: str
    enabled: bool = True
    category: str = "general"
    params: dict[str, Any] = field(default_factory=dict)
    bad_example: str | None = None
    good_example: str | None = None
    example_note: str | None = None
    references: tuple[str, ...] = ()
    file: str = ""
    #: "safe" or "unsafe" when the rule's findings can carry a fix (``--fix``), else None
    fix: str | None = None
    #: what the fix does, in one line
    fix_summary: str | None = None

    def expected(self) -> list[tuple[int, Severity]]:
        """(line, severity) of each finding of this rule that the bad example marks."""
        return [(line, Severity.parse(severity) if severity else self.severity)
                for line, rule, severity in parse_expectations(self.bad_example or "") if rule == self.id]


def parse_rule(data: Any, file: str) -> Rule:
    if not isinstance(data, dict):
        raise RuleError(f"{file}: a rule file must be a mapping")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise RuleError(f"{file}: missing {', '.join(missing)}")
    unknown = sorted(set(data) - _ALLOWED)
    if unknown:
        raise RuleError(f"{file}: unknown keys {', '.join(unknown)}")
    rule_id = data["id"]
    if Path(file).stem != rule_id:
        raise RuleError(f"{file}: the file name must be the rule id ({rule_id}.yaml)")
    examples = data.get("examples") or {}
    fix = data.get("fix")
    if fix is not None and (not isinstance(fix, dict) or set(fix) != {"safety", "summary"}
                            or fix["safety"] not in FIX_SAFETIES or not isinstance(fix["summary"], str)
                            or not fix["summary"].strip()):
        raise RuleError(f"{file}: fix must be a mapping of safety ({' or '.join(FIX_SAFETIES)}) and summary "
                        "(what the fix does, in one line)")
    return Rule(
        id=rule_id,
        severity=Severity.parse(data["severity"]),
        summary=data["summary"].strip(),
        template=data["template"],
        description=data["description"].strip(),
        rationale=data["rationale"].strip(),
        remediation=data["remediation"].strip(),
        enabled=bool(data.get("enabled", True)),
        category=data.get("category", "general"),
        params=dict(data.get("params") or {}),
        bad_example=examples.get("bad"),
        good_example=examples.get("good"),
        example_note=examples.get("note"),
        references=tuple(data.get("references") or ()),
        file=file,
        fix=fix["safety"] if fix else None,
        fix_summary=" ".join(fix["summary"].split()) if fix else None,
    )


INDEX_NAME = "index.json"


@cache
def load_rules(folder: str | None = None) -> dict[str, Rule]:
    """All rules, by id, from ``rules/*.yaml``.

    ``rules/index.json`` (written by scripts/gen_docs.py) holds every rule file already parsed,
    with a checksum of its text: a file whose checksum matches is taken from the index (reading
    125 YAML files at every start would cost more than the rest of a one-file check); a file
    edited since is parsed again. An installed kubelint ships the index alone (the rule files
    would double the wheel's rules for nothing): without rule files, the index is the rules.
    """
    directory = Path(folder) if folder else data_dir("rules")
    index = _read_index(directory)
    rules: dict[str, Rule] = {}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        for name in sorted(index):
            rule = parse_rule(index[name]["data"], str(directory / name))
            rules[rule.id] = rule
        return rules
    for path in files:
        text = path.read_text(encoding="utf-8")
        entry = index.get(path.name)
        data = entry["data"] if entry and entry.get("crc") == checksum(text) else parse_rule_file(text, str(path))
        rule = parse_rule(data, str(path))
        rules[rule.id] = rule
    return rules


def checksum(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _read_index(directory: Path) -> dict[str, Any]:
    try:
        with open(directory / INDEX_NAME, encoding="utf-8") as handle:
            index: dict[str, Any] = json.load(handle)
            return index
    except (OSError, ValueError):
        return {}


def parse_rule_file(text: str, file: str) -> Any:
    """A rule file's data, read with kubelint's own YAML reader."""
    parsed, _ = read_documents(Source(file, text))
    problems = [p for d in parsed for p in d.problems]
    if problems or len(parsed) != 1:
        raise RuleError(f"{file}: not a single valid YAML document")
    return parsed[0].document.data


def build_index(directory: Path) -> str:
    """The text of rules/index.json for the rule files in ``directory``."""
    index = {}
    for path in sorted(directory.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        index[path.name] = {"crc": checksum(text), "data": parse_rule_file(text, str(path))}
    return json.dumps(index, indent=None, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n"
