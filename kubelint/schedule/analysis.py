"""What operators ask before a release, answered on the simulated cluster (every what-if runs the
same scheduler on the final state and is rolled back exactly):

- rolling updates: do a Deployment's maxSurge pods (default 25%, rounded up) fit next to the old
  ones? With maxUnavailable 0 a surge pod that fits nowhere stalls the rollout
  (pkg/controller/deployment/rolling.go); a DaemonSet with maxSurge needs room for a second pod
  on each node;
- high availability: all replicas of a workload on one node, or in one zone of a multi-zone cluster;
- N-1: if a node (or a whole zone) fails, do its pods fit elsewhere? DaemonSet pods die with
  their node; controller-managed pods are recreated and scheduled again, with preemption;
- headroom: how many more replicas of each workload fit, and whether an HPA's maxReplicas would.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

import numpy as np

from kubelint.k8s import objects as k8s
from kubelint.schedule import pods as pods_module
from kubelint.schedule import selectors as sel
from kubelint.schedule.framework import passes
from kubelint.schedule.inventory import ZONE_LABEL
from kubelint.schedule.pods import Pod, Workload
from kubelint.schedule.scheduler import Attempt, Simulation

#: more nodes than this: the N-1 analysis looks at the busiest ones only
NODE_FAILURE_LIMIT = 200
#: headroom is counted up to this many replicas where resources alone decide (a closed form) ...
HEADROOM_CAP = 1000
#: ... and up to this many where each extra replica must be scheduled in turn (affinity, spreading, ports)
HEADROOM_SIMULATED = 100


def placed_pods(sim: Simulation, workload: Workload) -> list[Pod]:
    return [p for p in workload.pods if p.node >= 0]


def try_pods(sim: Simulation, pods: list[Pod], *, preempt: bool = True, keep: bool = False) -> list[tuple[Pod, Attempt]]:
    """Schedule ``pods`` in priority order on the current state (victims of preemption are queued
    again when a controller recreates them); roll everything back unless ``keep``."""
    cluster, scheduler = sim.cluster, sim.scheduler
    mark = cluster.checkpoint()
    results: list[tuple[Pod, Attempt]] = []
    queue: list[tuple[int, int, Pod]] = []
    for order, pod in enumerate(pods):
        heapq.heappush(queue, (-pod.priority, order, pod))
    order = len(pods)
    try:
        while queue:
            _, _, pod = heapq.heappop(queue)
            if pod.spec.scheduling_gates or pod.spec.scheduler_name not in scheduler.profiles:
                continue
            attempt = scheduler.attempt(pod, preempt=preempt)
            if attempt.node >= 0:
                for victim in attempt.victims:
                    cluster.remove(victim)
                    if victim.workload.kind != "Pod" or victim.workload.note:
                        order += 1
                        heapq.heappush(queue, (-victim.priority, order, pods_module.recreate(victim)))
                cluster.add(pod, attempt.node)
            results.append((pod, attempt))
    finally:
        if not keep:
            cluster.rollback(mark)
    return results


def untolerated_taints(sim: Simulation, pod: Pod) -> str | None:
    """The NoSchedule/NoExecute taints that turn the pod away, with how many nodes carry each (kube-scheduler
    stopped naming them in its message in 1.34)."""
    found: dict[str, int] = {}
    for index, node in enumerate(sim.nodes):
        if not sim.cluster.alive[index]:
            continue
        taint = sel.first_untolerated(node.taints, pod.spec.tolerations, ("NoSchedule", "NoExecute"))
        if taint is not None:
            found[str(taint)] = found.get(str(taint), 0) + 1
    if not found:
        return None
    return ", ".join(f"{taint} ({count} node{'s' if count != 1 else ''})" for taint, count in sorted(found.items()))


def hint(sim: Simulation, placement) -> str | None:
    if placement.status != "unschedulable" or "untolerated taint(s)" not in (placement.reason or ""):
        return None
    taints = untolerated_taints(sim, placement.pod)
    return f"untolerated taints: {taints}" if taints else None


# --- rolling updates ------------------------------------------------------------------------------


@dataclass
class Rollout:
    workload: Workload
    max_surge: int
    max_unavailable: int
    surge_pods: int
    fitting: int
    stalls: bool
    reason: str | None = None
    nodes: list[str] = field(default_factory=list)   # DaemonSets: nodes where the surge pod does not fit


def _int_or_percent(value, total: int, round_up: bool, default: str) -> int:
    if value is None:
        value = default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        scaled = int(value[:-1]) * total / 100
        return math.ceil(scaled) if round_up else math.floor(scaled)
    return 0


def rollout(sim: Simulation, workload: Workload) -> Rollout | None:
    resource = workload.resource
    if resource is None or workload.spec is None:
        return None
    data = resource.data
    if workload.kind == "Deployment":
        strategy = k8s.get(data, ("spec", "strategy")) or {}
        if isinstance(strategy, dict) and strategy.get("type") == "Recreate":
            return None
        rolling = strategy.get("rollingUpdate") if isinstance(strategy, dict) else None
        rolling = rolling if isinstance(rolling, dict) else {}
        replicas = workload.replicas
        surge = _int_or_percent(rolling.get("maxSurge"), replicas, True, "25%")
        unavailable = _int_or_percent(rolling.get("maxUnavailable"), replicas, False, "25%")
        if surge <= 0 or replicas == 0:
            return None
        revision = pods_module.revision_hash(workload) + "x"
        surge_pods = [pods_module.new_replica(workload, replicas + i, revision=revision[-10:])
                      for i in range(surge)]
        results = try_pods(sim, surge_pods)
        fitting = sum(1 for _, attempt in results if attempt.node >= 0)
        failed = next((attempt for _, attempt in results if attempt.node < 0), None)
        stalls = fitting == 0 and unavailable == 0
        return Rollout(workload, surge, unavailable, surge, fitting, stalls,
                       failed.message if failed is not None else None)
    if workload.kind == "DaemonSet":
        strategy = k8s.get(data, ("spec", "updateStrategy")) or {}
        if not isinstance(strategy, dict) or strategy.get("type") == "OnDelete":
            return None
        rolling = strategy.get("rollingUpdate") if isinstance(strategy.get("rollingUpdate"), dict) else {}
        nodes = len(workload.pods)
        surge = _int_or_percent(rolling.get("maxSurge"), nodes, True, "0")
        unavailable = _int_or_percent(rolling.get("maxUnavailable"), nodes, True, "1")
        if surge <= 0 or not workload.pods:
            return None
        raw = k8s.pod_spec(resource)[1]
        failing, reason = [], None
        for pod in placed_pods(sim, workload):
            pinned = pods_module.daemon_spec(workload, raw, sim.cluster.names[pod.node], sim.scheduler.admission)
            surge_pod = pods_module.daemon_pod(workload, pinned, sim.cluster.names[pod.node])
            surge_pod.labels["controller-revision-hash"] += "x"
            (_, attempt), = try_pods(sim, [surge_pod], preempt=True)
            if attempt.node < 0:
                failing.append(sim.cluster.names[pod.node])
                reason = reason or attempt.message
        stalls = bool(failing) and unavailable == 0
        return Rollout(workload, surge, unavailable, len(placed_pods(sim, workload)),
                       len(placed_pods(sim, workload)) - len(failing), stalls, reason, failing)
    return None


# --- high availability ----------------------------------------------------------------------------


@dataclass
class Availability:
    workload: Workload
    replicas: int
    nodes: list[str]
    zones: list[str]
    single_node: bool
    single_zone: bool


def cluster_zones(sim: Simulation) -> list[str]:
    return sorted({n.labels[ZONE_LABEL] for i, n in enumerate(sim.nodes) if ZONE_LABEL in n.labels
                   and sim.cluster.alive[i]})


def availability(sim: Simulation, workload: Workload) -> Availability | None:
    if workload.kind not in pods_module.REPLICATED_KINDS:
        return None
    placed = placed_pods(sim, workload)
    if len(placed) < 2:
        return None
    nodes = sorted({sim.cluster.names[p.node] for p in placed})
    zones = sorted({sim.nodes[p.node].labels.get(ZONE_LABEL, "") for p in placed})
    multi_zone = len(cluster_zones(sim)) >= 2
    return Availability(workload, len(placed), nodes, zones, single_node=len(nodes) == 1,
                        single_zone=multi_zone and len(zones) == 1 and zones[0] != "")


# --- node and zone failure -----------------------------------------------------------------------


@dataclass
class Failure:
    """The pods that would not find a node again if ``nodes`` failed."""

    scope: str          # "node" or "zone"
    name: str
    nodes: list[str]
    displaced: int
    unschedulable: list[tuple[Pod, str]]
    lost: list[Pod]     # bare pods nobody recreates


def _fail(sim: Simulation, scope: str, name: str, indexes: list[int]) -> Failure:
    cluster = sim.cluster
    mark = cluster.checkpoint()
    displaced: list[Pod] = []
    lost: list[Pod] = []
    try:
        for index in indexes:
            for pod in list(cluster.pods_on[index]):
                cluster.remove(pod)
                if pod.workload.kind == "DaemonSet":
                    continue
                if pod.workload.kind == "Pod" and not pod.workload.note:
                    lost.append(pod)
                    continue
                displaced.append(pod)
            cluster.set_alive(index, False)
        replacements = [pods_module.recreate(p) for p in displaced]
        results = try_pods(sim, replacements)
        failed = [(pod, attempt.message or "") for pod, attempt in results if attempt.node < 0]
    finally:
        cluster.rollback(mark)
    return Failure(scope, name, [cluster.names[i] for i in indexes], len(displaced), failed, lost)


def node_failures(sim: Simulation, limit: int = NODE_FAILURE_LIMIT) -> tuple[list[Failure], int]:
    """N-1 for each node (the ``limit`` busiest when there are more) and each zone. Returns the
    failures and how many nodes were analysed."""
    cluster = sim.cluster
    alive = [i for i in range(cluster.n) if cluster.alive[i] and cluster.pods_on[i]]
    if len(alive) > limit:
        cpu = cluster.allocatable["cpu"]
        share = [(cluster.requested["cpu"][i] / cpu[i] if cpu[i] else 1.0, -i) for i in alive]
        alive = sorted(i for _, i in (sorted(zip(share, alive), reverse=True)[:limit]))
        alive = sorted(alive)
    out = [_fail(sim, "node", cluster.names[i], [i]) for i in alive]
    zones = cluster_zones(sim)
    if len(zones) >= 2:
        for zone in zones:
            members = [i for i, node in enumerate(sim.nodes) if node.labels.get(ZONE_LABEL) == zone
                       and cluster.alive[i]]
            out.append(_fail(sim, "zone", zone, members))
    return out, len(alive)


# --- headroom ---------------------------------------------------------------------------------------


def _simple(sim: Simulation, pod: Pod) -> bool:
    """Whether only static filters and resources decide where more replicas fit."""
    spec = pod.spec
    if spec.host_ports or spec.admission_error or spec.scheduling_gates:
        return False
    if pod.affinity is None:
        pod.affinity = pods_module.resolve_affinity(pod)
    if pod.affinity.required_affinity or pod.affinity.required_anti:
        return False
    if any(c.get("whenUnsatisfiable") == "DoNotSchedule" for c in spec.spread_raw):
        return False
    namespace_labels = sim.cluster.namespace_labels(pod.namespace)
    for group in sim.cluster.term_groups["required_anti"].values():
        if any(t.matches(pod.namespace, pod.labels, namespace_labels) for t in group.terms):
            return False   # an existing pod's anti-affinity keeps it away from some nodes
    profile = sim.scheduler.profiles.get(spec.scheduler_name)
    if profile is None:
        return False
    names = {p.name for p in profile.filters}
    defaults = profile.plugin("PodTopologySpread")
    if defaults is not None and not spec.spread_raw and not defaults.system_defaulted:
        return False
    return names <= {"NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts",
                     "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity"}


def headroom_limit(sim: Simulation, workload: Workload) -> int:
    """The most replicas ``headroom`` counts for ``workload``."""
    if workload.spec is None:
        return HEADROOM_SIMULATED
    probe = pods_module.new_replica(workload, len(workload.pods))
    return HEADROOM_CAP if _simple(sim, probe) else HEADROOM_SIMULATED


def headroom(sim: Simulation, workload: Workload, cap: int | None = None) -> int | None:
    """How many more replicas of ``workload`` would fit now, without preempting (None: not a
    replicated workload), counted up to ``cap`` (default: headroom_limit)."""
    if workload.kind not in pods_module.REPLICATED_KINDS or workload.spec is None:
        return None
    probe = pods_module.new_replica(workload, len(workload.pods))
    if workload.spec.scheduler_name not in sim.scheduler.profiles:
        return 0
    if _simple(sim, probe):
        return min(cap or HEADROOM_CAP, _closed_form(sim, probe))
    cap = min(cap or HEADROOM_SIMULATED, HEADROOM_CAP)
    cluster = sim.cluster
    mark = cluster.checkpoint()
    count = 0
    try:
        for i in range(cap):
            pod = pods_module.new_replica(workload, len(workload.pods) + i)
            attempt = sim.scheduler.attempt(pod, preempt=False)
            if attempt.node < 0:
                break
            cluster.add(pod, attempt.node)
            count += 1
    finally:
        cluster.rollback(mark)
    return count


def _closed_form(sim: Simulation, pod: Pod) -> int:
    cluster = sim.cluster
    scheduler = sim.scheduler
    cycle = scheduler.cycle(pod)
    nodes = np.flatnonzero(cluster.alive)
    for plugin in cycle.profile.filters:
        if plugin.name in ("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity"):
            plugin.pre_filter(cycle)
            nodes = nodes[passes(plugin, cycle, nodes)]
    if len(nodes) == 0:
        return 0
    fit = cycle.profile.plugin("NodeResourcesFit")
    room = np.maximum(cluster.allowed_pods[nodes] - cluster.pod_count[nodes], 0)
    if fit is not None:
        for name, request in pod.spec.requests.items():
            if request > 0 and fit._checked(name):
                allocatable, requested = cluster.resource(name)
                room = np.minimum(room, np.maximum((allocatable[nodes] - requested[nodes]) // request, 0))
    return int(room.sum())


@dataclass
class Autoscaling:
    workload: Workload
    min_replicas: int
    max_replicas: int
    placed: int
    more_fit: int
    fits: bool


def autoscaling(sim: Simulation, workload: Workload) -> Autoscaling | None:
    if workload.hpa is None:
        return None
    minimum, maximum, _ = workload.hpa
    placed = len(placed_pods(sim, workload))
    needed = max(0, maximum - placed)
    more = headroom(sim, workload, cap=max(needed, 1)) or 0
    return Autoscaling(workload, minimum, maximum, placed, more, more >= needed)
