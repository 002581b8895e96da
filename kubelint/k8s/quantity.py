"""Kubernetes resource quantities: parsing, exact arithmetic and canonical formatting.

Follows k8s.io/apimachinery/pkg/api/resource/quantity.go: a quantity is a signed decimal
number followed by a binary-SI suffix (Ki, Mi, Gi, Ti, Pi, Ei), a decimal-SI suffix
(n, u, m, k, M, G, T, P, E) or a decimal exponent (e3, E-2), e.g. ``500m``, ``1.5Gi``,
``1e3``, ``.5``, ``+2``. Values are exact (fractions), and the integer views round up
as Quantity.Value() and Quantity.MilliValue() do: ``0.1`` memory is 1 byte, ``0.0001``
cpu is 1 millicore. YAML numbers (``cpu: 2``, ``cpu: 0.5``) are read as the API server
decodes a JSON number into a Quantity.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache
from typing import Any

_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_GRAMMAR = re.compile(rf"({_NUMBER})([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?\Z")

BINARY_SUFFIXES = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
DECIMAL_SUFFIXES = {"n": Fraction(1, 10 ** 9), "u": Fraction(1, 10 ** 6), "m": Fraction(1, 1000), "": Fraction(1),
                    "k": Fraction(10 ** 3), "M": Fraction(10 ** 6), "G": Fraction(10 ** 9),
                    "T": Fraction(10 ** 12), "P": Fraction(10 ** 15), "E": Fraction(10 ** 18)}


class QuantityError(ValueError):
    """Not a Kubernetes quantity."""


def parse(value: Any) -> Fraction:
    """The exact value of a quantity given as a string or a YAML number.

    >>> parse("1.5Gi")
    Fraction(1610612736, 1)
    >>> parse("250m")
    Fraction(1, 4)
    """
    if isinstance(value, bool):
        raise QuantityError(f"expected a quantity, got the boolean {str(value).lower()}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError(f"{value!r} is not a quantity")
        return Fraction(repr(value))
    if not isinstance(value, str):
        raise QuantityError(f"expected a quantity (a string like 500m or 1Gi, or a number), got {type(value).__name__}")
    return _parse_text(value)


@lru_cache(maxsize=4096)
def _parse_text(value: str) -> Fraction:
    match = _GRAMMAR.match(value)
    if not match:
        raise QuantityError(f'"{value}" is not a quantity: write a number with an optional suffix, '
                            "like 500m, 2, 1.5Gi or 1e3")
    number, suffix = match.group(1), match.group(2) or ""
    amount = Fraction(number)
    if suffix in BINARY_SUFFIXES:
        return amount * BINARY_SUFFIXES[suffix]
    if suffix in DECIMAL_SUFFIXES:
        return amount * DECIMAL_SUFFIXES[suffix]
    return amount * Fraction(10) ** int(suffix[1:])


def ceil_int(value: Fraction) -> int:
    """Quantity.Value(): the integer value, rounded up (away from zero for positive values)."""
    return math.ceil(value)


def value(quantity: Any) -> int:
    """Quantity.Value() of a raw quantity: bytes of memory, a number of pods or GPUs."""
    return math.ceil(parse(quantity))


def milli_value(quantity: Any) -> int:
    """Quantity.MilliValue(): millicores of cpu, rounded up."""
    return math.ceil(parse(quantity) * 1000)


def is_quantity(raw: Any) -> bool:
    try:
        parse(raw)
        return True
    except QuantityError:
        return False


# --- formatting ------------------------------------------------------------------------------


def format_milli(millis: int) -> str:
    """Millicores as Kubernetes prints them: ``1500m``, ``2``, ``0``."""
    if millis % 1000 == 0:
        return str(millis // 1000)
    return f"{millis}m"


def format_binary(amount: int) -> str:
    """Bytes with the largest binary suffix that divides them exactly (``2Gi``, ``1536Mi``);
    decimal suffixes for amounts written that way (``500M``), else plain bytes."""
    if amount == 0:
        return "0"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    for suffix, factor in sorted(BINARY_SUFFIXES.items(), key=lambda item: -item[1]):
        if amount % factor == 0:
            return f"{sign}{amount // factor}{suffix}"
    for suffix in ("E", "P", "T", "G", "M", "k"):
        factor = int(DECIMAL_SUFFIXES[suffix])
        if amount % factor == 0:
            return f"{sign}{amount // factor}{suffix}"
    return f"{sign}{amount}"


def format_decimal(amount: int) -> str:
    return str(amount)


def format_resource(name: str, amount: int) -> str:
    """A resource amount in its natural unit: millicores for cpu, bytes for memory and storage."""
    if name == "cpu":
        return format_milli(amount)
    if name in ("memory", "ephemeral-storage", "storage") or name.startswith("hugepages-"):
        return format_binary(amount)
    return format_decimal(amount)


def human(name: str, amount: int) -> str:
    """A short, rounded form for tables: ``1.5`` cores, ``3.2Gi``."""
    if name == "cpu":
        if amount % 1000 == 0:
            return str(amount // 1000)
        if amount < 1000:
            return f"{amount}m"
        return f"{amount / 1000:.2f}".rstrip("0").rstrip(".")
    if name in ("memory", "ephemeral-storage", "storage") or name.startswith("hugepages-"):
        for suffix, factor in sorted(BINARY_SUFFIXES.items(), key=lambda item: -item[1]):
            if amount >= factor:
                scaled = amount / factor
                text = f"{scaled:.1f}".rstrip("0").rstrip(".")
                return f"{text}{suffix}"
        return str(amount)
    return str(amount)
