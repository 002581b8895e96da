"""Label selectors as the API server and the controllers evaluate them.

Follows k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector: a nil
selector selects nothing, an empty one everything; matchLabels are equality requirements)
and k8s.io/apimachinery/pkg/labels/selector.go (Requirement.Matches: ``In`` needs the key
with one of the values, ``NotIn`` matches when the key is absent, ``Exists`` and
``DoesNotExist`` test the key only). Map selectors (Service, ReplicationController) are
``labels.SelectorFromSet``: equality on every pair.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


class SelectorError(ValueError):
    """A selector the API server would reject; schema and syntax rules report it, not us."""


class Requirement:
    """One requirement of a selector: a key, an operator and (for In and NotIn) values."""

    __slots__ = ("key", "operator", "values")

    def __init__(self, key: str, operator: str, values: frozenset[str] = frozenset()):
        self.key, self.operator, self.values = key, operator, values

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Requirement) and (self.key, self.operator, self.values) == (
            other.key, other.operator, other.values)

    def __hash__(self) -> int:
        return hash((self.key, self.operator, self.values))

    def __repr__(self) -> str:
        return f"Requirement({self.key!r}, {self.operator!r}, {set(self.values) or ''})"

    def matches(self, labels: Mapping[str, Any], wildcard: Iterable[str] = ()) -> bool:
        """Whether ``labels`` satisfy this requirement.

        ``wildcard`` holds keys a controller sets on every pod with a value we cannot know
        (``pod-template-hash``, ``controller-revision-hash``...): a requirement on such a key
        may hold, so it counts as matching unless it demands that the key be absent.
        """
        if self.key not in labels and self.key in wildcard:
            return self.operator != "DoesNotExist"
        present = self.key in labels
        value = labels.get(self.key)
        if self.operator == "In":
            return present and isinstance(value, str) and value in self.values
        if self.operator == "NotIn":
            return not present or not isinstance(value, str) or value not in self.values
        if self.operator == "Exists":
            return present
        return not present

    def __str__(self) -> str:
        if self.operator == "In" and len(self.values) == 1:
            return f"{self.key}={next(iter(self.values))}"
        if self.operator in ("In", "NotIn"):
            return f"{self.key} {self.operator.lower()} ({','.join(sorted(self.values))})"
        return self.key if self.operator == "Exists" else f"!{self.key}"


class Selector:
    """A parsed selector. ``nothing`` is a nil LabelSelector; no requirements select everything."""

    __slots__ = ("requirements", "nothing", "_equal", "_others")

    def __init__(self, requirements: tuple[Requirement, ...] = (), nothing: bool = False):
        self.requirements = requirements
        self.nothing = nothing
        # equality requirements (matchLabels, map selectors) are the common case: test them by lookup
        self._equal = {r.key: next(iter(r.values)) for r in requirements if r.operator == "In" and len(r.values) == 1}
        self._others = tuple(r for r in requirements if not (r.operator == "In" and len(r.values) == 1))
        if len(self._equal) + len(self._others) != len(requirements):   # one key required twice
            self._equal, self._others = {}, requirements

    @property
    def everything(self) -> bool:
        return not self.nothing and not self.requirements

    def matches(self, labels: Mapping[str, Any] | None, wildcard: Iterable[str] = ()) -> bool:
        if self.nothing:
            return False
        if not isinstance(labels, Mapping):
            labels = {}
        for key, value in self._equal.items():
            if labels.get(key) != value and (key in labels or key not in wildcard):
                return False
        return all(r.matches(labels, wildcard) for r in self._others)

    def equalities(self) -> list[tuple[str, str]]:
        """(key, value) pairs every selected object must carry: the ones to index by."""
        return list(self._equal.items())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Selector) and (self.requirements, self.nothing) == (other.requirements, other.nothing)

    def __hash__(self) -> int:
        return hash((self.requirements, self.nothing))

    def __repr__(self) -> str:
        return f"Selector({self})"

    def __str__(self) -> str:
        if self.nothing:
            return "<nothing>"
        return ",".join(str(r) for r in self.requirements) or "<everything>"


def from_label_selector(data: Any) -> Selector:
    """A ``metav1.LabelSelector`` (matchLabels, matchExpressions); None selects nothing."""
    if data is None:
        return Selector(nothing=True)
    if not isinstance(data, dict):
        raise SelectorError("a label selector must be a mapping")
    requirements: list[Requirement] = []
    match_labels = data.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        raise SelectorError("matchLabels must be a mapping")
    for key, value in match_labels.items():
        if not isinstance(value, str):
            raise SelectorError(f"matchLabels[{key}] must be a string")
        requirements.append(Requirement(str(key), "In", frozenset((value,))))
    expressions = data.get("matchExpressions") or []
    if not isinstance(expressions, list):
        raise SelectorError("matchExpressions must be a list")
    for expression in expressions:
        if not isinstance(expression, dict) or not isinstance(expression.get("key"), str):
            raise SelectorError("each matchExpressions entry needs a key")
        operator = expression.get("operator")
        values = expression.get("values") or []
        if operator not in OPERATORS or not isinstance(values, list):
            raise SelectorError(f"unsupported operator {operator!r}")
        if operator in ("In", "NotIn") and not values:
            raise SelectorError("In and NotIn need values")
        if operator in ("Exists", "DoesNotExist") and values:
            raise SelectorError("Exists and DoesNotExist take no values")
        requirements.append(Requirement(expression["key"], operator, frozenset(str(v) for v in values)))
    return Selector(tuple(requirements))


def from_map(data: Any) -> Selector:
    """A map selector (Service, ReplicationController): every pair must be equal."""
    if data is None:
        return Selector(nothing=True)
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise SelectorError("a selector must map label keys to string values")
    return Selector(tuple(Requirement(str(k), "In", frozenset((v,))) for k, v in data.items()))
