"""Custom resources checked with the ``x-kubernetes-validations`` CEL rules of their CRD.

Upstream: staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go
(Validator.Validate: rules run at each schema node whose value is present, with ``self`` bound to
that value after defaulting; a false result is a ``field.Invalid`` with the rule's ``message``,
``messageExpression`` or ``failed rule: <rule>``, at ``fieldPath`` and with ``reason`` when the
rule sets them). Rules that compare with ``oldSelf`` (transition rules) only run on updates:
they are skipped, and a ``cel-not-evaluated`` info says so once per rule. So is every rule this
CEL library cannot run (syntax or functions it lacks, or an evaluation error), never a crash.
The object is the one the schema check validates (``CustomKind.as_validated``): defaulted, and
without ``status`` when the status subresource drops it.
"""

from __future__ import annotations

import re
import time
from typing import Any, Iterator

from kubelint.model import Path, Problem, Resource, format_path
from kubelint.schema import cel

PARAMS: dict = {}
NOT_EVALUATED = "cel-not-evaluated"
# k8s.io/apiserver/pkg/apis/cel/config.go: PerCallLimit ("roughly 0.1 second for each expression
# validation call"); the API server stops a call at this runtime cost (cel.CostLimit) and reports
# "call cost exceeds limit for rule" (apiextensions-apiserver pkg/apiserver/schema/cel/validation.go).
PER_CALL_LIMIT = 1_000_000
# A wall-clock bound on the CEL rules of one custom resource, whatever the estimate misses.
DOCUMENT_SECONDS = 1.0
_MACROS = re.compile(r"\.\s*(all|exists_one|exists|map|filter)\s*\(")
_REASONS = {"FieldValueRequired": "Required value", "FieldValueForbidden": "Forbidden",
            "FieldValueDuplicate": "Duplicate value", "FieldValueInvalid": None}


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if rule.id == NOT_EVALUATED:
        return   # reported by the cel-validation pass
    crds = ctx.crds
    if crds is None or not len(crds):
        return
    custom = crds.lookup(resource.api_version, resource.kind)
    if custom is None or not isinstance(custom.schema, dict) or not _has_rules(custom, ctx):
        return
    environment = ctx.cache.get("cel-environment") or ctx.cache.setdefault("cel-environment", cel.Environment())
    reported = ctx.cache.setdefault("cel-reported", set())
    schema = custom.schema
    defaulted = custom.as_validated(resource.data)
    defaulted.setdefault("metadata", None)
    walker = _Walker(environment, custom.key, reported, time.monotonic() + DOCUMENT_SECONDS)
    walker.node(schema, defaulted, (), root=True)
    yield from walker.problems


def _has_rules(custom, ctx) -> bool:
    cache = ctx.cache.setdefault("cel-has-rules", {})
    if custom.key not in cache:
        cache[custom.key] = "x-kubernetes-validations" in repr(custom.schema)
    return cache[custom.key]


class _Walker:
    def __init__(self, environment: cel.Environment, crd_key, reported: set, deadline: float = float("inf")):
        self.environment = environment
        self.deadline = deadline
        self.timed_out = False
        self.crd_key = crd_key
        self.reported = reported
        self.problems: list[Problem] = []

    def node(self, schema: Any, value: Any, path: Path, root: bool = False) -> None:
        if not isinstance(schema, dict) or value is None:
            return
        rules = schema.get("x-kubernetes-validations")
        if isinstance(rules, list) and rules:
            self.evaluate(schema, rules, value, path, root)
        if isinstance(value, dict):
            properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else None
            extra = schema.get("additionalProperties") if isinstance(schema.get("additionalProperties"), dict) else None
            for key, item in value.items():
                if root and key in ("metadata", "apiVersion", "kind"):
                    continue
                sub = properties.get(key) if properties is not None else extra
                if sub is not None:
                    self.node(sub, item, path + (key,))
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            for index, item in enumerate(value):
                self.node(schema["items"], item, path + (index,))

    def evaluate(self, schema: dict, rules: list, value: Any, path: Path, root: bool) -> None:
        self_value = None
        for item in rules:
            if not isinstance(item, dict) or not isinstance(item.get("rule"), str):
                continue
            source = item["rule"]
            compiled = self.environment.compile(source)
            if compiled.problem:
                self.skip(path, source, compiled.problem)
                continue
            if compiled.transition:
                self.skip(path, source, "it compares with oldSelf (a transition rule), which exists only when an "
                          "object is updated: skipped")
                continue
            if self_value is None:
                self_value = cel.root_value(schema, value) if root else cel.to_cel(schema, value)
            if self.timed_out:
                return
            if time.monotonic() > self.deadline:
                self.timed_out = True
                self.problems.append(Problem(path, f"{format_path(path) or '<root>'}: validation rules not evaluated: "
                                             f"the CEL rules of this object ran for more than {DOCUMENT_SECONDS:g} s; "
                                             "the remaining rules were skipped", rule=NOT_EVALUATED, at_key=True))
                return
            cost = estimated_call_cost(source, self_value)
            if cost > PER_CALL_LIMIT:
                # The estimate is not exact (each nested comprehension is assumed to iterate the largest
                # collection), so kubelint does not claim the API server's error: it reports that it did
                # not evaluate the rule, and why.
                where = format_path(path) or "<root>"
                self.problems.append(Problem(
                    path, f"{where}: validation rule not evaluated: {_shown(item, source)}: its nested "
                          f"comprehensions over these values may cost about {cost:.3g}, more than the API server's "
                          f"per-call limit of {PER_CALL_LIMIT:,} (PerCallLimit), at which the API server stops it "
                          "with 'call cost exceeds limit for rule'",
                    hint="make the lists smaller (maxItems) or the rule simpler", rule=NOT_EVALUATED, at_key=True))
                continue
            try:
                result = self.environment.evaluate(compiled, {"self": self_value})
            except cel.CELError as exc:
                self.skip(path, source, f"could not be evaluated here: {exc}")
                continue
            if result is True:
                continue
            if result is not False:
                self.skip(path, source, f"did not return a boolean (got {type(result).__name__})")
                continue
            if "size" in source and _has_non_ascii(self_value):
                self.skip(path, source, "it measures strings with non-ASCII characters, which this CEL library "
                          "counts in bytes rather than characters: result uncertain")
                continue
            self.report(schema, item, path, source, self_value)

    def report(self, schema: dict, item: dict, path: Path, source: str, self_value: Any) -> None:
        message = item.get("message") if isinstance(item.get("message"), str) and item.get("message") else None
        expression = item.get("messageExpression")
        if isinstance(expression, str) and expression:
            compiled = self.environment.compile(expression)
            if not compiled.problem:
                try:
                    text = self.environment.evaluate(compiled, {"self": self_value})
                    if isinstance(text, str) and text.strip():
                        message = text
                except cel.CELError:
                    pass
        message = message or f"failed rule: {source}"
        target = path
        field_path = item.get("fieldPath")
        if isinstance(field_path, str) and field_path:
            target = path + _parse_field_path(field_path)
        reason = _REASONS.get(item.get("reason")) if isinstance(item.get("reason"), str) else None
        kind = schema.get("type") or "object"
        where = format_path(target) or "<root>"
        text = f"{where}: {reason}: {message}" if reason else f'{where}: Invalid value: "{kind}": {message}'
        self.problems.append(Problem(target, text, hint=f"the CRD's validation rule is: {source}",
                                     at_key=isinstance(self_value, (dict, list))))

    def skip(self, path: Path, source: str, why: str) -> None:
        key = (self.crd_key, source)
        if key in self.reported:
            return
        self.reported.add(key)
        shown = source if len(source) <= 120 else source[:117] + "..."
        where = format_path(path) or "<root>"
        self.problems.append(Problem(path, f"{where}: validation rule not evaluated: {shown}: {why}",
                                     rule=NOT_EVALUATED, at_key=True))


def _shown(item: dict, source: str) -> str:
    message = item.get("message")
    return message if isinstance(message, str) and message else source


def comprehension_depth(source: str) -> int:
    """How deep comprehension macros (all, exists, exists_one, map, filter) nest in a rule."""
    depth = best = 0
    stack: list[bool] = []
    position, quote = 0, ""
    while position < len(source):
        char = source[position]
        if quote:
            if char == "\\":
                position += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == ".":
            match = _MACROS.match(source, position)
            if match:
                stack.append(True)
                depth += 1
                best = max(best, depth)
                position = match.end()
                continue
        elif char == "(":
            stack.append(False)
        elif char == ")" and stack:
            if stack.pop():
                depth -= 1
        position += 1
    return best


def _largest_collection(value: Any, budget: list[int]) -> int:
    if budget[0] <= 0:
        return 0
    budget[0] -= 1
    if isinstance(value, dict):
        return max([len(value), *(_largest_collection(v, budget) for v in value.values())])
    if isinstance(value, list):
        return max([len(value), *(_largest_collection(v, budget) for v in value)])
    return 0


def estimated_call_cost(source: str, self_value: Any) -> float:
    """A rough estimate of cel-go's runtime cost: each nested comprehension iterates the largest collection."""
    depth = comprehension_depth(source)
    if depth < 2:
        return 0.0
    size = _largest_collection(self_value, [200_000])
    return float(size) ** depth


def _has_non_ascii(value: Any) -> bool:
    if isinstance(value, str):
        return not value.isascii()
    if isinstance(value, dict):
        return any(_has_non_ascii(k) or _has_non_ascii(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_non_ascii(v) for v in value)
    return False


_SEGMENT = re.compile(r"\.([A-Za-z0-9_\-/]+)|\['([^']*)'\]|\[(\d+)\]")


def _parse_field_path(text: str) -> Path:
    out: list[str | int] = []
    position = 0
    while position < len(text):
        match = _SEGMENT.match(text, position)
        if not match:
            return tuple(out)
        if match.group(1) is not None:
            out.append(match.group(1))
        elif match.group(2) is not None:
            out.append(match.group(2))
        else:
            out.append(int(match.group(3)))
        position = match.end()
    return tuple(out)
