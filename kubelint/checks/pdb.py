"""PodDisruptionBudgets that protect nothing or block every eviction.

The disruption controller (pkg/controller/disruption/disruption.go, getExpectedPodCount) computes
the healthy pods it must keep: expected - maxUnavailable (a percentage rounded up), or minAvailable
(a percentage of the expected count, rounded up). With neither field it keeps none. Evictions are
allowed while healthy pods exceed that number, so a budget that keeps every pod blocks node
drains for good. The expected count comes from the workloads of the input that the budget selects.

A rule's ``check`` names one of: ``no-policy``, ``blocks-eviction`` and ``unhealthy-eviction-policy``.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import CheckSet, Context
from kubelint.k8s import workloads
from kubelint.k8s.objects import scaled
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": ""}
CHECKS = CheckSet()
BUDGETS = frozenset({"PodDisruptionBudget"})


@CHECKS("no-policy", kinds=BUDGETS)
def no_policy(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    spec = _spec(resource)
    if spec is not None and spec.get("minAvailable") is None and spec.get("maxUnavailable") is None:
        yield Problem(("spec",), "the PodDisruptionBudget sets neither minAvailable nor maxUnavailable, so it "
                      "allows every eviction and protects nothing", at_key=True,
                      hint="set maxUnavailable: 1 (or minAvailable)")


@CHECKS("blocks-eviction", kinds=BUDGETS)
def blocks_eviction(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    spec = _spec(resource)
    if spec is None:
        return
    min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
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
    known = [(w, s) for w, s in scales if s is not None]
    if not known or len(known) != len(selected):
        return  # pods of kinds whose count we do not know (DaemonSets, bare Pods): stay quiet
    expected = sum(s[0] for _, s in known)
    desired = scaled(min_available, expected, True)
    if desired is not None and expected > 0 and desired >= expected:
        unique = sorted({f"{w.kind}/{w.name}" for w, _ in known})
        names = ", ".join(unique[:3]) + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")
        yield Problem(("spec", "minAvailable"), f"minAvailable {min_available} is at least the {expected} "
                      f"replica(s) of {names}, {why}", hint=hint)


@CHECKS("unhealthy-eviction-policy", kinds=BUDGETS)
def unhealthy_eviction_policy(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    spec = _spec(resource)
    if spec is not None and spec.get("unhealthyPodEvictionPolicy") is None and resource.version == "v1":
        yield Problem(("spec",), "unhealthyPodEvictionPolicy is not set: pods that never became ready "
                      "(crash-looping, misconfigured) cannot be evicted while the budget is exhausted, which "
                      "blocks node drains", at_key=True,
                      hint="set unhealthyPodEvictionPolicy: AlwaysAllow")


def _spec(resource: Resource) -> dict | None:
    """The spec of a policy PodDisruptionBudget (None for another group's kind of that name)."""
    spec = resource.data.get("spec")
    return spec if resource.group == "policy" and isinstance(spec, dict) else None
