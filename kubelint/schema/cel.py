"""CEL for CustomResourceDefinitions: ``x-kubernetes-validations`` rules evaluated as the API server does.

The engine is ``common-expression-language`` (the Rust ``cel`` crate with Python bindings; see
docs/validation-coverage.md for why it was chosen over cel-python). It implements the CEL core
(macros, conversions, ``matches``, timestamps and durations); the libraries Kubernetes adds
(staging/src/k8s.io/apiserver/pkg/cel/library: lists, regex, quantity, url, ip, cidr, semver,
format, and cel-go's strings and sets extensions) are implemented here as CEL functions.

The bindings cannot carry Python objects as CEL values, so the Kubernetes types are encoded as
single-key maps holding a canonical form (``quantity("1")`` and ``quantity("1000m")`` are both
``{"__kubelint_quantity__": "1"}``): equality then works as the API server's does.

Values are converted per the structural schema as in apiserver/pkg/cel/value.go: ``number`` is
double, strings of format ``date-time``/``date`` are timestamps, ``duration`` durations, ``byte``
bytes; property names are escaped (``x-ray`` is ``x__dash__ray``, ``namespace`` is
``__namespace__``); schema defaults are applied first, as the API server defaults before it
validates.
"""

from __future__ import annotations

import base64
import copy
import datetime
import importlib.util
import ipaddress
import logging
import re
import urllib.parse
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

from kubelint.k8s.apivalidation import quantity as parse_quantity

_cel: Any = None   # the library, imported on first use: importing it costs about 0.3 s (its CLI)


def _library():
    global _cel
    if _cel is None:  # start-up: the library costs about 0.3 s to import; only CRDs with rules need it
        import cel

        logging.getLogger("cel").addHandler(logging.NullHandler())
        logging.getLogger("cel").propagate = False
        _cel = cel
    return _cel

QUANTITY, URL, IP, CIDR, SEMVER = ("__kubelint_quantity__", "__kubelint_url__", "__kubelint_ip__",
                                   "__kubelint_cidr__", "__kubelint_semver__")

RESERVED = frozenset({"true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
                      "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"})


def available() -> bool:
    return importlib.util.find_spec("cel") is not None


class CELError(Exception):
    """A rule that cannot be compiled or evaluated here (not necessarily invalid for Kubernetes)."""


# --- the Kubernetes libraries ------------------------------------------------------------------------


def _fail(message: str):
    raise ValueError(message)


def _quantity(value: str) -> dict:
    amount = parse_quantity(value) if isinstance(value, str) else None
    if amount is None:
        _fail(f"quantities must match the regular expression: {value!r}")
    return {QUANTITY: _fraction_text(amount)}


def _fraction_text(amount: Fraction) -> str:
    return f"{amount.numerator}/{amount.denominator}"


def _q(value) -> Fraction:
    if isinstance(value, dict) and QUANTITY in value:
        return Fraction(value[QUANTITY])
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    _fail("no such overload")


def _is_quantity(value) -> bool:
    return isinstance(value, str) and parse_quantity(value) is not None


def _semver(value: str) -> dict:
    match = _SEMVER.match(value) if isinstance(value, str) else None
    if not match:
        _fail(f"could not parse {value!r} as semver")
    return {SEMVER: value}


_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
                     r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\Z")


def _semver_key(value) -> tuple:
    match = _SEMVER.match(value[SEMVER])
    major, minor, patch, pre = int(match.group(1)), int(match.group(2)), int(match.group(3)), match.group(4)
    pre_key: tuple = (1,) if pre is None else (0, tuple((0, int(p)) if p.isdigit() else (1, p)
                                                          for p in pre.split(".")))
    return (major, minor, patch, pre_key)


def _compare(a, b) -> int:
    if isinstance(a, dict) and SEMVER in a:
        left, right = _semver_key(a), _semver_key(b)
    else:
        left, right = _q(a), _q(b)
    return (left > right) - (left < right)


def _url(value: str) -> dict:
    if not _is_url(value):
        _fail(f"URL parse error during conversion from string: {value!r}")
    return {URL: value}


def _is_url(value) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme) or value.startswith("/")


def _url_part(value, part: str):
    parts = urllib.parse.urlsplit(value[URL])
    if part == "scheme":
        return parts.scheme
    if part == "host":
        return parts.netloc.rpartition("@")[2]
    if part == "hostname":
        host = parts.netloc.rpartition("@")[2]
        if host.startswith("["):
            return host[1:host.index("]")]
        return host.rsplit(":", 1)[0] if ":" in host else host
    if part == "port":
        host = parts.netloc.rpartition("@")[2]
        tail = host.rsplit("]", 1)[-1]
        return tail.rsplit(":", 1)[1] if ":" in tail else ""
    if part == "path":
        return parts.path
    if part == "query":
        out: dict[str, list[str]] = {}
        for key, item in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
            out.setdefault(key, []).append(item)
        return out
    raise AssertionError(part)


def _ip(value) -> dict:
    if isinstance(value, dict) and CIDR in value:
        return {IP: str(ipaddress.ip_interface(value[CIDR]).ip)}
    if not _is_ip(value):
        _fail(f"IP Address {value!r} parse error during conversion from string")
    return {IP: str(ipaddress.ip_address(value))}


def _is_ip(value) -> bool:
    if not isinstance(value, str) or "%" in value:
        return False
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return not (isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None)


def _addr(value):
    if isinstance(value, str):
        value = _ip(value)
    return ipaddress.ip_address(value[IP])


def _cidr(value) -> dict:
    if not _is_cidr(value):
        _fail(f"network address {value!r} parse error during conversion from string")
    return {CIDR: str(ipaddress.ip_interface(value))}


def _is_cidr(value) -> bool:
    if not isinstance(value, str) or "/" not in value:
        return False
    try:
        ipaddress.ip_interface(value)
        return True
    except ValueError:
        return False


def _net(value):
    if isinstance(value, str):
        value = _cidr(value)
    return ipaddress.ip_interface(value[CIDR]).network


def _list_index(items, value, last=False):
    if isinstance(items, str):
        return (items.rfind(value) if last else items.find(value)) if isinstance(value, str) else _fail("no overload")
    positions = [i for i, item in enumerate(items) if item == value]
    if not positions:
        return -1
    return positions[-1] if last else positions[0]


def _string_index(text, value, start=None, last=False):
    if not isinstance(text, str):
        return _list_index(text, value, last)
    if start is None:
        return text.rfind(value) if last else text.find(value)
    return text.rfind(value, 0, start + len(value)) if last else text.find(value, start)


def _sum(items):
    if not items:
        return 0
    total = items[0]
    for item in items[1:]:
        total = total + item
    return total


def _min(items, *more):
    values = [items, *more] if more else list(items)
    if not values:
        _fail("min called on empty list")
    return min(values)


def _max(items, *more):
    values = [items, *more] if more else list(items)
    if not values:
        _fail("max called on empty list")
    return max(values)


def _find(text, pattern):
    match = re.search(_re(pattern), text)
    return match.group(0) if match else ""


def _find_all(text, pattern, limit=-1):
    found = [m.group(0) for m in re.finditer(_re(pattern), text)]
    return found if limit < 0 else found[:limit]


def _re(pattern: str) -> str:
    # RE2 syntax Python lacks: \z (end of text) and named groups (?P<...>) are shared; translate \z.
    return pattern.replace(r"\z", r"\Z")


def _format(template: str, args: list):
    out, index, i = [], 0, 0
    while i < len(template):
        char = template[i]
        if char != "%":
            out.append(char)
            i += 1
            continue
        match = re.compile(r"%(\.\d+)?([sdfeoxXb%])").match(template, i)
        if not match:
            _fail(f"could not parse formatting clause at {template[i:]!r}")
        precision, verb = match.group(1), match.group(2)
        i = match.end()
        if verb == "%":
            out.append("%")
            continue
        if index >= len(args):
            _fail("index out of range")
        value = args[index]
        index += 1
        if verb == "s":
            out.append(_to_string(value))
        elif verb == "d":
            out.append(str(int(value)))
        elif verb in "fe":
            digits = int(precision[1:]) if precision else 6
            out.append(f"{float(value):.{digits}{verb}}")
        elif verb == "x":
            out.append(value.hex() if isinstance(value, bytes) else format(value, "x") if isinstance(value, int)
                       else value.encode().hex())
        elif verb == "X":
            out.append((value.hex() if isinstance(value, bytes) else format(value, "x") if isinstance(value, int)
                        else value.encode().hex()).upper())
        elif verb == "o":
            out.append(format(value, "o"))
        elif verb == "b":
            out.append(format(value, "b"))
    return "".join(out)


def _to_string(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_to_string(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_to_string(k)}: {_to_string(v)}" for k, v in value.items()) + "}"
    return str(value)


def _is_sorted(items) -> bool:
    return all(items[i] <= items[i + 1] for i in range(len(items) - 1))


def _functions() -> dict[str, Callable]:
    functions: dict[str, Callable] = {}
    from cel import stdlib  # start-up: with the library, see _library()

    for name in ("strings", "sets", "math", "encoders", "lists"):
        functions.update(stdlib.EXTENSIONS.get(name, {}))
    functions.update({
        # lists (k8s.io/apiserver/pkg/cel/library/lists.go) and strings (cel-go ext)
        "isSorted": _is_sorted, "sum": _sum, "min": _min, "max": _max,
        "indexOf": lambda t, v, s=None: _string_index(t, v, s), "lastIndexOf": lambda t, v, s=None:
        _string_index(t, v, s, last=True),
        "lowerAscii": lambda s: "".join(c.lower() if c.isascii() else c for c in s),
        "upperAscii": lambda s: "".join(c.upper() if c.isascii() else c for c in s),
        "format": _format,
        # regex.go
        "find": _find, "findAll": _find_all,
        # quantity.go
        "quantity": _quantity, "isQuantity": _is_quantity,
        "isInteger": lambda q: _q(q).denominator == 1,
        "asInteger": lambda q: int(_q(q)) if _q(q).denominator == 1 else _fail("cannot convert value to integer"),
        "asApproximateFloat": lambda q: float(_q(q)),
        "sign": lambda q: (_q(q) > 0) - (_q(q) < 0),
        "add": lambda a, b: {QUANTITY: _fraction_text(_q(a) + _q(b))},
        "sub": lambda a, b: {QUANTITY: _fraction_text(_q(a) - _q(b))},
        "compareTo": _compare,
        "isLessThan": lambda a, b: _compare(a, b) < 0, "isGreaterThan": lambda a, b: _compare(a, b) > 0,
        # semver.go
        "semver": _semver, "isSemver": lambda s: isinstance(s, str) and bool(_SEMVER.match(s)),
        "major": lambda v: _semver_key(v)[0], "minor": lambda v: _semver_key(v)[1],
        "patch": lambda v: _semver_key(v)[2],
        # urls.go
        "url": _url, "isURL": _is_url,
        "getScheme": lambda u: _url_part(u, "scheme"), "getHost": lambda u: _url_part(u, "host"),
        "getHostname": lambda u: _url_part(u, "hostname"), "getPort": lambda u: _url_part(u, "port"),
        "getEscapedPath": lambda u: _url_part(u, "path"), "getQuery": lambda u: _url_part(u, "query"),
        # ip.go and cidr.go
        "ip": _ip, "isIP": _is_ip, "cidr": _cidr, "isCIDR": _is_cidr,
        "ip.isCanonical": lambda s: _is_ip(s) and str(ipaddress.ip_address(s)) == s,
        "family": lambda a: _addr(a).version,
        "isUnspecified": lambda a: _addr(a).is_unspecified, "isLoopback": lambda a: _addr(a).is_loopback,
        "isLinkLocalMulticast": lambda a: _addr(a).is_multicast and _addr(a).is_link_local
        if _addr(a).version == 4 else _addr(a) in ipaddress.ip_network("ff02::/16"),
        "isLinkLocalUnicast": lambda a: _addr(a).is_link_local and not _addr(a).is_multicast,
        "isGlobalUnicast": lambda a: not (_addr(a).is_unspecified or _addr(a).is_loopback or _addr(a).is_multicast
                                          or _addr(a).is_link_local or _addr(a) == ipaddress.ip_address(
                                              "255.255.255.255")),
        "containsIP": lambda c, a: _addr(a) in _net(c),
        "containsCIDR": lambda c, d: _net(d).version == _net(c).version and _net(d).subnet_of(_net(c)),
        "prefixLength": lambda c: _net(c).prefixlen,
        "masked": lambda c: {CIDR: str(_net(c))},
    })
    return functions


# --- values ------------------------------------------------------------------------------------------


def escape(name: str) -> str | None:
    """The CEL name of a property (apiserver/pkg/cel/escaping.go), or None if CEL cannot reach it."""
    if name in RESERVED:
        return f"__{name}__"
    if not re.fullmatch(r"[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*", name):
        return None
    return (name.replace("__", "__underscores__").replace(".", "__dot__").replace("-", "__dash__")
            .replace("/", "__slash__"))


def apply_defaults(schema: Any, value: Any) -> Any:
    """A copy of value with the schema's defaults applied and non-nullable nulls pruned (structural defaulting)."""
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict):
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else None
        extra = schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else None
        out = {}
        for key, item in value.items():
            sub = properties.get(key) if properties else extra
            if item is None and not (isinstance(sub, dict) and sub.get("nullable")):
                continue
            out[key] = apply_defaults(sub, item)
        for key, sub in (properties or {}).items():
            if key not in out and isinstance(sub, dict) and "default" in sub:
                out[key] = apply_defaults(sub, copy.deepcopy(sub["default"]))
        return out
    if isinstance(value, list):
        return [apply_defaults(schema.get("items"), item) for item in value]
    return value


def to_cel(schema: Any, value: Any) -> Any:
    """A defaulted value as CEL sees it, typed by its schema."""
    schema = schema if isinstance(schema, dict) else {}
    if value is None:
        return None
    kind = schema.get("type")
    if isinstance(value, dict):
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else None
        if properties is not None or schema.get("x-kubernetes-embedded-resource"):
            out = {}
            for key, item in value.items():
                name = escape(key)
                if name is not None:
                    out[name] = to_cel((properties or {}).get(key), item)
            return out
        extra = schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else None
        return {key: to_cel(extra, item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_cel(schema.get("items"), item) for item in value]
    if kind == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind == "string" and isinstance(value, str):
        fmt = schema.get("format")
        try:
            if fmt == "date-time":
                return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if fmt == "date":
                return datetime.datetime.fromisoformat(value).replace(tzinfo=datetime.timezone.utc)
            if fmt == "byte":
                return base64.b64decode(value)
            if fmt == "duration":
                return _duration(value)
        except (ValueError, TypeError):
            return value
    return value


def _duration(text: str) -> datetime.timedelta:
    units = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
    parts = re.findall(r"([0-9.]+)(ns|us|µs|ms|s|m|h)", text)
    if not parts or "".join(a + b for a, b in parts) != text.lstrip("-+"):
        raise ValueError(text)
    seconds = sum(float(a) * units[b] for a, b in parts)
    return datetime.timedelta(seconds=-seconds if text.startswith("-") else seconds)


def root_value(schema: dict, data: dict) -> Any:
    """``self`` at the root of a custom resource: apiVersion, kind, metadata.name/generateName, the rest."""
    defaulted = apply_defaults(schema, {k: v for k, v in data.items() if k != "metadata"})
    value = to_cel(schema, defaulted)
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    value["metadata"] = {k: metadata[k] for k in ("name", "generateName") if isinstance(metadata.get(k), str)}
    value.setdefault("apiVersion", data.get("apiVersion"))
    value.setdefault("kind", data.get("kind"))
    return value


# --- programs ----------------------------------------------------------------------------------------


@dataclass
class Rule:
    """A compiled rule, or the reason it cannot run here."""

    source: str
    program: Any = None
    problem: str | None = None
    transition: bool = False


class Environment:
    """Compiles rules once and evaluates them with the Kubernetes libraries."""

    def __init__(self) -> None:
        self.ready = available()
        if self.ready:
            _library()
        self.functions = _functions() if self.ready else {}
        self.compiled: dict[str, Rule] = {}

    def compile(self, source: str) -> Rule:
        rule = self.compiled.get(source)
        if rule is not None:
            return rule
        rule = Rule(source)
        if not self.ready:
            rule.problem = "no CEL library is installed (pip install common-expression-language)"
        else:
            try:
                rule.program = _cel.compile(source)
                variables = set(rule.program.variables())
                rule.transition = "oldSelf" in variables
            except Exception as exc:   # a parse error, or syntax the library lacks (optionals ?. and the like)
                rule.problem = f"cannot be parsed here: {_first_line(exc)}"
        self.compiled[source] = rule
        return rule

    def evaluate(self, rule: Rule, variables: dict[str, Any]) -> Any:
        context = _cel.Context(variables=variables, functions=self.functions)
        try:
            return rule.program.execute(context)
        except Exception as exc:
            raise CELError(_first_line(exc)) from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
