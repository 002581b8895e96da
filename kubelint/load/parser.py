"""libyaml's parser (through ruamel.yaml.clib), set up to read YAML as go-yaml v2 does.

Shared by the exact reader (exact.py), which composes nodes from it, and the depth guard
(limits.py), which only walks its events.
"""

from __future__ import annotations

import re

import _ruamel_yaml  # ruamel.yaml.clib's libyaml binding
from ruamel.yaml.error import YAMLError

PLAIN = "plain"
QUOTED = "quoted"
COLLECTION = "collection"
#: what libyaml raises on bad YAML: ruamel's YAMLError family, and UnicodeEncodeError for
#: text that cannot be encoded (lone surrogates from undecodable bytes)
YAML_ERRORS = (YAMLError, UnicodeEncodeError)

class KubeParser(_ruamel_yaml.CParser):
    """libyaml's composer; plain scalars are tagged for go-yaml resolution later."""

    def resolve(self, kind, value, implicit):
        if value is None:
            return COLLECTION
        return PLAIN if implicit[0] else QUOTED

    def descend_resolver(self, parent, index):
        return None

    def ascend_resolver(self):
        return None


# libyaml rejects "x:y" inside flow collections ("found unexpected ':'"), which go-yaml v2.3+
# (go.yaml.in/yaml/v2, the parser of sigs.k8s.io/yaml) accepts: `{image: nginx:1.27}`. Such
# colons are swapped for a private-use character of the same length, and swapped back in values.
FLOW_COLON = "\ue000"
#: after the first such error, every colon that can only be inside a plain scalar is swapped at
#: once (one more parse, not one per colon: 2,000 colons used to cost a minute); the few that
#: the pattern leaves (after a quote character) are swapped one parse at a time, up to this many
_MAX_COLON_RETRIES = 100
# A colon inside a plain scalar: not after a blank, a quote or a flow indicator (after those it
# is a value indicator), and not before a blank. Tags and directives keep their colons.
_PLAIN_COLONS = re.compile(
    r"(?P<keep>^%[^\n]*|(?<![^\s\[\]{},])!<[^>\n]*>|(?<![^\s\[\]{},])![^\s\[\]{},]*)"
    r"|(?<![\s\"'\[\]{},]):(?=\S)", re.MULTILINE)


def _swap_colon(match: re.Match) -> str:
    return match.group("keep") or FLOW_COLON


def retry_text(exc: Exception, text: str, attempt: int) -> str | None:
    """The text to parse again after libyaml's error ``exc``, or None when the error stands.

    Only the flow-colon error is retried: the first time with every plain-scalar colon
    swapped, then one colon at a time.
    """
    offset = _flow_colon_offset(exc, text)
    if offset is None or attempt > _MAX_COLON_RETRIES:
        return None
    if attempt == 0:
        swapped = _PLAIN_COLONS.sub(_swap_colon, text)
        if swapped != text:
            return swapped
    return text[:offset] + FLOW_COLON + text[offset + 1:]


def new_parser(text: str) -> KubeParser:
    """libyaml's parser over one text; dispose() it when done."""
    return KubeParser(text)


def _flow_colon_offset(exc: Exception, text: str) -> int | None:
    if getattr(exc, "problem", None) != "found unexpected ':'":
        return None
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return None
    start = 0
    for _ in range(mark.line):
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    offset = start + mark.column
    return offset if offset < len(text) and text[offset] == ":" else None


