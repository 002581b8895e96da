"""From a fix's operations to minimal edits of a document's text, and the proof that they do what they say.

The loader's libyaml node tree (kubelint/load/exact.py) gives every scalar, key and collection its
start and end in the document's text. An operation becomes a span edit there: a scalar's span is
replaced, an entry's lines are removed, a new entry's lines are inserted after the line where the
previous one ends, at the mapping's indentation. Nothing else of the text is touched, so comments,
quoting, key order, blank lines and the other documents of the stream stay byte for byte.

Every document edited is then read again by the loader and compared with its data changed by the
operations (``same_value``: as JSON values, so ``true`` is not ``1``): a fix whose text does not read
back as intended is declined (``Declined``), never written. Operations that cannot be a clean span
edit are declined too: a value reached through an alias or a merge key (the edit would change the
other places that share it), a key written twice, a block scalar, an explicit tag.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from kubelint.fix import render
from kubelint.fix.render import Layout
from kubelint.load.exact import compose, is_merge_key, node_kind, parse_exact, scalar_key
from kubelint.load.parser import PLAIN, QUOTED, YAML_ERRORS
from kubelint.model import AsString, Fix, Insert, Operation, Path, Remove, Rename, Replace, same_value


class Declined(Exception):
    """An operation that cannot be a clean span edit of this text (the message says why)."""


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` by ``replacement`` (``start == end``: insert)."""

    start: int
    end: int
    replacement: str

    def overlaps(self, other: Edit) -> bool:
        if self == other:
            return False
        if self.start == self.end or other.start == other.end:  # an insertion conflicts only strictly inside
            point, span = (self, other) if self.start == self.end else (other, self)
            return span.start < point.start < span.end or (point.start == point.end == span.start == span.end)
        return self.start < other.end and other.start < self.end


@dataclass
class Planned:
    """A fix turned into edits of one document, with the data the document must read as afterwards."""

    fix: Fix
    edits: list[Edit]
    #: the operations with AsString resolved to the string written (what the data must become)
    changes: list[Operation] = field(default_factory=list)


class DocumentText:
    """One document of a source: its text, node tree, data and layout."""

    def __init__(self, text: str):
        self.text = text
        try:
            self.root = compose(text)
            self.parsed = parse_exact(text)
        except YAML_ERRORS as exc:
            raise Declined(f"the document cannot be read: {exc}") from None
        if self.parsed.data is None or self.root is None:
            raise Declined("the document has no data")
        self.shared = _shared_nodes(self.root)
        self.layout = _layout(self.root, "\r\n" if "\r\n" in text else "\n")

    # --- planning ---------------------------------------------------------------------------

    def plan(self, fix: Fix) -> Planned:
        """The edits of one fix, checked on their own: the document must read back as the data the
        operations describe."""
        planned = Planned(fix, [])
        insertions: dict[int, list[str]] = {}
        for operation in fix.operations:
            edits, change = self._operation(operation)
            for edit in edits:  # insertions at one place are one edit, in the order of the operations
                if edit.start == edit.end:
                    insertions.setdefault(edit.start, []).append(edit.replacement)
                else:
                    planned.edits.append(edit)
            planned.changes.append(change)
        planned.edits += [Edit(at, at, "".join(texts)) for at, texts in insertions.items()]
        ordered = sorted(planned.edits)
        for first, second in zip(ordered, ordered[1:]):
            if first.overlaps(second):
                raise Declined("two of its edits overlap")
        self.verify([planned])
        return planned

    def verify(self, plans: list[Planned]) -> str:
        """The text with the edits of ``plans`` applied, once it reads back as intended."""
        edits = sorted({edit for plan in plans for edit in plan.edits})
        text = apply(self.text, edits)
        expected = copy.deepcopy(self.parsed.data)
        apply_changes(expected, [change for plan in plans for change in plan.changes])
        try:
            after = parse_exact(text)
        except YAML_ERRORS as exc:
            raise Declined(f"the edited text is not valid YAML ({exc.__class__.__name__})") from None
        if not same_value(after.data, expected):
            raise Declined("the edited text does not read back as intended")
        if Counter(p.rule for p in after.problems) - Counter(p.rule for p in self.parsed.problems):
            raise Declined("the edited text has a YAML problem the original has not")
        if len(after.ambiguous) > len(self.parsed.ambiguous):  # a fix may remove ambiguous scalars, never add one
            raise Declined("the edited text has a value YAML 1.1 and 1.2 read differently")
        return text

    def _operation(self, operation: Operation) -> tuple[list[Edit], Operation]:
        if isinstance(operation, Replace):
            return self._replace(operation), operation
        if isinstance(operation, AsString):
            node = self._find(operation.path)[1]
            if node_kind(node) != "scalar" or node.tag != PLAIN or node.style not in (None, ""):
                raise Declined("only a plain scalar can be quoted")
            return ([Edit(node.start_mark.index, node.end_mark.index, render.double_quoted(node.value))],
                    Replace(operation.path, node.value))
        if isinstance(operation, Rename):
            return self._rename(operation), operation
        if isinstance(operation, Remove):
            return self._remove(operation.path), operation
        return self._insert(operation), operation

    # --- finding nodes ----------------------------------------------------------------------

    def _find(self, path: Path) -> tuple[Any, Any]:
        """(key node or None, value node) at ``path``: only through the document's own nodes."""
        node = self.root
        key_node = None
        self._not_shared(node)
        for segment in path:
            kind = node_kind(node)
            if isinstance(segment, int):
                if kind != "sequence" or not 0 <= segment < len(node.value):
                    raise Declined(f"no list item {segment} here")
                key_node, node = None, node.value[segment]
            else:
                if kind != "mapping":
                    raise Declined(f"no mapping holds {segment!r} here")
                key_node, node = self._pair(node, segment)
            self._not_shared(node)
        return key_node, node

    def _pair(self, mapping: Any, name: str) -> tuple[Any, Any]:
        found = [(k, v) for k, v in mapping.value if not is_merge_key(k) and node_kind(k) == "scalar"
                 and scalar_key(k) == name]
        if len(found) != 1:
            raise Declined(f'"{name}" is ' + ("not written here (a merge key supplies it?)" if not found
                                              else "written twice"))
        return found[0]

    def _not_shared(self, node: Any) -> None:
        if id(node) in self.shared:
            raise Declined("the value is shared through an anchor and aliases")

    # --- operations -------------------------------------------------------------------------

    def _replace(self, operation: Replace) -> list[Edit]:
        node = self._find(operation.path)[1]
        value = operation.value
        kind = node_kind(node)
        if not isinstance(value, (dict, list)):
            if kind != "scalar" or node.style in ("|", ">") or node.tag not in (PLAIN, QUOTED):
                raise Declined("only a plain or quoted scalar is replaced in place")
            style = node.style if node.tag == QUOTED else None
            return [Edit(node.start_mark.index, node.end_mark.index, render.scalar(value, style))]
        if kind == "scalar" or node.style is True:  # a scalar or a flow collection: in flow style
            if kind == "scalar" and (node.style in ("|", ">") or "\n" in self.text[node.start_mark.index:
                                                                                    node.end_mark.index]):
                raise Declined("a multi-line scalar is not replaced by a collection")
            return [Edit(node.start_mark.index, _last_content(self.text, node), render.flow(value))]
        if not value:
            raise Declined("an empty collection does not replace a block")
        lines = render.block_value(value, node.start_mark.column, self.layout)
        newline = self.layout.newline
        return [Edit(node.start_mark.index, self._entry_end(node), newline.join(lines) + newline)]

    def _rename(self, operation: Rename) -> list[Edit]:
        key_node, _ = self._find(operation.path)
        if key_node is None or node_kind(key_node) != "scalar" or key_node.tag not in (PLAIN, QUOTED) \
                or key_node.style in ("|", ">"):
            raise Declined("only a plain or quoted key is renamed")
        parent = self._find(operation.path[:-1])[1]
        if any(node_kind(k) == "scalar" and scalar_key(k) == operation.key for k, _ in parent.value):
            raise Declined(f'"{operation.key}" is there already')
        style = key_node.style if key_node.tag == QUOTED else None
        return [Edit(key_node.start_mark.index, key_node.end_mark.index, render.scalar(operation.key, style))]

    def _remove(self, path: Path) -> list[Edit]:
        if not path:
            raise Declined("a document is not removed")
        parent = self._find(path[:-1])[1]
        segment = path[-1]
        if isinstance(segment, int):
            if node_kind(parent) != "sequence" or not 0 <= segment < len(parent.value):
                raise Declined("no such list item")
            items = [(item, item) for item in parent.value]
            index = segment
        else:
            if node_kind(parent) != "mapping":
                raise Declined("no such entry")
            pair = self._pair(parent, segment)
            items = [(k, v) for k, v in parent.value]
            index = next(i for i, item in enumerate(items) if item[0] is pair[0])
        first, last = items[index]
        self._not_shared(last)
        if parent.style is True:  # a flow collection: the item with the comma before (or after) it
            if index > 0:
                start = _last_content(self.text, items[index - 1][1])
                return [Edit(start, _last_content(self.text, last), "")]
            if len(items) > 1:
                return [Edit(first.start_mark.index, items[1][0].start_mark.index, "")]
            return [Edit(first.start_mark.index, _last_content(self.text, last), "")]
        if isinstance(segment, int):
            start = self._dash_before(first)
        else:
            start = first.start_mark.index
            if self.text[_line_start(self.text, start):start].strip():
                raise Declined("the entry shares its line with a list item's dash")
        line_start = _line_start(self.text, start)
        return [Edit(line_start, self._entry_end(last), "")]

    def _insert(self, operation: Insert) -> list[Edit]:
        node = self._find(operation.path)[1]
        if node_kind(node) != "mapping":
            raise Declined("not a mapping")
        present = [(k, v) for k, v in node.value if node_kind(k) == "scalar" and scalar_key(k) == operation.key]
        if present:  # ``key:`` with no value (null) is written in place; any other value stays
            key_node, value_node = present[-1]
            if len(present) > 1 or not _is_null(value_node) or node.style is True \
                    or self.text[_line_start(self.text, key_node.start_mark.index):key_node.start_mark.index].strip():
                raise Declined(f'"{operation.key}" is there already')
            lines = render.entry(operation.key, operation.value, key_node.start_mark.column, self.layout)
            newline = self.layout.newline
            return [Edit(key_node.start_mark.index, self._entry_end(value_node, key_node),
                         newline.join([lines[0].lstrip(" ")] + lines[1:]) + newline)]
        if node.style is True:  # flow: before the closing brace
            item = f"{render.key(operation.key)}: {render.flow(operation.value)}"
            if not node.value:
                close = self.text.rfind("}", node.start_mark.index, node.end_mark.index)
                return [Edit(close, close, item)]
            end = _last_content(self.text, node.value[-1][1])
            return [Edit(end, end, ", " + item)]
        lines = render.entry(operation.key, operation.value, node.start_mark.column, self.layout)
        newline = self.layout.newline
        keys = {scalar_key(k): (k, v) for k, v in node.value if node_kind(k) == "scalar"}
        after = [keys[name] for name in operation.after if name in keys]
        if not after:
            for name in operation.before:
                if name in keys:
                    start = keys[name][0].start_mark.index
                    line_start = _line_start(self.text, start)
                    if not self.text[line_start:start].strip():
                        return [Edit(line_start, line_start, newline.join(lines) + newline)]
        anchor = max(after, key=lambda pair: pair[0].start_mark.index) if after else node.value[-1]
        position = self._entry_end(anchor[1], anchor[0])
        if position == len(self.text) and not self.text.endswith("\n"):
            return [Edit(position, position, newline + newline.join(lines))]
        return [Edit(position, position, newline.join(lines) + newline)]

    # --- text positions ---------------------------------------------------------------------

    def _entry_end(self, node: Any, key_node: Any = None) -> int:
        """Just after the line break of the line where ``node`` (the value of ``key_node``) ends."""
        end = _last_content(self.text, node)
        if key_node is not None:
            end = max(end, key_node.end_mark.index)
        newline = self.text.find("\n", end)
        return len(self.text) if newline < 0 else newline + 1

    def _dash_before(self, item: Any) -> int:
        """The offset of the ``-`` of a block list item, which must begin its line."""
        position = item.start_mark.index - 1
        while position >= 0 and self.text[position] in " \t\r\n":
            position -= 1
        if position < 0 or self.text[position] != "-":
            raise Declined("no dash before the list item")
        if self.text[_line_start(self.text, position):position].strip():
            raise Declined("the list item shares its line with another collection")
        return int(position)


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (sorted by position)."""
    out = []
    position = 0
    for edit in sorted(edits):
        out.append(text[position:edit.start])
        out.append(edit.replacement)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


def apply_changes(data: Any, changes: list[Operation]) -> None:
    """Change ``data`` as the operations say. Every path names the data as it was before any
    change: each operation's container is found first, then all of them change (list items are
    removed last, from the end, so that the indexes of the others still hold)."""
    targets = [(change, _container(data, change.path[:-1] if not isinstance(change, Insert) else change.path))
               for change in changes]
    removals: list[tuple[list[Any], int]] = []
    for change, container in targets:
        if isinstance(change, Insert):
            container[change.key] = copy.deepcopy(change.value)
            continue
        last = change.path[-1]
        if isinstance(change, Replace):
            container[last] = copy.deepcopy(change.value)
        elif isinstance(change, Rename):
            container[change.key] = container.pop(last)
        elif isinstance(change, Remove):
            if isinstance(last, int):
                removals.append((container, last))
            else:
                del container[last]
    for container, index in sorted(removals, key=lambda item: item[1], reverse=True):
        del container[index]


def _container(data: Any, path: Path) -> Any:
    for segment in path:
        data = data[segment]
    return data


def _is_null(node: Any) -> bool:
    return node_kind(node) == "scalar" and node.tag == PLAIN and node.value in ("", "~", "null", "Null", "NULL")


def _line_start(text: str, position: int) -> int:
    return text.rfind("\n", 0, position) + 1


def _last_content(text: str, node: Any) -> int:
    """The offset just after the last character of ``node``'s content (a block collection's end mark
    lies beyond the comments and blank lines that follow it; a block scalar's beyond its line breaks)."""
    kind = node_kind(node)
    start: int = node.start_mark.index
    end: int = node.end_mark.index
    if kind == "scalar":
        if node.style in ("|", ">"):
            while end > start and text[end - 1] in " \t\r\n":
                end -= 1
        return max(end, start)
    if node.style is True or not node.value:  # a flow collection ends at its bracket
        return end
    if kind == "sequence":
        return _last_content(text, node.value[-1])
    key_node, value_node = node.value[-1]
    key_end: int = key_node.end_mark.index
    return max(key_end, _last_content(text, value_node))


def _walk(root: Any) -> Iterator[Any]:
    """Every node, once per place it appears (an alias's node again at each alias)."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        yield node
        if id(node) in seen:
            continue
        seen.add(id(node))
        kind = node_kind(node)
        if kind == "sequence":
            stack.extend(node.value)
        elif kind == "mapping":
            for key_node, value_node in node.value:
                stack.append(key_node)
                stack.append(value_node)


def _shared_nodes(root: Any) -> set[int]:
    """Nodes that appear in more than one place (an anchor with aliases), and everything below them."""
    counts = Counter(id(node) for node in _walk(root))
    shared = {key for key, count in counts.items() if count > 1}
    if not shared:
        return shared
    out: set[int] = set()
    stack = [node for node in _unique(root) if id(node) in shared]
    while stack:
        node = stack.pop()
        if id(node) in out:
            continue
        out.add(id(node))
        kind = node_kind(node)
        if kind == "sequence":
            stack.extend(node.value)
        elif kind == "mapping":
            for pair in node.value:
                stack.extend(pair)
    return out


def _unique(root: Any) -> list[Any]:
    found: dict[int, Any] = {}
    for node in _walk(root):
        found.setdefault(id(node), node)
    return list(found.values())


def _layout(root: Any, newline: str) -> Layout:
    """The indentation step and list style most used in the document (2 and indented lists when it
    shows neither)."""
    steps: Counter[int] = Counter()
    sequences: Counter[int] = Counter()
    for node in _unique(root):
        if node_kind(node) != "mapping" or node.style is True:
            continue
        for key_node, value_node in node.value:
            kind = node_kind(value_node)
            if kind == "scalar" or value_node.style is True or value_node.start_mark.line == key_node.start_mark.line:
                continue
            offset = value_node.start_mark.column - key_node.start_mark.column
            if kind == "mapping" and offset > 0:
                steps[offset] += 1
            elif kind == "sequence" and offset >= 0:
                sequences[offset] += 1
    step = steps.most_common(1)[0][0] if steps else 2
    sequence = sequences.most_common(1)[0][0] if sequences else step
    return Layout(step, sequence, newline)
