"""The parse cache: what the YAML of a project's files reads as, kept between runs.

A pre-commit run names one file but reads the whole project for references; parsing 2,000 files
would cost a second. So the parse of each file read for context only (never a named one, whose
findings must be complete) is kept in ``.kubelint_cache/<kubelint version>/documents.marshal`` at the
project root, keyed by a hash of the file's bytes: a checkout, pre-commit's stash or a CI clone change
modification times, not contents. What is kept is the documents' text and data as Kubernetes reads
them, nothing about findings. The file is written atomically (pre-commit runs several batches at
once, and the last to finish wins), holds only the entries of the files the run read, and the
folder gets a ``.gitignore`` and a ``CACHEDIR.TAG``, as ruff's does. A folder that cannot be written
is no error: the run is only slower.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from kubelint._version import __version__

FOLDER = ".kubelint_cache"
#: one document of a file: (index, start line, text, data, exact)
Record = tuple[int, int, str, Any, bool]
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This is a cache of kubelint (https://bford.info/cachedir/)\n"


def digest(raw: bytes) -> bytes:
    # Start-up: hashlib (OpenSSL) costs about 5 ms to import; only runs with a project context hash.
    import hashlib

    return hashlib.blake2b(raw, digest_size=16).digest()


class ParseCache:
    """The parse of files by the hash of their bytes: read once, updated, written back if changed."""

    def __init__(self, root: Path | None):
        self.path = root / FOLDER / __version__ / "documents.marshal" if root is not None else None
        self._entries: dict[bytes, list[Record]] = {}
        self._used: dict[bytes, list[Record]] = {}
        self._changed = False
        if self.path is not None:
            self._entries = _load(self.path)

    def get(self, key: bytes) -> list[Record] | None:
        found = self._entries.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def put(self, key: bytes, records: list[Record]) -> None:
        self._used[key] = records
        self._changed = True

    def save(self) -> None:
        """Write the entries this run used, if any is new or some went unused; never raises."""
        if self.path is None or not (self._changed or len(self._used) != len(self._entries)):
            return
        try:
            folder = self.path.parent
            folder.mkdir(parents=True, exist_ok=True)
            top = folder.parent
            for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "# kubelint's cache\n*\n")):
                if not (top / name).exists():
                    (top / name).write_text(text, encoding="utf-8")
            fd, temporary = tempfile.mkstemp(dir=folder, prefix=".documents.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    marshal.dump(self._used, handle)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except (OSError, ValueError):
            pass  # a read-only checkout: the next run parses again


def _load(path: Path) -> dict[bytes, list[Record]]:
    try:
        with open(path, "rb") as handle:
            entries = marshal.load(handle)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return entries if isinstance(entries, dict) else {}
