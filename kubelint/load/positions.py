"""Map a path inside a document (``("spec", "containers", 0, "image")``) to its line and column.

Built from libyaml's node tree, only for documents that have findings: a clean
document never pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubelint.load.exact import compose, is_merge_key, node_kind, scalar_key
from kubelint.model import Path


@dataclass
class PositionIndex:
    root: object | None
    line_offset: int

    @classmethod
    def build(cls, text: str, line_offset: int) -> "PositionIndex":
        try:
            root = compose(text)
        except Exception:  # the fast reader accepted what libyaml rejects: no positions
            root = None
        return cls(root, line_offset)

    def locate(self, path: Path, at_key: bool = False) -> tuple[int, int] | None:
        """1-based (line, column) of the value at ``path`` (or of its key), or of the
        deepest existing ancestor when the path does not exist (a missing field)."""
        if self.root is None:
            return None
        node = self.root
        key_node = None
        for segment in path:
            found = self._child(node, segment)
            if found is None:
                break
            key_node, node = found
        else:
            if at_key and key_node is not None:
                return self._mark(key_node)
            return self._mark(node)
        # A missing child: point at the parent's key, where the field should go.
        return self._mark(key_node if key_node is not None else node)

    def _mark(self, node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1 + self.line_offset, mark.column + 1

    def _child(self, node, segment):
        kind = node_kind(node)
        if isinstance(segment, int):
            if kind == "sequence" and 0 <= segment < len(node.value):
                return None, node.value[segment]
            return None
        if kind != "mapping":
            return None
        match = None
        merges = []
        for key_node, value_node in node.value:
            if is_merge_key(key_node):
                merges.append(value_node)
            elif node_kind(key_node) == "scalar" and scalar_key(key_node) == segment:
                match = (key_node, value_node)  # the last duplicate wins, as in the data
        if match is not None:
            return match
        for merged in reversed(merges):
            sources = merged.value if node_kind(merged) == "sequence" else [merged]
            for source in sources:
                if node_kind(source) == "mapping":
                    found = self._child(source, segment)
                    if found is not None:
                        return found
        return None
