"""The fast YAML reader: rapidyaml (C++) emits JSON, which Python's C json module loads.

rapidyaml resolves plain scalars the YAML 1.2 way and knows no anchors, tags or
duplicate keys, so it is used only for documents where that cannot matter: a
conservative scan of the text (``needs_exact``) sends every document with a
scalar that go-yaml v2 might read differently (``yes``, ``0755``, ``1_000``,
``1:20``, ``~`` ...), an anchor, alias, tag, tab, directive, complex key or
control character to the exact reader instead. Duplicate keys are caught while
loading the JSON. ``tests/test_fast_reader.py`` checks that both readers agree.
"""

from __future__ import annotations

import json
import re
from typing import Any

try:  # rapidyaml is optional: without it every document takes the exact path
    import ryml
except ImportError:  # pragma: no cover - depends on the platform's wheels
    ryml = None

# A token starts after a line break, a space or a flow indicator. The lookahead on its
# first character keeps the scan cheap: most spaces are indentation.
_BEFORE = r"[ \[{,\n](?=[&*!?~<.+0-9yYnNoOTF]|-[0-9.])"
_AFTER = r"(?=[ \t\r]*(?:$|#|:(?:\s|$)|[,\]}]))"  # end of line, comment, key colon, flow
_CANONICAL_VALUE = r"-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]+)?(?:[eE][-+]?[0-9]{1,3})?[ \t\r]*(?:$|#|[,\]}])"
_WORDS = (r"y|Y|yes|Yes|YES|n|N|no|No|NO|True|TRUE|False|FALSE|on|On|ON|off|Off|OFF|~|Null|NULL|<<"
          r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_NUMERIC = (r"[-+]?(?:0[xXoObB][0-9a-fA-F_]*|[0-9_.]+(?:[eE][-+]?[0-9_]+)?)"
            r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_SPECIAL_CHARACTERS = re.compile(r"[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe\uffff\ud800-\udfff]")
_SPECIAL_TOKEN = re.compile(
    _BEFORE + r"(?:[&*!]"  # anchors, aliases, tags
    + r"|\?(?=\s|$)"  # complex keys
    + r"|(?:" + _WORDS + r")" + _AFTER
    + r"|(?!" + _CANONICAL_VALUE + r")(?:" + _NUMERIC + r")" + _AFTER + ")",
    re.MULTILINE,
)


class FastReaderDeclined(Exception):
    """The fast reader cannot read this document faithfully; use the exact one."""


def needs_exact(text: str) -> bool:
    return (
        ryml is None
        or _SPECIAL_CHARACTERS.search(text) is not None
        or text.startswith("%")
        or "\n%" in text
        or _SPECIAL_TOKEN.search("\n" + text) is not None
    )


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise FastReaderDeclined("duplicate key")
    return out


def _no_constants(name: str) -> Any:
    raise FastReaderDeclined(f"{name} is not JSON")


def parse_fast(text: str) -> Any:
    """Parse one YAML document; raises FastReaderDeclined when the exact reader must decide."""
    try:
        tree = ryml.parse_in_arena(text.encode("utf-8"))
    except Exception as exc:  # ryml raises its own exception types on syntax errors
        raise FastReaderDeclined(str(exc)) from None
    node = tree.root_id()
    if tree.is_stream(node):
        if tree.num_children(node) != 1:
            raise FastReaderDeclined("not one document")
        node = tree.first_child(node)
    emitted = ryml.emit_json_malloc(tree, node)
    if emitted is None:
        return None
    try:
        return json.loads(emitted, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except ValueError as exc:
        raise FastReaderDeclined(str(exc)) from None
