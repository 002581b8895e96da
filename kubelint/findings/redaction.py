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
import re
from bisect import bisect_right
from typing import Any, Iterable, Iterator

from kubelint.findings.secretlike import sensitive_configmap_values
from kubelint.k8s import objects as k8s
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


def sensitive_values(resources: Iterable[Resource]) -> set[str]:
    """Every text that would reveal a sensitive value of ``resources``."""
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
                stack.extend((where + (key,), child) for key, child in item.items())
            elif isinstance(item, list):
                stack.extend((where + (index,), child) for index, child in enumerate(item))

    for resource in resources:
        for path, value, minimum in sensitive_places(resource):
            add(resource, path, value, minimum)
            if resource.kind == "Secret" and path[0] == "data" and isinstance(value, str):
                try:
                    add_text(base64.b64decode(value, validate=False).decode("utf-8"), MIN_SECRET)
                except ValueError:  # not base64, or not UTF-8 text
                    pass
        for value in sensitive_configmap_values(resource):
            add_text(value, MIN_SECRET)
    return values - public_names(resources)


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
