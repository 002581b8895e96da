"""The scheduler: the queue, one scheduling cycle per pod, kube-scheduler's messages, preemption.

Order (PrioritySort): higher priority first, then input order; replicas one after another,
each seeing those placed before it. Pods that already carry spec.nodeName are bound first.

A cycle (pkg/scheduler/schedule_one.go): PreFilter, Filter over every live node in name order,
then PreScore, Score, NormalizeScore and the weighted sum over the feasible nodes; the highest
total wins. Where kube-scheduler picks at random among equal totals (selectHost), kubelint
takes the lowest node name, so that a run is reproducible. kube-scheduler also stops looking
after it has found enough feasible nodes in large clusters (percentageOfNodesToScore); kubelint
scores every feasible node, as kube-scheduler does below 100 nodes.

A pod that fits nowhere gets FitError's message: "0/N nodes are available: " and the sorted
"<count> <reason>" histogram of the nodes' statuses (pkg/scheduler/framework/types.go), then the
PostFilter's message. DefaultPreemption (pkg/scheduler/framework/preemption/preemption.go and
plugins/defaultpreemption) looks for nodes where evicting lower-priority pods lets the pod fit:
all lower-priority pods are removed, the pod must then pass every filter, and pods are
reprieved again from the most important down (PDB-violating ones first), so that the fewest,
least important pods are evicted. Among candidate nodes it prefers the fewest PDB violations,
the lowest highest victim priority, the smallest priority sum, the fewest victims and the
latest start; kubelint tries the nodes in name order where upstream starts at a random offset.
The preemptor then takes the node (kube-scheduler nominates it and binds it once the victims
are gone); victims managed by a controller are recreated and queued again.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter as Histogram
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kubelint.model import Problem, Resource
from kubelint.schedule import config as scheduler_config
from kubelint.schedule import inventory as inventory_module
from kubelint.schedule import pods as pods_module
from kubelint.schedule import selectors as sel
from kubelint.schedule.cluster import ALL, Cluster
from kubelint.schedule.framework import SUCCESS, Code, Cycle, Profile, Status, indexes, passes, size, unresolvable
from kubelint.schedule.inventory import Node
from kubelint.schedule.pods import Admission, Pod, Workload

NO_NODES = "no nodes available to schedule pods"
MAX_INT32 = 2 ** 31 - 1
PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"


@dataclass
class Context:
    """What plugins may consult beyond the cluster: Services for default spreading."""

    services: list[tuple[str, dict[str, str]]] = field(default_factory=list)


@dataclass
class Explained:
    """--explain: every node's filter verdict and every plugin's score, for one pod."""

    nodes: list[dict]
    scored: bool


@dataclass(eq=False)
class Placement:
    pod: Pod
    status: str                   # scheduled | bound | unschedulable | preempted | gated | skipped
    node: str | None = None
    reason: str | None = None
    preempted: list[Pod] = field(default_factory=list)
    preempted_by: Pod | None = None
    explain: Explained | None = None


@dataclass
class Attempt:
    """The outcome of one scheduling cycle (and its PostFilter)."""

    node: int = -1
    message: str | None = None
    victims: list[Pod] = field(default_factory=list)
    explain: Explained | None = None
    rejected: bool = False       # admission or scheduler errors: preemption does not apply


def fit_error(num_all: int, statuses: dict[int, Status], absent: Status | None = None,
              prefilter: str | None = None) -> str:
    """framework.FitError.Error(): "0/N nodes are available: <histogram>." """
    message = f"0/{num_all} nodes are available:"
    if prefilter:
        return message + f" {prefilter}."
    reasons: Histogram = Histogram()
    for status in statuses.values():
        for reason in status.reasons:
            reasons[reason] += 1
    if absent is not None and len(statuses) < num_all:
        for reason in absent.reasons:
            reasons[reason] += num_all - len(statuses)
    parts = sorted(f"{count} {reason}" for reason, count in reasons.items())
    if parts:
        message += " " + ", ".join(parts) + "."
    return message


class Scheduler:
    def __init__(self, cluster: Cluster, profiles: dict[str, Profile], context: Context, admission: Admission,
                 kube_version: tuple[int, int] = (1, 36), pdbs: list[tuple[str, sel.LabelSelector, Any, Any]] = (),
                 workloads: list[Workload] = ()):
        self.cluster = cluster
        self.profiles = profiles
        self.context = context
        self.admission = admission
        self.kube_version = kube_version
        self.pdbs = list(pdbs)
        self.workloads = list(workloads)
        self._memo: dict[Any, tuple[int, str]] = {}
        self.preemption_enabled = True

    # --- one cycle -----------------------------------------------------------------------------

    def cycle(self, pod: Pod) -> Cycle:
        if pod.affinity is None:
            pod.affinity = pods_module.resolve_affinity(pod)
        profile = self.profiles[pod.spec.scheduler_name]
        return Cycle(pod, self.cluster, profile, kube_version=self.kube_version)

    def prefilter(self, cycle: Cycle) -> tuple[Any, Status | None, Status | None]:
        """(candidate nodes: ALL or an index array, status of nodes outside a PreFilterResult,
        a PreFilter rejection)."""
        names: set[str] | None = None
        narrowing: list[str] = []
        for plugin in cycle.profile.filters:
            result = plugin.pre_filter(cycle)
            if isinstance(result, Status):
                return ALL, None, Status(result.code, result.reasons, result.plugin or plugin.name)
            if result is not None:
                narrowing.append(plugin.name)
                names = set(result) if names is None else names & set(result)
                if not names:
                    text = (f"node(s) didn't satisfy plugin {narrowing[0]}" if len(narrowing) == 1
                            else f"node(s) didn't satisfy plugin(s) [{' '.join(narrowing)}] simultaneously")
                    return ALL, None, Status(Code.UNSCHEDULABLE, (text,))
        if names is None:
            return ALL, None, None
        index = self.cluster.index
        picked = sorted(index[n] for n in names if n in index and self.cluster.alive[index[n]])
        absent = unresolvable("", f"node(s) didn't satisfy plugin(s) [{' '.join(sorted(narrowing))}]")
        return np.array(picked, dtype=np.int64), absent, None

    def feasible(self, cycle: Cycle, nodes) -> Any:
        """The nodes that pass every filter: ALL, or an index array (in name order)."""
        ok = None
        for plugin in cycle.profile.filters:
            passed = plugin.filter(cycle, nodes)
            if passed is not None:
                ok = passed if ok is None else ok & passed
        if isinstance(nodes, slice):
            if ok is None:
                ok = self.cluster.alive
            elif not self.cluster.all_alive():
                ok = ok & self.cluster.alive
            return ALL if ok.all() else np.flatnonzero(ok)
        return nodes if ok is None else nodes[ok]

    def failures(self, cycle: Cycle, nodes) -> dict[int, Status]:
        """Each failing node's status from the first filter it fails (RunFilterPlugins stops there)."""
        remaining = np.flatnonzero(self.cluster.alive) if isinstance(nodes, slice) else nodes
        out: dict[int, Status] = {}
        for plugin in cycle.profile.filters:
            if len(remaining) == 0:
                break
            ok = passes(plugin, cycle, remaining)
            if not ok.all():
                for node in remaining[~ok].tolist():
                    out[node] = plugin.failure(cycle, node)
                remaining = remaining[ok]
        return out

    def scores(self, cycle: Cycle, nodes, detail: bool = False):
        total = np.zeros(size(cycle, nodes), dtype=np.int64)
        parts = {}
        for plugin, weight in cycle.profile.scorers:
            if not plugin.pre_score(cycle, nodes):
                if detail:
                    parts[plugin.name] = None
                continue
            raw = plugin.score(cycle, nodes)
            normalized = plugin.normalize(cycle, nodes, raw)
            total += normalized * weight
            if detail:
                parts[plugin.name] = (raw, normalized, weight)
        return total, parts

    def attempt(self, pod: Pod, *, explain: bool = False, preempt: bool = True) -> Attempt:
        """One scheduling cycle for ``pod``: the chosen node, or the message and preemption."""
        if pod.spec.admission_error:
            return Attempt(message=pod.spec.admission_error, rejected=True)
        cluster = self.cluster
        if not cluster.alive.any():
            return Attempt(message=NO_NODES)
        memo_key = self._memo_key(pod) if not explain and preempt else None
        if memo_key is not None:
            found = self._memo.get(memo_key)
            if found is not None and found[0] == cluster.generation:
                return Attempt(message=found[1])
        cycle = self.cycle(pod)
        alive = np.flatnonzero(cluster.alive)
        num_all = len(alive)
        nodes, absent, rejected = self.prefilter(cycle)
        if rejected is not None:
            node_status = {int(n): rejected for n in alive.tolist()}
            outcome = Attempt(message=fit_error(num_all, {}, rejected, prefilter=rejected.message))
            if explain:
                outcome.explain = self._explain(node_status, None, None)
            if preempt:
                self._post_filter(cycle, node_status, outcome)
            return self._remember(memo_key, outcome)
        feasible = self.feasible(cycle, nodes)
        count = size(cycle, feasible)
        if count == 1 and not explain:
            return Attempt(node=int(indexes(cycle, feasible)[0]))
        if count == 0 or explain:
            statuses = self.failures(cycle, nodes)
            node_status = dict(statuses)
            if absent is not None:
                inside = set(nodes.tolist())
                for node in alive.tolist():
                    if node not in inside:
                        node_status[node] = absent
        if count == 0:
            outcome = Attempt(message=fit_error(num_all, statuses, absent))
            if explain:
                outcome.explain = self._explain(node_status, None, None)
            if preempt:
                self._post_filter(cycle, node_status, outcome)
            return self._remember(memo_key, outcome)
        total, parts = self.scores(cycle, feasible, detail=explain)
        best = int(np.argmax(total))
        outcome = Attempt(node=best if isinstance(feasible, slice) else int(feasible[best]))
        if explain:
            outcome.explain = self._explain(node_status, indexes(cycle, feasible), (total, parts))
        return outcome

    def _memo_key(self, pod: Pod):
        return (id(pod.spec), pod.namespace, tuple(sorted(pod.labels.items())),
                pod.owner_selector.key() if pod.owner_selector is not None else None)

    def _remember(self, key, outcome: Attempt) -> Attempt:
        if key is not None and outcome.node < 0:
            self._memo[key] = (self.cluster.generation, outcome.message)
        return outcome

    def _explain(self, node_status: dict[int, Status], feasible: np.ndarray | None, scored) -> Explained:
        rows = []
        feasible_list = feasible.tolist() if feasible is not None else []
        position = {node: i for i, node in enumerate(feasible_list)}
        total, parts = scored if scored is not None else (None, {})
        for node in np.flatnonzero(self.cluster.alive).tolist():
            row: dict[str, Any] = {"node": self.cluster.names[node], "filter": None}
            status = node_status.get(node)
            if status is not None:
                row["filter"] = {"plugin": status.plugin or None, "code": _code_name(status.code),
                                 "reasons": list(status.reasons)}
            if node in position and total is not None:
                i = position[node]
                row["scores"] = {name: (None if value is None else
                                        {"raw": int(value[0][i]), "normalized": int(value[1][i]),
                                         "weight": value[2], "weighted": int(value[1][i]) * value[2]})
                                 for name, value in parts.items()}
                row["total"] = int(total[i])
            rows.append(row)
        return Explained(rows, scored=len(feasible_list) > 1)

    # --- preemption ----------------------------------------------------------------------------

    def _post_filter(self, cycle: Cycle, node_status: dict[int, Status], outcome: Attempt) -> None:
        args = cycle.profile.preemption
        if args is None or not self.preemption_enabled:
            return
        pod = cycle.pod
        if pod.spec.preemption_policy == "Never":
            outcome.message += " preemption: not eligible due to preemptionPolicy=Never."
            return
        alive = np.flatnonzero(self.cluster.alive).tolist()
        potential = [n for n in alive if node_status.get(n) is not None and node_status[n].code == Code.UNSCHEDULABLE]
        not_helpful = unresolvable("", PREEMPTION_NOT_HELPFUL)
        if not potential:
            outcome.message += " preemption: " + fit_error(len(alive), {}, not_helpful)
            return
        percentage = args.get("minCandidateNodesPercentage", 10)
        absolute = args.get("minCandidateNodesAbsolute", 100)
        wanted = min(max(len(potential) * percentage // 100, absolute), len(potential))
        clean, violating = [], []
        statuses: dict[int, Status] = {}
        for node in potential:
            victims, violations, status = self.select_victims(pod, node)
            if status.ok and victims:
                (clean if violations == 0 else violating).append((node, victims, violations))
                if clean and len(clean) + len(violating) >= wanted:
                    break
            else:
                statuses[node] = status
        candidates = clean + violating
        if not candidates:
            outcome.message += " preemption: " + fit_error(len(alive), statuses, not_helpful)
            return
        node, victims, _ = pick_one_node(candidates)
        outcome.node = node
        outcome.victims = victims

    def importance(self, pod: Pod) -> tuple[int, int]:
        """util.MoreImportantPod: higher priority, then earlier start (placed earlier)."""
        return (-pod.priority, pod.seq)

    def select_victims(self, pod: Pod, node: int) -> tuple[list[Pod], int, Status]:
        """DefaultPreemption.SelectVictimsOnNode."""
        cluster = self.cluster
        potential = [p for p in cluster.pods_on[node] if p.priority < pod.priority]
        if not potential:
            return [], 0, unresolvable("", NO_VICTIMS)
        mark = cluster.checkpoint()
        try:
            for victim in potential:
                cluster.remove(victim)
            status = self.fits_on(pod, node)
            if not status.ok:
                return [], 0, status
            potential.sort(key=self.importance)
            violating, non_violating = self.split_by_pdb(potential)
            victims: list[Pod] = []

            def reprieve(victim: Pod) -> bool:
                cluster.add(victim, node)
                if self.fits_on(pod, node).ok:
                    return True
                cluster.remove(victim)
                victims.append(victim)
                return False

            violations = 0
            for victim in violating:
                if not reprieve(victim):
                    violations += 1
            for victim in non_violating:
                reprieve(victim)
            if violating and non_violating:
                victims.sort(key=self.importance)
            return victims, violations, SUCCESS
        finally:
            cluster.rollback(mark)

    def fits_on(self, pod: Pod, node: int) -> Status:
        """RunFilterPluginsWithNominatedPods on one node (PreFilter state recomputed)."""
        cycle = self.cycle(pod)
        for plugin in cycle.profile.filters:
            result = plugin.pre_filter(cycle)
            if isinstance(result, Status):
                return result
        nodes = np.array([node], dtype=np.int64)
        for plugin in cycle.profile.filters:
            if not passes(plugin, cycle, nodes)[0]:
                return plugin.failure(cycle, node)
        return SUCCESS

    def split_by_pdb(self, pods: list[Pod]) -> tuple[list[Pod], list[Pod]]:
        """filterPodsWithPDBViolation, with each PDB's disruptionsAllowed computed as the disruption
        controller would from the pods placed now."""
        allowed = [self.disruptions_allowed(pdb) for pdb in self.pdbs]
        violating, non_violating = [], []
        for pod in pods:
            violated = False
            if pod.labels:
                for i, (namespace, selector, _, _) in enumerate(self.pdbs):
                    if namespace != pod.namespace or selector.empty or not selector.matches(pod.labels):
                        continue
                    allowed[i] -= 1
                    if allowed[i] < 0:
                        violated = True
            (violating if violated else non_violating).append(pod)
        return violating, non_violating

    def disruptions_allowed(self, pdb) -> int:
        namespace, selector, min_available, max_unavailable = pdb
        if selector.empty or selector.nothing:
            return 0
        matching = [p for p in self.cluster.placed() if p.namespace == namespace and selector.matches(p.labels)]
        healthy = len(matching)
        if isinstance(min_available, int) and not isinstance(min_available, bool):
            return max(0, healthy - min_available)
        workloads = {id(p.workload): p.workload for p in matching}
        expected = sum(w.replicas if w.kind != "DaemonSet" else len(w.pods) for w in workloads.values())
        if max_unavailable is not None:
            unavailable = _scaled(max_unavailable, expected)
            if unavailable is None:
                return 0
            return max(0, healthy - (expected - unavailable))
        if min_available is not None:
            desired = _scaled(min_available, expected)
            return 0 if desired is None else max(0, healthy - desired)
        return 0

    # --- placing -------------------------------------------------------------------------------

    def bind(self, pod: Pod, node: int) -> None:
        self.cluster.add(pod, node)


def _scaled(value, total: int) -> int | None:
    """intstr.GetScaledValueFromIntOrPercent, rounding up."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return math.ceil(int(value[:-1]) * total / 100)
    return None


def _code_name(code: Code) -> str:
    return {Code.UNSCHEDULABLE: "Unschedulable", Code.UNRESOLVABLE: "UnschedulableAndUnresolvable",
            Code.ERROR: "Error", Code.SUCCESS: "Success", Code.SKIP: "Skip"}[code]


def pick_one_node(candidates: list[tuple[int, list[Pod], int]]) -> tuple[int, list[Pod], int]:
    """pickOneNodeForPreemption: fewest PDB violations, lowest highest victim priority, smallest
    priority sum, fewest victims, latest start of the highest-priority victims; then the first."""
    def highest(c):
        return -c[1][0].priority

    def priority_sum(c):
        return -sum(p.priority + MAX_INT32 + 1 for p in c[1])

    def latest_start(c):
        top = c[1][0].priority
        return min(p.seq for p in c[1] if p.priority == top)

    remaining = list(candidates)
    for score in (lambda c: -c[2], highest, priority_sum, lambda c: -len(c[1]), latest_start):
        best = max(score(c) for c in remaining)
        remaining = [c for c in remaining if score(c) == best]
        if len(remaining) == 1:
            break
    return remaining[0]


# --- the whole run -------------------------------------------------------------------------------


@dataclass
class Simulation:
    """Everything a report or a check needs about one dry-run."""

    cluster: Cluster
    nodes: list[Node]
    workloads: list[Workload]
    placements: list[Placement]
    scheduler: Scheduler
    problems: list[tuple[Resource, Problem]] = field(default_factory=list)
    notes: list[tuple[Resource | None, str]] = field(default_factory=list)
    kube_version: str = "1.36"
    profiles: dict[str, Profile] = field(default_factory=dict)

    def placement_of(self, pod: Pod) -> Placement | None:
        return self._index().get(id(pod))

    def _index(self) -> dict[int, Placement]:
        cached = getattr(self, "_by_pod", None)
        if cached is None:
            cached = {id(p.pod): p for p in self.placements}
            self._by_pod = cached
        return cached

    @property
    def unschedulable(self) -> list[Placement]:
        return [p for p in self.placements if p.status == "unschedulable"]


def _services(resources: list[Resource]) -> list[tuple[str, dict[str, str]]]:
    out = []
    for resource in resources:
        if resource.kind == "Service" and resource.group == "":
            selector = (resource.data.get("spec") or {}).get("selector") if isinstance(resource.data.get("spec"),
                                                                                        dict) else None
            if isinstance(selector, dict) and selector:
                out.append((resource.namespace or "default", {str(k): str(v) for k, v in selector.items()}))
    return out


def _pdbs(resources: list[Resource]) -> list[tuple[str, sel.LabelSelector, Any, Any]]:
    out = []
    for resource in resources:
        if resource.kind == "PodDisruptionBudget" and resource.group == "policy":
            spec = resource.data.get("spec") if isinstance(resource.data.get("spec"), dict) else {}
            out.append((resource.namespace or "default", sel.safe_label_selector(spec.get("selector")),
                        spec.get("minAvailable"), spec.get("maxUnavailable")))
    return out


def simulate(resources: list[Resource], node_resources: list[Resource], *, kube_version: str = "1.36",
             scheduler_config: dict | None = None, explain: bool = False) -> Simulation:
    """Place every pod of ``resources`` on the nodes of ``node_resources``."""
    inventory = inventory_module.load(node_resources)
    admission = Admission.from_resources(resources, kube_version)
    context = Context(services=_services(resources))
    profiles = scheduler_config_profiles(scheduler_config, context)
    expansion = pods_module.expand(resources, admission)
    cluster = Cluster(inventory.nodes, admission.labels_of_namespace)
    major, _, minor = kube_version.partition(".")
    scheduler = Scheduler(cluster, profiles, context, admission, (int(major), int(minor or 0)),
                          _pdbs(resources), expansion.workloads)
    simulation = Simulation(cluster, inventory.nodes, expansion.workloads, [], scheduler, inventory.problems,
                            list(expansion.notes), kube_version, profiles)
    queue: list[tuple[int, int, Pod]] = []
    order = 0

    def enqueue(pod: Pod) -> None:
        nonlocal order
        order += 1
        heapq.heappush(queue, (-pod.priority, order, pod))

    placements = simulation.placements
    # Pods already bound take their share first.
    for workload in expansion.workloads:
        for pod in workload.pods:
            if pod.existing_node is None:
                continue
            node = cluster.index.get(pod.existing_node)
            if node is None:
                simulation.notes.append((workload.resource, f'pod {pod.ref} is bound to node "{pod.existing_node}", '
                                         "which is not in the inventory; it is left out"))
                placements.append(Placement(pod, "skipped", reason=f'bound to unknown node "{pod.existing_node}"'))
                continue
            pod.affinity = pods_module.resolve_affinity(pod)
            scheduler.bind(pod, node)
            placements.append(Placement(pod, "bound", node=pod.existing_node))
    # DaemonSets: one pod per node that should run it.
    daemon_pods: dict[int, list[Pod]] = {}
    for workload, spec in expansion.daemonsets:
        template = pods_module.daemon_template_spec(workload, spec, admission)
        workload.spec = template
        eligible = daemon_nodes(cluster, template)
        workload.replicas = len(eligible)
        for node in eligible:
            pinned = pods_module.daemon_spec(workload, spec, cluster.names[node], admission)
            pod = pods_module.daemon_pod(workload, pinned, cluster.names[node])
            workload.pods.append(pod)
            daemon_pods.setdefault(id(workload), []).append(pod)
    for workload in expansion.workloads:
        for pod in workload.pods:
            if pod.existing_node is None:
                enqueue(pod)
    run_queue(scheduler, queue, placements, enqueue, explain=explain)
    return simulation


def scheduler_config_profiles(raw: dict | None, context: Context) -> dict[str, Profile]:
    return scheduler_config.build_profiles(raw, context)


def daemon_nodes(cluster: Cluster, spec: pods_module.PodSpec) -> list[int]:
    """nodeShouldRunDaemonPod: nodeName, node affinity/selector and NoSchedule/NoExecute taints."""
    out = []
    required = spec.required
    for i, node in enumerate(cluster.nodes):
        if not cluster.alive[i]:
            continue
        if spec.node_name and spec.node_name != node.name:
            continue
        if not required.matches(node.labels, node.name):
            continue
        if sel.first_untolerated(node.taints, spec.tolerations, ("NoSchedule", "NoExecute")) is not None:
            continue
        out.append(i)
    return out


def run_queue(scheduler: Scheduler, queue: list, placements: list[Placement], enqueue, *, explain: bool = False,
              preempt: bool = True) -> None:
    cluster = scheduler.cluster
    while queue:
        _, _, pod = heapq.heappop(queue)
        if pod.spec.scheduling_gates:
            placements.append(Placement(pod, "gated", reason="Scheduling is blocked due to non-empty scheduling "
                                        f"gates ({', '.join(pod.spec.scheduling_gates)})"))
            continue
        if pod.spec.scheduler_name not in scheduler.profiles:
            placements.append(Placement(pod, "skipped", reason=f'scheduled by "{pod.spec.scheduler_name}", a '
                                        "scheduler this configuration has no profile for"))
            continue
        attempt = scheduler.attempt(pod, explain=explain, preempt=preempt)
        if attempt.node < 0:
            placements.append(Placement(pod, "unschedulable", reason=attempt.message, explain=attempt.explain))
            continue
        placement = Placement(pod, "scheduled", node=cluster.names[attempt.node], explain=attempt.explain,
                              preempted=list(attempt.victims))
        for victim in attempt.victims:
            cluster.remove(victim)
            previous = next((p for p in reversed(placements) if p.pod is victim and p.status in ("scheduled",
                                                                                                 "bound")), None)
            if previous is not None:
                previous.status = "preempted"
                previous.preempted_by = pod
                previous.reason = f"preempted by {pod.ref} on node {cluster.names[attempt.node]}"
                previous.node = None
            if victim.workload.kind != "Pod" or victim.workload.note:
                replacement = pods_module.recreate(victim)
                pods = victim.workload.pods
                if victim in pods:
                    pods[pods.index(victim)] = replacement
                enqueue(replacement)
        scheduler.bind(pod, attempt.node)
        placements.append(placement)
