"""KEDA: one autoscaler per workload.

Upstream (kedacore/keda apis/keda/v1alpha1/scaledobject_webhook.go): the admission webhook rejects
a ScaledObject whose target another HorizontalPodAutoscaler already scales (`the workload 'x' of
type 'apps/v1.Deployment' is already managed by the hpa 'y'`; verifyHpas), unless the ScaledObject
takes the HPA over (annotation ``scaledobject.keda.sh/transfer-hpa-ownership: "true"`` and
``advanced.horizontalPodAutoscalerConfig.name`` naming it), and one whose target another
ScaledObject scales (verifyScaledObjects). Without the webhook, the two autoscalers fight over the
replica count. The target defaults to an apps/v1 Deployment.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import Context
from kubelint.checks.operators.common import named
from kubelint.crossref.graph import graph
from kubelint.k8s import objects as k8s
from kubelint.k8s.objects import canonical_group, group_of, text
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

KEDA = "keda.sh"
TRANSFER = "scaledobject.keda.sh/transfer-hpa-ownership"


def _target(resource: Resource) -> tuple[str, str, str | None, str] | None:
    target = k8s.get(resource.data, ("spec", "scaleTargetRef"))
    if not isinstance(target, dict) or not text(target.get("name")):
        return None
    default_kind = "Deployment" if resource.kind == "ScaledObject" else None
    kind = text(target.get("kind")) or default_kind
    if kind is None:
        return None
    api_version = target.get("apiVersion") or ("apps/v1" if resource.kind == "ScaledObject" else None)
    return canonical_group(group_of(api_version), kind), kind, resource.namespace, target["name"]


def hpa_conflict(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    hpas: dict[tuple, list[Resource]] = {}
    for hpa in g.of_kind("autoscaling", "HorizontalPodAutoscaler"):
        key = _target(hpa)
        if key is not None:
            hpas.setdefault(key, []).append(hpa)
    scaled: dict[tuple, Resource] = {}
    for item in named(g.of_kind(KEDA, "ScaledObject")):
        key = _target(item)
        if key is None:
            continue
        first = scaled.setdefault(key, item)
        shown = f"{key[1]} \"{key[3]}\""
        if not ctx.reports(item):
            continue
        if first is not item:
            yield item, Problem(("spec", "scaleTargetRef", "name"), f"{shown} is already scaled by ScaledObject "
                                f'"{first.name}": KEDA\'s admission webhook rejects this one (the workload is already '
                                "managed by the ScaledObject)", hint="scale each workload with one ScaledObject")
            continue
        for hpa in hpas.get(key, []):
            if _owned_by(hpa, item) or _taken_over(item, hpa):
                continue
            yield item, Problem(("spec", "scaleTargetRef", "name"), f"{shown} is already scaled by "
                                f'HorizontalPodAutoscaler "{hpa.name}": KEDA\'s admission webhook rejects the '
                                "ScaledObject (the workload is already managed by the hpa), and without the webhook "
                                "the two autoscalers fight over its replicas",
                                hint=f'remove HorizontalPodAutoscaler "{hpa.name}" (KEDA makes its own), or let the '
                                     f'ScaledObject take it over ({TRANSFER}: "true" and '
                                     "advanced.horizontalPodAutoscalerConfig.name)")
            break


def _owned_by(hpa: Resource, scaled_object: Resource) -> bool:
    owners = k8s.get(hpa.data, ("metadata", "ownerReferences"))
    return isinstance(owners, list) and any(isinstance(o, dict) and o.get("kind") == "ScaledObject"
                                            and o.get("name") == scaled_object.name for o in owners)


def _taken_over(scaled_object: Resource, hpa: Resource) -> bool:
    annotations = k8s.get(scaled_object.data, ("metadata", "annotations"))
    named = k8s.get(scaled_object.data, ("spec", "advanced", "horizontalPodAutoscalerConfig", "name"))
    return isinstance(annotations, dict) and str(annotations.get(TRANSFER)).lower() == "true" and named == hpa.name
