"""Label selectors evaluated as k8s.io/apimachinery does (labels/selector.go, LabelSelectorAsSelector)."""

from __future__ import annotations

import pytest

from kubelint.k8s import selector as selectors


def test_match_labels_need_every_pair():
    s = selectors.from_label_selector({"matchLabels": {"app": "web", "tier": "front"}})
    assert s.matches({"app": "web", "tier": "front", "extra": "x"})
    assert not s.matches({"app": "web"})
    assert not s.matches({"app": "web", "tier": "back"})


@pytest.mark.parametrize("operator, values, labels, expected", [
    ("In", ["a", "b"], {"k": "b"}, True),
    ("In", ["a", "b"], {"k": "c"}, False),
    ("In", ["a"], {}, False),
    ("NotIn", ["a"], {"k": "b"}, True),
    ("NotIn", ["a"], {}, True),          # NotIn holds when the key is absent (selector.go)
    ("NotIn", ["a"], {"k": "a"}, False),
    ("Exists", None, {"k": ""}, True),
    ("Exists", None, {}, False),
    ("DoesNotExist", None, {}, True),
    ("DoesNotExist", None, {"k": "x"}, False),
])
def test_match_expressions_follow_requirement_matches(operator, values, labels, expected):
    expression = {"key": "k", "operator": operator, **({"values": values} if values else {})}
    assert selectors.from_label_selector({"matchExpressions": [expression]}).matches(labels) is expected


def test_nil_selects_nothing_and_empty_selects_everything():
    assert not selectors.from_label_selector(None).matches({"app": "web"})
    assert selectors.from_label_selector({}).matches({})
    assert selectors.from_label_selector({}).everything


def test_map_selector_is_equality_on_every_pair():
    s = selectors.from_map({"app": "web"})
    assert s.matches({"app": "web", "x": "y"}) and not s.matches({"app": "api"})
    assert str(s) == "app=web"


def test_generated_label_keys_may_match_but_not_be_absent():
    s = selectors.from_label_selector({"matchLabels": {"statefulset.kubernetes.io/pod-name": "db-0"}})
    wildcard = {"statefulset.kubernetes.io/pod-name"}
    assert s.matches({}, wildcard) and not s.matches({})
    absent = selectors.from_label_selector({"matchExpressions": [{"key": "job-name", "operator": "DoesNotExist"}]})
    assert not absent.matches({}, {"job-name"})


@pytest.mark.parametrize("bad", [
    {"matchLabels": ["app"]},
    {"matchExpressions": [{"key": "k", "operator": "Equals", "values": ["a"]}]},
    {"matchExpressions": [{"key": "k", "operator": "In"}]},
    {"matchExpressions": [{"key": "k", "operator": "Exists", "values": ["a"]}]},
    "app=web",
])
def test_invalid_selectors_are_left_to_the_schema_rules(bad):
    with pytest.raises(selectors.SelectorError):
        selectors.from_label_selector(bad)
