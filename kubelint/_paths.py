"""Where kubelint's data lives: inside the installed package, or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """``rules`` or ``schemas``: ``kubelint/_data/<name>`` in a wheel, ``<repo>/<name>`` in a checkout."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
