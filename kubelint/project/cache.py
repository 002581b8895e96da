"""The parse cache: what the YAML of a project's files reads as, kept between runs.

A pre-commit run names one file but reads the whole project for references; parsing 2,000 files
would cost a second. So the parse of each file read for context only (never a named one, whose
findings must be complete) is kept in ``.kubelint_cache/<kubelint version>/documents.json`` at the
project root, keyed by a hash of the file's bytes: a checkout, pre-commit's stash or a CI clone change
modification times, not contents. What is kept is the documents' text and data as Kubernetes reads
them, nothing about findings. The file is written atomically (pre-commit runs several batches at
once, and the last to finish wins), holds only the entries of the files the run read, and the
folder gets a ``.gitignore`` and a ``CACHEDIR.TAG``, as ruff's does. A folder that cannot be written
is no error: the run is only slower.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from kubelint._version import __version__

FOLDER = ".kubelint_cache"
#: one document of a file: [index, start line, text, data, exact]
Record = list[Any]
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This is a cache of kubelint (https://bford.info/cachedir/)\n"


def digest(raw: bytes) -> str:
    # Start-up: hashlib (OpenSSL) costs about 5 ms to import; only runs with a project context hash.
    import hashlib

    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class ParseCache:
    """The parse of files by the hash of their bytes, read once, updated, written back if changed.

    A file whose size and modification time are those recorded is taken from the cache without
    being read (mypy's shortcut); otherwise its bytes are hashed, and the hash finds its parse.
    """

    def __init__(self, root: Path | None):
        self.path = root / FOLDER / __version__ / "documents.json" if root is not None else None
        self._parses: dict[str, list[Record]] = {}
        self._stats: dict[str, tuple[int, int, str]] = {}
        self._used: dict[str, list[Record]] = {}
        self._used_stats: dict[str, tuple[int, int, str]] = {}
        self._changed = False
        if self.path is not None:
            self._parses, self._stats = _load(self.path)

    def by_stat(self, file: str, size: int, mtime_ns: int) -> tuple[str, list[Record]] | None:
        """The parse of a file whose size and modification time are as recorded, if any."""
        recorded = self._stats.get(file)
        if not isinstance(recorded, list) or len(recorded) != 3 or recorded[0] != size or recorded[1] != mtime_ns:
            return None
        records = self.get(recorded[2])
        if records is not None:
            self._used_stats[file] = recorded
        return (recorded[2], records) if records is not None else None

    def get(self, key: str) -> list[Record] | None:
        found = self._parses.get(key)
        if found is not None:
            self._used[key] = found
        return found

    def put(self, key: str, records: list[Record]) -> None:
        self._used[key] = records
        self._changed = True

    def stat(self, file: str, size: int, mtime_ns: int, key: str) -> None:
        """Record that ``file`` with this size and modification time has the content ``key``."""
        if tuple(self._stats.get(file) or ()) != (size, mtime_ns, key):
            self._changed = True
        self._used_stats[file] = (size, mtime_ns, key)

    def save(self) -> None:
        """Write the entries this run used, if any is new or some went unused; never raises."""
        if self.path is None or not (self._changed or len(self._used) != len(self._parses)
                                     or len(self._used_stats) != len(self._stats)):
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
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump({"parses": self._used, "files": self._used_stats}, handle, separators=(",", ":"))
                os.chmod(temporary, 0o644)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except (OSError, ValueError):
            pass  # a read-only checkout: the next run parses again


def _load(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cache's entries; JSON, so that a cache file that is not ours can give wrong data at worst
    (a pickle or marshal file committed to a repository could run code, or crash the reader)."""
    try:
        with open(path, encoding="utf-8") as handle:
            stored = json.load(handle)
        parses, stats = stored["parses"], stored["files"]
    except (OSError, ValueError, TypeError, KeyError):
        return {}, {}
    if not isinstance(parses, dict) or not isinstance(stats, dict):
        return {}, {}
    return parses, stats
