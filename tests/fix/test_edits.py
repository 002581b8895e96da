"""Operations become minimal span edits: everything but the edited span stays byte for byte, the file's
layout is followed, and what cannot be a clean edit (or does not read back as intended) is declined."""

from __future__ import annotations

import pytest

from kubelint.fix.edits import Declined, DocumentText
from kubelint.fix.plan import plan_file
from kubelint.model import AsString, Finding, Fix, Insert, Remove, Rename, Replace, Severity


def fixed(text: str, *operations) -> str:
    document = DocumentText(text)
    return document.verify([document.plan(Fix(tuple(operations), "test"))])


# --- scalars ---------------------------------------------------------------------------------------


def test_a_replaced_scalar_keeps_its_comment_and_the_line_around_it():
    assert fixed('spec:\n  replicas: "3"   # three\n  paused: false\n', Replace(("spec", "replicas"), 3)) == \
        "spec:\n  replicas: 3   # three\n  paused: false\n"


@pytest.mark.parametrize("written, expected", [
    ("always", "Always"), ('"always"', '"Always"'), ("'always'", "'Always'")])
def test_a_replaced_string_keeps_its_quoting(written, expected):
    assert fixed(f"policy: {written}\n", Replace(("policy",), "Always")) == f"policy: {expected}\n"


def test_a_string_that_plain_would_misread_is_double_quoted():
    assert fixed("a: x\n", Replace(("a",), "yes")) == 'a: "yes"\n'
    assert fixed("a: x\n", Replace(("a",), "1:20")) == 'a: "1:20"\n'  # base 60 in YAML 1.1 parsers
    assert fixed("a: x\n", Replace(("a",), 'say "hi"\n')) == 'a: "say \\"hi\\"\\n"\n'


@pytest.mark.parametrize("written, quoted", [
    ("yes", '"yes"'), ("0755", '"0755"'), ("1.10", '"1.10"'), ("on", '"on"'), ("a\"b", '"a\\"b"')])
def test_as_string_quotes_the_scalar_as_written(written, quoted):
    assert fixed(f"env:\n  - name: X\n    value: {written}  # c\n", AsString(("env", 0, "value"))) == \
        f"env:\n  - name: X\n    value: {quoted}  # c\n"


def test_as_string_of_a_plain_scalar_over_two_lines_is_its_folded_value():
    assert fixed("a: 12\n  34\nb: 1\n", AsString(("a",))) == 'a: "12 34"\nb: 1\n'


def test_a_renamed_key_keeps_its_value_and_position():
    text = "spec:\n  contianers:   # typo\n    - name: web\n  volumes: []\n"
    assert fixed(text, Rename(("spec", "contianers"), "containers")) == \
        "spec:\n  containers:   # typo\n    - name: web\n  volumes: []\n"


def test_a_renamed_quoted_key_stays_quoted():
    assert fixed('"Searches": [a]\n', Rename(("Searches",), "searches")) == '"searches": [a]\n'


# --- removing ----------------------------------------------------------------------------------------


ENV = """\
env:
  - name: A   # first
    value: "1"
  # about B
  - name: B
    value: "2"
  - name: C
    value: "3"
other: x
"""


def test_removing_a_block_list_item_takes_its_lines_only():
    assert fixed(ENV, Remove(("env", 0))) == ENV.replace('  - name: A   # first\n    value: "1"\n', "")
    assert fixed(ENV, Remove(("env", 2))) == ENV.replace('  - name: C\n    value: "3"\n', "")


@pytest.mark.parametrize("index, expected", [(0, "[b, c]"), (1, "[a, c]"), (2, "[a, b]")])
def test_removing_a_flow_list_item_takes_its_comma(index, expected):
    assert fixed("x: [a, b, c]  # list\n", Remove(("x", index))) == f"x: {expected}  # list\n"


def test_removing_a_mapping_entry():
    assert fixed("spec:\n  a: 1\n  rollbackTo:\n    revision: 2\n  b: 3\n", Remove(("spec", "rollbackTo"))) == \
        "spec:\n  a: 1\n  b: 3\n"


# --- inserting -----------------------------------------------------------------------------------------


def test_an_entry_is_inserted_after_the_last_line_of_the_mapping():
    text = "spec:\n  containers:\n    - name: web\n      image: nginx   # pinned\n  # the end\nkind: Pod\n"
    assert fixed(text, Insert(("spec", "containers", 0), "securityContext", {"runAsNonRoot": True})) == (
        "spec:\n  containers:\n    - name: web\n      image: nginx   # pinned\n"
        "      securityContext:\n        runAsNonRoot: true\n  # the end\nkind: Pod\n")


def test_an_entry_goes_before_or_after_the_keys_named():
    text = "spec:\n  replicas: 1\n  template: {}\n"
    assert fixed(text, Insert(("spec",), "selector", {"matchLabels": {"app": "web"}}, before=("template",))) == \
        "spec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template: {}\n"
    assert fixed(text, Insert(("spec",), "paused", False, after=("replicas",), before=("template",))) == \
        "spec:\n  replicas: 1\n  paused: false\n  template: {}\n"


def test_inserted_lines_follow_the_files_indentation_and_list_style():
    text = "spec:\n    containers:\n    - name: web\n      image: nginx\n"
    assert fixed(text, Insert(("spec", "containers", 0), "securityContext", {"capabilities": {"drop": ["ALL"]}})) \
        == ("spec:\n    containers:\n    - name: web\n      image: nginx\n"
            "      securityContext:\n          capabilities:\n              drop:\n              - ALL\n")


def test_a_list_of_mappings_is_written_with_its_first_key_on_the_dash_line():
    assert fixed("spec: {}\n", Replace(("spec",), {"a": 1})) == "spec: {a: 1}\n"
    text = "spec:\n  selector:\n    x: 1\n"
    assert fixed(text, Replace(("spec", "selector"), {"matchExpressions": [{"key": "k", "operator": "Exists"}]})) \
        == "spec:\n  selector:\n    matchExpressions:\n      - key: k\n        operator: Exists\n"


def test_inserting_into_flow_mappings():
    assert fixed("labels: {app: web}\n", Insert(("labels",), "tier", "front")) == "labels: {app: web, tier: front}\n"
    assert fixed("labels: {}\n", Insert(("labels",), "tier", "front")) == "labels: {tier: front}\n"


def test_a_key_written_without_a_value_gets_it_in_place():
    text = "c:\n  image: x\n  securityContext:\n  name: y\n"
    assert fixed(text, Insert(("c",), "securityContext", {"runAsNonRoot": True})) == \
        "c:\n  image: x\n  securityContext:\n    runAsNonRoot: true\n  name: y\n"


def test_crlf_files_get_crlf_lines():
    text = "spec:\r\n  a: 1\r\n"
    assert fixed(text, Insert(("spec",), "b", 2)) == "spec:\r\n  a: 1\r\n  b: 2\r\n"


def test_a_file_without_a_final_line_break():
    assert fixed("spec:\n  a: 1", Insert(("spec",), "b", 2)) == "spec:\n  a: 1\n  b: 2"


# --- declined ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, operation, reason", [
    ("base: &b {policy: always}\nother: *b\n", Replace(("base", "policy"), "Always"), "anchor"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", Replace(("other", "x"), 2), "merge key"),
    ("a: 1\na: 2\n", Replace(("a",), 3), "written twice"),
    ("a: |\n  text\n", Replace(("a",), "other"), "plain or quoted"),
    ("a: !!str 3\n", AsString(("a",)), "plain scalar"),
    ("a: 1\n", Insert((), "a", 2), "there already"),
    ("a: {b: 1}\n", Rename(("a", "b"), "b"), "there already"),
])
def test_what_cannot_be_a_clean_edit_is_declined(text, operation, reason):
    with pytest.raises(Declined, match=reason):
        DocumentText(text).plan(Fix((operation,), "test"))


def test_an_edit_that_would_not_read_back_as_intended_is_declined():
    # the last entry is a literal block that keeps its final blank lines: a line inserted after its
    # last line of text would take them from it
    text = "a:\n  s: |+\n    text\n\n  # end\n"
    with pytest.raises(Declined, match="does not read back"):
        DocumentText(text).plan(Fix((Insert(("a",), "b", 1),), "test"))


def test_an_unreadable_document_is_declined():
    with pytest.raises(Declined, match="cannot be read"):
        DocumentText("a: [1\n")


# --- files ---------------------------------------------------------------------------------------------


def finding(document: int, *operations, rule: str = "schema-type") -> Finding:
    return Finding(rule, Severity.ERROR, "m", "f.yaml", fix=Fix(tuple(operations), "test", document))


def test_other_documents_and_separators_stay_byte_for_byte():
    text = "# head\n---\na: '1'\n...\n---  # second\nb: yes\n---\nc: 1\n"
    plan = plan_file(text, [finding(2, AsString(("b",)))])
    assert plan.text == "# head\n---\na: '1'\n...\n---  # second\nb: \"yes\"\n---\nc: 1\n"


def test_overlapping_fixes_are_left_for_the_next_round_and_identical_ones_shared():
    first = finding(0, Replace(("a",), 1))
    overlapping = finding(0, Replace(("a",), 2))
    same = finding(0, Replace(("a",), 1), rule="schema-enum")
    plan = plan_file('a: "x"\n', [first, overlapping, same])
    assert plan.text == "a: 1\n"
    assert plan.applied == {0: [first, same]} and plan.skipped == []


def test_a_fix_that_cannot_be_applied_is_skipped_with_its_reason():
    plan = plan_file("a: &x 1\nb: *x\n", [finding(0, Replace(("a",), 2))])
    assert plan.text == "a: &x 1\nb: *x\n"
    assert [reason for _, reason in plan.skipped] == ["the value is shared through an anchor and aliases"]
