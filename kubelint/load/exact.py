"""The exact YAML reader: libyaml (through ruamel.yaml.clib) plus go-yaml v2 semantics.

libyaml composes the node tree with line and column marks; we construct values
from it the way sigs.k8s.io/yaml does (see scalars.py), record everything
Kubernetes would reject or read differently from other tools (duplicate keys,
tags, NaN, YAML 1.1 scalars) with its position, and keep alias expansion within
go-yaml's own bounds so that an alias bomb costs milliseconds.
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass, field
from typing import Any

import _ruamel_yaml  # ruamel.yaml.clib's libyaml binding, whose node classes compose() swaps
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.error import YAMLError

from kubelint.load import scalars
from kubelint.load.limits import MAX_DEPTH, depth_message
from kubelint.load.parser import (
    COLLECTION,
    FLOW_COLON,
    PLAIN,
    QUOTED,
    YAML_ERRORS,
    KubeParser,
    new_parser,
    retry_text,
)
from kubelint.model import Path, Severity

YAML_TAG_PREFIX = "tag:yaml.org,2002:"
UNSAFE_TAG_PARTS = ("python/", "ruby/", "java", "perl/", "php/", "js/", "jruby/")
# go-yaml v2 decode.go: allowedAliasRatio and the excessive-aliasing check.
_ALIAS_RANGE_LOW, _ALIAS_RANGE_HIGH = 400_000, 4_000_000


def _allowed_alias_ratio(decode_count: int) -> float:
    if decode_count <= _ALIAS_RANGE_LOW:
        return 0.99
    if decode_count >= _ALIAS_RANGE_HIGH:
        return 0.10
    span = _ALIAS_RANGE_HIGH - _ALIAS_RANGE_LOW
    return 0.99 - 0.89 * ((decode_count - _ALIAS_RANGE_LOW) / span)


class ExcessiveAliasing(Exception):
    pass


class TooDeep(Exception):
    pass


class RecursiveAlias(Exception):
    pass


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A problem found while reading YAML, already at its position (1-based, in the file)."""

    rule: str
    message: str
    line: int
    column: int
    path: Path = ()
    hint: str | None = None
    severity: Severity | None = None


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A plain scalar that YAML 1.1 (Kubernetes) and YAML 1.2 read differently."""

    line: int
    column: int
    path: Path
    literal: str
    value: object
    other_reading: str


@dataclass
class ExactResult:
    data: Any
    problems: list[LoadProblem] = field(default_factory=list)
    ambiguous: list[Ambiguous] = field(default_factory=list)
    has_nulls: bool = False


class _Node:
    """A light node: libyaml's composer builds these instead of ruamel.yaml's, whose tag
    objects cost more than the parse itself. Only ever installed while we compose."""

    __slots__ = ("tag", "value", "start_mark", "end_mark", "style")

    def __init__(self, tag, value, start_mark=None, end_mark=None, style=None, comment=None, anchor=None):
        self.tag = tag
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.style = style


class ScalarNode(_Node):
    __slots__ = ()
    kind = "scalar"


class SequenceNode(_Node):
    __slots__ = ()
    kind = "sequence"


class MappingNode(_Node):
    __slots__ = ()
    kind = "mapping"


_LIGHT_NODES = {"ScalarNode": ScalarNode, "SequenceNode": SequenceNode, "MappingNode": MappingNode}


def compose(text: str):
    """Compose the single document in ``text``; returns the root node or None when empty.

    Raises one of ``YAML_ERRORS`` on a syntax error. Callers guard the depth first
    (limits.py): libyaml's C composer recurses once per level.
    """
    module, parser_class = _ruamel_yaml, KubeParser
    saved = {name: getattr(module, name, None) for name in _LIGHT_NODES}
    for name, light in _LIGHT_NODES.items():
        setattr(module, name, light)
    try:
        original = text
        attempt = 0
        redefines_anchors = False
        while True:
            parser = parser_class(text)
            try:
                root = _compose_events(parser) if redefines_anchors else parser.get_single_node()
            except YAMLError as exc:
                if not redefines_anchors and _is_duplicate_anchor(exc):
                    redefines_anchors = True
                    continue
                retry = retry_text(exc, text, attempt)
                if retry is None:
                    raise
                text = retry
                attempt += 1
                continue
            finally:
                parser.dispose()
            if text is not original and root is not None:
                _restore_colons(root)
            return root
    finally:
        for name, original_node in saved.items():
            setattr(module, name, original_node)


def _is_duplicate_anchor(exc: Exception) -> bool:
    return isinstance(exc, ComposerError) and (exc.context or "").startswith("found duplicate anchor")


def _compose_events(parser):
    """Compose one document from libyaml's events, as the C composer does, except that an
    anchor defined again replaces the earlier one: YAML 1.2 allows it, and go-yaml v2 reads
    it so (decode.go, parser.anchor); libyaml's composer rejects it. Only used for documents
    that redefine an anchor; iterative, so depth costs no stack."""
    get = parser.get_event
    get()  # StreamStartEvent
    if type(get()).__name__ == "StreamEndEvent":
        return None
    anchors: dict[str, Any] = {}
    root = None
    stack: list[list] = []  # [collection node, pending key node]
    while True:
        event = get()
        name = type(event).__name__
        if name == "DocumentEndEvent":
            break
        if name in ("MappingEndEvent", "SequenceEndEvent"):
            stack.pop()[0].end_mark = event.end_mark
            continue
        if name == "AliasEvent":
            node = anchors.get(event.anchor)
            if node is None:
                raise ComposerError(None, None, "found undefined alias", event.start_mark)
        else:
            tag = event.tag
            if name == "ScalarEvent":
                if tag is None or tag == "!":
                    tag = PLAIN if event.implicit[0] else QUOTED
                node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
            else:
                if tag is None or tag == "!":
                    tag = COLLECTION
                kind = MappingNode if name == "MappingStartEvent" else SequenceNode
                node = kind(tag, [], event.start_mark, None, event.flow_style)
            if event.anchor is not None:
                anchors[event.anchor] = node
        if not stack:
            root = node
        else:
            top = stack[-1]
            parent = top[0]
            if type(parent) is SequenceNode:
                parent.value.append(node)
            elif top[1] is None:
                top[1] = node
            else:
                parent.value.append((top[1], node))
                top[1] = None
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            stack.append([node, None])
    event = get()
    if type(event).__name__ != "StreamEndEvent":
        raise ComposerError("expected a single document in the stream", root.start_mark if root else None,
                            "but found another document", event.start_mark)
    return root


def syntax_error(text: str) -> Exception | None:
    """libyaml's verdict on a YAML stream, parsed to events in C without building anything
    (a quarter of a second for 6 MB): None when it is well-formed, else libyaml's error."""
    try:
        parser = new_parser(text)
    except YAML_ERRORS as exc:  # text that cannot be encoded (lone surrogates)
        return exc
    try:
        parser.raw_parse()
    except YAML_ERRORS as exc:
        return exc
    finally:
        parser.dispose()
    return None


def _restore_colons(root) -> None:
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        kind = node_kind(node)
        if kind == "scalar":
            if FLOW_COLON in node.value:
                node.value = node.value.replace(FLOW_COLON, ":")
        elif kind == "sequence":
            stack.extend(node.value)
        else:
            for key, value in node.value:
                stack.append(key)
                stack.append(value)


def node_kind(node) -> str:
    kind = getattr(node, "kind", None)
    if kind is None:  # a ruamel.yaml node (should the light nodes not be used)
        kind = {"ScalarNode": "scalar", "MappingNode": "mapping", "SequenceNode": "sequence"}[type(node).__name__]
    return kind


def tag_of(node) -> str:
    tag = node.tag
    return tag if isinstance(tag, str) or tag is None else str(tag)


def is_merge_key(node) -> bool:
    return node_kind(node) == "scalar" and node.value == "<<" and node.tag == PLAIN


def scalar_key(node) -> str | None:
    """The JSON key a scalar mapping key becomes (None when it cannot be one)."""
    if node.tag == PLAIN:
        return scalars.json_key(scalars.resolve_plain(node.value))
    return node.value


class _Builder:
    def __init__(self, line_offset: int):
        self.line_offset = line_offset
        self.result = ExactResult(None)
        self.decode_count = 0
        self.alias_count = 0
        self.alias_depth = 0
        self.constructed: set[int] = set()
        self.open: set[int] = set()  # collections being built: an alias to one is recursive

    def position(self, node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1 + self.line_offset, mark.column + 1

    def problem(self, node, rule: str, message: str, path: Path, hint: str | None = None,
                severity: Severity | None = None) -> None:
        line, column = self.position(node)
        self.result.problems.append(LoadProblem(rule, message, line, column, path, hint, severity))

    def build(self, node, path: Path, depth: int = 0) -> Any:
        self.decode_count += 1
        key = id(node)
        is_alias = key in self.constructed
        if is_alias:
            self.alias_depth += 1
        if self.alias_depth > 0:
            self.alias_count += 1
        if (self.alias_count > 100 and self.decode_count > 1000
                and self.alias_count / self.decode_count > _allowed_alias_ratio(self.decode_count)):
            raise ExcessiveAliasing(node)
        self.constructed.add(key)
        kind = node_kind(node)
        if kind == "scalar":
            if is_alias:
                self.alias_depth -= 1
            return self.scalar(node, path, report=not is_alias)
        if depth >= MAX_DEPTH:  # the root is depth 0: this collection is one level too many
            raise TooDeep(node)
        if key in self.open:  # go-yaml v2 decode.go: "anchor '%s' value contains itself"
            raise RecursiveAlias(node)
        self.open.add(key)
        try:
            self.check_collection_tag(node, path, report=not is_alias)
            if kind == "sequence":
                return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
            return self.mapping(node, path, depth, report=not is_alias)
        finally:
            self.open.discard(key)
            if is_alias:
                self.alias_depth -= 1

    def check_collection_tag(self, node, path: Path, report: bool) -> None:
        tag = node.tag
        if tag in (COLLECTION, YAML_TAG_PREFIX + "map", YAML_TAG_PREFIX + "seq", YAML_TAG_PREFIX + "omap"):
            return
        if report:
            self.report_tag(node, tag, path)

    def report_tag(self, node, tag: str, path: Path) -> None:
        shown = "!!" + tag[len(YAML_TAG_PREFIX):] if tag.startswith(YAML_TAG_PREFIX) else tag
        if tag.startswith(YAML_TAG_PREFIX) and any(p in tag for p in UNSAFE_TAG_PARTS):
            self.problem(node, "yaml-unsafe-tag",
                         f"unsafe tag {shown}: YAML loaders of that language construct objects from it; "
                         "Kubernetes ignores the tag and reads the value as plain data",
                         path, hint="remove the tag")
        else:
            self.problem(node, "yaml-tag",
                         f"tag {shown} is ignored by Kubernetes, which reads the value as plain data; "
                         "other tools reject unknown tags",
                         path, hint="remove the tag")

    def scalar(self, node, path: Path, report: bool) -> Any:
        tag = node.tag
        text = node.value
        if tag == PLAIN:
            value = scalars.resolve_plain(text)
            if report:
                other = scalars.yaml12_reading(text, value)
                if other is not None:
                    line, column = self.position(node)
                    self.result.ambiguous.append(Ambiguous(line, column, path, text, value, other))
        elif tag == QUOTED or tag == "!":
            value = text
        elif tag.startswith(YAML_TAG_PREFIX) and tag[len(YAML_TAG_PREFIX):] in _EXPLICIT:
            value = self.explicit(node, tag[len(YAML_TAG_PREFIX):], text, path)
        else:
            if report:
                self.report_tag(node, tag, path)
            value = text
        if value is None:
            self.result.has_nulls = True
        elif isinstance(value, float) and not math.isfinite(value):
            self.problem(node, "yaml-not-json",
                         f"{text} is not a JSON number: Kubernetes converts YAML to JSON and rejects it",
                         path, hint='quote it if you meant the string, e.g. "' + text + '"')
            value = None
        return value

    def explicit(self, node, short: str, text: str, path: Path) -> Any:
        """A scalar with a standard tag, as go-yaml v2 resolve(tag, in) handles it."""
        if short == "str":
            return text
        if short == "binary":
            try:
                return base64.b64decode("".join(text.split()), validate=True).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                self.problem(node, "yaml-syntax", "!!binary value contains invalid base64 data", path)
                return text
        if short == "timestamp":
            return text
        value = scalars.resolve_plain(text)
        wanted = {"int": int, "float": float, "bool": bool, "null": type(None)}[short]
        if short == "float" and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, wanted) and not (wanted is int and isinstance(value, bool)):
            return value
        self.problem(node, "yaml-syntax",
                     f"cannot decode {scalars.describe(value)} as a !!{short}", path,
                     hint=f"remove the !!{short} tag or fix the value")
        return value

    def mapping(self, node, path: Path, depth: int, report: bool) -> dict:
        out: dict[str, Any] = {}
        explicit_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if is_merge_key(key_node):
                self.merge(value_node, out, path, depth)
                continue
            key = self.key(key_node, path, report)
            if key is None:
                continue
            if key in explicit_lines and report:
                line, _ = self.position(key_node)
                self.problem(key_node, "yaml-duplicate-key",
                             f'duplicate key "{key}": first defined on line {explicit_lines[key]}; '
                             "Kubernetes' strict decoding rejects the document",
                             path + (key,), hint="remove one of the two keys")
            explicit_lines.setdefault(key, self.position(key_node)[0])
            out[key] = self.build(value_node, path + (key,), depth + 1)
        return out

    def key(self, node, path: Path, report: bool) -> str | None:
        if node_kind(node) != "scalar":
            if report:
                self.problem(node, "yaml-not-json",
                             f"a {node_kind(node)} cannot be a map key: Kubernetes converts YAML to JSON, "
                             "whose keys are strings", path)
            return None
        if node.tag == PLAIN:
            value = scalars.resolve_plain(node.value)
            key = scalars.json_key(value)
            if key is None:
                if report:
                    self.problem(node, "yaml-not-json",
                                 f"{scalars.describe(value)} cannot be a map key in JSON", path,
                                 hint='quote the key, e.g. "' + node.value + '"')
                return None
            if value is not None and not isinstance(value, str) and key != node.value and report:
                self.problem(node, "yaml-ambiguous-scalar",
                             f'key {node.value} is read as {scalars.describe(value)} and becomes the key "{key}"',
                             path, hint=f'quote the key: "{node.value}"')
            return key
        if node.tag not in (QUOTED, "!") and report:
            self.report_tag(node, node.tag, path)
        return node.value

    def merge(self, node, out: dict, path: Path, depth: int) -> None:
        """go-yaml v2 merge(): a mapping, or a sequence of mappings taken last to first."""
        kind = node_kind(node)
        if kind == "mapping":
            out.update(self.build(node, path, depth + 1))
            return
        if kind == "sequence" and all(node_kind(item) == "mapping" for item in node.value):
            for item in reversed(node.value):
                out.update(self.build(item, path, depth + 1))
            return
        self.problem(node, "yaml-syntax", "map merge requires a map or a sequence of maps as the value", path)


_EXPLICIT = {"str", "int", "float", "bool", "null", "binary", "timestamp"}


def parse_exact(text: str, line_offset: int = 0) -> ExactResult:
    """Parse one YAML document the way Kubernetes does. Raises ruamel's YAMLError on syntax errors."""
    root = compose(text)
    builder = _Builder(line_offset)
    if root is None:
        return builder.result
    try:
        builder.result.data = builder.build(root, ())
    except ExcessiveAliasing as exc:
        node = exc.args[0]
        line, column = builder.position(node)
        builder.result = ExactResult(None, [LoadProblem(
            "yaml-alias-limit",
            f"document contains excessive aliasing: expanding its aliases would create over "
            f"{builder.decode_count:,} values (an alias bomb?); Kubernetes rejects it",
            line, column, hint="expand the aliases by hand or reduce their nesting")])
    except TooDeep as exc:
        line, column = builder.position(exc.args[0])
        message, hint = depth_message(beyond_kubernetes=False)
        builder.result = ExactResult(None, [LoadProblem("yaml-depth-limit", message, line, column, hint=hint)])
    except RecursiveAlias as exc:
        line, column = builder.position(exc.args[0])
        builder.result = ExactResult(None, [LoadProblem(
            "yaml-syntax", "an alias refers to the collection that contains it (a recursive anchor): the "
            "value would be infinite; Kubernetes rejects the document", line, column,
            hint="anchor a value that does not contain the alias")])
    return builder.result
