"""Schema validation of one object, with messages that name the problem and the fix.

Two engines find the errors: jsonschema-rs (fast, the default) and python-jsonschema
(the reference; ``KUBELINT_SCHEMA_ENGINE=reference``). Both only report *where*
(instance path) and *which keyword* failed; the messages are written here from the
data and the schema, so that both engines give identical findings
(tests/schema/test_schema_engines.py checks that on the corpus).
"""

from __future__ import annotations

import base64
import binascii
import difflib
import math
import os
import re
from typing import Any, Callable, Iterator

try:
    import jsonschema_rs
except ImportError:  # no wheel for this platform: the reference engine still works (see engine())
    jsonschema_rs = None

from kubelint.load.scalars import INT64_MAX, INT64_MIN, describe
from kubelint.model import AsString, Fix, Path, Problem, Remove, Rename, Replace, format_path, same_value

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})\Z")


def is_base64(value: str) -> bool:
    """Go's base64.StdEncoding, as encoding/json decodes []byte: padding required, CR/LF ignored."""
    try:
        base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
        return True
    except (binascii.Error, ValueError):
        return False


def is_time(value: str) -> bool:
    """metav1.Time accepts RFC 3339 (time.RFC3339 layout, fractional seconds allowed)."""
    return bool(_RFC3339.match(value))


FORMATS: dict[str, Callable[[str], bool]] = {"k8s-base64": is_base64, "k8s-time": is_time}

SchemaError = tuple[Path, str]  # (instance path, failing keyword)


class _FastEngine:
    """jsonschema-rs. The bundle's definitions are registered once per version; each kind's
    validator then compiles only what it references (milliseconds instead of tens)."""

    name = "jsonschema-rs"

    def __init__(self) -> None:
        if jsonschema_rs is None:
            raise ImportError("jsonschema-rs is not installed")
        self._module = jsonschema_rs
        self._validators: dict[Any, Any] = {}
        self._registries: dict[str, Any] = {}

    def _registry(self, uri: str, defs: dict) -> Any:
        registry = self._registries.get(uri)
        if registry is None:
            contents = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}
            registry = self._registries[uri] = self._module.Registry([(uri, contents)])
        return registry

    def errors(self, key: Any, schema: Callable[[], dict], instance: Any, uri: str, defs: dict) -> list[SchemaError]:
        validator = self._validators.get(key)
        if validator is None:
            validator = self._module.Draft202012Validator(schema(), formats=FORMATS, validate_formats=True,
                                                          registry=self._registry(uri, defs))
            self._validators[key] = validator
        if validator.is_valid(instance):
            return []
        return [(tuple(e.instance_path), str(list(e.schema_path)[-1])) for e in validator.iter_errors(instance)]


class _ReferenceEngine:
    """python-jsonschema with the referencing library: the oracle for the fast engine."""

    name = "python-jsonschema"

    def __init__(self) -> None:
        # Start-up: python-jsonschema costs about 0.1 s to import; only the differential tests use it.
        import jsonschema

        self._module = jsonschema
        checker = jsonschema.FormatChecker(formats=())
        for name, function in FORMATS.items():
            checker.checks(name)(lambda value, f=function: not isinstance(value, str) or f(value))
        self._checker = checker
        self._validators: dict[Any, Any] = {}
        self._registries: dict[str, Any] = {}

    def _registry(self, uri: str, defs: dict) -> Any:
        registry = self._registries.get(uri)
        if registry is None:  # start-up: with jsonschema, above
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012

            resource = Resource(contents={"$defs": defs}, specification=DRAFT202012)
            registry = self._registries[uri] = Registry().with_resource(uri, resource)
        return registry

    def errors(self, key: Any, schema: Callable[[], dict], instance: Any, uri: str, defs: dict) -> list[SchemaError]:
        validator = self._validators.get(key)
        if validator is None:
            validator = self._module.Draft202012Validator(schema(), format_checker=self._checker,
                                                          registry=self._registry(uri, defs))
            self._validators[key] = validator
        return [(tuple(e.absolute_path), str(e.validator)) for e in validator.iter_errors(instance)]


_ENGINES: dict[str, Any] = {}


def engine(name: str | None = None):
    """The schema engine: ``fast`` (jsonschema-rs) unless KUBELINT_SCHEMA_ENGINE=reference."""
    name = name or os.environ.get("KUBELINT_SCHEMA_ENGINE", "fast")
    if name not in _ENGINES:
        if name == "fast":
            try:
                _ENGINES[name] = _FastEngine()
            except ImportError:  # no wheel for this platform: the reference engine still works
                _ENGINES[name] = _ReferenceEngine()
        elif name == "reference":
            _ENGINES[name] = _ReferenceEngine()
        else:
            raise ValueError(f"unknown schema engine {name!r}: expected fast or reference")
    return _ENGINES[name]


def strip_nulls(value: Any) -> Any:
    """Drop null-valued keys everywhere: the API server decodes JSON null as "not set"."""
    if isinstance(value, dict):
        for key in [k for k, v in value.items() if v is None]:
            del value[key]
        for child in value.values():
            strip_nulls(child)
    elif isinstance(value, list):
        for child in value:
            strip_nulls(child)
    return value


def value_at(data: Any, path: Path) -> Any:
    for segment in path:
        try:
            data = data[segment]
        except (KeyError, IndexError, TypeError):
            return None
    return data


class SchemaView:
    """Navigate a JSON Schema with $ref into the bundle's $defs."""

    def __init__(self, defs: dict[str, Any]):
        self.defs = defs

    def deref(self, schema: Any) -> dict:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 50:
            schema = self.defs.get(schema["$ref"].rsplit("/", 1)[1], {})
            seen += 1
        return schema if isinstance(schema, dict) else {}

    def child(self, schema: dict, segment: str | int) -> dict | None:
        schema = self.deref(schema)
        if isinstance(segment, int):
            items = schema.get("items")
            return self.deref(items) if isinstance(items, dict) else None
        properties = schema.get("properties", {})
        if segment in properties:
            return self.deref(properties[segment])
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            return self.deref(extra)
        for combinator in ("allOf", "anyOf", "oneOf"):
            for option in schema.get(combinator, []):
                found = self.child(option, segment)
                if found:
                    return found
        return None

    def at(self, schema: dict, path: Path) -> dict:
        node = self.deref(schema)
        for segment in path:
            found = self.child(node, segment)
            if found is None:
                return {}
            node = found
        return node


def _types(schema: dict) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return [k for k in kind if k != "null"]
    return [kind] if kind else []


def _expected(schema: dict) -> str:
    if schema.get("x-kubelint-type") == "quantity":
        return "a quantity (string like 500m or 1Gi, or a number)"
    names = {"integer": "integer", "string": "string", "boolean": "boolean", "number": "number",
             "object": "object (a mapping)", "array": "array (a list)"}
    kinds = [names.get(k, k) for k in _types(schema)]
    return " or ".join(kinds) if kinds else "a different type"


def _type_hint(value: Any, schema: dict) -> str | None:
    kinds = _types(schema)
    if "string" in kinds and isinstance(value, (bool, int, float)) and not isinstance(value, dict):
        shown = ("true" if value else "false") if isinstance(value, bool) else f"{value:g}" if isinstance(value, float) else str(value)
        return f'quote the value: "{shown}"'
    if isinstance(value, str) and ("integer" in kinds or "number" in kinds):
        try:
            float(value)
            return f"remove the quotes: {value}"
        except ValueError:
            return None
    if isinstance(value, str) and "boolean" in kinds and value.lower() in ("true", "false"):
        return f"remove the quotes: {value.lower()}"
    if isinstance(value, dict) and "array" in kinds:
        return "start each list item with '- '"
    if isinstance(value, list) and "object" in kinds:
        return "remove the '- ': this field is a mapping, not a list"
    return None


_CANONICAL_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_CANONICAL_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")


def _type_fix(value: Any, schema: dict, path: Path) -> Fix | None:
    """The fix the type hint spells out, where it is certain: a YAML 1.1 boolean or number in a string
    field is the string it is written as (the loader's literal: ``0755``, not 493); a quoted number in
    an integer or number field is that number, written as Kubernetes reads it."""
    kinds = _types(schema)
    if "string" in kinds and isinstance(value, (bool, int, float)):
        return Fix((AsString(path),), "quote the value")
    if isinstance(value, str) and ("integer" in kinds or "number" in kinds):
        pattern = _CANONICAL_INTEGER if "integer" in kinds and "number" not in kinds else _CANONICAL_NUMBER
        if len(value) > 24 or not pattern.match(value):
            return None  # "010", "1e3", " 3" or a thousand digits: what the author meant is not certain
        number: int | float = int(value) if _CANONICAL_INTEGER.match(value) else float(value)
        if not INT64_MIN <= number <= INT64_MAX or (isinstance(number, float) and not math.isfinite(number)):
            return None  # Kubernetes' JSON numbers are 64-bit
        return Fix((Replace(path, number),), f"remove the quotes: {value}")
    if isinstance(value, str) and "boolean" in kinds and value.lower() in ("true", "false"):
        return Fix((Replace(path, value.lower() == "true"),), f"remove the quotes: {value.lower()}")
    return None


def _suggest(word: str, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    if close:
        return close[0]
    lowered = {c.lower(): c for c in candidates}
    return lowered.get(word.lower())


def explain(view: SchemaView, root: dict, data: Any, errors: list[SchemaError],
            sensitive: Callable[[Path], bool] = lambda path: False) -> Iterator[Problem]:
    """Turn (path, keyword) pairs into problems with clear messages.

    ``sensitive(path)`` says whether the value at path must never be quoted (Secret data).
    """
    seen: set[tuple[Path, str]] = set()
    for path, keyword in sorted(errors, key=lambda e: (len(e[0]), [str(s) for s in e[0]], e[1])):
        if (path, keyword) in seen:
            continue
        seen.add((path, keyword))
        schema = view.at(root, path)
        value = value_at(data, path)
        shown = "the value" if sensitive(path) else describe(value)
        where = format_path(path)
        if keyword == "additionalProperties":
            yield from _unknown_fields(view, root, data, path, schema, value)
        elif keyword == "required":
            present = value if isinstance(value, dict) else {}
            for name in schema.get("required", []):
                if name not in present:
                    yield Problem(path, f'{where or "the object"}: missing required field "{name}"',
                                  rule="schema-required", at_key=True,
                                  hint=f'add "{name}"' + (f" under {path[-1]}" if path and isinstance(path[-1], str) else ""))
        elif keyword == "type":
            yield Problem(path, f"{where}: expected {_expected(schema)}, got {shown}", rule="schema-type",
                          hint=None if sensitive(path) else _type_hint(value, schema),
                          fix=None if sensitive(path) else _type_fix(value, schema, path))
        elif keyword == "enum":
            allowed = [v for v in schema.get("enum", []) if v != ""]
            listed = ", ".join(f'"{v}"' for v in allowed)
            suggestion = _suggest(str(value), [str(v) for v in allowed]) if isinstance(value, str) else None
            shown_value = shown if not isinstance(value, str) or sensitive(path) else f'"{value}"'
            # only a difference of case is fixed: "always" is Always, but "Alwys" might be something else
            fix = (Fix((Replace(path, suggestion),), f'write "{suggestion}"')
                   if suggestion and isinstance(value, str) and suggestion.lower() == value.lower() else None)
            yield Problem(path, f"{where}: unsupported value {shown_value}: supported values: {listed}",
                          rule="schema-enum", hint=f'did you mean "{suggestion}"?' if suggestion else None, fix=fix)
        elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            low, high = schema.get("minimum"), schema.get("maximum")
            if low is not None and high is not None and high - low in (2**32 - 1, 2**64 - 1):
                bits = 32 if high - low == 2**32 - 1 else 64
                message = f"{where}: {shown} does not fit in a {bits}-bit integer"
            elif keyword in ("minimum", "exclusiveMinimum"):
                bound = schema.get(keyword)
                message = f"{where}: {shown} must be {'greater than' if 'exclusive' in keyword else 'at least'} {bound}"
            else:
                bound = schema.get(keyword)
                message = f"{where}: {shown} must be {'less than' if 'exclusive' in keyword else 'at most'} {bound}"
            yield Problem(path, message, rule="schema-range")
        elif keyword == "pattern" and schema.get("x-kubelint-type") == "quantity":
            yield Problem(path, f"{where}: invalid quantity {shown}: a quantity is a number with an optional "
                          "suffix (500m, 0.5, 128Mi, 1Gi, 2e3) and no spaces", rule="schema-format",
                          hint=_quantity_hint(value))
        elif keyword == "format":
            fmt = schema.get("format")
            if fmt == "k8s-base64":
                yield Problem(path, f"{where}: the value is not valid base64; Secret data must be base64-encoded",
                              rule="schema-format", hint="encode it (base64 -w0) or move it to stringData")
            elif fmt == "k8s-time":
                yield Problem(path, f"{where}: {shown} is not an RFC 3339 time like 2024-05-01T12:00:00Z",
                              rule="schema-format")
            else:
                yield Problem(path, f"{where}: {shown} is not a valid {fmt}", rule="schema-format")
        else:
            yield Problem(path, _generic_message(where, shown, keyword, schema), rule="schema-format")


def _quantity_hint(value: Any) -> str | None:
    if isinstance(value, str):
        compact = value.replace(" ", "")
        for wrong, right in (("GB", "G"), ("MB", "M"), ("KB", "k"), ("Kb", "k"), ("gb", "G"), ("mb", "M"),
                             ("GiB", "Gi"), ("MiB", "Mi"), ("KiB", "Ki"), ("gi", "Gi"), ("mi", "Mi")):
            if compact.endswith(wrong):
                return f'write {compact[: -len(wrong)]}{right}'
        if compact != value:
            return f"remove the spaces: {compact}"
    return None


def _generic_message(where: str, shown: str, keyword: str, schema: dict) -> str:
    bound = schema.get(keyword)
    texts = {
        "minLength": f"must be at least {bound} characters long",
        "maxLength": f"must be at most {bound} characters long",
        "minItems": f"must have at least {bound} items",
        "maxItems": f"must have at most {bound} items",
        "minProperties": f"must have at least {bound} fields",
        "maxProperties": f"must have at most {bound} fields",
        "uniqueItems": "must not contain duplicate items",
        "multipleOf": f"must be a multiple of {bound}",
        "pattern": f"must match the pattern {bound}",
        "const": f"must be {bound!r}",
        "oneOf": "must match exactly one of the allowed shapes",
        "anyOf": "must match one of the allowed shapes",
        "not": "has a form that the schema forbids",
    }
    return f"{where}: {shown} {texts.get(keyword, 'is invalid (' + keyword + ')')}"


def _unknown_fields(view: SchemaView, root: dict, data: Any, path: Path, schema: dict, value: Any) -> Iterator[Problem]:
    if not isinstance(value, dict):
        return
    known = list(schema.get("properties", {}))
    parent_path = path
    while parent_path and isinstance(parent_path[-1], int):
        parent_path = parent_path[:-1]
    parent = view.at(root, parent_path[:-1]) if parent_path else {}
    parent_fields = set(parent.get("properties", {})) if parent_path else set()
    for key in value:
        if key in schema.get("properties", {}):
            continue
        where = format_path(path)
        message = f'{where}: unknown field "{key}"' if where else f'unknown field "{key}"'
        hint = None
        fix = None
        suggestion = _suggest(key, known)
        if suggestion:
            message += f' (did you mean "{suggestion}"?)'
            hint = f'rename it to "{suggestion}"'
            target = view.deref(schema.get("properties", {}).get(suggestion, {}))
            if suggestion not in value and _only_close_match(key, known) == suggestion \
                    and _fits(value[key], target):
                fix = Fix((Rename(path + (key,), suggestion),), f'rename it to "{suggestion}"')
        elif key in parent_fields and path:
            hint = f'"{key}" belongs one level up: check its indentation'
        else:
            hint = "remove it, or check its indentation and spelling"
        yield Problem(path + (key,), message, rule="schema-unknown-field", at_key=True, hint=hint, fix=fix)


_JSON_TYPES: dict[type, tuple[str, ...]] = {dict: ("object",), list: ("array",), str: ("string",),
                                           bool: ("boolean",), int: ("integer", "number"), float: ("number",)}


def _fits(value: Any, schema: dict) -> bool:
    """Whether ``value`` has a type the field's schema allows (a rename must not trade an unknown field
    for a type error: ``serviceName: web`` is no ``service`` mapping)."""
    kinds = _types(schema)
    if not kinds or schema.get("x-kubernetes-int-or-string") or schema.get("x-kubelint-type") == "quantity":
        return True
    return any(kind in kinds for kind in _JSON_TYPES.get(type(value), ()))


def _only_close_match(word: str, candidates: list[str]) -> str | None:
    """The one known name close to ``word`` (difflib's ratio of at least 0.75, or the same letters in
    another case), or None when there is none or more than one: a rename must not guess."""
    close = set(difflib.get_close_matches(word, candidates, n=2, cutoff=0.75))
    close |= {c for c in candidates if c.lower() == word.lower()}
    return close.pop() if len(close) == 1 else None


_ITEMS, _VALUES, _LISTS = "[*]", "{*}", "[lists]"  # trie steps: items of a list, values of a map
_LIST_MAP_PLANS: dict[Any, dict] = {}


def list_map_duplicates(view: SchemaView, root: dict, data: Any, key: Any = None) -> Iterator[Problem]:
    """Duplicate keys in x-kubernetes-list-type=map lists (two containers named "app").

    Where such lists can occur is worked out once per schema as a trie of paths, so a document
    is only walked along those paths.
    """
    trie = _LIST_MAP_PLANS.get(key) if key is not None else None
    if trie is None:
        trie = _trie(_plan(view, view.deref(root), (), frozenset(), 0))
        if key is not None:
            _LIST_MAP_PLANS[key] = trie
    found: list[Problem] = []
    if trie:
        _walk(trie, data, (), found)
    return iter(found)


def _trie(plan: list) -> dict:
    root: dict = {}
    for steps, keys, warn in plan:
        node = root
        for step in steps:
            node = node.setdefault(step, {})
        node.setdefault(_LISTS, []).append((keys, warn))
    return root


def _walk(trie: dict, data: Any, path: Path, found: list) -> None:
    if isinstance(data, dict):
        for step, child in trie.items():
            if step == _VALUES:
                for name, value in data.items():
                    if isinstance(value, (dict, list)):
                        _walk(child, value, path + (name,), found)
            elif step != _ITEMS and step != _LISTS:
                value = data.get(step)
                if isinstance(value, (dict, list)):
                    _walk(child, value, path + (step,), found)
    elif isinstance(data, list):
        lists = trie.get(_LISTS)
        if lists is not None and len(data) > 1:
            for keys, warn in lists:
                found.extend(_duplicates(data, keys, path, warn))
        child = trie.get(_ITEMS)
        if child is not None:
            for index, item in enumerate(data):
                if isinstance(item, (dict, list)):
                    _walk(child, item, path + (index,), found)


def _plan(view: SchemaView, schema: dict, steps: tuple, seen: frozenset, depth: int) -> list:
    if depth > 40:
        return []
    out = []
    keys = schema.get("x-kubernetes-list-map-keys")
    if keys:
        out.append((steps, keys, schema.get("x-kubelint-duplicates") == "warning"))
    children = []
    for name, sub in (schema.get("properties") or {}).items():
        children.append((name, sub))
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        children.append((_VALUES, extra))
    items = schema.get("items")
    if isinstance(items, dict):
        children.append((_ITEMS, items))
    for step, sub in children:
        ref = sub.get("$ref") if isinstance(sub, dict) else None
        if ref is not None:
            if ref in seen:
                continue
            child_seen = seen | {ref}
        else:
            child_seen = seen
        out.extend(_plan(view, view.deref(sub), steps + (step,), child_seen, depth + 1))
    return out


_DEFAULT_KEYS = {"protocol": "TCP"}  # defaulted before the uniqueness check (core/v1 defaults)


def _duplicates(items: list, keys: list[str], path: Path, warn: bool) -> Iterator[Problem]:
    first: dict[tuple, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        key = tuple(item.get(k, _DEFAULT_KEYS.get(k)) for k in keys)
        if any(part is None or isinstance(part, (dict, list)) for part in key):
            continue  # a missing key is reported as a missing required field
        if key in first:
            shown = ", ".join(f"{k}={v}" for k, v in zip(keys, key))
            where = format_path(path + (index,))
            previous = format_path(path + (first[key],))
            if warn:
                # an entry identical to the one it repeats says nothing more: removing it changes nothing
                fix = (Fix((Remove(path + (index,)),), f"remove the repeated entry {where}")
                       if same_value(item, items[first[key]]) else None)
                yield Problem(path + (index,), f"{where}: duplicate entry ({shown}) hides {previous}; the API "
                              "server accepts it with a warning and apply may drop one of them",
                              rule="schema-duplicate-entry", hint="remove or rename one of the entries", fix=fix)
            else:
                yield Problem(path + (index,), f"{where}: duplicate value ({shown}): already used by {previous}",
                              rule="schema-duplicate-key", hint="each entry needs a unique " + " and ".join(keys))
        else:
            first[key] = index

