"""Text from the input made safe to print in any report format.

Messages, hints, source lines, file names and resource names can carry characters that a
manifest chose: terminal escape sequences (``"\\e[2J"`` in a quoted key), line breaks that
would forge extra lines in a CI log or a GitHub workflow command, bidirectional overrides
that reorder what a reviewer sees ("Trojan Source", CVE-2021-42574), characters that XML
(JUnit) cannot hold, and lone surrogates left by undecodable bytes in a file name, which no
UTF-8 output can encode. Each is shown as a visible escape instead (``\\u001b``, ``\\n``,
``\\u202e``, and ``\\xff`` for the byte behind a surrogate). Tabs stay: every format holds them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kubelint.model import Finding

_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
                     "\ufff9-\ufffb\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"  # as JSON writes it


def printable(text: str) -> str:
    """``text`` with every control, line-breaking, bidirectional or unencodable character escaped."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def printable_finding(finding: Finding) -> Finding:
    """A Finding whose every text field is ``printable`` (after secrets are masked)."""
    changes = {}
    for name in ("message", "hint", "snippet", "file", "path"):
        value = getattr(finding, name)
        if isinstance(value, str):
            safe = printable(value)
            if safe is not value:
                changes[name] = safe
    resource = finding.resource
    if resource is not None:
        fields = {name: printable(getattr(resource, name)) for name in ("api_version", "kind", "namespace", "name")
                  if isinstance(getattr(resource, name), str)}
        if any(fields[name] is not getattr(resource, name) for name in fields):
            changes["resource"] = replace(resource, **fields)
    return replace(finding, **changes) if changes else finding
