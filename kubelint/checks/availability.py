"""Availability of replicated workloads: replica count, spreading, disruption budgets, rollouts.

``check`` selects the mechanism. The replica range of a workload is its HorizontalPodAutoscaler's
(minReplicas, maxReplicas) when one in the input targets it, else spec.replicas (default 1):
see kubelint/k8s/workloads.py. Rolling-update arithmetic follows the deployment controller
(pkg/controller/deployment/util: maxUnavailable rounds down, maxSurge up, via
intstr.GetScaledValueFromIntOrPercent). The case where both maxUnavailable and maxSurge are 0 is
rejected by API validation and reported there, not here.
"""

from __future__ import annotations

import math
import re
from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Problem, Resource

PARAMS = {"check": ""}


def KINDS(rule) -> frozenset[str]:  # noqa: N802
    return {"single-replica": frozenset({"Deployment"}), "anti-affinity": SPREAD_KINDS,
            "pdb-missing": BUDGET_KINDS, "hpa-replicas": BUDGET_KINDS,
            "rolling-update": frozenset({"Deployment", "DaemonSet", "StatefulSet"})}[rule.params["check"]]

SPREAD_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
BUDGET_KINDS = frozenset({"Deployment", "StatefulSet"})
_PERCENT = re.compile(r"(\d+)%\Z")


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    check = rule.params["check"]
    if resource.group not in ("", "apps"):
        return
    if check == "single-replica" and resource.kind == "Deployment":
        yield from _single_replica(resource, ctx)
    elif check == "anti-affinity" and resource.kind in SPREAD_KINDS:
        yield from _anti_affinity(resource, ctx)
    elif check == "pdb-missing" and resource.kind in BUDGET_KINDS:
        yield from _pdb_missing(resource, ctx)
    elif check == "rolling-update":
        yield from _rolling_update(resource, ctx)
    elif check == "hpa-replicas" and resource.kind in BUDGET_KINDS:
        hpa = workloads.coverage(ctx).hpa_for(resource)
        spec = resource.data.get("spec")
        if hpa is not None and isinstance(spec, dict) and spec.get("replicas") is not None:
            yield Problem(("spec", "replicas"), f"spec.replicas is set although HorizontalPodAutoscaler/{hpa.name} "
                          "scales this workload: every apply resets the replica count, then the autoscaler "
                          "scales it again", at_key=True,
                          hint="remove spec.replicas and let the HorizontalPodAutoscaler own it")


def _kind_name(resource: Resource) -> str:
    return f"{resource.kind} {resource.name}" if resource.name else resource.kind


def _single_replica(resource: Resource, ctx) -> Iterator[Problem]:
    scale = workloads.coverage(ctx).scale(resource)
    if scale is None or scale[1] != 1:
        return
    if k8s.get(resource.data, ("spec", "strategy", "type")) == "Recreate":
        return  # Recreate declares a single instance at a time: one replica is intended
    hpa = workloads.coverage(ctx).hpa_for(resource)
    where = ("spec", "replicas") if hpa is None else ("metadata", "name")
    yield Problem(where, f"{_kind_name(resource)} runs a single replica: a node drain, an eviction or a crash "
                  "takes it down until a new pod is scheduled and ready", at_key=hpa is None,
                  hint="set spec.replicas: 2 or more (with a PodDisruptionBudget and anti-affinity)")


def _anti_affinity(resource: Resource, ctx) -> Iterator[Problem]:
    scale = workloads.coverage(ctx).scale(resource)
    if scale is None or scale[1] < 2:
        return
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    labels = workloads.coverage(ctx).labels(resource)
    terms = []
    anti = k8s.get(spec, ("affinity", "podAntiAffinity"))
    if isinstance(anti, dict):
        for term in anti.get("requiredDuringSchedulingIgnoredDuringExecution") or []:
            terms.append(term)
        for weighted in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            if isinstance(weighted, dict):
                terms.append(weighted.get("podAffinityTerm"))
    spread = spec.get("topologySpreadConstraints")
    terms += spread if isinstance(spread, list) else []
    if any(isinstance(t, dict) and k8s.label_selector_matches(t.get("labelSelector"), labels) for t in terms):
        return
    count = f"{scale[1]} replicas" if scale[0] == scale[1] else f"up to {scale[1]} replicas"
    if terms:
        message = (f"{_kind_name(resource)} runs {count}, but no podAntiAffinity term or topology spread "
                   "constraint selects its own pods (check their labelSelector), so all of them may land on "
                   "one node")
    else:
        message = (f"{_kind_name(resource)} runs {count} without podAntiAffinity or topologySpreadConstraints, "
                   "so the scheduler may put all of them on one node, which then takes them all down")
    yield Problem(path, message, at_key=True,
                  hint="add topologySpreadConstraints (topologyKey: kubernetes.io/hostname, whenUnsatisfiable: "
                       "ScheduleAnyway) or a preferred podAntiAffinity term whose labelSelector matches the pod labels")


def _pdb_missing(resource: Resource, ctx) -> Iterator[Problem]:
    cover = workloads.coverage(ctx)
    scale = cover.scale(resource)
    if scale is None or scale[1] < 2 or not cover.labels(resource):
        return
    if cover.pdbs_for(resource):
        return
    count = f"{scale[1]} replicas" if scale[0] == scale[1] else f"up to {scale[1]} replicas"
    yield Problem(("metadata", "name"),
                  f"{_kind_name(resource)} runs {count} but no PodDisruptionBudget in the input selects its "
                  "pods: a node drain or cluster upgrade may evict all of them at once",
                  hint="add a PodDisruptionBudget (policy/v1) with maxUnavailable: 1 and a selector matching "
                       "the pod labels")


def scaled(value, total: int, round_up: bool) -> int | None:
    """intstr.GetScaledValueFromIntOrPercent: an int, or a percentage of total."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _PERCENT.match(value) if isinstance(value, str) else None
    if not match:
        return None
    exact = int(match.group(1)) * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)


def _rolling_update(resource: Resource, ctx) -> Iterator[Problem]:
    if resource.kind == "Deployment":
        strategy = ("spec", "strategy")
    elif resource.kind in ("DaemonSet", "StatefulSet"):
        strategy = ("spec", "updateStrategy")
    else:
        return
    value = k8s.get(resource.data, strategy + ("rollingUpdate", "maxUnavailable"))
    if value is None or k8s.get(resource.data, strategy + ("type",), "RollingUpdate") != "RollingUpdate":
        return
    path = strategy + ("rollingUpdate", "maxUnavailable")
    hint = "use a small maxUnavailable (1 or 25%), with maxSurge to roll out faster"
    percent = _PERCENT.match(value) if isinstance(value, str) else None
    if percent and int(percent.group(1)) >= 100:
        what = "pods on every node" if resource.kind == "DaemonSet" else "every replica"
        yield Problem(path, f"maxUnavailable {value} lets a rollout take down {what} at once", hint=hint)
        return
    if resource.kind == "DaemonSet" or not isinstance(value, int) or isinstance(value, bool):
        return
    scale = workloads.coverage(ctx).scale(resource)
    if scale is not None and scale[0] >= 2 and value >= scale[0]:
        yield Problem(path, f"maxUnavailable {value} is at least the replica count ({scale[0]}): a rollout may "
                      "take down every replica at once", hint=hint)
