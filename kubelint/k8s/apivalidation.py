"""Building blocks of the API server's hand-written validation, shared by the validation templates.

The templates ``kubelint/checks/validation_*.py`` follow the Go validation of each API group
(pkg/apis/*/validation/validation.go in kubernetes/kubernetes). This module holds what they share:
a collector that words problems the way the API server does (``<field path>: <message>``),
tolerant accessors (a check never trusts a type: the schema stage reports wrong types), and the
value grammars the Go code uses (quantities, int-or-percent, IP addresses and CIDRs, label
selectors, IANA service names).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterator

from kubelint.k8s import objects as k8s
from kubelint.model import Path, Problem, format_path

MAX_INT32 = 2**31 - 1

# --- tolerant accessors --------------------------------------------------------------------------


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def as_int(value: Any) -> int | None:
    """An integer the API server could decode (int32 fields out of range are the schema stage's finding)."""
    if isinstance(value, int) and not isinstance(value, bool) and -2**31 <= value <= MAX_INT32:
        return value
    return None


def as_int64(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63:
        return value
    return None


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def items(data: dict, key: str) -> Iterator[tuple[int, dict]]:
    """(index, item) for each mapping item of the list ``data[key]``."""
    for index, item in enumerate(as_list(data.get(key))):
        if isinstance(item, dict):
            yield index, item


def present(data: dict, key: str) -> bool:
    """Whether ``key`` is set (null means "not set", as for the API server)."""
    return data.get(key) is not None


# --- the collector --------------------------------------------------------------------------------


@dataclass
class Errors:
    """Problems worded as the API server words them: ``spec.ports[1].name: Required value: ...``."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, path: Path, message: str, hint: str | None = None, at_key: bool = False) -> None:
        where = format_path(path) or "the object"
        self.problems.append(Problem(path, f"{where}: {message}", hint=hint, at_key=at_key))

    def required(self, path: Path, what: str = "", hint: str | None = None) -> None:
        self.add(path, "Required value" + (f": {what}" if what else ""), hint=hint, at_key=True)

    def invalid(self, path: Path, value: Any, message: str, hint: str | None = None) -> None:
        whole = isinstance(value, (dict, list)) or value in ("{...}", "[...]")
        self.add(path, f"Invalid value: {show(value)}: {message}", hint=hint, at_key=whole)

    def forbidden(self, path: Path, message: str, hint: str | None = None) -> None:
        self.add(path, f"Forbidden: {message}", hint=hint, at_key=True)

    def unsupported(self, path: Path, value: Any, allowed: list[str], hint: str | None = None) -> None:
        listed = ", ".join(f'"{v}"' for v in allowed)
        self.add(path, f"Unsupported value: {show(value)}: supported values: {listed}", hint=hint)

    def duplicate(self, path: Path, value: Any, hint: str | None = None) -> None:
        self.add(path, f"Duplicate value: {show(value)}", hint=hint)

    def too_many(self, path: Path, count: int, limit: int, hint: str | None = None) -> None:
        self.add(path, f"Too many: {count}: must have at most {limit} items", hint=hint)

    def nonnegative(self, path: Path, value: Any) -> None:
        """ValidateNonnegativeField."""
        number = as_int(value)
        if number is not None and number < 0:
            self.invalid(path, number, "must be greater than or equal to 0")

    def positive(self, path: Path, value: Any) -> None:
        number = as_int(value)
        if number is not None and number <= 0:
            self.invalid(path, number, "must be greater than zero")

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)


def show(value: Any) -> str:
    if value in ("{...}", "[...]"):
        return value
    if isinstance(value, str):
        text = value if len(value) <= 80 else value[:77] + "..."
        return f'"{text}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, list):
        return "[...]"
    return str(value)



# --- value grammars -------------------------------------------------------------------------------

_QUANTITY = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
                       r"(([eE][+-]?[0-9]+)|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?\Z")
_SUFFIX = {"Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30), "Ti": Fraction(2**40),
           "Pi": Fraction(2**50), "Ei": Fraction(2**60), "n": Fraction(1, 10**9), "u": Fraction(1, 10**6),
           "m": Fraction(1, 1000), "k": Fraction(10**3), "M": Fraction(10**6), "G": Fraction(10**9),
           "T": Fraction(10**12), "P": Fraction(10**15), "E": Fraction(10**18), None: Fraction(1)}


def quantity(value: Any) -> Fraction | None:
    """The exact value of a resource.Quantity (``500m`` is 1/2), or None when it does not parse."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(value) if value == value and value not in (float("inf"), float("-inf")) else None
    if not isinstance(value, str):
        return None
    return _parse_quantity(value)


@lru_cache(maxsize=4096)
def _parse_quantity(value: str) -> Fraction | None:
    match = _QUANTITY.match(value)
    if not match:
        return None
    number = Fraction(match.group(1))
    if match.group(3):
        return number * Fraction(10) ** int(match.group(3)[1:])
    return number * _SUFFIX[match.group(2)]


def format_quantity(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


PERCENT = re.compile(r"[0-9]+%\Z")


def int_or_percent(value: Any) -> tuple[int | None, bool]:
    """(value, is_percent) of an IntOrString used as a count or a percentage; (None, False) if neither."""
    number = as_int(value)
    if number is not None:
        return number, False
    if isinstance(value, str) and PERCENT.match(value):
        return int(value[:-1]), True
    return None, False


def ip_errors(value: str) -> list[str]:
    """IsValidIP: an IPv4 or IPv6 address (Go's ParseIP; IPv4 with leading zeros is accepted as legacy)."""
    try:
        ipaddress.ip_address(value)
        return []
    except ValueError:
        pass
    if re.fullmatch(r"(\d{1,3})(\.\d{1,3}){3}", value) and all(int(p) <= 255 for p in value.split(".")):
        return []
    return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]


def cidr_errors(value: str) -> list[str]:
    """IsValidCIDR: an address and a prefix length (host bits may be set)."""
    try:
        ipaddress.ip_network(value, strict=False)
        if "/" in value:
            return []
    except ValueError:
        pass
    return ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]


def network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(value, strict=False) if "/" in value else None
    except ValueError:
        return None


def port_number_errors(value: Any) -> list[str]:
    number = as_int(value)
    if number is not None and not 1 <= number <= 65535:
        return ["must be between 1 and 65535, inclusive"]
    return []


def port_num_or_name(errors: Errors, path: Path, value: Any) -> None:
    """ValidatePortNumOrName: a port number 1-65535 or an IANA service name."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        for message in port_number_errors(value):
            errors.invalid(path, value, message)
    elif isinstance(value, str):
        for message in k8s.port_name_errors(value):
            errors.invalid(path, value, message,
                           hint="use a port number or the name of a container port (IANA service name)")


# --- label selectors ------------------------------------------------------------------------------

SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def label_selector(errors: Errors, path: Path, selector: Any, *, check_labels: bool = True) -> None:
    """ValidateLabelSelector (apimachinery/pkg/apis/meta/v1/validation): requirements and keys."""
    if not isinstance(selector, dict):
        return
    for index, requirement in items(selector, "matchExpressions"):
        where = path + ("matchExpressions", index)
        operator = requirement.get("operator")
        values = requirement.get("values")
        if operator in ("In", "NotIn"):
            if not as_list(values):
                errors.required(where + ("values",), "must be specified when `operator` is 'In' or 'NotIn'",
                                hint="list the label values to match")
        elif operator in ("Exists", "DoesNotExist"):
            if as_list(values):
                errors.forbidden(where + ("values",), "may not be specified when `operator` is 'Exists' or "
                                 "'DoesNotExist'", hint="remove values")
        key = requirement.get("key")
        if isinstance(key, str):
            for message in k8s.qualified_name_errors(key):
                errors.invalid(where + ("key",), key, message)
        if check_labels:
            for value_index, value in enumerate(as_list(values)):
                if isinstance(value, str):
                    for message in k8s.label_value_errors(value):
                        errors.invalid(where + ("values", value_index), value, message)


def selector_empty(selector: Any) -> bool:
    if not isinstance(selector, dict):
        return False
    return not as_dict(selector.get("matchLabels")) and not as_list(selector.get("matchExpressions"))


# --- file modes and paths -------------------------------------------------------------------------


def file_mode(errors: Errors, path: Path, value: Any) -> None:
    """validateVolumeMode-style check of defaultMode/mode: 0 to 0777."""
    number = as_int(value)
    if number is not None and not 0 <= number <= 0o777:
        errors.invalid(path, number, "must be a number between 0 and 0777 (octal), both inclusive",
                       hint="write the mode in octal with a leading 0 (0644) or in decimal (420)")


def relative_path(errors: Errors, path: Path, value: Any) -> None:
    """validateLocalDescendingPath: relative, without '..' elements."""
    if not isinstance(value, str):
        return
    if value.startswith("/"):
        errors.invalid(path, value, "must be a relative path")
    if any(part == ".." for part in value.replace("\\", "/").split("/")):
        errors.invalid(path, value, "must not contain '..'")


def config_map_key_errors(value: str) -> list[str]:
    """IsConfigMapKey: the keys of ConfigMap and Secret data."""
    errors = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not re.fullmatch(r"[-._a-zA-Z0-9]+", value):
        errors.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
                      "(e.g. 'key.name', or 'KEY_NAME', or 'key-name')")
    if value == ".":
        errors.append("must not be '.'")
    elif value == "..":
        errors.append("must not be '..'")
    elif value.startswith(".."):
        errors.append("must not start with '..'")
    return errors
