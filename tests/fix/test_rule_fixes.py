"""Every rule with a fix fixes its own bad example, byte for byte as tests/data/fixes/<rule>.yaml says
(``KUBELINT_UPDATE_GOLDEN=1`` rewrites them: review the diff), and the fixed text introduces no finding.
The rule specs and the fixes agree: a rule whose findings carry fixes declares ``fix:``, and a rule that
declares one fixes its bad example."""

from __future__ import annotations

import os
from collections import Counter

import pytest

from conftest import DATA
from kubelint.cli.fix import fix_text
from kubelint.config.options import Options
from kubelint.engine.pipeline import check
from kubelint.fix.plan import VALIDITY, identity
from kubelint.rules.registry import load_rules

RULES = load_rules()
FIXABLE = sorted(rule_id for rule_id, rule in RULES.items() if rule.fix)
GOLDEN = DATA / "fixes"
NAME = "example.yaml"


def fixed_example(rule_id: str, **options):
    return fix_text(RULES[rule_id].bad_example, Options(**options), name=NAME, unsafe=True)


def test_the_fixable_rules_are_those_of_the_issue():
    assert FIXABLE == ["api-removed", "automount-service-account-token", "pss-capabilities",
                       "pss-privilege-escalation", "pss-run-as-non-root", "pss-seccomp", "schema-duplicate-entry",
                       "schema-enum", "schema-type", "schema-unknown-field", "yaml-ambiguous-scalar"]
    assert {r: RULES[r].fix for r in FIXABLE if RULES[r].fix == "safe"} == {
        "schema-duplicate-entry": "safe", "schema-enum": "safe", "schema-type": "safe",
        "schema-unknown-field": "safe", "yaml-ambiguous-scalar": "safe"}


@pytest.mark.parametrize("rule_id", FIXABLE)
def test_the_bad_example_is_fixed_byte_for_byte(rule_id):
    outcome = fixed_example(rule_id, select=[rule_id])
    text = outcome.texts.get(NAME, RULES[rule_id].bad_example)
    golden = GOLDEN / f"{rule_id}.yaml"
    if os.environ.get("KUBELINT_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text != RULES[rule_id].bad_example, f"{rule_id}: its bad example is not fixed"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("rule_id", FIXABLE)
def test_every_fixable_finding_of_the_example_is_fixed_and_nothing_introduced(rule_id):
    before = check(text=RULES[rule_id].bad_example, name=NAME, options=Options(select=[rule_id])).findings
    outcome = fixed_example(rule_id, select=[rule_id])
    with_fix = [f for f in before if f.rule == rule_id and f.fix is not None]
    assert with_fix and outcome.summary.fixed.get(rule_id) == len(with_fix)
    assert outcome.summary.revealed == 0 and outcome.summary.skipped == []
    # the fixed text, checked again from scratch, has none of its findings and nothing new
    again = check(text=outcome.texts[NAME], name=NAME, options=Options(select=[rule_id])).findings
    assert not Counter(identity(f) for f in again) - Counter(identity(f) for f in before)
    assert not [f for f in again if f.fix is not None]


@pytest.mark.parametrize("rule_id", FIXABLE)
def test_with_every_rule_on_a_fix_adds_no_finding_of_a_validity_rule(rule_id):
    example = RULES[rule_id].bad_example
    before = check(text=example, name=NAME, options=Options()).findings
    outcome = fixed_example(rule_id)
    assert outcome.texts.get(NAME, example) != example
    new = Counter(identity(f) for f in outcome.result.findings) - Counter(identity(f) for f in before)
    assert [key for key in new if RULES[str(key[0])].category in VALIDITY] == []


def test_only_rules_that_declare_a_fix_make_fixes():
    for rule_id, rule in RULES.items():
        for example in (rule.bad_example, rule.good_example):
            if not example:
                continue
            findings = check(text=example, name=NAME, options=Options()).findings
            undeclared = {f.rule for f in findings if f.fix is not None and not RULES[f.rule].fix}
            assert not undeclared, f"{rule_id}'s example: fixes of {undeclared}, whose specs declare none"


def test_safe_fixes_alone_leave_the_unsafe_ones():
    outcome = fix_text(RULES["api-removed"].bad_example, Options(select=["api-removed"]), name=NAME)
    assert outcome.texts == {} and outcome.summary.unsafe == 1


@pytest.mark.parametrize("quoted, fixed", [('"3"', 3), ('"-7"', -7), ('"010"', None), ('"1e3"', None),
                                           ('"9223372036854775808"', None), ('"' + "1" * 100_000 + '"', None)])
def test_a_quoted_number_is_unquoted_only_when_certain(quoted, fixed):
    # "010" is octal 8 in YAML 1.1; beyond int64 Kubernetes has no integer; 100,000 digits once crashed here
    text = f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {quoted}\n"
    [finding] = [f for f in check(text=text, options=Options(select=["schema-type"])).findings]
    assert (finding.fix.operations[0].value if finding.fix else None) == fixed
