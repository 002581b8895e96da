"""Regression tests for the crashes, hangs and misreadings that hostile input revealed.

Each test names the input that used to break kubelint and what it did. The heavy versions
of these inputs (100 MB files, 20,000 files) are measured by bench/hostile.py, not here.
"""

from __future__ import annotations

import json
import os
import stat

import pytest

from conftest import by_rule, documents, lint
from kubelint import check
from kubelint.load import exact, fast
from kubelint.load.exact import parse_exact
from kubelint.load.limits import KUBERNETES_MAX_DEPTH, MAX_DEPTH
from kubelint.load.reader import split_documents
from kubelint.load.scalars import resolve_plain
from kubelint.load.sources import decode, discover, read_source
from kubelint.model import Severity
from kubelint.findings.printable import printable

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n"


def nested_flow(depth: int, open_: str = "[", close: str = "]") -> str:
    return open_ * depth + close * depth


# --- nesting depth (limits.py) ----------------------------------------------------------------


def test_fast_reader_declines_past_rapidyaml_emitters_64_levels():
    # rapidyaml's JSON emitter stops at 64 levels ("[visit] max depth exceeded") and used to
    # crash kubelint on any document nested deeper, e.g. a deep CRD or custom resource.
    value = {"x": None}
    inner = value
    for _ in range(80):
        inner["x"] = {"x": None}
        inner = inner["x"]
    inner["x"] = "leaf"
    text = "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: deep\nspec: " + json.dumps(value) + "\n"
    assert not fast.needs_exact(text)
    with pytest.raises(fast.FastReaderDeclined):
        fast.parse_fast(text)
    parsed = documents(text)
    assert parsed[0].problems == []
    assert parsed[0].document.data["spec"] == value


@pytest.mark.parametrize("depth,reported", [(MAX_DEPTH - 2, False), (MAX_DEPTH + 5, True)])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_documents_deeper_than_the_limit_get_a_finding_at_their_line(depth, reported, style):
    if style == "flow":
        body = "  a: " + nested_flow(depth - 2) + "\n"
    else:
        body = "".join(" " * (2 + i) + "a:\n" for i in range(depth - 2)) + " " * depth + "b: 1\n"
    findings = lint(CONFIGMAP + body)
    deep = by_rule(findings, "yaml-depth-limit")
    if not reported:
        assert deep == [] and by_rule(findings, "schema-type")  # read and validated
        return
    # the 201st collection: in the flow value on line 6, or the block mapping on line 4 + 201
    assert [(f.severity, f.line) for f in deep] == [(Severity.ERROR, 6 if style == "flow" else 5 + MAX_DEPTH)]
    assert "more than 200 levels" in deep[0].message and "Kubernetes accepts" in deep[0].message
    assert by_rule(findings, "schema-type") == []  # not checked further


@pytest.mark.parametrize("name,text", [
    ("flow sequences", nested_flow(KUBERNETES_MAX_DEPTH)),
    ("flow mappings", "{a: " * KUBERNETES_MAX_DEPTH + "1" + "}" * KUBERNETES_MAX_DEPTH),
    ("compact block sequences", "- " * KUBERNETES_MAX_DEPTH + "x\n"),
    ("a JSON file", '{"a": ' * KUBERNETES_MAX_DEPTH + "1" + "}" * KUBERNETES_MAX_DEPTH),
])
def test_ten_thousand_levels_are_reported_not_crashed_on(name, text):
    # 10,000 levels used to raise RecursionError (JSON), ryml.ExceptionVisit (fast reader) or
    # jsonschema-rs' "Recursion limit reached" (schema validation): exit code 3.
    findings = lint(text)
    assert [(f.rule, f.line) for f in findings] == [("yaml-depth-limit", 1)], name
    assert "Kubernetes accepts" in findings[0].message  # 10,000 is go-yaml's own limit, inclusive


def test_a_million_levels_are_measured_without_recursion_and_kubernetes_rejects_them():
    # libyaml's C composer overflowed the C stack (a segmentation fault) around 30,000 levels,
    # and libyaml's scanner is quadratic in flow depth: 100,000 levels took 84 s.
    text = CONFIGMAP + "  a: " + nested_flow(1_000_000) + "\n"
    findings = lint(text)
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-depth-limit", 6, 5 + MAX_DEPTH - 1)]
    assert "Kubernetes' YAML reader rejects it" in findings[0].message


def test_a_deep_document_does_not_stop_the_next_one():
    text = nested_flow(5_000) + "\n---\n" + CONFIGMAP + "  count: 1\n"
    findings = [f for f in lint(text) if f.rule in ("yaml-depth-limit", "schema-type")]
    assert [(f.rule, f.line) for f in findings] == [("yaml-depth-limit", 1), ("schema-type", 8)]


def test_deep_json_beyond_pythons_recursion_limit_is_reported():
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "data": ' + '{"a": ' * 5000 + "1" + "}" * 5001
    assert [f.rule for f in lint(text)] == ["yaml-depth-limit"]


# --- anchors and aliases -------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n", "a: &a\n  b: [1, *a]\n"])
def test_an_alias_inside_its_own_anchor_is_a_finding(text):
    # go-yaml v2 decode.go: "anchor '%s' value contains itself". kubelint used to recurse until
    # Python's RecursionError and report it as "YAML syntax error: maximum recursion depth".
    findings = lint(text)
    assert [(f.rule, f.line, f.column) for f in findings] == [("yaml-syntax", 1, 4)]
    assert "recursive anchor" in findings[0].message


def test_a_redefined_anchor_replaces_the_earlier_one_as_in_go_yaml():
    # YAML 1.2 allows it; go-yaml v2 (decode.go, parser.anchor) overwrites the anchor, libyaml's
    # composer rejects it ("found duplicate anchor"): kubelint reported a false syntax error.
    text = CONFIGMAP + "  a: &v one\n  b: *v\n  c: &v two\n  d: *v\n  e: {u: http://x, v: *v}\n"
    parsed = documents(text)
    assert parsed[0].problems == []
    assert parsed[0].document.data["data"] == {"a": "one", "b": "one", "c": "two", "d": "two",
                                              "e": {"u": "http://x", "v": "two"}}
    assert [f.line for f in by_rule(lint(text), "schema-type")] == [10]  # data.e is not a string: checked


# --- colons in flow scalars --------------------------------------------------------------------


def test_many_colons_in_flow_scalars_cost_one_extra_parse_not_one_each(monkeypatch):
    # Each "x:y" in a flow collection made libyaml fail and kubelint parse again: 2,000 of them
    # took 67 s. Now all are swapped after the first failure.
    parses = []

    class Counting(exact.KubeParser):
        def __init__(self, text):
            parses.append(1)
            super().__init__(text)

    monkeypatch.setattr(exact, "KubeParser", Counting)
    pairs = ", ".join(f"k{i}: http://host-{i}:80/p" for i in range(2000))
    result = parse_exact("a: {" + pairs + "}\n")
    assert result.problems == []
    assert result.data["a"]["k1999"] == "http://host-1999:80/p"
    assert len(parses) == 2


@pytest.mark.parametrize("text,data", [
    ('a: {"k":v, b: x:y}\n', {"a": {"k": "v", "b": "x:y"}}),  # a JSON-like key keeps its colon
    ("a: [!!str x:y, z:w]\n", {"a": ["x:y", "z:w"]}),
    ("a: [!<tag:yaml.org,2002:str> 1:2, 3:4]\n", {"a": ["1:2", "3:4"]}),  # a verbatim tag keeps its colons
    ("%TAG !e! tag:example.com,2000:\n---\na: [x:y]\n", {"a": ["x:y"]}),
    ("a: {b:}\n", {"a": {"b:": None}}),  # go-yaml: ':' before a flow indicator is content
])
def test_flow_colons_are_read_as_go_yaml_reads_them(text, data):
    result = parse_exact(text)
    assert result.data == data
    assert [p.rule for p in result.problems if p.rule == "yaml-syntax"] == []


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["9" * 5000, "0x" + "f" * 20_000, "0" + "7" * 20_000, "-" + "9" * 400,
                                     "0b" + "1" * 70, "1_" * 3000 + "1"])
def test_numbers_beyond_64_bits_stay_strings_as_in_go_yaml(literal):
    # go-yaml v2 resolve.go: ParseInt, ParseUint and ParseFloat all fail, so the scalar is a
    # string. Python's int() refuses more than 4,300 digits, which crashed kubelint (exit 3)
    # or became "YAML syntax error: Exceeds the limit (4300 digits)".
    assert resolve_plain(literal) == literal
    findings = [f for f in lint(CONFIGMAP + f"  big: {literal}\n") if f.rule.startswith(("yaml", "schema"))]
    assert findings == [] or [f.rule for f in findings] == ["yaml-ambiguous-scalar"]


def test_largest_64_bit_numbers_still_resolve():
    assert resolve_plain("18446744073709551615") == 2**64 - 1
    assert resolve_plain("-9223372036854775808") == -(2**63)
    assert resolve_plain("0xffffffffffffffff") == 2**64 - 1
    assert resolve_plain("18446744073709551616") == 1.8446744073709552e19  # ParseFloat, as go-yaml


def test_huge_json_number_is_a_finding():
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": ' + "9" * 5000 + "}}"
    findings = by_rule(lint(text), "yaml-syntax")
    assert [f.line for f in findings] == [1]
    assert "out of range" in findings[0].message and "9" * 40 not in findings[0].message


def test_huge_number_with_an_explicit_tag_cannot_be_decoded():
    findings = [f for f in lint(CONFIGMAP + "  count: !!int " + "9" * 5000 + "\n") if f.rule.startswith("yaml")]
    assert [(f.rule, f.line) for f in findings] == [("yaml-syntax", 6)]
    assert "cannot decode" in findings[0].message


def test_null_key_goes_to_the_exact_reader():
    # Found by tests/load/test_fast_reader.py's random scalars: rapidyaml read "null:" as the string
    # key "null"; Kubernetes cannot turn a null key into JSON.
    assert fast.needs_exact("null: true\n")
    assert [(f.rule, f.line) for f in by_rule(lint("null: true\n"), "yaml-not-json")] == [("yaml-not-json", 1)]


@pytest.mark.parametrize("literal,value", [("-_0", 0), ("-_1_0", -10), ("+_5", 5)])
def test_signed_numbers_with_underscores_go_to_the_exact_reader(literal, value):
    # Found by tests/load/test_fast_reader.py's random scalars: "-_0" is 0 for go-yaml (underscores
    # are dropped before ParseInt), but the fast reader's scan let it through as a string.
    text = f"k: [{literal}, x]\n"
    assert fast.needs_exact(text)
    assert documents(text)[0].document.data == {"k": [value, "x"]}


# --- document splitting ---------------------------------------------------------------------


def test_a_directive_after_a_document_starts_the_next_one():
    # libyaml and go-yaml end a document implicitly at a "%" directive at column 0; kubelint
    # kept the directive in the previous document and reported a false syntax error.
    text = CONFIGMAP + "  a: b\n%YAML 1.1\n---\n" + CONFIGMAP + "  c: d\n"
    assert [c.start_line for c in split_documents(text)] == [0, 6]
    assert by_rule(lint(text), "yaml-syntax") == [] and len(check(text=text).resources) == 2


def test_a_percent_line_inside_a_quoted_scalar_is_content():
    text = CONFIGMAP + '  a: "one\n%two"\n---\n' + CONFIGMAP + "  c: d\n"
    parsed = documents(text)
    assert parsed[0].document.data["data"] == {"a": "one %two"}
    assert by_rule(lint(text), "yaml-syntax") == []


# --- files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding,name", [("utf-16-le", "UTF-16-LE"), ("utf-16-be", "UTF-16-BE"),
                                           ("utf-32-le", "UTF-32-LE"), ("utf-32-be", "UTF-32-BE")])
def test_utf16_and_utf32_without_a_byte_order_mark_are_named(encoding, name):
    source, problems = decode("x.yaml", (CONFIGMAP + "  a: b\n").encode(encoding))
    assert [(p.rule, p.line) for p in problems] == [("yaml-encoding", 1)]
    assert name in problems[0].message and source.text == ""


def test_a_named_pipe_in_a_folder_does_not_hang(tmp_path):
    # open() on a FIFO blocks until a writer comes: one stray pipe hung the whole run.
    (tmp_path / "ok.yaml").write_text(CONFIGMAP + "  a: b\n")
    os.mkfifo(tmp_path / "pipe.yaml")
    result = check([str(tmp_path)])
    assert by_rule(result.findings, "file-unreadable") == [] and result.files == 2


def test_a_device_is_not_read(tmp_path):
    source, problems = read_source("/dev/zero" if stat.S_ISCHR(os.stat("/dev/zero").st_mode) else "/dev/tty")
    assert source is None and [p.rule for p in problems] == ["file-unreadable"]
    assert "not a regular file" in problems[0].message


def test_a_file_larger_than_the_limit_is_not_read(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as handle:
        handle.truncate(3 * 1024 * 1024)  # sparse: costs no disk
    read = []
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: read.append(1))
    source, problems = read_source(str(path), max_bytes=1024 * 1024)
    assert source is None and [p.rule for p in problems] == ["file-too-large"]
    assert read == []  # decided from the file's size, not by reading 1 MiB of it


def test_an_unreadable_file_is_a_finding_and_the_others_are_checked(tmp_path, monkeypatch):
    # chmod 000 cannot stop root (CI runs as root here), so the refusal is simulated at open().
    (tmp_path / "a-locked.yaml").write_text(CONFIGMAP + "  a: b\n")
    (tmp_path / "b-ok.yaml").write_text(CONFIGMAP + "  count: 1\n")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("a-locked.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    findings = check([str(tmp_path)]).findings
    assert [(f.rule, os.path.basename(f.file), f.line) for f in findings
            if f.rule in ("file-unreadable", "schema-type")] == [("file-unreadable", "a-locked.yaml", None),
                                                                  ("schema-type", "b-ok.yaml", 6)]
    assert "Permission denied" in findings[0].message


def test_symbolic_link_loops_are_reported_not_followed(tmp_path):
    (tmp_path / "ok.yaml").write_text(CONFIGMAP + "  a: b\n")
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)  # a folder loop
    files = discover([str(tmp_path)])
    assert sorted(os.path.basename(f) for f in files) == ["a.yaml", "b.yaml", "ok.yaml"]
    findings = by_rule(check([str(tmp_path)]).findings, "file-unreadable")
    assert [os.path.basename(f.file) for f in findings] == ["a.yaml", "b.yaml"]
    assert "symbolic links" in findings[0].message


# --- what gets printed ----------------------------------------------------------------------


def test_control_characters_from_the_input_are_escaped_in_findings():
    # A quoted key can hold any character: terminal escapes and line breaks went to the report
    # as they were (a forged line in a CI log, a cleared screen, a GitHub workflow command).
    text = CONFIGMAP + '  "\\e[2J\\nerror: forged\\u202e": 1\n'
    findings = by_rule(lint(text), "schema-type")
    assert len(findings) == 1
    message = findings[0].message
    assert "\x1b" not in message and "\n" not in message and "\u202e" not in message
    assert "\\u001b[2J\\nerror: forged\\u202e" in message


def test_undecodable_file_names_are_escaped(tmp_path):
    name = os.fsdecode(b"bad\xff.yaml")
    (tmp_path / name).write_text(CONFIGMAP + "  a: 1\n")
    findings = by_rule(check([str(tmp_path)]).findings, "schema-type")
    assert len(findings) == 1
    assert findings[0].file.endswith("bad\\xff.yaml")
    findings[0].file.encode("utf-8")  # printable in any UTF-8 report


def test_printable_keeps_ordinary_text_and_tabs():
    text = "spec.containers[0].image: café\tnaïve 日本"
    assert printable(text) is text


# --- tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value,rule", [
    ("!!python/object:os.system {a: 1}", "yaml-unsafe-tag"),
    ('!!python/object/apply:os.system ["touch /tmp/kubelint-owned"]', "yaml-unsafe-tag"),
    ("!!python/name:os.system ''", "yaml-unsafe-tag"),
    ("!!python/object/new:subprocess.Popen [[id]]", "yaml-unsafe-tag"),
    ("!<tag:yaml.org,2002:python/object/apply:os.system> [id]", "yaml-unsafe-tag"),
    ("!ruby/object:Gem::Installer {i: x}", "yaml-tag"),
    ("!!java/object:java.net.URL [x]", "yaml-unsafe-tag"),
    ("!vault secret/path", "yaml-tag"),
    ("!Ref MyBucket", "yaml-tag"),
    ("!!set {a, b}", "yaml-tag"),
    ("!local {a: [1, 2]}", "yaml-tag"),
])
def test_unsafe_and_custom_tags_are_findings_and_the_value_stays_plain_data(value, rule):
    findings = lint(CONFIGMAP + f"  value: {value}\n")
    assert (rule, 6) in [(f.rule, f.line) for f in findings], findings
    assert all(f.rule in ("yaml-tag", "yaml-unsafe-tag", "schema-type") for f in findings if f.rule.startswith("yaml"))
    data = documents(CONFIGMAP + f"  value: {value}\n")[0].document.data["data"]["value"]
    assert isinstance(data, (str, list, dict))  # plain data, nothing constructed


def test_a_redefined_tag_handle_does_not_hide_an_unsafe_tag_or_crash():
    text = "%TAG !! tag:yaml.org,2002:python/\n---\n" + CONFIGMAP + "  value: !!object/apply:os.system [id]\n"
    findings = lint(text)
    assert [(f.rule, f.line) for f in findings if f.rule.startswith("yaml")] == [("yaml-unsafe-tag", 8)]
