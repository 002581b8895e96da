"""Finding and reading input files: paths, folders, stdin; bytes to text."""

from __future__ import annotations

import codecs
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from kubelint.model import Source

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
#: files that a folder walk reads although their names have no manifest suffix: kustomize's third
#: kustomization file name (sigs.k8s.io/kustomize/api/konfig/general.go)
EXTRA_MANIFEST_NAMES = ("Kustomization",)
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
            except OSError:  # a symbolic link loop (ELOOP): reading the file reports it
                is_dir = False
            if is_dir:
                visit(Path(entry.path))
            elif entry.name.endswith(MANIFEST_SUFFIXES) or entry.name in EXTRA_MANIFEST_NAMES:
                found.append(entry.path)

    visit(root)
    return found


class _NotAFile(OSError):
    pass


def _read_file(name: str, max_bytes: int) -> bytes | None:
    """At most ``max_bytes + 1`` bytes of a file, or None when it is known to be larger.

    Opened without blocking, so that a named pipe without a writer in a manifest folder
    reads as empty instead of hanging; a pipe with a writer (``<(helm template ...)``) is
    read as usual. Devices and sockets are refused: they are not manifests.
    """
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            if info.st_size > max_bytes:
                return None
        elif not stat.S_ISFIFO(info.st_mode):
            raise _NotAFile(0, "not a regular file (a device or socket)")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            return handle.read(max_bytes + 1)
    finally:
        if fd >= 0:
            os.close(fd)


def read_source(name: str, max_bytes: int = DEFAULT_MAX_BYTES,
                overlay: Mapping[str, str] | None = None) -> tuple[Source | None, list[InputProblem]]:
    """Read and decode one file (or ``-`` for stdin); a file in ``overlay`` (path -> text) is not read:
    its text is given (``--fix`` checks its edits that way before it writes them)."""
    display = "<stdin>" if name == "-" else name
    if overlay is not None and name in overlay:
        return Source(display, overlay[name]), []
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(max_bytes + 1)
        else:
            if os.path.isdir(name):
                return None, [InputProblem(display, "file-unreadable", f"{display}: cannot list this folder")]
            raw = _read_file(name, max_bytes)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = ("pass manifest files, folders, or - for stdin" if isinstance(exc, _NotAFile)
                else "check the path and its permissions")
        return None, [InputProblem(display, "file-unreadable", f"cannot read {display}: {reason}", hint=hint)]
    if raw is None or len(raw) > max_bytes:
        return None, [InputProblem(
            display, "file-too-large",
            f"{display} is larger than {max_bytes // (1024 * 1024)} MiB and was not checked",
            hint="split the file, or raise the limit with --max-file-size")]
    return decode(display, raw)


@dataclass(frozen=True)
class RawFile:
    """A file as ``--fix`` reads it: its bytes, their encoding, and the text checks see."""

    source: Source | None
    problems: list[InputProblem]
    data: bytes = b""
    bom: bytes = b""
    encoding: str = "utf-8"

    def encode(self, text: str) -> bytes:
        """``text`` in the file's own encoding, after its byte-order mark."""
        return self.bom + text.encode(self.encoding)


def read_raw(name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawFile:
    """Read one file (or ``-`` for stdin) as ``read_source`` does, keeping its bytes and encoding."""
    display = "<stdin>" if name == "-" else name
    try:
        raw = sys.stdin.buffer.read(max_bytes + 1) if name == "-" else _read_file(name, max_bytes)
    except OSError as exc:
        return RawFile(None, [InputProblem(display, "file-unreadable", f"cannot read {display}: "
                                           f"{exc.strerror or exc}")])
    if raw is None or len(raw) > max_bytes:
        return RawFile(None, [InputProblem(display, "file-too-large", f"{display} is larger than "
                                           f"{max_bytes // (1024 * 1024)} MiB and was not checked")])
    source, problems = decode(display, raw)
    bom, encoding = next(((bom, encoding) for bom, encoding in _BOMS if raw.startswith(bom)), (b"", "utf-8"))
    return RawFile(source, problems, raw, bom, encoding)


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
    guess = _bomless_utf16_or_32(raw)
    if guess is not None:
        return Source(name, ""), [InputProblem(
            name, "yaml-encoding",
            f"the file looks like {guess} without a byte-order mark: Kubernetes reads YAML as UTF-8 unless a "
            "byte-order mark says otherwise, and rejects the NUL bytes; the file was not checked",
            1, 1, hint="save the file as UTF-8")]
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


def _bomless_utf16_or_32(raw: bytes) -> str | None:
    """The encoding the YAML 1.2 spec (5.2, "Character Encodings") infers from the NUL bytes
    that start a file without a byte-order mark, when it is not UTF-8; else None. libyaml and
    go-yaml only look for a byte-order mark, so such files are errors for Kubernetes."""
    head = raw[:4]
    if len(head) < 2 or b"\x00" not in head[:2]:
        return None
    if len(head) == 4 and head[:3] == b"\x00\x00\x00" and head[3]:
        return "UTF-32-BE"
    if len(head) == 4 and head[0] and head[1:] == b"\x00\x00\x00":
        return "UTF-32-LE"
    if head[0] == 0 and head[1]:
        return "UTF-16-BE"
    if head[0] and head[1] == 0:
        return "UTF-16-LE"
    return None


def discover_more(paths: list[str], already: list[str]) -> list[str]:
    """The files of ``paths`` (``--nodes``, say) that are not among ``already`` (compared as normalised paths)."""
    seen = {os.path.normpath(f) for f in already}
    out = []
    for file in discover(list(paths)):
        key = os.path.normpath(file)
        if key not in seen:
            seen.add(key)
            out.append(file)
    return out
