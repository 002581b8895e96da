"""The loader reads YAML exactly as Kubernetes does (sigs.k8s.io/yaml, go-yaml v2 semantics)."""

from __future__ import annotations

import codecs
import json

import pytest

from conftest import documents
from conftest import lint_core as lint
from kubelint.load.exact import parse_exact
from kubelint.load.reader import split_documents
from kubelint.load.scalars import resolve_plain
from kubelint.load.sources import decode
from kubelint.model import Severity

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  key: value\n"


# --- streams, lists, JSON -------------------------------------------------------------------


def test_multi_document_stream_skips_empty_and_comment_only_documents():
    text = ("# leading comment\n---\n" + CONFIGMAP.format(name="a") + "---\n# only a comment\n---\n---\n"
            + CONFIGMAP.format(name="b") + "...\n")
    parsed = documents(text)
    assert [d.document.data["metadata"]["name"] for d in parsed] == ["a", "b"]
    assert parsed[1].document.start_line == 11  # 0-based line of the "---" opening "b"


def test_document_end_marker_and_directives_split_correctly():
    text = "a: 1\n...\n%YAML 1.1\n---\nb: 2\n"
    chunks = split_documents(text)
    assert [c.start_line for c in chunks] == [0, 2]
    assert [d.document.data for d in documents(text)] == [{"a": 1}, {"b": 2}]


def test_kind_list_is_expanded_and_findings_point_inside_items():
    text = """apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: ok
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: bad
    data:
      count: 3
"""
    findings = lint(text)
    assert [(f.rule, f.line, f.column, f.resource.name) for f in findings] == [("schema-type", 13, 14, "bad")]
    assert findings[0].path == "data.count"


def test_typed_list_from_kubectl_get_fills_in_item_kind():
    text = """apiVersion: v1
kind: NodeList
items:
  - metadata:
      name: node-a
    status:
      capacity: {cpu: "4", memory: 16Gi, pods: "110"}
"""
    from kubelint import check

    result = check(text=text)
    assert [(r.kind, r.name, r.namespace) for r in result.resources] == [("Node", "node-a", None)]
    assert result.findings == []


def test_json_files_and_json_streams():
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"n": 1}}
    text = json.dumps(obj, indent=2) + "\n" + json.dumps(dict(obj, metadata={"name": "b"}))
    findings = lint(text)
    assert [(f.rule, f.line) for f in findings] == [("schema-type", 8), ("schema-type", 11)]


def test_json_duplicate_keys_are_found_by_the_yaml_reader():
    findings = lint('{"apiVersion": "v1", "kind": "ConfigMap",\n "kind": "ConfigMap", "metadata": {"name": "a"}}')
    assert [(f.rule, f.line) for f in findings] == [("yaml-duplicate-key", 2)]


def test_a_json_document_then_yaml_documents_is_one_yaml_stream():
    # kubectl-validate testcases: a .yaml file may start with a JSON document followed by "---"
    # (JSON is YAML); both documents are read and checked, the second at its own lines.
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}}\n---\n'
    text += CONFIGMAP.format(name="b").replace("key: value", "key: 1")
    findings = lint(text)
    assert [(f.rule, f.severity, f.line, f.column) for f in findings] == [("schema-type", Severity.ERROR, 8, 8)]
    assert [d.document.data["metadata"]["name"] for d in documents(text)] == ["a", "b"]


# --- scalars as go-yaml v2 resolves them -----------------------------------------------------


@pytest.mark.parametrize("literal,value", [
    ("yes", True), ("Yes", True), ("YES", True), ("y", True), ("Y", True), ("on", True), ("On", True),
    ("ON", True), ("no", False), ("N", False), ("off", False), ("OFF", False), ("True", True),
    ("FALSE", False), ("yEs", "yEs"), ("~", None), ("Null", None), ("", None),
    ("0755", 493), ("0x1F", 31), ("0o17", 15), ("0b101", 5), ("-0b101", -5), ("1_000", 1000),
    ("+12", 12), ("08", 8.0), ("1e3", 1000.0), (".5", 0.5), ("1.", 1.0),
    ("1:20", "1:20"),  # base 60 is "purposefully unsupported" by go-yaml v2 (resolve.go)
    ("2001-12-14", "2001-12-14"),  # timestamps stay strings when decoded into interface{}
    ("=", "="), ("1.2.3", "1.2.3"), ("99999999999999999999", 1e20),
])
def test_plain_scalars_resolve_like_go_yaml_v2(literal, value):
    assert resolve_plain(literal) == value
    assert type(resolve_plain(literal)) is type(value)


def test_plain_equals_sign_is_a_string_as_kubernetes_reads_it():
    result = parse_exact("matchers:\n  - =\n  - name\n")
    assert result.data == {"matchers": ["=", "name"]}
    assert result.problems == []


def test_yes_in_an_env_value_is_a_type_error_that_says_to_quote_it():
    text = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      env:
        - name: FLAG
          value: yes
"""
    findings = lint(text)
    assert [(f.rule, f.severity, f.line, f.column) for f in findings] == [("schema-type", Severity.ERROR, 11, 18)]
    assert "expected string, got boolean true" in findings[0].message
    assert "YAML 1.1" in findings[0].message
    assert findings[0].hint == 'quote it: "yes"'


def test_ambiguous_scalars_warn_where_yaml_1_1_and_1_2_differ():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    mode: '0644'\n"
            "binaryData: {}\ndata:\n  time: 1:20\n")
    findings = lint(text)
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-ambiguous-scalar", 9, 9)]
    assert "base-60" in findings[0].message


def test_octal_file_mode_is_ambiguous_but_valid():
    text = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  volumes:
    - name: scripts
      configMap:
        name: scripts
        defaultMode: 0755
"""
    findings = lint(text, ignore=["volume-mount", "configmap-ref"])  # an unmounted volume of an absent ConfigMap
    assert [(f.rule, f.severity, f.line) for f in findings] == [("yaml-ambiguous-scalar", Severity.WARNING, 13)]
    assert "decimal number 755" in findings[0].message


def test_boolean_keys_become_strings_with_a_warning():
    findings = lint("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  on: x\n")
    assert [(f.rule, f.line) for f in findings] == [("yaml-ambiguous-scalar", 6)]
    assert 'becomes the key "true"' in findings[0].message


# --- duplicate keys, syntax errors ---------------------------------------------------------


def test_duplicate_keys_name_both_lines():
    findings = lint(CONFIGMAP.format(name="a") + "  key: again\n")
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-duplicate-key", 7, 3)]
    assert "first defined on line 6" in findings[0].message


def test_syntax_error_keeps_checking_the_other_documents():
    text = CONFIGMAP.format(name="a") + "---\n" + "a: b: c\n" + "---\n" + CONFIGMAP.format(name="Bad_Name")
    findings = lint(text)
    assert [(f.rule, f.line) for f in findings] == [("yaml-syntax", 8), ("name-invalid", 13)]
    assert findings[0].column == 5


def test_tab_indentation_has_its_own_message():
    findings = lint("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n")
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-syntax", 4, 1)]
    assert "tab character" in findings[0].message
    assert findings[0].hint == "replace the tab with spaces"


def test_control_characters_are_reported():
    findings = lint("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\x07\n")
    assert [f.rule for f in findings] == ["yaml-syntax"]
    assert findings[0].line == 4


# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", codecs.BOM_UTF8), ("utf-8", b""), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE),
])
def test_unicode_encodings_with_byte_order_marks(encoding, bom):
    source, problems = decode("x.yaml", bom + CONFIGMAP.format(name="é").encode(encoding))
    assert problems == []
    assert documents(source.text)[0].document.data["metadata"]["name"] == "é"


def test_invalid_utf8_is_reported_and_clean_documents_still_checked(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(CONFIGMAP.format(name="Bad_Name").encode() + b"---\n" + "data: café\n".encode("latin-1"))
    from kubelint import check

    findings = check([str(path)]).findings
    assert [(f.rule, f.line, f.column) for f in findings] == [("name-invalid", 4, 9), ("yaml-encoding", 8, 10)]
    assert "0xe9" in findings[1].message


# --- documents that are not objects ----------------------------------------------------------


@pytest.mark.parametrize("text,message", [
    ("- a\n- b\n", "an array"),
    ("just text\n", 'a string "just text"'),
    ("kind: ConfigMap\nmetadata: {name: x}\n", 'missing "apiVersion"'),
    ("apiVersion: v1\nmetadata: {name: x}\n", 'missing "kind"'),
    ("apiVersion: 1\nkind: ConfigMap\n", "apiVersion must be a string"),
])
def test_non_objects_and_missing_apiversion_or_kind(text, message):
    findings = lint(text)
    assert [f.rule for f in findings] == ["manifest-invalid"]
    assert message in findings[0].message
    assert findings[0].line == 1


# --- anchors, aliases, tags ------------------------------------------------------------------


def test_anchors_aliases_and_merge_keys():
    text = """apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  labels: &labels
    app: web
  annotations:
    <<: *labels
    extra: "1"
data:
  a: &v hello
  b: *v
"""
    parsed = documents(text)[0]
    assert parsed.document.data["metadata"]["annotations"] == {"app": "web", "extra": "1"}
    assert parsed.document.data["data"] == {"a": "hello", "b": "hello"}
    assert lint(text) == []


def test_alias_bomb_is_stopped_quickly_with_a_finding():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        prev, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    import time

    started = time.perf_counter()
    findings = lint("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 5
    assert [f.rule for f in findings] == ["yaml-alias-limit"]


def test_unsafe_tags_are_never_constructed():
    text = CONFIGMAP.format(name="a") + "  run: !!python/name:os.system ''\n"
    findings = lint(text)
    assert [(f.rule, f.line) for f in findings] == [("yaml-unsafe-tag", 7)]


def test_custom_tags_are_a_warning_not_a_crash():
    text = CONFIGMAP.format(name="a") + "  secret: !vault path/to/secret\n"
    findings = lint(text)
    assert [(f.rule, f.severity) for f in findings] == [("yaml-tag", Severity.WARNING)]


def test_explicit_standard_tags_resolve_like_go_yaml():
    result = parse_exact('a: !!str 3\nb: !!int "7"\nc: !!float 2\nd: !!binary aGVsbG8=\n')
    assert result.data == {"a": "3", "b": 7, "c": 2.0, "d": "hello"}


def test_nan_and_infinity_are_rejected_like_json():
    findings = lint(CONFIGMAP.format(name="a") + "  ratio: .nan\n")
    assert [(f.rule, f.line) for f in findings] == [("yaml-not-json", 7)]


def test_null_means_unset():
    text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: null\n  selector: ~\n"
    findings = lint(text)
    assert [(f.rule, f.line) for f in findings] == [("schema-required", 5), ("schema-required", 5)]
    assert sorted(f.message.split('"')[1] for f in findings) == ["selector", "template"]


def test_null_key_is_not_json_on_every_reader():
    # go-yaml reads `null:` as a nil key, which sigs.k8s.io/yaml cannot turn into JSON.
    findings = lint(CONFIGMAP.format(name="a") + "  null: x\n")
    assert [(f.rule, f.line) for f in findings] == [("yaml-not-json", 7)]
