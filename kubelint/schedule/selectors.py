"""Selectors and tolerations, with the semantics of the Go code the scheduler calls.

- Label selectors: k8s.io/apimachinery/pkg/apis/meta/v1 LabelSelectorAsSelector and
  pkg/labels (In, NotIn, Exists, DoesNotExist). A nil selector matches nothing, an empty one
  (``{}``) everything, and ``empty`` tells the two apart as labels.Selector.Empty() does.
- Node selectors: k8s.io/component-helpers/scheduling/corev1/nodeaffinity (terms ORed,
  expressions ANDed, Gt and Lt on integers, matchFields on metadata.name, an empty term
  matches nothing), GetRequiredNodeAffinity (spec.nodeSelector AND required affinity).
- Tolerations: k8s.io/api/core/v1 Toleration.ToleratesTaint and
  component-helpers/scheduling/corev1 FindMatchingUntoleratedTaint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

NODE_NAME_FIELD = "metadata.name"


class SelectorError(ValueError):
    """A selector the API would reject (an unknown operator, say): it matches nothing."""


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist, Gt, Lt
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        if op == "In":
            return self.key in labels and labels[self.key] in self.values
        if op == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if op == "Exists":
            return self.key in labels
        if op == "DoesNotExist":
            return self.key not in labels
        if op in ("Gt", "Lt"):
            if self.key not in labels or len(self.values) != 1:
                return False
            left, right = _go_int(labels[self.key]), _go_int(self.values[0])
            if left is None or right is None:
                return False
            return left > right if op == "Gt" else left < right
        return False


def _go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64)."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isdigit() or not body.isascii():
        return None
    number = int(text)
    return number if -(2 ** 63) <= number < 2 ** 63 else None


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """A parsed metav1.LabelSelector. ``nothing`` is the nil selector."""

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False

    @property
    def empty(self) -> bool:
        """labels.Selector.Empty(): no requirements (the nil selector is not empty, it matches nothing)."""
        return not self.nothing and not self.requirements

    def matches(self, labels: Mapping[str, str]) -> bool:
        if self.nothing:
            return False
        for requirement in self.requirements:
            if not requirement.matches(labels):
                return False
        return True

    def add(self, *requirements: Requirement) -> "LabelSelector":
        if self.nothing:
            return self
        return LabelSelector(self.requirements + tuple(requirements))

    def key(self) -> tuple:
        return (self.nothing, self.requirements)


NOTHING = LabelSelector(nothing=True)
EVERYTHING = LabelSelector()


def label_selector(raw: Any) -> LabelSelector:
    """metav1.LabelSelectorAsSelector: nil matches nothing, {} matches everything."""
    if raw is None:
        return NOTHING
    if not isinstance(raw, dict):
        raise SelectorError("a label selector must be a mapping")
    requirements: list[Requirement] = []
    match_labels = raw.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        raise SelectorError("matchLabels must be a mapping")
    for key in sorted(match_labels):
        requirements.append(Requirement(str(key), "In", (str(match_labels[key]),)))
    for expression in raw.get("matchExpressions") or []:
        if not isinstance(expression, dict):
            raise SelectorError("matchExpressions items must be mappings")
        key, operator = expression.get("key"), expression.get("operator")
        values = tuple(str(v) for v in (expression.get("values") or []))
        if operator in ("In", "NotIn"):
            if not values:
                raise SelectorError(f"{operator} needs at least one value")
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                raise SelectorError(f"{operator} takes no values")
        else:
            raise SelectorError(f"unknown operator {operator!r}: expected In, NotIn, Exists or DoesNotExist")
        requirements.append(Requirement(str(key), operator, values))
    return LabelSelector(tuple(requirements))


def set_selector(labels: Mapping[str, Any]) -> LabelSelector:
    """labels.Set(m).AsSelector(): every key equals its value."""
    return LabelSelector(tuple(Requirement(str(k), "In", (str(v),)) for k, v in sorted(labels.items())))


def safe_label_selector(raw: Any) -> LabelSelector:
    try:
        return label_selector(raw)
    except SelectorError:
        return NOTHING


# --- node selectors --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodeSelectorTerm:
    expressions: tuple[Requirement, ...]
    fields: tuple[Requirement, ...]
    invalid: bool = False

    def matches(self, labels: Mapping[str, str], name: str) -> bool:
        if self.invalid or (not self.expressions and not self.fields):
            return False
        for requirement in self.expressions:
            if not requirement.matches(labels):
                return False
        fields = {NODE_NAME_FIELD: name}
        for requirement in self.fields:
            if not requirement.matches(fields):
                return False
        return True


def node_selector_term(raw: Any) -> NodeSelectorTerm:
    if not isinstance(raw, dict):
        return NodeSelectorTerm((), (), invalid=True)
    expressions, fields, invalid = [], [], False
    for target, items, allowed in ((expressions, raw.get("matchExpressions"), ("In", "NotIn", "Exists",
                                                                                "DoesNotExist", "Gt", "Lt")),
                                   (fields, raw.get("matchFields"), ("In", "NotIn"))):
        for item in items or []:
            if not isinstance(item, dict):
                invalid = True
                continue
            operator = item.get("operator")
            values = tuple(str(v) for v in (item.get("values") or []))
            key = str(item.get("key", ""))
            if operator not in allowed:
                invalid = True
                continue
            if target is fields and (key != NODE_NAME_FIELD or len(values) != 1):
                # nodeaffinity.newNodeSelectorTerm: only metadata.name, with exactly one value
                invalid = True
                continue
            target.append(Requirement(key, operator, values))
    return NodeSelectorTerm(tuple(expressions), tuple(fields), invalid)


@dataclass(frozen=True, slots=True)
class NodeSelector:
    """v1.NodeSelector: terms ORed. No terms matches nothing."""

    terms: tuple[NodeSelectorTerm, ...]

    def matches(self, labels: Mapping[str, str], name: str) -> bool:
        return any(term.matches(labels, name) for term in self.terms)


def node_selector(raw: Any) -> NodeSelector | None:
    if raw is None:
        return None
    terms = raw.get("nodeSelectorTerms") if isinstance(raw, dict) else None
    return NodeSelector(tuple(node_selector_term(t) for t in terms or []))


@dataclass(frozen=True, slots=True)
class RequiredNodeAffinity:
    """nodeaffinity.GetRequiredNodeAffinity: spec.nodeSelector AND the required node affinity."""

    labels: tuple[tuple[str, str], ...] = ()
    selector: NodeSelector | None = None

    def matches(self, labels: Mapping[str, str], name: str) -> bool:
        for key, value in self.labels:
            if labels.get(key) != value:
                return False
        return self.selector is None or self.selector.matches(labels, name)

    @property
    def trivial(self) -> bool:
        return not self.labels and self.selector is None


@dataclass(frozen=True, slots=True)
class PreferredTerm:
    weight: int
    term: NodeSelectorTerm


def preferred_terms(raw: Any) -> tuple[PreferredTerm, ...]:
    """nodeaffinity.NewPreferredSchedulingTerms: terms of weight 0 are skipped."""
    out = []
    for item in raw or []:
        if not isinstance(item, dict):
            continue
        weight = item.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or weight == 0:
            continue
        out.append(PreferredTerm(weight, node_selector_term(item.get("preference") or {})))
    return tuple(out)


# --- taints and tolerations ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Taint:
    key: str
    value: str
    effect: str

    def __str__(self) -> str:
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"


@dataclass(frozen=True, slots=True)
class Toleration:
    key: str = ""
    operator: str = ""
    value: str = ""
    effect: str = ""

    def tolerates(self, taint: Taint) -> bool:
        """Toleration.ToleratesTaint (k8s.io/api/core/v1/toleration.go)."""
        if self.effect and self.effect != taint.effect:
            return False
        if self.key and self.key != taint.key:
            return False
        if self.operator in ("", "Equal"):
            return self.value == taint.value
        return self.operator == "Exists"


def tolerations(raw: Any) -> tuple[Toleration, ...]:
    out = []
    for item in raw or []:
        if isinstance(item, dict):
            out.append(Toleration(str(item.get("key") or ""), str(item.get("operator") or ""),
                                  str(item.get("value") or ""), str(item.get("effect") or "")))
    return tuple(out)


def tolerated(taint: Taint, tolerations_: Iterable[Toleration]) -> bool:
    return any(t.tolerates(taint) for t in tolerations_)


def first_untolerated(taints: Iterable[Taint], tolerations_: tuple[Toleration, ...], effects: tuple[str, ...]):
    """FindMatchingUntoleratedTaint: the first taint with one of ``effects`` that no toleration tolerates."""
    for taint in taints:
        if taint.effect in effects and not tolerated(taint, tolerations_):
            return taint
    return None
