"""From a decoded source to parsed documents, with every YAML problem at its line."""

from __future__ import annotations

import contextlib
import json
import math
import re
from dataclasses import dataclass, field

from kubelint.load import fast
from kubelint.load.exact import Ambiguous, LoadProblem, parse_exact, syntax_error
from kubelint.load.limits import (
    MAX_DEPTH,
    SCAN_ABOVE,
    DepthExceeded,
    data_depth_exceeds,
    depth_bound_exceeds,
    depth_message,
    scan_depth,
)
from kubelint.load.parser import YAML_ERRORS
from kubelint.load.positions import PositionIndex
from kubelint.load.scalars import INT64_MAX, INT64_MIN
from kubelint.model import Document, Source

# A document marker is "---" or "..." at column 0, followed by a space or the line end
# (YAML 1.2 spec, c-directives-end / c-document-end). Inside any scalar it still ends
# the document, which is why splitting the text on it is exact.
_MARKER = re.compile(r"^(---|\.\.\.)(?=[ \t\r\n]|\Z)", re.MULTILINE)
#: streams shorter than this (characters) are read by the exact reader alone
FAST_READER_FROM = 16 * 1024
_SURROGATE = re.compile(r"[\udc80-\udcff]")


@dataclass
class ParsedDocument:
    document: Document
    problems: list[LoadProblem] = field(default_factory=list)
    ambiguous: list[Ambiguous] = field(default_factory=list)
    has_nulls: bool | None = None  # None: not known (fast reader)
    #: schema problems of each resource of the document, found by a parallel worker
    #: (None for a resource the worker left to the main process); None: not validated yet
    validated: list | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    start_line: int  # 0-based
    text: str
    offset: int = 0  # of the chunk's first character in the source text


_MARKER_LINE = re.compile(r"\n(---|\.\.\.)(?=[ \t\r\n]|\Z)")


def new_document(source: Source, index: int, start_line: int, text: str, data: object,
                 exact: bool = False) -> Document:
    """A document of ``source`` whose positions, when asked for, come from libyaml's node tree."""
    return Document(source, index, start_line, text, data, exact, position_builder=PositionIndex.build)


def split_documents(text: str) -> list[Chunk]:
    """Split a YAML stream at its document markers, keeping each chunk's first line."""
    bounds: list[int] = [0]
    # Searching for "\n---" (a literal start) is several times faster than a multiline "^".
    for match in _MARKER_LINE.finditer("\n" + text):
        start = match.start()  # offset of the marker in text: the "\n" prefix shifts by one
        if match.group(1) == "---":
            bounds.append(start)
        else:
            end = text.find("\n", start)
            bounds.append(len(text) if end < 0 else end + 1)
    bounds.append(len(text))
    chunks: list[Chunk] = []
    line = 0
    pending_prefix = ""
    pending_line = pending_offset = 0
    previous_end = 0
    for start, end in zip(bounds, bounds[1:]):
        if end <= start:
            continue
        line += text.count("\n", previous_end, start)
        previous_end = start
        piece = text[start:end]
        if "\n%" in piece and not piece.startswith("%"):
            # "key: value\n%YAML 1.2\n---": a directive at column 0 ends the document
            # implicitly for libyaml and go-yaml; it belongs to the next one.
            cut = _trailing_directives(piece)
            if cut is not None:
                head = piece[:cut]
                if pending_prefix:
                    chunks.append(Chunk(pending_line, pending_prefix + head, pending_offset))
                else:
                    chunks.append(Chunk(line, head, start))
                pending_prefix = piece[cut:]
                pending_line, pending_offset = line + head.count("\n"), start + cut
                continue
        if (piece.startswith("%") or "\n%" in piece) and _is_directives_only(piece):  # "%YAML 1.1" lines belong to the next document
            if not pending_prefix:
                pending_line, pending_offset = line, start
            pending_prefix += piece
        elif pending_prefix:
            chunks.append(Chunk(pending_line, pending_prefix + piece, pending_offset))
            pending_prefix = ""
        else:
            chunks.append(Chunk(line, piece, start))
    if pending_prefix:
        chunks.append(Chunk(pending_line, pending_prefix, pending_offset))
    return chunks


def _trailing_directives(piece: str) -> int | None:
    """The offset of the directive lines that end a piece after its content, or None.

    Only when libyaml rejects the piece as it is: a "%" line inside a multi-line quoted
    scalar is content, and the piece then parses.
    """
    lines = piece.split("\n")
    first = None
    for number in range(len(lines) - 1, 0, -1):
        stripped = lines[number].strip()
        if lines[number].startswith("%"):
            first = number
        elif stripped and not stripped.startswith("#"):
            break
    if first is None or _is_directives_only("\n".join(lines[:first])):
        return None
    if syntax_error(piece) is None:
        return None
    return sum(len(line) + 1 for line in lines[:first])


def _is_directives_only(piece: str) -> bool:
    has_directive = False
    for raw in piece.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if raw.startswith("%"):
            has_directive = True
            continue
        return False
    return has_directive


def is_trivial(text: str) -> bool:
    """Only comments, blank lines and document markers: an empty document."""
    if text.strip() in ("", "---", "..."):
        return True
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _MARKER.match(line) and not line[3:].strip(" \t\r").lstrip().split("#", 1)[0].strip():
            continue
        return False
    return True


def read_documents(source: Source) -> tuple[list[ParsedDocument], list[LoadProblem]]:
    """Parse every document of a source. Problems of one document never stop the others."""
    if is_json_stream(source):
        return _read_json(source)
    return read_chunks(source, split_documents(source.text)), []


def is_json_stream(source: Source) -> bool:
    """Whether read_documents reads this source as JSON (then it cannot be read in slices)."""
    stripped = source.text.lstrip()
    return stripped.startswith(("{", "[")) and _looks_like_json_stream(stripped)


def read_chunks(source: Source, chunks: list[Chunk], first_index: int = 0) -> list[ParsedDocument]:
    """Parse consecutive documents of a YAML source: all of them, or a slice of them.

    ``chunks`` come from split_documents(source.text) (``first_index`` is the index of the
    first one there). A slice begins and ends at document boundaries, so it is itself a
    stream whose documents read exactly as they do in the whole; parallel runs
    (kubelint/engine/parallel_read.py) give each worker such slices of a large file.
    """
    if not chunks:
        return []
    start, end = chunks[0].offset, chunks[-1].offset + len(chunks[-1].text)
    text = source.text if start == 0 and end == len(source.text) else source.text[start:end]
    parsed: list[ParsedDocument] = []
    if len(text) < FAST_READER_FROM:
        # A small stream (a pre-commit run on one file): the exact reader is quick enough, and
        # skipping the fast one saves importing it.
        exact = [True] * len(chunks)
    else:
        exact = fast.chunks_needing_exact(text, [c.offset - start for c in chunks])
    skipped = [bool(exact[i] and _SURROGATE.search(c.text)) or is_trivial(c.text) for i, c in enumerate(chunks)]
    # Nesting first (limits.py): no parser recurses into a document deeper than kubelint reads.
    too_deep: dict[int, LoadProblem] = {}
    if depth_bound_exceeds(text, SCAN_ABOVE):
        for number, chunk in enumerate(chunks):
            if not skipped[number]:
                problem = _depth_problem(chunk.text, chunk.start_line)
                if problem is not None:
                    too_deep[number] = problem
    # The fast reader follows YAML 1.2 and accepts some YAML that libyaml (and go-yaml, which
    # Kubernetes uses) rejects; libyaml checks the whole stream first, in C.
    whole_stream_ok = (len(text) >= FAST_READER_FROM and fast.available() and not too_deep
                       and syntax_error(text) is None)
    with fast.quiet_stderr() if whole_stream_ok else contextlib.nullcontext():
        for number, chunk in enumerate(chunks):
            if skipped[number]:
                continue  # invalid bytes (reported once for the file by the decoder), or empty
            document = new_document(source, first_index + number, chunk.start_line, chunk.text, None)
            if number in too_deep:
                parsed.append(ParsedDocument(document, [too_deep[number]]))
                continue
            parsed.append(_parse_chunk(document, exact[number], whole_stream_ok))
    return parsed


def _depth_problem(text: str, start_line: int) -> LoadProblem | None:
    """A finding when a document nests deeper than kubelint reads, measured only when the
    cheap bound says a parser could recurse dangerously deep (see limits.py)."""
    if not depth_bound_exceeds(text, SCAN_ABOVE):
        return None
    try:
        scan_depth(text)
    except DepthExceeded as exc:
        message, hint = depth_message(exc.beyond_kubernetes)
        return LoadProblem("yaml-depth-limit", message, start_line + exc.line + 1, exc.column + 1, hint=hint)
    return None


def _parse_chunk(document: Document, needs_exact: bool, stream_ok: bool) -> ParsedDocument:
    text = document.text
    if not needs_exact and (stream_ok or syntax_error(text) is None):
        try:
            document.data = fast.parse_fast(text)
            return ParsedDocument(document)
        except fast.FastReaderDeclined:
            pass
    return _parse_exact(document)


def _parse_exact(document: Document) -> ParsedDocument:
    document.exact = True
    try:
        result = parse_exact(document.text, document.start_line)
    except YAML_ERRORS as exc:
        return ParsedDocument(document, [syntax_problem(exc, document)])
    document.data = result.data
    return ParsedDocument(document, result.problems, result.ambiguous, result.has_nulls)


def syntax_problem(exc: Exception, document: Document) -> LoadProblem:
    """A libyaml error as a finding: the problem, where, and what it was inside."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    position = getattr(exc, "position", None)  # libyaml reader errors carry a character offset
    if mark is None and isinstance(position, int):
        mark = _Mark(document.text, position)
        problem = str(exc).split(" in \"", 1)[0].strip()
    line = document.start_line + (mark.line + 1 if mark is not None else 1)
    column = mark.column + 1 if mark is not None else 1
    hint = None
    character = _char_at(document.text, mark)
    if character == "\t":
        problem = "a tab character is used for indentation; YAML allows only spaces"
        hint = "replace the tab with spaces"
    elif character is not None and (ord(character) < 32 and character not in "\r\n") or character == "\x7f":
        problem = f"control character U+{ord(character):04X} is not allowed in YAML"
        hint = "remove the character"
    message = f"YAML syntax error: {problem}"
    context_mark = getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark is not mark:
        message += f" ({context} started on line {document.start_line + context_mark.line + 1})"
    return LoadProblem("yaml-syntax", message, line, column, hint=hint)


class _Mark:
    def __init__(self, text: str, position: int):
        self.line = text.count("\n", 0, position)
        self.column = position - (text.rfind("\n", 0, position) + 1)


def _char_at(text: str, mark) -> str | None:
    if mark is None:
        return None
    lines = text.split("\n")
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return None


def _looks_like_json_stream(text: str) -> bool:
    # kubectl's YAMLOrJSONDecoder sniffs JSON by its first non-space character; a YAML flow
    # mapping also starts with "{", so only a text that parses as JSON is read as JSON.
    # A JSON document followed by "---" and more is a multi-document YAML stream (JSON is YAML),
    # as kubectl-validate reads it (its testcases include such a file).
    try:
        _, end = _json_decoder().raw_decode(text)
        return not text[end:].lstrip().startswith("---")
    except _JSONNumberOutOfRange:  # JSON that Kubernetes rejects: reported by _read_json
        return True
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's stack
        return False


def _read_json(source: Source) -> tuple[list[ParsedDocument], list[LoadProblem]]:
    """A JSON file: one value or a stream of concatenated values (as kubectl reads)."""
    decoder = _json_decoder()
    text = source.text
    position = len(text) - len(text.lstrip())
    parsed: list[ParsedDocument] = []
    index = 0
    while position < len(text):
        line = text.count("\n", 0, position)
        try:
            value, end = decoder.raw_decode(text, position)
        except (ValueError, RecursionError) as exc:
            # Let the YAML reader find and place the problem (JSON is YAML).
            rest = text[position:]
            document = new_document(source, index, line, rest, None)
            parsed.append(_parse_json_fallback(document, exc))
            break
        document = new_document(source, index, line, text[position:end], value)
        if depth_bound_exceeds(document.text, MAX_DEPTH) and data_depth_exceeds(value):
            document.data = None
            message, hint = depth_message(beyond_kubernetes=False)
            parsed.append(ParsedDocument(document, [LoadProblem("yaml-depth-limit", message, line + 1, 1,
                                                                hint=hint)]))
        else:
            parsed.append(ParsedDocument(document))
        index += 1
        position = end
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
    return parsed, []


class _JSONDuplicate(ValueError):
    pass


def _json_pairs(pairs):
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _JSONDuplicate("duplicate key")
    return out


def _json_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class _JSONNumberOutOfRange(ValueError):
    pass


def _json_number(text: str, kind: type):
    # Kubernetes decodes JSON numbers as int64 when they fit, else as float64, and rejects what
    # neither holds (apimachinery's json.Unmarshal: UseNumber, then Int64 or Float64); Python
    # would build any integer (failing past 4,300 digits) or an infinite float.
    if kind is int and len(text) <= 20:
        value = int(text)
        if INT64_MIN <= value <= INT64_MAX:
            return value
    number = float(text)
    if not math.isfinite(number):
        # the number itself is not quoted: it could be a secret value
        raise _JSONNumberOutOfRange(f"a number of {len(text):,} characters is out of range: Kubernetes reads "
                                    "JSON numbers as 64-bit integers or floats")
    return number


def _json_decoder() -> json.JSONDecoder:
    return json.JSONDecoder(object_pairs_hook=_json_pairs, parse_constant=_json_constant,
                            parse_int=lambda text: _json_number(text, int),
                            parse_float=lambda text: _json_number(text, float))


def _parse_json_fallback(document: Document, exc: Exception) -> ParsedDocument:
    problem = _depth_problem(document.text, document.start_line)
    if problem is not None:
        return ParsedDocument(document, [problem])
    parsed = _parse_exact(document)
    if not parsed.problems and isinstance(exc, ValueError) and not isinstance(exc, _JSONDuplicate):
        message = str(exc)
        parsed.problems.append(LoadProblem("yaml-syntax", f"JSON syntax error: {message}", document.start_line + 1, 1))
    return parsed
