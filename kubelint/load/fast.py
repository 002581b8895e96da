"""The fast YAML reader: rapidyaml (C++) emits JSON, which Python's C json module loads.

rapidyaml resolves plain scalars the YAML 1.2 way and knows no anchors, tags or
duplicate keys, so it is used only for documents where that cannot matter: a
conservative scan of the text (``needs_exact``) sends every document with a
scalar that go-yaml v2 might read differently (``yes``, ``0755``, ``1_000``,
``1:20``, ``~`` ...), an anchor, alias, tag, tab, directive, complex key or
control character to the exact reader instead. Duplicate keys are caught while
loading the JSON. ``tests/load/test_fast_reader.py`` checks that both readers agree.
"""

from __future__ import annotations

import bisect
import json
import os
import re
import sys
from typing import Any

_RYML: Any = False  # the rapidyaml module once imported (None: not installed), imported on first use


def _ryml():
    """rapidyaml, imported only when a stream is large enough for the fast reader to pay off."""
    global _RYML
    if _RYML is False:
        # Start-up: about 20 ms, for streams too small to gain from the fast reader.
        try:  # rapidyaml is optional: without it every document takes the exact path
            import ryml as module
        except ImportError:  # pragma: no cover - depends on the platform's wheels
            module = None
        _RYML = module
    return _RYML


def available() -> bool:
    return _ryml() is not None

# A token starts after a line break, a space or a flow indicator. The lookahead on its
# first character keeps the scan cheap: most spaces are indentation.
_BEFORE = r"[ \[{,\n](?=[&*!%@`?~<.+0-9yYnNoOTF]|-[0-9._])"
_AFTER = r"(?=[ \t\r]*(?:$|#|:(?:\s|$)|[,\]}]))"  # end of line, comment, key colon, flow
_CANONICAL_VALUE = r"-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]+)?(?:[eE][-+]?[0-9]{1,2})?[ \t\r]*(?:$|#|[,\]}])"
_WORDS = (r"y|Y|yes|Yes|YES|n|N|no|No|NO|True|TRUE|False|FALSE|on|On|ON|off|Off|OFF|~|Null|NULL|<<"
          r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
# What go-yaml v2 may read as a number: base prefixes, digits with underscores, at most one
# dot (so versions like 1.15.1 and addresses like 10.0.0.1 stay on the fast path), an exponent.
_NUMERIC = (r"[-+]?(?:0[xXoObB][0-9a-fA-F_]*|(?=[0-9._])[0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9_]+)?)"
            r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_SPECIAL_CHARACTERS = re.compile(r"[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe\uffff\ud800-\udfff]")
_SPECIAL_TOKEN = re.compile(
    _BEFORE + r"(?:[&*!%@`?]"  # anchors, aliases, tags, reserved indicators, complex keys
    + r"|(?:" + _WORDS + r")" + _AFTER
    + r"|null(?=[ \t\r]*:(?:\s|$))"  # a null key: go-yaml cannot turn it into a JSON key
    + r"|(?!" + _CANONICAL_VALUE + r")(?:" + _NUMERIC + r")" + _AFTER + ")",
    re.MULTILINE,
)


class FastReaderDeclined(Exception):
    """The fast reader cannot read this document faithfully; use the exact one."""


_BLOCK_INDICATOR = re.compile(r"(?:^|[ \t])[|>][-+0-9]*[ \t]*(?:#.*)?$")
_KEY_COLUMN = re.compile(r"[ \t]*(?:-[ \t]+)*")


def needs_exact(text: str) -> bool:
    """Whether one document may hold anything the fast reader would read unlike Kubernetes."""
    return chunks_needing_exact(text, [0])[0]


def chunks_needing_exact(text: str, offsets: list[int]) -> list[bool]:
    """For each document of a stream (given by its start offset), whether it needs the exact reader.

    The scans run once over the whole stream, in C; only documents with a suspicious token
    are looked at line by line, to forgive tokens inside block scalars and comments.
    """
    count = len(offsets)
    if count == 0 or not available():
        return [True] * count
    flagged = [False] * count

    def chunk_of(position: int) -> int:
        return bisect.bisect_right(offsets, position) - 1

    position = 0
    while True:  # one hit flags a whole document: jump to the next one (binary junk has millions)
        match = _SPECIAL_CHARACTERS.search(text, position)
        if match is None:
            break
        index = chunk_of(match.start())
        flagged[index] = True
        position = offsets[index + 1] if index + 1 < count else len(text)
    if text.startswith("%"):
        flagged[0] = True
    position = text.find("\n%")
    while position >= 0:
        flagged[chunk_of(position + 1)] = True
        position = text.find("\n%", position + 1)
    if not text.endswith("\n") and ("|" in text[offsets[-1]:] or ">" in text[offsets[-1]:]):
        flagged[-1] = True  # a block scalar ending a file without a final newline: ryml adds one
    suspects: dict[int, list[int]] = {}
    for match in _SPECIAL_TOKEN.finditer("\n" + text):
        index = chunk_of(match.start())  # match.start() in the prefixed text = token start - 1
        if not flagged[index]:
            suspects.setdefault(index, []).append(match.start())
    for index, positions in suspects.items():
        start = offsets[index]
        end = offsets[index + 1] if index + 1 < count else len(text)
        literal, line_starts = _literal_lines(text[start:end])
        for position in positions:
            line = bisect.bisect_right(line_starts, position - start) - 1
            if line not in literal:
                flagged[index] = True
                break
    return flagged


def _literal_lines(text: str) -> tuple[set[int], list[int]]:
    """Line numbers of whole-line comments and of block scalar bodies (| and >)."""
    literal: set[int] = set()
    starts = [0]
    lines = text.split("\n")
    position = 0
    for line in lines[:-1]:
        position += len(line) + 1
        starts.append(position)
    block_column = None  # while inside a block scalar: the column its key starts at
    for number, line in enumerate(lines):
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if block_column is not None:
            if not stripped or indent > block_column:
                literal.add(number)
                continue
            block_column = None
        if stripped.startswith("#"):
            literal.add(number)
            continue
        if _BLOCK_INDICATOR.search(line):
            column = _KEY_COLUMN.match(line).end()
            # "- |": the item's content only has to be indented past the dash.
            block_column = line.rindex("-", 0, column) if line[column:column + 1] in "|>" and "-" in line[:column] else column
    return literal, starts


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise FastReaderDeclined("duplicate key")
    return out


def _no_constants(name: str) -> Any:
    raise FastReaderDeclined(f"{name} is not JSON")


class _QuietStderr:
    """rapidyaml prints its parse errors to file descriptor 2 before raising; the exact
    reader reports them properly, so they are silenced at the descriptor level. Re-entrant:
    a reader of many documents silences once around all of them (``quiet_stderr``)."""

    def __init__(self) -> None:
        self.null = self.saved = None
        self.depth = 0

    def __enter__(self):
        self.depth += 1
        if self.depth > 1:
            return self
        try:
            if self.null is None:
                self.null = os.open(os.devnull, os.O_WRONLY)
                self.saved = os.dup(2)
            os.dup2(self.null, 2)
        except OSError:
            self.saved = None
        return self

    def __exit__(self, *exc_info) -> None:
        self.depth -= 1
        if self.depth == 0 and self.saved is not None:
            sys.stderr.flush()
            os.dup2(self.saved, 2)


_QUIET = _QuietStderr()


def quiet_stderr() -> _QuietStderr:
    """Silence file descriptor 2 while many documents are parsed with parse_fast."""
    return _QUIET


def parse_fast(text: str) -> Any:
    """Parse one YAML document; raises FastReaderDeclined when the exact reader must decide."""
    with _QUIET:
        try:
            tree = _ryml().parse_in_arena(text.encode("utf-8"))
        except Exception as exc:  # ryml raises its own exception types on syntax errors
            raise FastReaderDeclined(str(exc)) from None
        node = tree.root_id()
        if tree.is_stream(node):
            if tree.num_children(node) != 1:
                raise FastReaderDeclined("not one document")
            node = tree.first_child(node)
        try:
            emitted = _RYML.emit_json_malloc(tree, node)
        except Exception as exc:  # e.g. ryml's emitter stops at 64 levels of nesting ("max depth exceeded")
            raise FastReaderDeclined(str(exc)) from None
    if emitted is None:
        return None
    try:
        return json.loads(emitted, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except ValueError as exc:
        raise FastReaderDeclined(str(exc)) from None
