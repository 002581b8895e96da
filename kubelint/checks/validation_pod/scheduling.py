"""Where a pod may run: tolerations, node and pod (anti-)affinity, topology spread constraints.

Upstream: validateTolerations, validateAffinity (validateNodeAffinity, validateNodeSelectorTerm,
validateNodeSelectorRequirement, validateNodeFieldSelectorRequirement, validatePodAffinity,
validatePodAntiAffinity, validatePodAffinityTerm, validateWeightedPodAffinityTerms) and
validateTopologySpreadConstraints in pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

import re

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_dict, as_int, as_list, as_str, items, label_selector, present
from kubelint.model import Path


def validate_tolerations(errors: Errors, path: Path, spec: dict) -> None:
    for index, toleration in items(spec, "tolerations"):
        where = path + ("tolerations", index)
        key = as_str(toleration.get("key"))
        operator = toleration.get("operator") or "Equal"
        value = toleration.get("value")
        if key:
            for message in k8s.qualified_name_errors(key):
                errors.invalid(where + ("key",), key, message)
        elif operator != "Exists":
            errors.invalid(where + ("operator",), operator, "operator must be Exists when `key` is empty, which "
                           "means \"match all values and all keys\"", hint="set operator: Exists or give a key")
        if operator == "Exists" and value:
            errors.invalid(where + ("operator",), toleration.get("value"),
                           "value must be empty when `operator` is 'Exists'", hint="remove value")
        elif operator == "Equal" and isinstance(value, str) and value:
            for message in k8s.label_value_errors(value):
                errors.invalid(where + ("value",), value, message)
        if present(toleration, "tolerationSeconds") and toleration.get("effect") not in ("NoExecute",):
            errors.invalid(where + ("effect",), toleration.get("effect") or "",
                           "effect must be 'NoExecute' when `tolerationSeconds` is set",
                           hint="set effect: NoExecute or remove tolerationSeconds")


def validate_affinity(errors: Errors, path: Path, spec: dict) -> None:
    affinity = as_dict(spec.get("affinity"))
    path = path + ("affinity",)
    _node_affinity(errors, path + ("nodeAffinity",), as_dict(affinity.get("nodeAffinity")))
    for kind in ("podAffinity", "podAntiAffinity"):
        _pod_affinity(errors, path + (kind,), as_dict(affinity.get(kind)))


def validate_topology_spread_constraints(errors: Errors, path: Path, spec: dict) -> None:
    seen: set[tuple] = set()
    for index, constraint in items(spec, "topologySpreadConstraints"):
        where = path + ("topologySpreadConstraints", index)
        skew = as_int(constraint.get("maxSkew"))
        if skew is not None and skew <= 0:
            errors.invalid(where + ("maxSkew",), skew, "must be greater than zero")
        key = constraint.get("topologyKey")
        if key == "":
            errors.required(where + ("topologyKey",), "can not be empty")
        domains = constraint.get("minDomains")
        if as_int(domains) is not None:
            if domains <= 0:
                errors.invalid(where + ("minDomains",), domains, "must be greater than zero")
            elif constraint.get("whenUnsatisfiable") != "DoNotSchedule":
                errors.invalid(where + ("minDomains",), domains,
                               "can only use minDomains if whenUnsatisfiable=DoNotSchedule")
        pair = (key, constraint.get("whenUnsatisfiable"))
        if pair in seen and isinstance(key, str):
            errors.duplicate(where + ("{topologyKey, whenUnsatisfiable}",), f"{pair[0]}, {pair[1]}")
        seen.add(pair)
        label_selector(errors, where + ("labelSelector",), constraint.get("labelSelector"))


def _node_affinity(errors: Errors, path: Path, node: dict) -> None:
    required = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required, dict):
        where = path + ("requiredDuringSchedulingIgnoredDuringExecution",)
        terms = as_list(required.get("nodeSelectorTerms"))
        if not terms:
            errors.required(where + ("nodeSelectorTerms",), "must have at least one node selector term")
        for index, term in enumerate(terms):
            if isinstance(term, dict):
                _node_selector_term(errors, where + ("nodeSelectorTerms", index), term)
    for index, preferred in items(node, "preferredDuringSchedulingIgnoredDuringExecution"):
        where = path + ("preferredDuringSchedulingIgnoredDuringExecution", index)
        _weight(errors, where, preferred)
        if isinstance(preferred.get("preference"), dict):
            _node_selector_term(errors, where + ("preference",), preferred["preference"])


def _pod_affinity(errors: Errors, path: Path, pod: dict) -> None:
    """podAffinity or podAntiAffinity at ``path``."""
    for index, term in items(pod, "requiredDuringSchedulingIgnoredDuringExecution"):
        _pod_affinity_term(errors, path + ("requiredDuringSchedulingIgnoredDuringExecution", index), term)
    for index, weighted in items(pod, "preferredDuringSchedulingIgnoredDuringExecution"):
        where = path + ("preferredDuringSchedulingIgnoredDuringExecution", index)
        _weight(errors, where, weighted)
        if isinstance(weighted.get("podAffinityTerm"), dict):
            _pod_affinity_term(errors, where + ("podAffinityTerm",), weighted["podAffinityTerm"])


def _weight(errors: Errors, path: Path, item: dict) -> None:
    weight = as_int(item.get("weight"))
    if weight is not None and not 1 <= weight <= 100:
        errors.invalid(path + ("weight",), weight, "must be in the range 1-100")


def _node_selector_term(errors: Errors, path: Path, term: dict) -> None:
    for field in ("matchExpressions", "matchFields"):
        for index, requirement in items(term, field):
            where = path + (field, index)
            operator = requirement.get("operator")
            values = as_list(requirement.get("values"))
            if operator in ("In", "NotIn") and not values:
                errors.required(where + ("values",), "must be specified when `operator` is 'In' or 'NotIn'")
            elif operator in ("Exists", "DoesNotExist") and values:
                errors.forbidden(where + ("values",), "may not be specified when `operator` is 'Exists' or "
                                 "'DoesNotExist'")
            elif operator in ("Gt", "Lt"):
                if len(values) != 1:
                    errors.required(where + ("values",), "must be specified single value when `operator` is "
                                    "'Lt' or 'Gt'")
                elif not (isinstance(values[0], str) and re.fullmatch(r"[+-]?[0-9]+", values[0])):
                    errors.invalid(where + ("values", 0), values[0], "must be an integer")
            key = as_str(requirement.get("key"))
            if key is not None and field == "matchExpressions":
                for message in k8s.qualified_name_errors(key):
                    errors.invalid(where + ("key",), key, message)
            elif key is not None and key != "metadata.name":
                errors.unsupported(where + ("key",), key, ["metadata.name"])


def _pod_affinity_term(errors: Errors, path: Path, term: dict) -> None:
    key = term.get("topologyKey")
    if not key:
        errors.required(path + ("topologyKey",), "can not be empty",
                        hint="e.g. topologyKey: kubernetes.io/hostname")
    elif isinstance(key, str):
        for message in k8s.qualified_name_errors(key):
            errors.invalid(path + ("topologyKey",), key, message)
    label_selector(errors, path + ("labelSelector",), term.get("labelSelector"))
    label_selector(errors, path + ("namespaceSelector",), term.get("namespaceSelector"))
