"""Every rule's documented examples are fixtures: the bad one fails where it says, the good one passes."""

from __future__ import annotations

import pytest

from conftest import lint
from kubelint.rules.registry import load_rules, parse_expectations

RULES = load_rules()
WITH_EXAMPLES = sorted(rule_id for rule_id, rule in RULES.items() if rule.bad_example)


def test_every_rule_documents_an_example_or_why_not():
    for rule in RULES.values():
        assert rule.bad_example or rule.example_note, f"{rule.id}: no bad example and no note saying why"
        if rule.bad_example:
            assert rule.good_example, f"{rule.id}: a bad example needs a good one"
            assert rule.expected(), f"{rule.id}: the bad example marks no '# expect: {rule.id}' line"


@pytest.mark.parametrize("rule_id", WITH_EXAMPLES)
def test_bad_example_reports_rule_at_marked_lines(rule_id):
    rule = RULES[rule_id]
    findings = [f for f in lint(rule.bad_example, select=[rule_id]) if f.rule == rule_id]
    assert sorted((f.line, f.severity) for f in findings) == sorted(rule.expected())
    for finding in findings:
        assert finding.message and finding.column >= 1


@pytest.mark.parametrize("rule_id", WITH_EXAMPLES)
def test_good_example_passes(rule_id):
    rule = RULES[rule_id]
    assert [f for f in lint(rule.good_example, select=[rule_id]) if f.rule == rule_id] == []


@pytest.mark.parametrize("rule_id", WITH_EXAMPLES)
def test_expect_markers_name_existing_rules(rule_id):
    for _, marked, _ in parse_expectations(RULES[rule_id].bad_example):
        assert marked in RULES, f"{rule_id}: '# expect: {marked}' names no rule"


def test_every_rule_has_a_template():
    from kubelint.checks import CheckSet
    from kubelint.engine.runner import STAGES, template_exists, template_module

    for rule in RULES.values():
        if rule.template in STAGES:
            continue
        assert template_exists(rule.template), f"{rule.id}: no template {rule.template!r} in kubelint/checks/"
        module = template_module(rule.template)
        checks = getattr(module, "CHECKS", None)
        if isinstance(checks, CheckSet):
            assert rule.params.get("check") in checks.checks, f"{rule.id}: {rule.template} has no such check"
        else:
            assert hasattr(module, "check_resource") or hasattr(module, "check_run"), rule.template
        unknown = set(rule.params) - set(getattr(module, "PARAMS", {}))
        assert not unknown, f"{rule.id}: parameters {unknown} are not declared in the template's PARAMS"


def test_every_pod_security_rule_names_a_registered_control():
    from kubelint.checks.pod_security.pod import CONTROLS

    controls = {rule.params["control"] for rule in RULES.values() if rule.template == "pod-security"}
    assert controls == set(CONTROLS)
