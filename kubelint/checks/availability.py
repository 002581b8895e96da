"""Availability of replicated workloads: replica count, spreading, disruption budgets, rollouts.

A rule's ``check`` names one of: ``single-replica``, ``anti-affinity``, ``pdb-missing``,
``rolling-update`` and ``hpa-replicas``. The replica range of a workload is its
HorizontalPodAutoscaler's (minReplicas, maxReplicas) when one in the input targets it, else
spec.replicas (default 1): see kubelint/k8s/workloads.py. Rolling-update arithmetic follows the
deployment controller (pkg/controller/deployment/util: maxUnavailable rounds down, maxSurge up, via
intstr.GetScaledValueFromIntOrPercent). The case where both maxUnavailable and maxSurge are 0 is
rejected by API validation and reported there, not here.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from kubelint.checks import CheckSet, Context
from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": ""}
CHECKS = CheckSet()

SPREAD_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
BUDGET_KINDS = frozenset({"Deployment", "StatefulSet"})
ROLLING_KINDS = frozenset({"Deployment", "DaemonSet", "StatefulSet"})
_PERCENT = re.compile(r"(\d+)%\Z")


@CHECKS("single-replica", kinds={"Deployment"})
def single_replica(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if not _built_in(resource):
        return
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


@CHECKS("anti-affinity", kinds=SPREAD_KINDS)
def anti_affinity(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if not _built_in(resource):
        return
    scale = workloads.coverage(ctx).scale(resource)
    if scale is None or scale[1] < 2:
        return
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    labels = workloads.coverage(ctx).labels(resource)
    terms = _spreading_terms(spec)
    if any(isinstance(t, dict) and k8s.label_selector_matches(t.get("labelSelector"), labels) for t in terms):
        return
    count = _replicas(scale)
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


@CHECKS("pdb-missing", kinds=BUDGET_KINDS)
def pdb_missing(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if not _built_in(resource):
        return
    cover = workloads.coverage(ctx)
    scale = cover.scale(resource)
    if scale is None or scale[1] < 2 or not cover.labels(resource):
        return
    if cover.pdbs_for(resource):
        return
    yield Problem(("metadata", "name"),
                  f"{_kind_name(resource)} runs {_replicas(scale)} but no PodDisruptionBudget in the input selects "
                  "its pods: a node drain or cluster upgrade may evict all of them at once",
                  hint="add a PodDisruptionBudget (policy/v1) with maxUnavailable: 1 and a selector matching "
                       "the pod labels")


@CHECKS("rolling-update", kinds=ROLLING_KINDS)
def rolling_update(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if not _built_in(resource):
        return
    strategy = ("spec", "strategy") if resource.kind == "Deployment" else ("spec", "updateStrategy")
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


@CHECKS("hpa-replicas", kinds=BUDGET_KINDS)
def hpa_replicas(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if not _built_in(resource):
        return
    hpa = workloads.coverage(ctx).hpa_for(resource)
    spec = resource.data.get("spec")
    if hpa is not None and isinstance(spec, dict) and spec.get("replicas") is not None:
        yield Problem(("spec", "replicas"), f"spec.replicas is set although HorizontalPodAutoscaler/{hpa.name} "
                      "scales this workload: every apply resets the replica count, then the autoscaler "
                      "scales it again", at_key=True,
                      hint="remove spec.replicas and let the HorizontalPodAutoscaler own it")


def _built_in(resource: Resource) -> bool:
    """A workload of the core or apps group, not a custom resource that reuses the kind's name."""
    return resource.group in ("", "apps")


def _kind_name(resource: Resource) -> str:
    return f"{resource.kind} {resource.name}" if resource.name else resource.kind


def _replicas(scale: tuple[int, int]) -> str:
    """A replica range as the messages say it: '3 replicas', or 'up to 5 replicas' under an HPA."""
    return f"{scale[1]} replicas" if scale[0] == scale[1] else f"up to {scale[1]} replicas"


def _spreading_terms(spec: dict) -> list[Any]:
    """The podAntiAffinity terms (required and preferred) and topology spread constraints of a pod spec."""
    terms: list[Any] = []
    anti = k8s.get(spec, ("affinity", "podAntiAffinity"))
    if isinstance(anti, dict):
        for term in anti.get("requiredDuringSchedulingIgnoredDuringExecution") or []:
            terms.append(term)
        for weighted in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            if isinstance(weighted, dict):
                terms.append(weighted.get("podAffinityTerm"))
    spread = spec.get("topologySpreadConstraints")
    terms += spread if isinstance(spread, list) else []
    return terms
