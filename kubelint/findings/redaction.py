"""Which values must never be printed, and masking them.

``sensitive_values`` lists every text the engine masks in messages, hints and source lines
(``engine._Redactor``). It looks at the places ``sensitive_places`` names (Secret ``data``
and ``stringData``, env values, annotation values of an object and its pod template) and at
ConfigMap values that look like secrets (``secretlike.sensitive_configmap_values``), and
lists for each value what a finding could show of it:

* the string itself, each of its lines, and for Secret ``data`` its base64-decoded text;
* strings nested in lists or mappings at those places (``stringData: {a: [s3cr3t]}``);
* values YAML reads as numbers: the number (``expected string, got integer 1953876``), its source
  literal (``07350124``, in the source line and the hint ``quote it: "07350124"``) and the other
  reading a message may quote (YAML 1.2's decimal ``7350124``).

Names, namespaces, kinds and labels of the objects are never masked, even where a secret value
equals one of them (``public_names``): they are public, and a message that names them stays readable.

Secret values are masked from 4 characters on; env and annotation values (mostly not secret,
and short words appear in field paths) from 8; a number's derived forms are masked whenever
its literal is.

Documents that could not be read at all (a syntax error, invalid bytes) have no values to
list: kubelint cannot tell which are secret, so the source lines of their findings show keys
and indentation only (``mask_values``).
"""

from __future__ import annotations

import base64
import json
import re
from bisect import bisect_right
from typing import Any, Collection, Iterable, Iterator

from kubelint.findings.secretlike import sensitive_configmap_values
from kubelint.k8s import objects as k8s
from kubelint.load.exact import node_kind
from kubelint.load.parser import FLOW_COLON
from kubelint.model import Path, Resource

NOT_SECRET = frozenset({"true", "false", "null", "none", "yes", "no"})
MIN_SECRET, MIN_OTHER = 4, 8
_TOKEN = re.compile(r"[^\s,\]}#]+")
_LEADING_ZEROS = re.compile(r"[-+]?0[0-9_]+\Z")


def sensitive_places(resource: Resource) -> Iterator[tuple[Path, Any, int]]:
    """(path, value, shortest length to mask) of each value of ``resource`` that may be secret."""
    data = resource.data
    if resource.kind == "Secret" and resource.group == "":
        for field in ("data", "stringData"):
            entries = data.get(field)
            if isinstance(entries, dict):
                for key, value in entries.items():
                    yield (field, key), value, MIN_SECRET
            elif entries is not None:  # a scalar or a list where the mapping belongs: all of it is secret
                yield (field,), entries, MIN_SECRET
    annotation_paths = [("metadata", "annotations")]
    found = k8s.pod_spec(resource)
    if found is not None:
        annotation_paths.append(found[0][:-1] + ("metadata", "annotations"))
    for path in annotation_paths:
        annotations = k8s.get(data, path)
        if isinstance(annotations, dict):
            for key, value in annotations.items():
                if not str(key).startswith("kubelint.io/"):  # kubelint's own (rule ids, reasons) are not secret
                    yield path + (key,), value, MIN_OTHER
    if found is not None:
        path, spec = found
        for container_path, container in k8s.containers(spec, path):
            env = container.get("env")
            if isinstance(env, list):
                for index, item in enumerate(env):
                    if isinstance(item, dict) and "value" in item:
                        yield container_path + ("env", index, "value"), item["value"], MIN_OTHER


def sensitive_values(resources: Iterable[Resource], raw_files: Collection[str] | None = None) -> set[str]:
    """Every text that would reveal a sensitive value of ``resources``.

    The documents of ``raw_files`` (all when None) are also read as written (``_raw_sensitive_scalars``):
    the files whose lines a report shows."""
    values: set[str] = set()
    literals = _Literals()

    def add_text(text: str, minimum: int) -> bool:
        added = False
        for part in [text, *text.splitlines()]:
            part = part.strip()
            if len(part) >= minimum and part.lower() not in NOT_SECRET:
                values.add(part)
                added = True
        return added

    def add(resource: Resource, path: Path, value: Any, minimum: int) -> None:
        stack = [(path, value)]
        while stack:
            where, item = stack.pop()
            if isinstance(item, str):
                add_text(item, minimum)
            elif isinstance(item, bool) or item is None:
                continue
            elif isinstance(item, (int, float)):
                literal = literals.at(resource, where)
                forms = [str(item)] + ([f"{item:g}"] if isinstance(item, float) else [])
                if literal and _LEADING_ZEROS.match(literal):  # YAML 1.2's decimal reading of 0755
                    forms.append(literal.lstrip("+-").replace("_", "").lstrip("0"))
                if (add_text(literal, minimum) if literal else add_text(str(item), minimum)):
                    for form in forms:
                        add_text(form, MIN_SECRET)
            elif isinstance(item, dict):
                for key in item:  # a key inside a value is part of the value (`value: {s3cr3t: 1}`)
                    add_text(str(key), minimum)
                stack.extend((where + (key,), child) for key, child in item.items())
            elif isinstance(item, list):
                stack.extend((where + (index,), child) for index, child in enumerate(item))

    def add_base64(value: str) -> None:
        try:
            add_text(base64.b64decode(value, validate=False).decode("utf-8"), MIN_SECRET)
        except ValueError:  # not base64, or not UTF-8 text
            pass

    resources = list(resources)
    for resource in resources:
        for path, value, minimum in sensitive_places(resource):
            add(resource, path, value, minimum)
            if resource.kind == "Secret" and path[0] == "data" and isinstance(value, str):
                add_base64(value)
        for copy in _last_applied(resource):  # kubectl's copy of the object: its values, maybe older ones
            for path, value, minimum in sensitive_places(copy):
                add(copy, path, value, minimum)
                if copy.kind == "Secret" and path[0] == "data" and isinstance(value, str):
                    add_base64(value)
        for value in sensitive_configmap_values(resource):
            add_text(value, MIN_SECRET)
        if raw_files is None or resource.document.source.name in raw_files:
            for text, minimum, is_data in _raw_sensitive_scalars(resource):
                if add_text(text, minimum) and is_data:
                    add_base64(text)
    return values - public_names(resources)


LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _last_applied(resource: Resource) -> list[Resource]:
    """The object as ``kubectl apply`` last wrote it into its annotation (JSON), as a Resource of its own
    kind, so that the values it copies (a Secret's data, env values, older ones too) are masked."""
    annotations = k8s.get(resource.data, ("metadata", "annotations"))
    text = annotations.get(LAST_APPLIED) if isinstance(annotations, dict) else None
    if not isinstance(text, str) or "{" not in text:
        return []
    try:
        copy = json.loads(text)
    except ValueError:
        return []
    if not isinstance(copy, dict):
        return []
    api_version, kind = copy.get("apiVersion"), copy.get("kind")
    return [Resource(resource.document, resource.path, copy, api_version if isinstance(api_version, str) else "",
                     kind if isinstance(kind, str) else "", None, None)]


def _raw_sensitive_scalars(resource: Resource) -> Iterator[tuple[str, int, bool]]:
    """(text, shortest length to mask, is Secret data) of every scalar at a sensitive place of the
    document as written: the raw parse, where a duplicate key's overwritten value still is
    (`stringData: {p: FIRST, p: SECOND}`: the data holds SECOND only, the source line both)."""
    try:
        root = getattr(resource.document.positions(), "root", None)
    except Exception:  # no positions, no raw parse: the data's values are listed already
        return
    node = _raw_at(root, resource.path)
    if node is None or node_kind(node) != "mapping":
        return
    if resource.kind == "Secret" and resource.group == "":
        for key, value in node.value:
            if node_kind(key) == "scalar" and key.value in ("data", "stringData"):
                is_data = key.value == "data"
                if node_kind(value) == "mapping":
                    for _, entry in value.value:  # the keys are names (`password`), the values secret
                        for text in _scalars(entry):
                            yield text, MIN_SECRET, is_data
                else:
                    for text in _scalars(value):
                        yield text, MIN_SECRET, is_data
    for env in _env_lists(node):
        for item in env.value:
            if node_kind(item) == "mapping":
                for key, value in item.value:
                    if node_kind(key) == "scalar" and key.value == "value":
                        for text in _scalars(value):
                            yield text, MIN_OTHER, False


def _raw_at(node: Any, path: Path) -> Any:
    for segment in path:
        if node is None:
            return None
        kind = node_kind(node)
        if isinstance(segment, int):
            node = node.value[segment] if kind == "sequence" and 0 <= segment < len(node.value) else None
        elif kind == "mapping":
            node = next((value for key, value in reversed(node.value)
                         if node_kind(key) == "scalar" and key.value == segment), None)
        else:
            return None
    return node


def _scalars(node: Any) -> Iterator[str]:
    """Every scalar of a node, keys included."""
    stack = [node]
    while stack:
        item = stack.pop()
        kind = node_kind(item)
        if kind == "scalar":
            if isinstance(item.value, str):
                yield item.value.replace(FLOW_COLON, ":")
        elif kind == "mapping":
            for key, value in item.value:
                stack.extend((key, value))
        elif kind == "sequence":
            stack.extend(item.value)


def _env_lists(root: Any) -> Iterator[Any]:
    """Every sequence under a key ``env`` (containers of any pod template, custom workloads too)."""
    stack = [root]
    while stack:
        item = stack.pop()
        kind = node_kind(item)
        if kind == "mapping":
            for key, value in item.value:
                if node_kind(key) == "scalar" and key.value == "env" and node_kind(value) == "sequence":
                    yield value
                stack.append(value)
        elif kind == "sequence":
            stack.extend(item.value)


def public_names(resources: Iterable[Resource]) -> set[str]:
    """Names, namespaces, kinds and labels of the objects: the API server shows them to anyone who can
    list the objects, and messages name them. A secret value that happens to be one of them (a
    Secret's username ``shop`` in the namespace ``shop``) is masked where it sits (the source lines
    of its Secret), never in the name of something else."""
    names: set[str] = set()
    for resource in resources:
        for text in (resource.name, resource.namespace, resource.kind):
            if isinstance(text, str):
                names.add(text)
        labels = k8s.get(resource.data, ("metadata", "labels"))
        if isinstance(labels, dict):
            names.update(str(key) for key in labels)
            names.update(value for value in labels.values() if isinstance(value, str))
    return names


class _Literals:
    """The source text of a scalar, found through the document's positions (only for values
    YAML read as numbers, whose documents have findings and so positions anyway)."""

    def __init__(self) -> None:
        self.lines: dict[int, list[str]] = {}

    def at(self, resource: Resource, path: Path) -> str | None:
        document = resource.document
        try:
            position = document.positions().locate(resource.path + path)
        except Exception:  # positions are a nicety here; the value itself is already listed
            return None
        if position is None:
            return None
        if id(document) not in self.lines:
            self.lines[id(document)] = document.text.split("\n")
        lines = self.lines[id(document)]
        index = position[0] - 1 - document.start_line
        if not 0 <= index < len(lines):
            return None
        match = _TOKEN.match(lines[index], position[1] - 1)
        return match.group() if match else None


_KEY_PREFIX = re.compile(r"""[ \t]*(?:[-?][ \t]+)*(?:(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'#:{}\[\],][^#:]*?)[ \t]*:(?=[ \t]|$))?""")


def mask_values(line: str) -> str:
    """A source line with everything after its indentation, indicators and key masked,
    keeping its length so that a column marker still points at the right place."""
    keep = _KEY_PREFIX.match(line).end()
    return line[:keep] + re.sub(r"\S", "*", line[keep:])


class UnreadableLines:
    """Line ranges of documents that could not be read, per file."""

    def __init__(self) -> None:
        self.ranges: dict[str, list[tuple[int, int]]] = {}

    def add(self, file: str, first: int, last: int) -> None:
        self.ranges.setdefault(file, []).append((first, last))

    def __contains__(self, where: tuple[str, int | None]) -> bool:
        file, line = where
        ranges = self.ranges.get(file)
        if not ranges or line is None:
            return False
        ranges.sort()
        index = bisect_right(ranges, (line, float("inf"))) - 1
        return index >= 0 and ranges[index][0] <= line <= ranges[index][1]
