"""The dry-run for ``kubelint check --nodes``, and the aspects of its result that the rules of the
``schedule`` template report (kubelint/checks/schedule.py), as Problems at the line of the
workload (its metadata.name), of the HorizontalPodAutoscaler or of the inventory entry.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator

from kubelint.model import Problem, Resource
from kubelint.schedule import analysis
from kubelint.schedule import config as scheduler_config
from kubelint.schedule.inventory import inventory_resources
from kubelint.schedule.pods import Pod, Workload
from kubelint.schedule.scheduler import Placement, Simulation, simulate

NAME_PATH = ("metadata", "name")
Found = Iterator[tuple[Resource, Problem]]


@dataclass
class DryRun:
    """One dry-run of the input on the node inventories, and what each rule reports of it."""

    sim: Simulation

    @classmethod
    def run(cls, resources: list[Resource], nodes: list[str], kube_version: str,
            scheduler_config_file: str | None = None) -> DryRun:
        """Place the pods of ``resources`` on the nodes read from the ``nodes`` paths (which are
        among ``resources``), with the scheduler profiles of ``scheduler_config_file``."""
        raw = scheduler_config.read(scheduler_config_file) if scheduler_config_file else None
        return cls(simulate(resources, inventory_resources(resources, nodes), kube_version=kube_version,
                            scheduler_config=raw))

    def inventory(self) -> Found:
        """Node inventory entries that cannot be used as they are."""
        yield from self.sim.problems

    def unschedulable(self) -> Found:
        """Pods kube-scheduler would leave Pending, with its own message."""
        sim = self.sim
        for workload, items in _by_workload(p for p in sim.placements if p.status == "unschedulable"):
            first = items[0]
            total = len(workload.pods)
            what = (f"pod {first.pod.name} cannot be scheduled" if len(items) == 1 and total == 1 else
                    f"{len(items)} of {total} pods of {workload.kind} {workload.name} cannot be scheduled "
                    f"({', '.join(p.pod.name for p in items[:5])}{', ...' if len(items) > 5 else ''})")
            message = f"{what}: {first.reason}"
            others = {p.reason for p in items[1:]} - {first.reason}
            if others:
                message += f" (and {len(others)} other reason{'s' if len(others) != 1 else ''})"
            hint = _reason_hint(first.reason or "")
            taints = analysis.hint(sim, first)
            if taints:
                hint = taints + (f"; {hint}" if hint else "")
            yield workload.resource, Problem(NAME_PATH, message, hint=hint)

    def preemption(self) -> Found:
        """Pods that only fit by evicting lower-priority pods."""
        for workload, items in _by_workload(p for p in self.sim.placements
                                            if p.status == "scheduled" and p.preempted):
            victims = [v.ref for p in items for v in p.preempted]
            shown = ", ".join(victims[:5]) + (", ..." if len(victims) > 5 else "")
            yield workload.resource, Problem(
                NAME_PATH, f"{len(items)} pod{'s' if len(items) != 1 else ''} of {workload.kind} {workload.name} "
                f"only fit{'s' if len(items) == 1 else ''} by preempting lower-priority pods: {shown}",
                hint="add capacity so that no running pod is evicted, or check the PriorityClasses")

    def rollout(self) -> Found:
        """A Deployment or DaemonSet whose surge pods do not fit: the rollout stalls."""
        sim = self.sim
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
                           f"({nodes}): with maxSurge {result.max_surge} and maxUnavailable 0 the new pod must fit "
                           f"next to the old one: {result.reason}")
            else:
                message = (f"a rolling update of Deployment {workload.name} stalls: with maxSurge "
                           f"{result.max_surge} and maxUnavailable 0 the first new pod must fit before an old one "
                           f"stops, and it does not: {result.reason}")
            yield workload.resource, Problem(NAME_PATH, message,
                                             hint="allow maxUnavailable: 1, or leave room for the surge pods")

    def single_node(self) -> Found:
        """All replicas of a workload on one node."""
        sim = self.sim
        for workload in sim.workloads:
            result = analysis.availability(sim, workload)
            if result is None or not result.single_node or workload.resource is None:
                continue
            yield workload.resource, Problem(
                NAME_PATH, f"all {result.replicas} replicas of {workload.kind} {workload.name} are placed on node "
                f"{result.nodes[0]}: one node failure stops the workload",
                hint="spread the replicas: a podAntiAffinity or topologySpreadConstraints on "
                     "kubernetes.io/hostname, or more nodes")

    def single_zone(self) -> Found:
        """All replicas of a workload in one zone of a cluster that has several."""
        sim = self.sim
        zones = analysis.cluster_zones(sim)
        for workload in sim.workloads:
            result = analysis.availability(sim, workload)
            if result is None or not result.single_zone or result.single_node or workload.resource is None:
                continue
            yield workload.resource, Problem(
                NAME_PATH, f"all {result.replicas} replicas of {workload.kind} {workload.name} are placed in zone "
                f"{result.zones[0]} although the cluster spans {len(zones)} zones: one zone outage stops the "
                "workload", hint="add topologySpreadConstraints on topology.kubernetes.io/zone")

    def node_failure(self) -> Found:
        """Pods that would not fit elsewhere if their node or zone failed (N-1)."""
        failures, _ = analysis.node_failures(self.sim)
        by_workload: dict[Workload, list[tuple[analysis.Failure, Pod, str]]] = defaultdict(list)
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

    def hpa_max(self) -> Found:
        """An HPA's maxReplicas that would not fit on the nodes."""
        sim = self.sim
        for workload in sim.workloads:
            result = analysis.autoscaling(sim, workload)
            if result is None or result.fits:
                continue
            hpa = workload.hpa[2]
            possible = result.placed + result.more_fit
            yield hpa, Problem(
                ("spec", "maxReplicas"), f"HorizontalPodAutoscaler {hpa.name} may scale {workload.kind} "
                f"{workload.name} to {result.max_replicas} replicas, but only {possible} fit on the nodes "
                f"({result.more_fit} more than the {result.placed} placed)",
                hint="lower maxReplicas to what fits, or plan the capacity (or a cluster autoscaler) for it")


def _by_workload(placements: Iterator[Placement]) -> Iterator[tuple[Workload, list[Placement]]]:
    """Placements grouped by their pods' workload, in order of first appearance; workloads that
    no resource of the input stands for are left out."""
    grouped: dict[Workload, list[Placement]] = defaultdict(list)
    for placement in placements:
        grouped[placement.pod.workload].append(placement)
    for workload, items in grouped.items():
        if workload.resource is not None:
            yield workload, items


def _reason_hint(reason: str) -> str | None:
    """What to change, from the words of kube-scheduler's message."""
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
