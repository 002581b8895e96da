"""Kubernetes domain knowledge shared by checks: where pod specs live, name and label syntax.

Name and label rules follow k8s.io/apimachinery/pkg/util/validation/validation.go
(IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName,
IsValidLabelValue, IsValidPortName) and the per-kind name validators of
pkg/apis/*/validation.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Callable, Iterator

from kubelint.model import Path, Resource

# Where each workload kind keeps its pod template's spec.
POD_SPEC_PATHS: dict[str, Path] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
WORKLOAD_KINDS = frozenset(POD_SPEC_PATHS) - {"PodTemplate"}
POD_SPEC_KINDS = frozenset(POD_SPEC_PATHS)
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
QUALIFIED_NAME_PART = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
IANA_SVC_NAME = re.compile(r"[-a-z0-9]+\Z")


def get(data: Any, path: Path, default: Any = None) -> Any:
    for segment in path:
        if isinstance(segment, int):
            if not isinstance(data, list) or not -len(data) <= segment < len(data):
                return default
        elif not isinstance(data, dict) or segment not in data:
            return default
        data = data[segment]
    return data


def pod_spec(resource: Resource) -> tuple[Path, dict] | None:
    """The pod spec of a workload (Pod, Deployment, CronJob ...) with its path, or None.

    Dozens of rules ask for it: it is looked up once per resource (``resource.memo``).
    """
    memo = resource.memo
    if "pod_spec" in memo:
        return memo["pod_spec"]
    path = POD_SPEC_PATHS.get(resource.kind)
    found = None
    if path is not None and resource.group in ("", "apps", "batch"):
        spec = get(resource.data, path)
        if isinstance(spec, dict):
            found = (path, spec)
    memo["pod_spec"] = found
    return found


def pod_template_metadata_path(resource: Resource) -> Path | None:
    path = POD_SPEC_PATHS.get(resource.kind)
    if path is None or resource.kind == "Pod":
        return None
    return path[:-1] + ("metadata",)


def containers(spec: dict, path: Path, lists: tuple[str, ...] = CONTAINER_LISTS) -> Iterator[tuple[Path, dict]]:
    """Every container of a pod spec (init, regular, ephemeral) with its path."""
    for field in lists:
        items = spec.get(field)
        if isinstance(items, list):
            for index, container in enumerate(items):
                if isinstance(container, dict):
                    yield path + (field, index), container


PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
LIFECYCLE_HOOKS = ("postStart", "preStop")


def container_handlers(container: dict) -> Iterator[tuple[Path, dict]]:
    """A container's probes and lifecycle hooks that are mappings, with their paths relative to
    the container (``("livenessProbe",)``, ``("lifecycle", "preStop")``)."""
    handlers: list[tuple[Path, Any]] = [((probe,), container.get(probe)) for probe in PROBES]
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        handlers += [(("lifecycle", hook), lifecycle.get(hook)) for hook in LIFECYCLE_HOOKS]
    for where, handler in handlers:
        if isinstance(handler, dict):
            yield where, handler


def _memoised(function: Callable[[str], list[str]]) -> Callable[[str], tuple[str, ...]]:
    """Syntax checks see the same label keys, values and names over and over in a big bundle:
    remember the verdicts (as tuples, which callers cannot change)."""

    @functools.lru_cache(maxsize=8192)
    def memoised(value: str) -> tuple[str, ...]:
        return tuple(function(value))

    return functools.wraps(function)(memoised)


# --- syntax ---------------------------------------------------------------------------------


@_memoised
def dns1123_label_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not DNS1123_LABEL.match(value):
        errors.append("must consist of lower case alphanumeric characters or '-', and must start and end "
                      "with an alphanumeric character (e.g. 'my-name', or '123-abc')")
    return errors


@_memoised
def dns1123_subdomain_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 253:
        errors.append("must be no more than 253 characters")
    if not DNS1123_SUBDOMAIN.match(value):
        errors.append("must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
                      "with an alphanumeric character (e.g. 'example.com')")
    return errors


@_memoised
def dns1035_label_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not DNS1035_LABEL.match(value):
        errors.append("must consist of lower case alphanumeric characters or '-', start with an alphabetic "
                      "character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')")
    return errors


@_memoised
def path_segment_errors(value: str) -> list[str]:
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    bad = [c for c in ("/", "%") if c in value]
    return [f"may not contain '{c}'" for c in bad]


@_memoised
def qualified_name_errors(value: str) -> list[str]:
    """IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63 characters."""
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return ["prefix part must be non-empty"]
        errors = [f"prefix part {e}" for e in dns1123_subdomain_errors(prefix)]
        if errors:
            return errors
    else:
        return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional "
                "DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        return ["name part must be non-empty"]
    errors = []
    if len(name) > 63:
        errors.append("name part must be no more than 63 characters")
    if not QUALIFIED_NAME_PART.match(name):
        errors.append("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
                      "end with an alphanumeric character (e.g. 'MyName', 'my.name', or '123-abc')")
    return errors


@_memoised
def label_value_errors(value: str) -> list[str]:
    errors = []
    if len(value) > 63:
        errors.append("must be no more than 63 characters")
    if not LABEL_VALUE.match(value):
        errors.append("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
                      "or '.', and must start and end with an alphanumeric character")
    return errors


@_memoised
def port_name_errors(value: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME)."""
    errors = []
    if len(value) > 15:
        errors.append("must be no more than 15 characters")
    if not IANA_SVC_NAME.match(value):
        errors.append("must contain only lower-case alphanumeric characters (a-z, 0-9) or '-'")
    if not any(c.isalpha() for c in value):
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def name_validator(group: str, kind: str):
    """The metadata.name rule of a kind, as its API validation chooses it."""
    if group == "" and kind == "Namespace":
        return "DNS-1123 label", dns1123_label_errors
    if group == "" and kind == "Service":
        return "DNS-1035 label", dns1035_label_errors
    if group == "rbac.authorization.k8s.io":
        return "path segment", path_segment_errors
    return "DNS-1123 subdomain", dns1123_subdomain_errors


# --- workloads and label selectors ------------------------------------------------------------
# A minimal selector matcher for the best-practice rules (which PodDisruptionBudget, Service or
# HorizontalPodAutoscaler covers which workload). The reference checks build a richer graph in
# kubelint/crossref/graph.py; both follow the semantics below and can be unified.

#: Kinds whose pods are replicas of one template, with a spec.replicas field (default 1).
REPLICATED_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})


def is_workload(resource: Resource) -> bool:
    """A built-in kind that runs pods from a pod spec (Pod, Deployment, CronJob ...)."""
    return resource.kind in WORKLOAD_KINDS and resource.group in ("", "apps", "batch")


def pod_template_labels(resource: Resource) -> dict:
    """The labels its pods get: the pod template's labels (a Pod's own labels)."""
    if resource.kind == "Pod":
        labels = get(resource.data, ("metadata", "labels"))
    else:
        path = pod_template_metadata_path(resource)
        labels = get(resource.data, path + ("labels",)) if path else None
    return labels if isinstance(labels, dict) else {}


def replicas(resource: Resource) -> int | None:
    """spec.replicas of a replicated workload (the API server defaults it to 1), else None."""
    if resource.kind not in REPLICATED_KINDS or resource.group not in ("", "apps"):
        return None
    value = get(resource.data, ("spec", "replicas"), 1)
    if value is None:
        return 1
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def label_selector_matches(selector: Any, labels: dict) -> bool:
    """Whether a metav1.LabelSelector selects ``labels``.

    As LabelSelectorAsSelector (k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go) does: matchLabels
    and every matchExpression must hold; an empty selector ``{}`` selects everything, a missing
    (None) selector nothing. ``NotIn`` and ``DoesNotExist`` hold when the key is absent. A
    malformed selector (which the API server would reject) selects nothing.
    """
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        return False
    for key, value in match_labels.items():
        if labels.get(key) != value:
            return False
    expressions = selector.get("matchExpressions") or []
    if not isinstance(expressions, list):
        return False
    for expression in expressions:
        if not isinstance(expression, dict):
            return False
        key, operator = expression.get("key"), expression.get("operator")
        values = expression.get("values") or []
        if not isinstance(values, list):
            return False
        if operator == "In":
            if key not in labels or labels[key] not in values:
                return False
        elif operator == "NotIn":
            if key in labels and labels[key] in values:
                return False
        elif operator == "Exists":
            if key not in labels:
                return False
        elif operator == "DoesNotExist":
            if key in labels:
                return False
        else:
            return False
    return True


def map_selector_matches(selector: Any, labels: dict) -> bool:
    """Whether a plain map selector (Service spec.selector) selects ``labels``: every pair must
    match; an empty or missing map selects nothing (a Service without selector)."""
    if not isinstance(selector, dict) or not selector:
        return False
    return all(labels.get(key) == value for key, value in selector.items())


def namespace_labels(resources: list[Resource]) -> dict[str, dict]:
    """The labels of each Namespace object in the input, by name."""
    out: dict[str, dict] = {}
    for resource in resources:
        if resource.kind == "Namespace" and resource.group == "" and resource.name:
            labels = get(resource.data, ("metadata", "labels"))
            out[resource.name] = labels if isinstance(labels, dict) else {}
    return out


#: kinds served by an old group too: an object is the same whichever group it is written in
GROUP_ALIASES = {
    ("extensions", "Deployment"): "apps",
    ("extensions", "DaemonSet"): "apps",
    ("extensions", "ReplicaSet"): "apps",
    ("extensions", "Ingress"): "networking.k8s.io",
    ("extensions", "NetworkPolicy"): "networking.k8s.io",
    ("extensions", "PodSecurityPolicy"): "policy",
    ("events.k8s.io", "Event"): "",
}


def canonical_group(group: str, kind: str) -> str:
    return GROUP_ALIASES.get((group, kind), group)


def group_of(api_version: Any) -> str:
    return api_version.rpartition("/")[0] if isinstance(api_version, str) else ""


def text(value: Any) -> str | None:
    """A non-empty string, or None (fields of the wrong type are the schema rules' business)."""
    return value if isinstance(value, str) and value else None


def items(value: Any) -> list:
    """A list field, or an empty list when it is absent or of the wrong type."""
    return value if isinstance(value, list) else []


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_PERCENT = re.compile(r"(\d+)%\Z")


def scaled(value: Any, total: int, round_up: bool) -> int | None:
    """intstr.GetScaledValueFromIntOrPercent (k8s.io/apimachinery/pkg/util/intstr): an int, or a
    percentage of ``total``, rounded up or down."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _PERCENT.match(value) if isinstance(value, str) else None
    if not match:
        return None
    exact = int(match.group(1)) * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)
