"""Helpers for the cross-resource rule tests: fixtures mark each expected finding inline with
`# expect: <rule>` (or `<rule>[severity]`), as the rule examples do."""

from __future__ import annotations

from conftest import lint
from kubelint.model import Severity
from kubelint.rules.registry import load_rules, parse_expectations

RULES = load_rules()
#: the cross-resource rules (category references), by id, in rule order
REFERENCE_RULES = {rule_id: rule for rule_id, rule in RULES.items() if rule.category == "references"}


def expect(text: str, *rules: str, **options):
    """Lint text with only these rules; assert that the findings are exactly the marked ones
    (line, rule and severity) and return them, in line order."""
    findings = sorted((f for f in lint(text, select=list(rules), **options) if f.rule in rules),
                      key=lambda f: (f.line, f.rule))
    got = [(f.line, f.rule, f.severity) for f in findings]
    want = sorted((line, rule, Severity.parse(severity) if severity else RULES[rule].severity)
                  for line, rule, severity in parse_expectations(text) if rule in rules)
    assert got == want, [f"{f.line} {f.rule} {f.severity.label}: {f.message}" for f in findings]
    return findings


def deployment(name: str, labels: str = "", extra_spec: str = "", containers: str = "", namespace: str = "",
               replicas: int | None = None) -> str:
    """A small valid Deployment whose pods carry app=<name> (plus `labels`, in flow style)."""
    labels = labels or f"app: {name}"
    ns = f"\n  namespace: {namespace}" if namespace else ""
    reps = f"\n  replicas: {replicas}" if replicas is not None else ""
    containers = containers or f"""        - name: {name}
          image: registry.example.com/{name}:1.0"""
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}{ns}
spec:{reps}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{{labels}}}
    spec:{extra_spec}
      containers:
{containers}
"""
