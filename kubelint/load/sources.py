"""Finding and reading input files: paths, folders, stdin; bytes to text."""

from __future__ import annotations

import codecs
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from kubelint.model import Source

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class UsageError(Exception):
    """Bad command-line input (a path that does not exist): exit code 2."""


@dataclass(frozen=True, slots=True)
class InputProblem:
    """A file that could not be read or decoded: becomes a finding."""

    file: str
    rule: str
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None


def discover(paths: list[str], exclude=None) -> list[str]:
    """Expand the command-line paths into files, in a stable order.

    Folders are walked recursively for *.yaml, *.yml and *.json, skipping hidden
    folders (.git) and following symbolic links without looping. ``-`` is stdin.
    ``exclude(path, named_folder) -> bool`` filters walked files (named files are kept).
    """
    files: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            files.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path):
                if found not in seen and not (exclude and exclude(found, raw)):
                    seen.add(found)
                    files.append(found)
        elif path.exists() or path.is_symlink():
            name = str(path)
            if name not in seen:
                seen.add(name)
                files.append(name)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return files


def _walk(root: Path) -> list[str]:
    found: list[str] = []
    visited: set[tuple[int, int]] = set()

    def visit(folder: Path) -> None:
        try:
            stat = folder.stat()
        except OSError:
            return
        key = (stat.st_dev, stat.st_ino)
        if key in visited:  # a symlink loop or a folder reached twice
            return
        visited.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            found.append(str(folder))  # reading it reports the error
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                visit(Path(entry.path))
            elif entry.name.endswith(MANIFEST_SUFFIXES):
                found.append(entry.path)

    visit(root)
    return found


def read_source(name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Source | None, list[InputProblem]]:
    """Read and decode one file (or ``-`` for stdin)."""
    display = "<stdin>" if name == "-" else name
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(max_bytes + 1)
        else:
            if os.path.isdir(name):
                return None, [InputProblem(display, "file-unreadable", f"{display}: cannot list this folder")]
            with open(name, "rb") as handle:
                raw = handle.read(max_bytes + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [InputProblem(display, "file-unreadable", f"cannot read {display}: {reason}",
                                   hint="check the path and its permissions")]
    if len(raw) > max_bytes:
        return None, [InputProblem(
            display, "file-too-large",
            f"{display} is larger than {max_bytes // (1024 * 1024)} MiB and was not checked",
            hint="split the file, or raise the limit with --max-file-size")]
    return decode(display, raw)


def decode(name: str, raw: bytes) -> tuple[Source, list[InputProblem]]:
    """Decode bytes as YAML allows: UTF-8 (BOM optional), UTF-16 or UTF-32 with a BOM.

    Invalid bytes become lone surrogates (errors="surrogateescape") so that the
    reader can skip exactly the documents that hold them.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return Source(name, raw[len(bom):].decode(encoding)), []
            except UnicodeDecodeError as exc:
                return Source(name, ""), [InputProblem(
                    name, "yaml-encoding",
                    f"invalid {encoding.upper()} data at byte {exc.start + len(bom)}: the file starts with a "
                    f"{encoding.upper()} byte-order mark but does not continue in that encoding",
                    hint="save the file as UTF-8")]
    try:
        return Source(name, raw.decode("utf-8")), []
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", "surrogateescape")
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return Source(name, text), [InputProblem(
            name, "yaml-encoding",
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x}: YAML files must be UTF-8 (or UTF-16/32 with a "
            "byte-order mark); the documents holding invalid bytes were not checked",
            line, column, hint="re-save the file as UTF-8")]
