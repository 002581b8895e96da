"""Property-based fuzzing with Hypothesis: whatever the input, kubelint finishes with exit code
0 or 1 and well-formed findings, never an internal error.

Inputs: random YAML trees written in several styles (block, flow, JSON, unquoted plain
scalars), real Kubernetes objects with random subtrees swapped in (wrong types), raw bytes,
and mutations of real documents (deleted, duplicated and swapped lines, shifted and tabbed
indentation, truncation, hostile fragments): the bundled examples always, and the manifests
of ../shared/corpus when it is present.

CI runs a fixed, modest number of examples per test (``KUBELINT_FUZZ_EXAMPLES``, default 60),
derandomized under CI=true so that a red build is reproducible. The long run varies the seed:
``make fuzz`` or ``scripts/fuzz.sh [EXAMPLES]`` (5,000 per test by default).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, EXAMPLES, field_paths, needs_shared, put
from kubelint import check
from kubelint.cli.main import EXIT_FINDINGS, EXIT_OK, main
from kubelint.load.reader import read_documents
from kubelint.load.sources import decode
from kubelint.findings.printable import printable
from kubelint.report import FORMATS
from kubelint.rules.registry import load_rules

EXAMPLES_PER_TEST = int(os.environ.get("KUBELINT_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES_PER_TEST, deadline=None, derandomize=os.environ.get("CI") == "true",
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RULES = load_rules()
_WORKDIR = tempfile.TemporaryDirectory(prefix="kubelint-fuzz-")


# --- the property ---------------------------------------------------------------------------


def assert_well_formed(findings) -> None:
    for finding in findings:
        assert finding.rule in RULES, finding
        assert finding.message and printable(finding.message) == finding.message, finding
        assert finding.line is None or finding.line >= 1, finding
        assert finding.column is None or finding.column >= 1, finding
        if finding.rule == "yaml-syntax":
            assert finding.line is not None, finding


def lint_bytes(raw: bytes, output_format: str = "json"):
    """In-process check of a file, then the command line on it: exit code 0 or 1 only."""
    path = Path(_WORKDIR.name) / "input.yaml"
    path.write_bytes(raw)
    result = check([str(path)])
    assert_well_formed(result.findings)
    report = Path(_WORKDIR.name) / "report.out"
    code = main(["check", str(path), "--format", output_format, "--output", str(report), "--fail-on", "info"])
    assert code in (EXIT_OK, EXIT_FINDINGS), f"exit code {code} on {raw[:300]!r}"
    assert code == (EXIT_FINDINGS if result.findings else EXIT_OK)
    return result


# --- random YAML trees ----------------------------------------------------------------------

TRICKY = ["yes", "No", "ON", "off", "y", "n", "~", "null", "Null", "", "0755", "08", "0x1F", "0o17", "0b101",
          "1_000", "1e3", "1e400", ".inf", "-.Inf", ".nan", "1:20", "190:20:30", "2001-12-14", "=", "<<", "-", "?",
          ":", "#", "&a", "*a", "!", "!!python/object", "%YAML", "---", "...", "- x", "a: b", "x #y", "[", "{",
          "'", '"', "\\", "\t", "\x00", "\x1b[31m", "\u2028", "\ufeff", "é", "日本", "🙂", "9" * 30, "-" * 40,
          "a" * 300, "http://example.com:8080/x", "nginx:1.27", "500m", "1Gi"]

scalar_text = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(), scalar_text)
trees = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(scalar_text, children, max_size=4)), max_leaves=25)

PLAIN_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-")


def emit_plain(value, indent: int = 2, level: int = 0) -> str:
    """Block YAML with scalars unquoted where YAML allows it: Kubernetes' resolution applies."""
    pad = " " * (indent * level)
    if isinstance(value, dict) and value:
        lines = []
        for key, item in value.items():
            rendered_key = _plain_scalar(key)
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{rendered_key}:\n{emit_plain(item, indent, level + 1)}")
            else:
                lines.append(f"{pad}{rendered_key}: {_plain_scalar(item)}\n")
        return "".join(lines)
    if isinstance(value, list) and value:
        lines = []
        for item in value:
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}-\n{emit_plain(item, indent, level + 1)}")
            else:
                lines.append(f"{pad}- {_plain_scalar(item)}\n")
        return "".join(lines)
    return pad + _plain_scalar(value) + "\n"


def _plain_scalar(value) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, str):
        return value if value and set(value) <= PLAIN_SAFE else json.dumps(value)
    if isinstance(value, float) and value != value:
        return ".nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    return json.dumps(value)


def emit(tree, style: str) -> str:
    if style == "json":
        return json.dumps(tree, ensure_ascii=False)
    if style == "plain":
        return emit_plain(tree)
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = style == "flow"
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    return buffer.getvalue()


STYLES = st.sampled_from(["block", "flow", "json", "plain"])


@FUZZ
@given(tree=trees, style=STYLES)
def test_random_yaml_trees(tree, style):
    lint_bytes(emit(tree, style).encode("utf-8"))


def as_kubernetes_reads_json(value):
    """Integers beyond int64 become float64 (apimachinery's JSON decoding)."""
    if isinstance(value, dict):
        return {key: as_kubernetes_reads_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_kubernetes_reads_json(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return float(value)
    return value


json_trees = st.one_of(st.lists(trees, max_size=4), st.dictionaries(scalar_text, trees, max_size=4))


@FUZZ
@given(tree=json_trees)
def test_json_is_read_exactly(tree):
    # A JSON file: whatever the tree, kubelint's data is the tree as Kubernetes decodes it.
    try:
        text = json.dumps(tree, allow_nan=False)
    except ValueError:
        assume(False)  # NaN and infinities are not JSON
    parsed, _ = read_documents(decode("t.json", text.encode())[0])
    assert [p.problems for p in parsed] == [[]]
    assert [p.document.data for p in parsed] == [as_kubernetes_reads_json(tree)]


def _example_documents() -> list[dict]:
    docs = []
    for path in sorted((EXAMPLES / "app").glob("*.yaml")):
        for parsed in read_documents(decode(str(path), path.read_bytes())[0])[0]:
            if isinstance(parsed.document.data, dict):
                docs.append(parsed.document.data)
    return docs


EXAMPLE_DOCUMENTS = _example_documents()


@st.composite
def resources_with_wrong_types(draw):
    """A real object from examples/app with random values swapped in at random places."""
    document = json.loads(json.dumps(draw(st.sampled_from(EXAMPLE_DOCUMENTS))))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in field_paths(document) if p]
        put(document, draw(st.sampled_from(paths)), draw(trees))
    return document


@FUZZ
@given(document=resources_with_wrong_types(), style=STYLES,
       output_format=st.sampled_from(sorted(FORMATS)))
def test_real_objects_with_wrong_types(document, style, output_format):
    lint_bytes(emit(document, style).encode("utf-8"), output_format)


@FUZZ
@given(raw=st.binary(max_size=2000))
def test_raw_bytes(raw):
    lint_bytes(raw)


# --- mutations of real documents --------------------------------------------------------------

FRAGMENTS = ["\t", "\x00", "\x1b[2J", "\r", "\ufeff", "\udcff", "&a ", "*a", "*undefined", "<<: *a", "!!python/object ",
             "!custom ", "? ", "- ", ": ", "#", "'", '"', "|", ">-", "{", "}", "[", "]", ",", "---\n", "...\n",
             "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "yes", "0755", "1e400", "9" * 5000, "[" * 300, "- " * 300,
             "\u202e", "é"]

mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10_000)),
    st.tuples(st.just("duplicate"), st.integers(0, 10_000)),
    st.tuples(st.just("swap"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("indent"), st.integers(0, 10_000), st.sampled_from([" ", "  ", "\t", "-1", "-2"])),
    st.tuples(st.just("retype"), st.integers(0, 10_000), st.sampled_from(["yes", "[1, 2]", "{a: b}", "0755", "~", "",
                                                                           '"3"', "3", "-1", "1e400", "&x", "*x"])),
    st.tuples(st.just("insert"), st.integers(0, 10**7), st.sampled_from(FRAGMENTS)),
    st.tuples(st.just("truncate"), st.integers(0, 10**7)),
)


def mutate(text: str, mutations) -> str:
    for item in mutations:
        lines = text.split("\n")
        kind = item[0]
        at = item[1] % max(len(lines), 1)
        if kind == "delete" and lines:
            del lines[at]
        elif kind == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif kind == "swap" and lines:
            other = item[2] % len(lines)
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "indent" and lines:
            shift = item[2]
            lines[at] = lines[at][int(shift[1:]):] if shift.startswith("-") else shift + lines[at]
        elif kind == "retype" and lines and ": " in lines[at]:
            key, _, _ = lines[at].partition(": ")
            lines[at] = f"{key}: {item[2]}"
        elif kind == "insert":
            offset = item[1] % (len(text) + 1)
            text = text[:offset] + item[2] + text[offset:]
            continue
        elif kind == "truncate":
            text = text[: item[1] % (len(text) + 1)]
            continue
        text = "\n".join(lines)
    return text


def _manifests(root: Path, limit: int = 64 * 1024) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file()
                  and p.stat().st_size <= limit)


def _mutated(paths):
    @st.composite
    def build(draw):
        path = draw(st.sampled_from(paths))
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        return mutate(text, draw(st.lists(mutation, min_size=1, max_size=6)))
    return build()


@FUZZ
@given(text=_mutated(_manifests(EXAMPLES)), output_format=st.sampled_from(sorted(FORMATS)))
def test_mutated_examples(text, output_format):
    lint_bytes(text.encode("utf-8", "surrogateescape"), output_format)


CORPUS_FILES = _manifests(CORPUS)


@needs_shared(CORPUS)
@FUZZ
@given(data=st.data())
def test_mutated_corpus_documents(data):
    text = data.draw(_mutated(CORPUS_FILES)) if CORPUS_FILES else ""
    lint_bytes(text.encode("utf-8", "surrogateescape"))


def test_mutation_operators_change_the_text():
    text = "a: 1\nb:\n  c: 2\n"
    assert mutate(text, [("delete", 0)]) == "b:\n  c: 2\n"
    assert mutate(text, [("indent", 1, "\t")]) == "a: 1\n\tb:\n  c: 2\n"
    assert mutate(text, [("retype", 2, "[1, 2]")]) == "a: 1\nb:\n  c: [1, 2]\n"
    assert mutate(text, [("truncate", 6)]) == "a: 1\nb"
    assert mutate(text, [("swap", 0, 1)]) == "b:\na: 1\n  c: 2\n"


@pytest.mark.parametrize("style", ["block", "flow", "json", "plain"])
def test_emitters_write_yaml_kubelint_reads_back(style):
    tree = {"a": [1, "x", {"b": None}], "c": "word: with colon", "d": [], "e": 1.5}
    parsed, _ = read_documents(decode("t.yaml", emit(tree, style).encode())[0])
    assert parsed[0].document.data == tree
    # the "plain" emitter leaves YAML 1.1 words unquoted on purpose: Kubernetes reads a boolean
    yes = read_documents(decode("t.yaml", emit({"c": "yes"}, style).encode())[0])[0][0].document.data
    assert yes == ({"c": True} if style in ("plain", "block", "flow") else {"c": "yes"})
