"""What the operators' checks share: namespace labels and label selectors."""

from __future__ import annotations

from typing import Any

from kubelint.checks import Context
from kubelint.k8s import objects as k8s
from kubelint.k8s import selector as selectors
from kubelint.model import Resource


def namespace_labels(ctx: Context) -> dict[str, dict]:
    """The labels of the input's Namespace objects, by name (computed once per run)."""
    found = ctx.cache.get("operators-namespace-labels")
    if found is None:
        found = ctx.cache["operators-namespace-labels"] = k8s.namespace_labels(ctx.resources)
    return found


def selects_namespace(selector: Any, namespace: str | None, ctx: Context) -> bool | None:
    """Whether a namespace label selector selects a namespace: None when the input does not define
    the Namespace, whose labels are then unknown (an empty selector selects every namespace)."""
    try:
        parsed = selectors.from_label_selector(selector)
    except selectors.SelectorError:
        return None
    if parsed.everything:
        return True
    labels = namespace_labels(ctx).get(namespace or "")
    if labels is None:
        return None
    return parsed.matches(_metadata_name_label(labels, namespace))


def _metadata_name_label(labels: dict, namespace: str | None) -> dict:
    """The namespace's labels with kubernetes.io/metadata.name, which the API server sets on every
    Namespace (NamespaceDefaultLabelName)."""
    return {**labels, "kubernetes.io/metadata.name": namespace or ""}


def named(resources: list[Resource]) -> list[Resource]:
    """The objects that have a name: one without is rejected by the API server (and reported by the
    manifest rules), and there is nothing to say about what it would select."""
    return [r for r in resources if r.name]


def labels_of(resource: Resource) -> dict[str, str]:
    labels = k8s.get(resource.data, ("metadata", "labels"))
    return {str(k): v for k, v in labels.items() if isinstance(v, str)} if isinstance(labels, dict) else {}


def label_selector(value: Any) -> selectors.Selector | None:
    """A metav1.LabelSelector, or None when it is malformed (the schema rules report that)."""
    try:
        return selectors.from_label_selector(value)
    except selectors.SelectorError:
        return None
