"""How deep a document may nest, checked before any parser recurses into it.

Kubernetes' YAML reader (go-yaml v2, scannerc.go: ``max_flow_level`` and ``max_indents``)
rejects documents nested more than 10,000 levels ("exceeded max depth of 10000").
kubelint reads documents up to ``MAX_DEPTH`` levels, far below that and far above real
manifests (the deepest in our corpus of 2,000 real documents nests 36 levels): every stage
after the reader (the C composer, the schema engine (jsonschema-rs stops at 255 levels),
checks) then stays within its stack, and a hostile document costs at most seconds instead of
hours or a crash.

Nesting is guarded in three tiers, so that real manifests pay nothing:

1. ``depth_bound_exceeds``: a cheap upper bound from the text (flow brackets plus twice the
   longest indentation prefix). At or below ``MAX_DEPTH``, nothing more is done.
2. Up to ``SCAN_ABOVE``, the readers parse as usual and stop at ``MAX_DEPTH`` themselves
   (the exact reader's builder raises ``TooDeep``; the fast reader declines past 64 levels;
   decoded JSON is measured by ``data_depth_exceeds``).
3. Above ``SCAN_ABOVE``, libyaml's event parser measures the real depth first and stops as
   soon as it passes the limit; nothing else touches a document that is too deep. libyaml's
   own cost grows with the square of the flow depth (over a minute at 100,000 levels) and its
   C composer overflows the stack (a segmentation fault) between 20,000 and 40,000 levels,
   hence this tier.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kubelint.load.parser import YAML_ERRORS, new_parser, retry_text

#: the deepest document kubelint reads (levels of mappings and sequences)
MAX_DEPTH = 200
#: go-yaml v2's max_flow_level and max_indents: Kubernetes rejects deeper documents
KUBERNETES_MAX_DEPTH = 10_000
#: above this bound, the real depth is measured by libyaml's events before parsing
SCAN_ABOVE = 2_000


@lru_cache(maxsize=64)
def _prefix_at_least(length: int) -> re.Pattern:
    return re.compile(r"^[ \t?:-]{%d}" % length, re.MULTILINE)


def depth_bound_exceeds(text: str, limit: int) -> bool:
    """Whether a cheap upper bound on the nesting depth of ``text`` exceeds ``limit``.

    Flow collections nest at most once per ``[`` or ``{``. A block collection starts at a
    column no greater than its line's prefix of indentation and indicators (``- ``, ``? ``,
    ``: ``), and each block level but an indentless sequence starts further right than its
    parent, so block depth is at most twice the longest such prefix, plus two.
    """
    room = limit - 2 - text.count("[") - text.count("{")
    if room < 0:
        return True
    return _prefix_at_least(room // 2 + 1).search(text) is not None


class DepthExceeded(Exception):
    """A document nests deeper than kubelint reads: ``depth`` levels at ``line``/``column``
    (0-based, in the document), or more than ``KUBERNETES_MAX_DEPTH`` when ``beyond_kubernetes``."""

    def __init__(self, line: int, column: int, beyond_kubernetes: bool = False):
        super().__init__(line, column, beyond_kubernetes)
        self.line = line
        self.column = column
        self.beyond_kubernetes = beyond_kubernetes


def depth_message(beyond_kubernetes: bool) -> tuple[str, str]:
    """The finding's message and hint for a document that nests too deep."""
    if beyond_kubernetes:
        return (f"document nests more than {KUBERNETES_MAX_DEPTH:,} levels deep: Kubernetes' YAML reader "
                f'rejects it ("exceeded max depth of {KUBERNETES_MAX_DEPTH}"); it was not checked',
                "flatten the data; check the tool that generated it")
    return (f"document nests more than {MAX_DEPTH} levels deep, deeper than kubelint reads (real "
            f"manifests nest fewer than 40 levels; Kubernetes accepts up to {KUBERNETES_MAX_DEPTH:,}); "
            "it was not checked",
            "flatten the data; check the tool that generated it")


def scan_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Measure the nesting of one YAML document with libyaml's events (tier 3).

    Raises ``DepthExceeded`` at the first collection deeper than ``limit``. When the text
    could nest more than Kubernetes' 10,000 levels, it reads on to tell whether Kubernetes
    would reject the document too (libyaml takes about two seconds to get there). Returns
    quietly when the document is within the limit or libyaml stops at a syntax error first
    (the reader then reports that error; no parser gets further).
    """
    read_on = (text.count("[") + text.count("{") > KUBERNETES_MAX_DEPTH
               or _prefix_at_least((KUBERNETES_MAX_DEPTH - 2) // 2 + 1).search(text) is not None)
    attempt = 0
    while True:
        parser = new_parser(text)
        try:
            return _scan(parser, limit, read_on)
        except YAML_ERRORS as exc:
            text = retry_text(exc, text, attempt)  # colons in flow scalars, as compose() does
            if text is None:
                return None
            attempt += 1
        finally:
            parser.dispose()


def _scan(parser, limit: int, read_on: bool) -> None:
    flow = block = 0
    too_deep_at = None
    while True:
        event = parser.get_event()
        name = type(event).__name__
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            if event.flow_style:
                flow += 1
            else:
                block += 1
            if too_deep_at is None and flow + block > limit:
                too_deep_at = event.start_mark
                if not read_on:
                    break
            if flow > KUBERNETES_MAX_DEPTH or block > KUBERNETES_MAX_DEPTH:
                raise DepthExceeded(too_deep_at.line, too_deep_at.column, beyond_kubernetes=True)
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            # End events carry no style; a flow collection holds no block collection, so while
            # a flow collection is open, the one ending is a flow one.
            if flow:
                flow -= 1
            else:
                block -= 1
        elif name == "StreamEndEvent":
            break
    if too_deep_at is not None:
        raise DepthExceeded(too_deep_at.line, too_deep_at.column)


def data_depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether decoded data (dicts and lists) nests deeper than ``limit``, without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
