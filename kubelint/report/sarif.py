"""SARIF 2.1.0, as GitHub code scanning reads it (and VS Code's SARIF viewer, Azure DevOps ...).

One run whose ``tool.driver.rules`` describe every rule (id, name, short and full
description, help text and markdown, help URI, default level, tags) and whose results
carry ruleId/ruleIndex, level, message, the file relative to the repository root
(``uriBaseId`` %SRCROOT%), the line and column, the resource as a logical location, and
``partialFingerprints`` made of the rule, file, resource and field path but not the line,
so that code scanning keeps tracking a finding when lines above it move.
The output validates against the OASIS schema (tests/report/test_report_formats.py).

Specification: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html;
GitHub's subset: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote

from kubelint._version import __version__
from kubelint.model import Severity
from kubelint.report import HOMEPAGE, RULES_DOCS, repository_path, rule_counts
from kubelint.rules.registry import EXPECT_MARK

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
#: the partialFingerprints key; bump its version if the fingerprint's recipe ever changes
FINGERPRINT = "kubelint/v1"
SRCROOT = "%SRCROOT%"


def render(result, context) -> str:
    rules = sorted(context.rules.values(), key=lambda rule: rule.id)
    index = {rule.id: number for number, rule in enumerate(rules)}
    results = []
    seen: dict[str, int] = {}
    for finding in result.findings:
        results.append(_result(finding, index, context.root, seen))
    run = {
        "tool": {"driver": {
            "name": "kubelint",
            "fullName": f"kubelint {__version__}",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": HOMEPAGE,
            "rules": [_rule(rule) for rule in rules],
        }},
        "invocations": [{"executionSuccessful": True}],
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(context.root)}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "kubernetesVersion": result.kube_version,
            "files": result.files,
            "documents": result.documents,
            "resources": len(result.resources),
        },
    }
    if context.statistics:
        run["properties"]["statistics"] = rule_counts(result.findings)
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rule) -> dict:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _unwrap(rule.description)},
        "help": {"text": f"{_unwrap(rule.description)}\n\nWhy it matters: {_unwrap(rule.rationale)}\n\n"
                         f"How to fix: {_unwrap(rule.remediation)}",
                 "markdown": _help_markdown(rule)},
        "helpUri": f"{RULES_DOCS}#{rule.id}",
        "defaultConfiguration": {"level": LEVELS[rule.severity], "enabled": rule.enabled},
        "properties": {"tags": ["kubernetes", rule.category]},
    }


def _unwrap(text: str) -> str:
    """Rule texts are wrapped at 100 columns in the YAML; plain-text viewers wrap themselves."""
    return "\n\n".join(" ".join(line.strip() for line in paragraph.splitlines())
                       for paragraph in text.strip().split("\n\n"))


def _help_markdown(rule) -> str:
    parts = [f"**{rule.summary}**", "", rule.description, "", "**Why it matters.** " + rule.rationale]
    for title, example in (("Example", rule.bad_example), ("Use instead", rule.good_example)):
        if example:
            text = "\n".join(EXPECT_MARK.sub(lambda m: "# <- " + m.group(1), line).rstrip()
                             for line in example.rstrip().splitlines())
            parts += ["", f"**{title}.**", "", "```yaml", text, "```"]
    parts += ["", "**How to fix.** " + rule.remediation, "", f"[Documentation]({RULES_DOCS}#{rule.id})"]
    return "\n".join(parts)


def _result(finding, index: dict[str, int], root: Path, seen: dict[str, int]) -> dict:
    relative = repository_path(finding.file, root)
    if relative is not None:
        artifact = {"uri": quote(relative), "uriBaseId": SRCROOT}
    elif finding.file.startswith("<"):
        artifact = {"uri": quote(finding.file, safe=""), "description": {"text": "standard input"}}
    else:
        artifact = {"uri": Path(finding.file).resolve().as_uri()}
    location: dict = {"physicalLocation": {"artifactLocation": artifact}}
    if finding.line is not None:
        region = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        location["physicalLocation"]["region"] = region
    if finding.resource is not None:
        location["logicalLocations"] = [{"name": finding.resource.name or "<unnamed>",
                                         "fullyQualifiedName": _resource_name(finding.resource),
                                         "kind": "resource"}]
    text = finding.message
    if finding.resource is not None:
        text += f"\nin {finding.resource}"
    if finding.hint:
        text += f"\nhint: {finding.hint}"
    out = {
        "ruleId": finding.rule,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: _fingerprint(finding, relative, seen)},
    }
    if finding.rule in index:
        out["ruleIndex"] = index[finding.rule]
    return out


def _resource_name(resource) -> str:
    # apiVersion/kind/namespace/name: the object's identity in the cluster
    return "/".join(part for part in (resource.api_version, resource.kind, resource.namespace,
                                      resource.name or "<unnamed>") if part)


def _fingerprint(finding, relative: str | None, seen: dict[str, int]) -> str:
    """Stable across commits: what and where in the object, not the line (which moves).

    Two findings with the same identity in one run (the same rule at the same path of the
    same object, or two syntax errors in one file) are numbered in file order.
    """
    resource = _resource_name(finding.resource) if finding.resource is not None else ""
    identity = "\0".join((finding.rule, relative or finding.file, resource, finding.path))
    occurrence = seen.get(identity, 0)
    seen[identity] = occurrence + 1
    digest = hashlib.sha256(f"{identity}\0{occurrence}".encode("utf-8")).hexdigest()
    return digest[:32]


def _directory_uri(root: Path) -> str:
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"
