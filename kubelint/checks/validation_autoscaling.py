"""HorizontalPodAutoscalers as the API server validates them (minReplicas > maxReplicas is left to
the hpa-replicas rule of the cross-resource checks).

Upstream: pkg/apis/autoscaling/validation/validation.go (ValidateCrossVersionObjectReference,
validateHorizontalPodAutoscalerSpec, validateMetrics, validateMetricSpec, validateObjectSource,
validatePodsSource, validateResourceSource, validateContainerResourceSource,
validateExternalSource, validateMetricTarget, validateBehavior, validateScalingRules).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_dict, as_int, items, present, quantity
from kubelint.model import Path, Problem, Resource

PARAMS: dict = {}
KINDS = frozenset({"HorizontalPodAutoscaler"})  # the engine only calls check_resource for these kinds

_SOURCES = {"Object": "object", "Pods": "pods", "Resource": "resource", "ContainerResource": "containerResource",
            "External": "external"}


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if resource.kind != "HorizontalPodAutoscaler" or resource.group != "autoscaling":
        return
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    errors = Errors()
    target = spec.get("scaleTargetRef")
    if isinstance(target, dict):
        for field in ("kind", "name"):
            value = target.get(field)
            if value == "":
                errors.required(("spec", "scaleTargetRef", field))
            elif isinstance(value, str):
                for message in k8s.path_segment_errors(value):
                    errors.invalid(("spec", "scaleTargetRef", field), value, message)
    low = as_int(spec.get("minReplicas"))
    if low is not None and low < 1:
        errors.invalid(("spec", "minReplicas"), low, "must be greater than or equal to 1",
                       hint="an HPA scales between 1 and maxReplicas (scale-to-zero needs a feature gate)")
    high = as_int(spec.get("maxReplicas"))
    if high is not None and high < 1:
        errors.invalid(("spec", "maxReplicas"), high, "must be greater than 0")
    if resource.version == "v1":
        percent = as_int(spec.get("targetCPUUtilizationPercentage"))
        if percent is not None and percent < 1:
            errors.invalid(("spec", "targetCPUUtilizationPercentage"), percent, "must be greater than 0")
    else:
        for index, metric in items(spec, "metrics"):
            _metric(errors, ("spec", "metrics", index), metric)
        behavior = spec.get("behavior")
        if isinstance(behavior, dict):
            for direction in ("scaleUp", "scaleDown"):
                if isinstance(behavior.get(direction), dict):
                    _rules(errors, ("spec", "behavior", direction), behavior[direction])
    yield from errors


def _metric(errors: Errors, path: Path, metric: dict) -> None:
    kind = metric.get("type")
    present_sources = [field for field in _SOURCES.values() if present(metric, field)]
    expected = _SOURCES.get(kind) if isinstance(kind, str) else None
    if expected and expected not in present_sources:
        errors.required(path + (expected,), "must populate information for the given metric source",
                        hint=f"add {expected}: with the metric of type {kind}")
    for field in present_sources:
        if field != expected and expected is not None:
            errors.forbidden(path + (field,), "must populate the given metric source only",
                             hint=f"type is {kind}: remove {field} or change type")
    if expected in present_sources:
        source = as_dict(metric.get(expected))
        where = path + (expected,)
        target = as_dict(source.get("target"))
        _target(errors, where + ("target",), target)
        if expected in ("resource", "containerResource"):
            if not source.get("name"):
                errors.required(where + ("name",), "must specify a resource name")
            if expected == "containerResource" and not source.get("container"):
                errors.required(where + ("container",), "must specify a container")
            if target and not present(target, "averageUtilization") and not present(target, "averageValue"):
                errors.required(where + ("target", "averageUtilization"),
                                "must set either a target raw value or a target utilization",
                                hint="a resource metric targets averageUtilization (percent) or averageValue")
            elif present(target, "averageUtilization") and present(target, "averageValue"):
                errors.forbidden(where + ("target", "averageValue"),
                                 "may not set both a target raw value and a target utilization")
        elif expected == "pods":
            if target and not present(target, "averageValue"):
                errors.required(where + ("target", "averageValue"), "must specify a positive target averageValue")
        elif expected in ("object", "external"):
            if target and not present(target, "value") and not present(target, "averageValue"):
                errors.required(where + ("target", "averageValue"), "must set either a target value or average "
                                "value")
        metric_name = as_dict(source.get("metric")).get("name")
        if expected in ("pods", "object", "external") and "metric" in source and not metric_name:
            errors.required(where + ("metric", "name"), "must specify a metric name")


def _target(errors: Errors, path: Path, target: dict) -> None:
    if not target:
        return
    kind = target.get("type")
    if not kind:
        errors.required(path + ("type",), "must specify a metric target type")
    for field in ("value", "averageValue"):
        amount = quantity(target.get(field))
        if amount is not None and amount <= 0:
            errors.invalid(path + (field,), target.get(field), "must be positive")
    utilization = as_int(target.get("averageUtilization"))
    if utilization is not None and utilization < 1:
        errors.invalid(path + ("averageUtilization",), utilization, "must be greater than 0")


def _rules(errors: Errors, path: Path, rules: dict) -> None:
    window = as_int(rules.get("stabilizationWindowSeconds"))
    if window is not None:
        if window < 0:
            errors.invalid(path + ("stabilizationWindowSeconds",), window, "must be greater than or equal to zero")
        elif window > 3600:
            errors.invalid(path + ("stabilizationWindowSeconds",), window, "must be less than or equal to 3600")
    policies = rules.get("policies")
    if isinstance(policies, list) and not policies and rules.get("selectPolicy") != "Disabled":
        errors.required(path + ("policies",), "must specify at least one Policy")
    for index, policy in items(rules, "policies"):
        where = path + ("policies", index)
        period = as_int(policy.get("periodSeconds"))
        if period is not None:
            if period <= 0:
                errors.invalid(where + ("periodSeconds",), period, "must be greater than zero")
            elif period > 1800:
                errors.invalid(where + ("periodSeconds",), period, "must be less than or equal to 1800")
        value = as_int(policy.get("value"))
        if value is not None and value <= 0:
            errors.invalid(where + ("value",), value, "must be greater than zero")
