"""Plain-scalar resolution exactly as Kubernetes reads YAML.

kubectl and the API server turn YAML into JSON with sigs.k8s.io/yaml, whose
decoder is a fork of go-yaml v2 (sigs.k8s.io/yaml/goyaml.v2/resolve.go). That is
YAML 1.1 with Go's number parsing, and *not* what PyYAML or YAML 1.2 parsers do:

* ``y/Y/yes/Yes/YES/n/N/no/No/NO/on/On/ON/off/Off/OFF`` and ``true/True/TRUE``,
  ``false/False/FALSE`` are booleans; ``~``, ``null/Null/NULL`` and empty are null;
* integers go through ``strconv.ParseInt(s, 0, 64)`` after removing ``_``, so
  ``0755`` is octal 493, ``0x1F`` is 31, ``0b101`` is 5, ``1_000`` is 1000;
* floats match ``yamlStyleFloat`` (``1e3``, ``.5``, ``08`` -> 8.0); ``.inf``/``.nan``;
* base-60 numbers (``1:20``) are deliberately *not* supported: they are strings;
* timestamps stay strings when decoded into ``interface{}`` (decode.go).
"""

from __future__ import annotations

import math
import re
import struct

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UINT64_MAX = 2**64 - 1

_RESOLVE_MAP: dict[str, object] = {}
for _words, _value in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    (("", "~", "null", "Null", "NULL"), None),
    ((".nan", ".NaN", ".NAN"), math.nan),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    (("-.inf", "-.Inf", "-.INF"), -math.inf),
):
    for _word in _words:
        _RESOLVE_MAP[_word] = _value

_MAP_HINT = frozenset("yYnNtTfFoO~")
_NUMBER_HINT = frozenset("+-0123456789")
_MISSING = object()

_GO_STYLE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?\Z")
#: digits of UINT64_MAX in each base: more (without leading zeros) is out of range
_MAX_DIGITS = {2: 64, 8: 22, 10: 20, 16: 16}
_DIGITS = {2: frozenset("01"), 8: frozenset("01234567"), 10: frozenset("0123456789"),
           16: frozenset("0123456789abcdefABCDEF")}

#: YAML 1.1 booleans that YAML 1.2 reads as strings.
YAML11_ONLY_BOOLS = frozenset(("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                               "on", "On", "ON", "off", "Off", "OFF"))
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_LEADING_ZERO_OCTAL = re.compile(r"[-+]?0[0-7_]*[0-7][0-7_]*\Z")


def _go_parse_uint(text: str, limit: int | None = UINT64_MAX) -> int | None | bool:
    """strconv.ParseUint(text, 0, 64): prefixes 0x, 0o, 0b and a bare leading 0 (octal).

    Returns the value, None on a syntax error, or False when out of range.
    """
    if not text:
        return None
    base = 10
    digits = text
    if text[0] == "0":
        prefix = text[1:2].lower()
        if len(text) >= 3 and prefix in ("b", "o", "x"):
            base = {"b": 2, "o": 8, "x": 16}[prefix]
            digits = text[2:]
        else:
            base = 8
            digits = text[1:]
    allowed = _DIGITS[base]
    if base != 8 and not digits:
        return None
    if any(c not in allowed for c in digits):
        return None
    if limit is not None and len(digits.lstrip("0")) > _MAX_DIGITS[base]:
        return False  # out of range, known without building a huge integer
    value = int(digits, base) if digits else 0
    if limit is not None and value > limit:
        return False
    return value


def _go_parse_int(text: str) -> int | None | bool:
    """strconv.ParseInt(text, 0, 64)."""
    if not text:
        return None
    negative = text[0] == "-"
    body = text[1:] if text[0] in "+-" else text
    magnitude = _go_parse_uint(body, limit=UINT64_MAX)
    if magnitude is None or magnitude is False:
        return None
    value = -magnitude if negative else magnitude
    if value < INT64_MIN or value > INT64_MAX:
        return False
    return value


def resolve_plain(text: str) -> object:
    """The value Kubernetes gives an unquoted, untagged scalar."""
    if not text:
        return None
    first = text[0]
    if first in _MAP_HINT or first in _NUMBER_HINT or first == ".":
        value = _RESOLVE_MAP.get(text, _MISSING)
        if value is not _MISSING:
            return value
        if first == ".":
            if _DOT_FLOAT.match(text):
                number = float(text)
                if math.isfinite(number):
                    return number
            return text
        if first in _NUMBER_HINT:
            return _resolve_number(text)
    return text


def _resolve_number(text: str) -> object:
    plain = text.replace("_", "")
    as_int = _go_parse_int(plain)
    if isinstance(as_int, int) and not isinstance(as_int, bool):
        return as_int
    as_uint = _go_parse_uint(plain)
    if isinstance(as_uint, int) and not isinstance(as_uint, bool):
        return as_uint
    if _GO_STYLE_FLOAT.match(plain):
        number = float(plain)
        if math.isfinite(number):
            return number
    if plain.startswith("-0b"):
        value = _go_parse_uint("0b" + plain[3:])
        if isinstance(value, int) and not isinstance(value, bool) and value <= 2**63:
            return -value
    # Out of the range of int64, uint64 and float64: go-yaml v2 (resolve.go) keeps the string.
    return text


def yaml12_reading(text: str, value: object) -> str | None:
    """How a YAML 1.1 reading differs from YAML 1.2's (or PyYAML's), or None.

    Used for the ``yaml-ambiguous-scalar`` warning: tools that follow YAML 1.2
    (go-yaml v3, js-yaml, ruamel.yaml) or PyYAML's 1.1 read these differently
    from Kubernetes.
    """
    if isinstance(value, bool):
        if text in YAML11_ONLY_BOOLS:
            return f'the string "{text}"'
        return None
    if isinstance(value, (int, float)):
        if "_" in text:
            return f'the string "{text}"'
        body = text.lstrip("+-")
        if body[:2].lower() == "0b":
            return f'the string "{text}"'
        if isinstance(value, int) and _LEADING_ZERO_OCTAL.match(text) and body not in ("0",):
            decimal = int(body.replace("_", ""), 10) * (-1 if text.startswith("-") else 1)
            if decimal != value:
                return f"the decimal number {decimal}"
        return None
    if isinstance(value, str) and _SEXAGESIMAL.match(text):
        return "a base-60 number in PyYAML and other YAML 1.1 parsers"
    return None


def describe(value: object) -> str:
    """A value as an error message shows it: ``string "3"``, ``boolean true``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean " + ("true" if value else "false")
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value:g}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f'string "{shown}"'
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def json_key(value: object) -> str | None:
    """How sigs.k8s.io/yaml turns a non-string map key into a JSON key, or None if it cannot."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return _format_float32(value)
    return None


def _format_float32(value: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, 32): the shortest form that round-trips as float32."""
    target = struct.unpack("f", struct.pack("f", value))[0]
    for precision in range(1, 10):
        text = f"{value:.{precision}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == target:
            return text
    return repr(value)
