"""CEL rules of CRDs (x-kubernetes-validations): the Kubernetes libraries, messages, paths, what is skipped."""

from __future__ import annotations

import json

import pytest

from conftest import by_rule, lint
from kubelint.schema import cel

pytestmark = pytest.mark.skipif(not cel.available(), reason="common-expression-language is not installed")


def crd(rules: list[dict], properties: dict, extra: str = "") -> str:
    schema = {"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-validations": rules,
                                                        "properties": properties}}}
    return f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {{plural: widgets, singular: widget, kind: Widget}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {json.dumps(schema)}
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
{extra}"""


def evaluate(expression: str, value, schema: dict | None = None):
    environment = cel.Environment()
    rule = environment.compile(expression)
    assert rule.problem is None, rule.problem
    return environment.evaluate(rule, {"self": cel.to_cel(schema or {}, value)})


# Each expression is true; they come from the Kubernetes CEL documentation of its libraries
# (staging/src/k8s.io/apiserver/pkg/cel/library/*.go) and cel-go's strings and sets extensions.
LIBRARY_CASES = [
    ("[1, 2, 3].isSorted()", None), ("[1, 2, 3].sum() == 6", None), ("[3, 1, 2].min() == 1", None),
    ("[3, 1, 2].max() == 3", None), ("[1, 2, 3].indexOf(2) == 1", None), ("[1, 2, 1].lastIndexOf(1) == 2", None),
    ("'abc123def'.find('[0-9]+') == '123'", None), ("'a1b2'.findAll('[0-9]') == ['1', '2']", None),
    ("'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']", None),
    ("'AbC'.lowerAscii() == 'abc'", None), ("'a,b,c'.split(',').size() == 3", None),
    ("'abcd'.substring(1, 3) == 'bc'", None), ("'  a '.trim() == 'a'", None), ("['a', 'b'].join('-') == 'a-b'", None),
    ("'hello'.indexOf('l') == 2", None), ("'%s is %d'.format(['x', 3]) == 'x is 3'", None),
    ("sets.contains([1, 2, 3], [2])", None), ("sets.intersects([1, 2], [2, 3])", None),
    ("isQuantity('500m') && !isQuantity('1.5.0')", None), ("quantity('500m').isLessThan(quantity('1'))", None),
    ("quantity('1Gi').compareTo(quantity('1024Mi')) == 0", None), ("quantity('1') == quantity('1000m')", None),
    ("quantity('2Ki').asInteger() == 2048", None), ("quantity('1').add(quantity('500m')).isGreaterThan(quantity('1'))",
                                                    None),
    ("quantity('1.5').isInteger() == false", None), ("quantity('-1').sign() == -1", None),
    ("isURL('https://example.com:8080/a?b=c')", None), ("!isURL('not a url')", None),
    ("url('https://example.com:8080/a').getHost() == 'example.com:8080'", None),
    ("url('https://example.com:8080/a').getHostname() == 'example.com'", None),
    ("url('https://example.com:8080/a').getPort() == '8080'", None),
    ("url('https://example.com/a%20b').getEscapedPath() == '/a%20b'", None),
    ("url('https://e.com/?x=1&x=2').getQuery()['x'] == ['1', '2']", None),
    ("isIP('10.0.0.1') && !isIP('10.0.0.256')", None), ("ip('::1').family() == 6", None),
    ("ip('127.0.0.1').isLoopback()", None), ("ip('10.0.0.1') == ip('10.0.0.1')", None),
    ("ip.isCanonical('10.0.0.1') && !ip.isCanonical('2001:db8:0:0::1')", None),
    ("isCIDR('10.0.0.0/8') && !isCIDR('10.0.0.0')", None), ("cidr('10.0.0.0/8').containsIP('10.1.2.3')", None),
    ("cidr('10.0.0.0/8').containsIP(ip('10.1.2.3'))", None), ("cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", None),
    ("cidr('10.1.0.0/8').masked() == cidr('10.0.0.0/8')", None), ("cidr('10.0.0.0/8').prefixLength() == 8", None),
    ("isSemver('1.2.3') && semver('1.2.3').isLessThan(semver('1.10.0'))", None), ("semver('2.3.4').minor() == 3", None),
    ("self.t < timestamp('2025-01-01T00:00:00Z')",
     ({"t": "2024-05-01T12:00:00Z"}, {"properties": {"t": {"type": "string", "format": "date-time"}}})),
    ("self.r == 1.0", ({"r": 1}, {"properties": {"r": {"type": "number"}}})),
    ("self.x__dash__ray == 'a' && self.__namespace__ == 'b'",
     ({"x-ray": "a", "namespace": "b"},
      {"properties": {"x-ray": {"type": "string"}, "namespace": {"type": "string"}}})),
]


@pytest.mark.parametrize("expression,data", LIBRARY_CASES, ids=[c[0][:40] for c in LIBRARY_CASES])
def test_kubernetes_cel_libraries(expression, data):
    value, schema = data if data else ({}, {})
    assert evaluate(expression, value, schema) is True


def test_failing_rule_reports_message_at_node():
    text = crd([{"rule": "self.replicas <= 10", "message": "at most 10 replicas"}],
               {"replicas": {"type": "integer"}}, "  replicas: 20\n")
    findings = by_rule(lint(text), "cel-validation")
    assert [(f.line, f.path) for f in findings] == [(20, "spec")]   # the line of "spec:"
    assert findings[0].message == 'spec: Invalid value: "object": at most 10 replicas'
    assert findings[0].severity.label == "error"


def test_message_expression_field_path_and_reason():
    rules = [{"rule": "has(self.owner)", "messageExpression": "'owner is required for ' + self.tier",
              "fieldPath": ".owner", "reason": "FieldValueRequired"}]
    text = crd(rules, {"owner": {"type": "string"}, "tier": {"type": "string"}}, "  tier: gold\n")
    findings = by_rule(lint(text), "cel-validation")
    assert [f.message for f in findings] == ["spec.owner: Required value: owner is required for gold"]


def test_defaults_apply_before_rules():
    rules = [{"rule": "self.size <= 5", "message": "too big"}]
    text = crd(rules, {"size": {"type": "integer", "default": 9}}, "  other: 1\n")
    text = text.replace('"properties": {"size"', '"x-kubernetes-preserve-unknown-fields": true, "properties": {"size"')
    assert [f.message for f in by_rule(lint(text), "cel-validation")] == ['spec: Invalid value: "object": too big']


def test_rules_on_list_items_report_each_item():
    schema = {"tags": {"type": "array", "items": {"type": "string", "x-kubernetes-validations": [
        {"rule": "self.size() <= 3", "message": "short tags only"}]}}}
    text = crd([], schema, "  tags: [abc, abcdef, xy, toolong]\n")
    assert [f.path for f in by_rule(lint(text), "cel-validation")] == ["spec.tags[1]", "spec.tags[3]"]


def test_transition_rules_are_skipped_and_said_so_once():
    rules = [{"rule": "self.mode == oldSelf.mode", "message": "mode is immutable"}]
    text = crd(rules, {"mode": {"type": "string"}}, "  mode: a\n")
    text += "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: v}\nspec: {mode: b}\n"
    findings = lint(text)
    assert by_rule(findings, "cel-validation") == []
    notes = by_rule(findings, "cel-not-evaluated")
    assert len(notes) == 1 and "oldSelf" in notes[0].message and notes[0].severity.label == "info"


@pytest.mark.parametrize("rule", [
    "self.?mode.orValue('a') == 'a'",                 # optional field selection: not in this library
    "self.mode.noSuchFunction()",                     # a function nobody defines
    "self.mode ==",                                   # a syntax error
    "self.missing.deeper == 1",                       # an evaluation error (no such key)
])
def test_rules_that_cannot_run_give_an_info_never_a_crash(rule):
    text = crd([{"rule": rule}], {"mode": {"type": "string"}}, "  mode: a\n")
    findings = lint(text)
    assert by_rule(findings, "cel-validation") == []
    assert [f.severity.label for f in by_rule(findings, "cel-not-evaluated")] == ["info"]


def test_non_ascii_size_is_not_reported_as_an_error():
    rules = [{"rule": "self.name.size() <= 3", "message": "short"}]
    text = crd(rules, {"name": {"type": "string"}}, "  name: été\n")
    findings = lint(text)
    assert by_rule(findings, "cel-validation") == []
    assert len(by_rule(findings, "cel-not-evaluated")) == 1


def test_root_rules_see_metadata_name():
    schema_rule = [{"rule": "self.metadata.name.startsWith('w')", "message": "names start with w"}]
    text = crd([], {"mode": {"type": "string"}}, "  mode: a\n")
    text = text.replace('{"type": "object", "properties": {"spec"',
                        '{"type": "object", "x-kubernetes-validations": ' + json.dumps(schema_rule) +
                        ', "properties": {"spec"')
    assert by_rule(lint(text), "cel-validation") == []
    assert [f.message for f in by_rule(lint(text.replace("name: w\n", "name: x\n")), "cel-validation")] == [
        '<root>: Invalid value: "object": names start with w']
