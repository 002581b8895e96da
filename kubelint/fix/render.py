"""Writing values as YAML text that Kubernetes (go-yaml v2, YAML 1.1) and YAML 1.2 tools read alike.

The fixer writes only small pieces: a scalar in place of another, a key, or the lines of a new entry
in the layout of the file around it (its indentation step and whether its lists are indented under
their key). Every piece is read back by the loader afterwards (kubelint/fix/edits.py), so a value
that would not read back exactly is a bug caught before anything is written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from kubelint.load.scalars import resolve_plain, yaml12_reading

#: strings written without quotes: names, paths and enum values; anything else is double-quoted
_PLAIN_STRING = re.compile(r"[A-Za-z_/][-A-Za-z0-9_./]*\Z")
#: characters a double-quoted scalar must escape beyond quote and backslash: C0 and C1 controls, and
#: the characters YAML 1.1 counts as line breaks or that readers strip (NEL, LS, PS, BOM)
_ESCAPE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


@dataclass(frozen=True)
class Layout:
    """How a document lays out its block collections, detected from the document itself."""

    #: spaces from a key to the keys of the mapping under it
    step: int = 2
    #: spaces from a key to the ``-`` of the list under it (0: the list is not indented, ``key:\n- a``)
    sequence: int = 2
    newline: str = "\n"


def plain_scalar(value: Any) -> str | None:
    """``value`` as a plain scalar that every reader takes for that value, or None if there is none."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = repr(value)
        return text if _reads_as(text, value) else None
    if isinstance(value, str):
        return value if _PLAIN_STRING.match(value) and _reads_as(value, value) else None
    return None


def _reads_as(text: str, value: Any) -> bool:
    resolved = resolve_plain(text)
    return type(resolved) is type(value) and resolved == value and yaml12_reading(text, resolved) is None


def double_quoted(text: str) -> str:
    """A double-quoted scalar holding exactly ``text``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _ESCAPE.sub(_escape, escaped) + '"'


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    return named.get(char) or f"\\u{ord(char):04x}"


def single_quoted(text: str) -> str | None:
    """A single-quoted scalar holding ``text``, or None when it needs escapes (single quotes have none)."""
    if _ESCAPE.search(text) or "\n" in text:
        return None
    return "'" + text.replace("'", "''") + "'"


def scalar(value: Any, style: str | None = None) -> str:
    """A scalar for ``value``; a string keeps the quoting ``style`` of the scalar it replaces
    (``"``, ``'`` or None for plain) where it can."""
    if isinstance(value, str):
        if style == "'":
            quoted = single_quoted(value)
            if quoted is not None:
                return quoted
        if style in ('"', "'"):
            return double_quoted(value)
        plain = plain_scalar(value)
        return plain if plain is not None else double_quoted(value)
    if value is None:
        return "null"
    plain = plain_scalar(value)
    if plain is None:
        raise ValueError(f"no YAML scalar for {value!r}")
    return plain


def key(name: str) -> str:
    return scalar(name)


def flow(value: Any) -> str:
    """``value`` in flow style: ``{name: web, port: {number: 80}}``."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value)


def entry(name: str, value: Any, column: int, layout: Layout) -> list[str]:
    """The lines of ``name: value`` in block style, its key at ``column`` (each line without its newline)."""
    head = " " * column + key(name) + ":"
    if isinstance(value, dict) and value:
        return [head] + block_mapping(value, column + layout.step, layout)
    if isinstance(value, list) and value:
        return [head] + block_sequence(value, column + layout.sequence, layout)
    return [head + " " + flow(value)]


def block_mapping(value: dict[str, Any], column: int, layout: Layout) -> list[str]:
    lines: list[str] = []
    for name, child in value.items():
        lines += entry(name, child, column, layout)
    return lines


def block_sequence(items: list[Any], column: int, layout: Layout) -> list[str]:
    """A block list whose ``-`` are at ``column``; a mapping item starts on the ``-`` line."""
    lines: list[str] = []
    for item in items:
        if isinstance(item, dict) and item:
            inner = block_mapping(item, column + 2, layout)
            lines.append(" " * column + "- " + inner[0][column + 2:])
            lines += inner[1:]
        else:
            lines.append(" " * column + "- " + flow(item))
    return lines


def block_value(value: Any, column: int, layout: Layout) -> list[str]:
    """A mapping or list in block style at ``column``, its first line without the indentation (it
    takes the place of the value it replaces, which may follow a ``- ``)."""
    lines = block_mapping(value, column, layout) if isinstance(value, dict) else block_sequence(value, column, layout)
    return [lines[0][column:]] + lines[1:]
