"""The scheduling dry-run as findings (``kubelint check ... --nodes NODES``).

The dry-run (kubelint/schedule) runs once per check run and only when node inventories are
given; each rule bound to this template reports one aspect of its result at the line of the
workload (its metadata.name) or of the inventory entry:

- ``inventory``: node inventories that cannot be used as they are;
- ``unschedulable``: pods kube-scheduler would leave Pending, with its own message;
- ``preemption``: pods that only fit by evicting lower-priority pods;
- ``rollout``: a Deployment or DaemonSet whose surge pods do not fit (the rollout stalls);
- ``single-node`` / ``single-zone``: all replicas of a workload on one node, or in one zone;
- ``node-failure``: pods that would not fit elsewhere if their node or zone failed;
- ``hpa-max``: an HPA's maxReplicas that would not fit.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from kubelint.model import Problem, Resource

PARAMS = {"check": "unschedulable"}
NAME_PATH = ("metadata", "name")


def simulation(ctx):
    """The dry-run of this check run (None without --nodes), computed once."""
    if "schedule" in ctx.cache:
        return ctx.cache["schedule"]
    nodes = list(getattr(ctx.options, "nodes", None) or [])
    result = None
    if nodes:
        from kubelint.schedule import config as scheduler_config
        from kubelint.schedule.inventory import inventory_resources
        from kubelint.schedule.scheduler import simulate

        raw = None
        if ctx.options.scheduler_config:
            raw = scheduler_config.read(ctx.options.scheduler_config)
        result = simulate(ctx.resources, inventory_resources(ctx.resources, nodes), kube_version=ctx.bundle.version,
                          scheduler_config=raw)
    ctx.cache["schedule"] = result
    return result


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    sim = simulation(ctx)
    if sim is None:
        return
    check = CHECKS[rule.params.get("check", "unschedulable")]
    yield from check(sim, ctx)


def _inventory(sim, ctx):
    yield from sim.problems


def _reason_hint(reason: str, pod) -> str | None:
    hints = []
    if "Insufficient" in reason or "Too many pods" in reason:
        hints.append("lower the pod's requests or add nodes with more room")
    if "untolerated taint" in reason:
        hints.append("add a toleration for the nodes' taints, or schedule it elsewhere")
    if "node affinity/selector" in reason:
        hints.append("check spec.nodeSelector and the node affinity against the nodes' labels")
    if "topology spread" in reason:
        hints.append("relax maxSkew or whenUnsatisfiable, or add nodes in the missing domains")
    if "anti-affinity" in reason or "affinity rules" in reason:
        hints.append("check the pod (anti-)affinity terms against where matching pods run")
    if "free ports" in reason:
        hints.append("two pods cannot use the same hostPort on one node")
    if "PriorityClass" in reason or "RuntimeClass" in reason:
        hints.append("add the missing object to the input, or fix its name")
    return "; ".join(hints) or None


def _unschedulable(sim, ctx):
    by_workload = defaultdict(list)
    for placement in sim.placements:
        if placement.status == "unschedulable":
            by_workload[placement.pod.workload].append(placement)
    for workload, items in by_workload.items():
        if workload.resource is None:
            continue
        first = items[0]
        total = len(workload.pods)
        what = (f"pod {first.pod.name} cannot be scheduled" if len(items) == 1 and total == 1 else
                f"{len(items)} of {total} pods of {workload.kind} {workload.name} cannot be scheduled "
                f"({', '.join(p.pod.name for p in items[:5])}{', ...' if len(items) > 5 else ''})")
        message = f"{what}: {first.reason}"
        others = {p.reason for p in items[1:]} - {first.reason}
        if others:
            message += f" (and {len(others)} other reason{'s' if len(others) != 1 else ''})"
        from kubelint.schedule import analysis

        hint = _reason_hint(first.reason or "", first.pod)
        taints = analysis.hint(sim, first)
        if taints:
            hint = taints + (f"; {hint}" if hint else "")
        yield workload.resource, Problem(NAME_PATH, message, hint=hint)


def _preemption(sim, ctx):
    by_workload = defaultdict(list)
    for placement in sim.placements:
        if placement.status == "scheduled" and placement.preempted:
            by_workload[placement.pod.workload].append(placement)
    for workload, items in by_workload.items():
        if workload.resource is None:
            continue
        victims = [v.ref for p in items for v in p.preempted]
        shown = ", ".join(victims[:5]) + (", ..." if len(victims) > 5 else "")
        yield workload.resource, Problem(
            NAME_PATH, f"{len(items)} pod{'s' if len(items) != 1 else ''} of {workload.kind} {workload.name} only "
            f"fit{'s' if len(items) == 1 else ''} by preempting lower-priority pods: {shown}",
            hint="add capacity so that no running pod is evicted, or check the PriorityClasses")


def _rollout(sim, ctx):
    from kubelint.schedule import analysis

    pending = {id(p.pod.workload) for p in sim.placements if p.status == "unschedulable"}
    for workload in sim.workloads:
        if id(workload) in pending:
            continue   # its pods do not fit already: `unschedulable` says so
        result = analysis.rollout(sim, workload)
        if result is None or not result.stalls or workload.resource is None:
            continue
        if workload.kind == "DaemonSet":
            nodes = ", ".join(result.nodes[:5]) + (", ..." if len(result.nodes) > 5 else "")
            message = (f"a rolling update of DaemonSet {workload.name} stalls on {len(result.nodes)} node(s) "
                       f"({nodes}): with maxSurge {result.max_surge} and maxUnavailable 0 the new pod must fit next "
                       f"to the old one: {result.reason}")
        else:
            message = (f"a rolling update of Deployment {workload.name} stalls: with maxSurge {result.max_surge} and "
                       f"maxUnavailable 0 the first new pod must fit before an old one stops, and it does not: "
                       f"{result.reason}")
        yield workload.resource, Problem(NAME_PATH, message,
                                         hint="allow maxUnavailable: 1, or leave room for the surge pods")


def _single_node(sim, ctx):
    from kubelint.schedule import analysis

    for workload in sim.workloads:
        result = analysis.availability(sim, workload)
        if result is None or not result.single_node or workload.resource is None:
            continue
        yield workload.resource, Problem(
            NAME_PATH, f"all {result.replicas} replicas of {workload.kind} {workload.name} are placed on node "
            f"{result.nodes[0]}: one node failure stops the workload",
            hint="spread the replicas: a podAntiAffinity or topologySpreadConstraints on kubernetes.io/hostname, "
                 "or more nodes")


def _single_zone(sim, ctx):
    from kubelint.schedule import analysis

    zones = analysis.cluster_zones(sim)
    for workload in sim.workloads:
        result = analysis.availability(sim, workload)
        if result is None or not result.single_zone or result.single_node or workload.resource is None:
            continue
        yield workload.resource, Problem(
            NAME_PATH, f"all {result.replicas} replicas of {workload.kind} {workload.name} are placed in zone "
            f"{result.zones[0]} although the cluster spans {len(zones)} zones: one zone outage stops the workload",
            hint="add topologySpreadConstraints on topology.kubernetes.io/zone")


def _node_failure(sim, ctx):
    from kubelint.schedule import analysis

    failures, _ = analysis.node_failures(sim)
    by_workload: dict = defaultdict(list)
    for failure in failures:
        for pod, reason in failure.unschedulable:
            by_workload[pod.workload].append((failure, pod, reason))
    for workload, items in by_workload.items():
        if workload.resource is None:
            continue
        scopes = []
        for failure, _, _ in items:
            label = f"{failure.scope} {failure.name}"
            if label not in scopes:
                scopes.append(label)
        failure, pod, reason = items[0]
        shown = ", ".join(scopes[:4]) + (", ..." if len(scopes) > 4 else "")
        yield workload.resource, Problem(
            NAME_PATH, f"if {shown} failed, {len({p.name for _, p, _ in items})} pod(s) of {workload.kind} "
            f"{workload.name} could not be placed again; e.g. {pod.name} after losing {failure.scope} "
            f"{failure.name}: {reason}",
            hint="keep enough spare capacity on the other nodes (N-1), or spread the workload so that a "
                 "failure displaces less of it")


def _hpa_max(sim, ctx):
    from kubelint.schedule import analysis

    for workload in sim.workloads:
        result = analysis.autoscaling(sim, workload)
        if result is None or result.fits:
            continue
        hpa = workload.hpa[2]
        possible = result.placed + result.more_fit
        yield hpa, Problem(
            ("spec", "maxReplicas"), f"HorizontalPodAutoscaler {hpa.name} may scale {workload.kind} {workload.name} "
            f"to {result.max_replicas} replicas, but only {possible} fit on the nodes ({result.more_fit} more than "
            f"the {result.placed} placed)",
            hint="lower maxReplicas to what fits, or plan the capacity (or a cluster autoscaler) for it")


CHECKS = {
    "inventory": _inventory,
    "unschedulable": _unschedulable,
    "preemption": _preemption,
    "rollout": _rollout,
    "single-node": _single_node,
    "single-zone": _single_zone,
    "node-failure": _node_failure,
    "hpa-max": _hpa_max,
}
