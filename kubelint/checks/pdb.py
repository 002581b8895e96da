"""PodDisruptionBudgets that protect nothing or block every eviction.

The disruption controller (pkg/controller/disruption/disruption.go, getExpectedPodCount) computes
the healthy pods it must keep: expected - maxUnavailable (a percentage rounded up), or minAvailable
(a percentage of the expected count, rounded up). With neither field it keeps none. Evictions are
allowed while healthy pods exceed that number, so a budget that keeps every pod blocks node
drains for good. The expected count comes from the workloads of the input that the budget selects.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks.availability import scaled
from kubelint.k8s import workloads
from kubelint.model import Problem, Resource

PARAMS = {"check": ""}
KINDS = frozenset({"PodDisruptionBudget"})


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if resource.kind != "PodDisruptionBudget" or resource.group != "policy":
        return
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    check = rule.params["check"]
    min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
    if check == "no-policy":
        if min_available is None and max_unavailable is None:
            yield Problem(("spec",), "the PodDisruptionBudget sets neither minAvailable nor maxUnavailable, so it "
                          "allows every eviction and protects nothing", at_key=True,
                          hint="set maxUnavailable: 1 (or minAvailable)")
    elif check == "blocks-eviction":
        yield from _blocks(resource, min_available, max_unavailable, ctx)
    elif check == "unhealthy-eviction-policy":
        if spec.get("unhealthyPodEvictionPolicy") is None and resource.version == "v1":
            yield Problem(("spec",), "unhealthyPodEvictionPolicy is not set: pods that never became ready "
                          "(crash-looping, misconfigured) cannot be evicted while the budget is exhausted, which "
                          "blocks node drains", at_key=True,
                          hint="set unhealthyPodEvictionPolicy: AlwaysAllow")


def _blocks(resource: Resource, min_available, max_unavailable, ctx) -> Iterator[Problem]:
    why = "so no pod it selects can ever be evicted and node drains hang"
    hint = "allow at least one disruption: maxUnavailable: 1, or a minAvailable below the replica count"
    if max_unavailable is not None:
        if scaled(max_unavailable, 100, True) == 0:
            yield Problem(("spec", "maxUnavailable"), f"maxUnavailable {max_unavailable} allows no disruption, {why}",
                          hint=hint)
        return
    if min_available is None:
        return
    if isinstance(min_available, str) and min_available.endswith("%") and scaled(min_available, 100, True) == 100:
        yield Problem(("spec", "minAvailable"), f"minAvailable {min_available} keeps every pod, {why}", hint=hint)
        return
    selected = workloads.coverage(ctx).workloads_of(resource)
    scales = [(w, workloads.coverage(ctx).scale(w)) for w in selected]
    scales = [(w, s) for w, s in scales if s is not None]
    if not scales or len(scales) != len(selected):
        return  # pods of kinds whose count we do not know (DaemonSets, bare Pods): stay quiet
    expected = sum(s[0] for _, s in scales)
    desired = scaled(min_available, expected, True)
    if desired is not None and expected > 0 and desired >= expected:
        unique = sorted({f"{w.kind}/{w.name}" for w, _ in scales})
        names = ", ".join(unique[:3]) + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")
        yield Problem(("spec", "minAvailable"), f"minAvailable {min_available} is at least the {expected} "
                      f"replica(s) of {names}, {why}", hint=hint)
