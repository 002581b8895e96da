"""The cluster state the plugins read: kube-scheduler's NodeInfo snapshot, as arrays over nodes.

Nodes are sorted by name, so an index order is a name order (ties between equal scores go to
the lowest name). Each resource is an int64 array of allocatable and requested amounts;
``nonzero_*`` are the NonZeroRequested sums the resource scorers read. Label values are
interned per key (``labels.ids(key)``), taints grouped by signature, so that selectors and
tolerations are evaluated once per distinct value or signature rather than once per node.

Pod counts that plugins need over and over (pods matching a spread selector, pods matching an
affinity term, pods carrying anti-affinity terms) are kept by ``Counter`` objects, updated on
every placement, each indexed by one label it requires so that a placement only visits the
counters it can change. Every change is journaled so that what-if analyses and preemption
dry-runs can be rolled back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np

from kubelint.schedule.inventory import Node
from kubelint.schedule.pods import Pod
from kubelint.schedule.selectors import LabelSelector, Requirement, Taint

CORE_RESOURCES = ("cpu", "memory", "ephemeral-storage")
ALL = slice(None)   # "every node": plugins index their arrays with it and get views, not copies
LOCAL_CACHE_SIZE = 256


class LabelIndex:
    """Per label key: each node's value id (-1 when the node lacks the label) and the values."""

    def __init__(self, nodes: list[Node]):
        self.nodes = nodes
        self._keys: dict[str, tuple[np.ndarray, list[str], dict[str, int]]] = {}

    def ids(self, key: str) -> tuple[np.ndarray, list[str], dict[str, int]]:
        found = self._keys.get(key)
        if found is None:
            values: list[str] = []
            lookup: dict[str, int] = {}
            ids = np.full(len(self.nodes), -1, dtype=np.int64)
            for i, node in enumerate(self.nodes):
                value = node.labels.get(key)
                if value is None:
                    continue
                index = lookup.get(value)
                if index is None:
                    index = lookup[value] = len(values)
                    values.append(value)
                ids[i] = index
            found = self._keys[key] = (ids, values, lookup)
        return found

    def requirement(self, requirement: Requirement) -> np.ndarray:
        """Which nodes' labels satisfy one requirement: evaluated once per distinct value."""
        ids, values, _ = self.ids(requirement.key)
        table = np.fromiter((requirement.matches({requirement.key: v}) for v in values), dtype=bool,
                            count=len(values))
        table = np.append(table, requirement.matches({}))   # index -1: the label is missing
        return table[ids]


@dataclass(eq=False)
class Counter:
    """How many placed pods on each node satisfy ``predicate``."""

    key: Any
    predicate: Callable[[Pod], bool]
    counts: np.ndarray
    namespace: str | None
    anchor: tuple[str, str] | None


@dataclass(eq=False)
class TermGroup:
    """Placed pods that carry the same (anti-)affinity terms, counted per node."""

    key: Any
    terms: Any
    counts: np.ndarray
    pods: int = 0


def _anchor(selector: LabelSelector) -> tuple[str, str] | None:
    """A label every matching pod must carry, to index a counter by."""
    for requirement in selector.requirements:
        if requirement.operator == "In" and len(requirement.values) == 1:
            return requirement.key, requirement.values[0]
    return None


class Cluster:
    def __init__(self, nodes: list[Node], namespace_labels: Callable[[str], dict[str, str]]):
        self.nodes = nodes
        self.n = n = len(nodes)
        self.names = [node.name for node in nodes]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.namespace_labels = namespace_labels
        self.alive = np.ones(n, dtype=bool)
        self._dead = 0
        self.alive_version = 0
        self.unschedulable = np.fromiter((node.unschedulable for node in nodes), dtype=bool, count=n)
        self.any_unschedulable = bool(self.unschedulable.any())
        self.labels = LabelIndex(nodes)
        #: image name -> [(node, size)], from status.images (ImageLocality)
        self.image_nodes: dict[str, list[tuple[int, int]]] = {}
        for i, node in enumerate(nodes):
            for image, size in node.images.items():
                self.image_nodes.setdefault(image, []).append((i, size))
        signatures: dict[tuple[Taint, ...], int] = {}
        self.taint_sets: list[tuple[Taint, ...]] = []
        self.taint_ids = np.zeros(n, dtype=np.int64)
        for i, node in enumerate(nodes):
            sig = node.taints
            index = signatures.get(sig)
            if index is None:
                index = signatures[sig] = len(self.taint_sets)
                self.taint_sets.append(sig)
            self.taint_ids[i] = index
        resources = set(CORE_RESOURCES)
        for node in nodes:
            resources.update(k for k in node.allocatable if k != "pods")
        self.allocatable: dict[str, np.ndarray] = {
            name: np.fromiter((node.allocatable.get(name, 0) for node in nodes), dtype=np.int64, count=n)
            for name in resources}
        self.allowed_pods = np.fromiter((node.allocatable.get("pods", 0) for node in nodes), dtype=np.int64, count=n)
        self.requested: dict[str, np.ndarray] = {name: np.zeros(n, dtype=np.int64) for name in resources}
        self.nonzero_cpu = np.zeros(n, dtype=np.int64)
        self.nonzero_memory = np.zeros(n, dtype=np.int64)
        self.pod_count = np.zeros(n, dtype=np.int64)
        self.pods_on: list[list[Pod]] = [[] for _ in range(n)]
        self.ports: dict[int, dict[tuple[str, str, int], int]] = {}
        self._counters: dict[Any, Counter] = {}
        #: placed pods by (namespace, label key, label value) and by namespace, to start counters quickly
        self._by_label: dict[tuple[str, str, str], set[Pod]] = {}
        self._by_namespace: dict[str, set[Pod]] = {}
        self._by_anchor: dict[tuple[str | None, tuple[str, str] | None], list[Counter]] = {}
        self.term_groups: dict[str, dict[Any, TermGroup]] = {"required_anti": {}, "required_affinity": {},
                                                            "preferred": {}}
        self.journal: list[tuple] = []
        #: per-pod-spec results that depend only on node labels and taints (never on placements)
        self.cache: dict[Any, Any] = {}
        #: nodes whose pods changed, in order; per-node results are refreshed only where they changed
        self.change_log: list[int] = []
        self._local: dict[Any, tuple[np.ndarray, int]] = {}
        self.generation = 0
        self._seq = 0

    # --- resources ---------------------------------------------------------------------------

    def resource(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(allocatable, requested) of a resource; zeros for a resource no node has."""
        if name not in self.allocatable:
            self.allocatable[name] = np.zeros(self.n, dtype=np.int64)
            self.requested[name] = np.zeros(self.n, dtype=np.int64)
        return self.allocatable[name], self.requested[name]

    # --- counters ----------------------------------------------------------------------------

    def counter(self, key: Any, predicate: Callable[[Pod], bool], namespace: str | None = None,
                selector: LabelSelector | None = None) -> np.ndarray:
        """Per-node counts of placed pods satisfying ``predicate`` (which must imply the namespace
        and the selector given, used only to index the counter)."""
        found = self._counters.get(key)
        if found is None:
            counts = np.zeros(self.n, dtype=np.int64)
            anchor = _anchor(selector) if selector is not None else None
            if namespace is not None and anchor is not None:
                candidates = self._by_label.get((namespace, anchor[0], anchor[1]), ())
            elif namespace is not None:
                candidates = self._by_namespace.get(namespace, ())
            else:
                candidates = self.placed()
            for pod in candidates:
                if predicate(pod):
                    counts[pod.node] += 1
            found = self._counters[key] = Counter(key, predicate, counts, namespace, anchor)
            self._by_anchor.setdefault((namespace, anchor), []).append(found)
        return found.counts

    def _touch_counters(self, pod: Pod, node: int, delta: int) -> None:
        namespaces = (pod.namespace, None)
        for namespace in namespaces:
            for counter in self._by_anchor.get((namespace, None), ()):
                if counter.predicate(pod):
                    counter.counts[node] += delta
            for item in pod.labels.items():
                for counter in self._by_anchor.get((namespace, item), ()):
                    if counter.predicate(pod):
                        counter.counts[node] += delta

    def _touch_groups(self, pod: Pod, node: int, delta: int) -> None:
        affinity = pod.affinity
        if affinity is None or affinity.empty:
            return
        for kind, terms in (("required_anti", affinity.required_anti),
                            ("required_affinity", affinity.required_affinity),
                            ("preferred", (affinity.preferred_affinity, affinity.preferred_anti))):
            if kind == "preferred" and not (terms[0] or terms[1]):
                continue
            if kind != "preferred" and not terms:
                continue
            groups = self.term_groups[kind]
            group = groups.get(terms)
            if group is None:
                group = groups[terms] = TermGroup(terms, terms, np.zeros(self.n, dtype=np.int64))
            group.counts[node] += delta
            group.pods += delta
            if group.pods == 0:
                del groups[terms]

    # --- placing and removing pods -----------------------------------------------------------

    def add(self, pod: Pod, node: int, *, journal: bool = True) -> None:
        spec = pod.spec
        for name, value in spec.requests.items():
            if value:
                self.resource(name)[1][node] += value
        self.nonzero_cpu[node] += spec.nonzero.get("cpu", 0)
        self.nonzero_memory[node] += spec.nonzero.get("memory", 0)
        self.pod_count[node] += 1
        self.pods_on[node].append(pod)
        if spec.host_ports:
            used = self.ports.setdefault(node, {})
            for port in spec.host_ports:
                key = (port.ip, port.protocol, port.port)
                used[key] = used.get(key, 0) + 1
        pod.node = node
        self._seq += 1
        pod.seq = pod.seq or self._seq
        self._touch_counters(pod, node, 1)
        self._touch_groups(pod, node, 1)
        self._by_namespace.setdefault(pod.namespace, set()).add(pod)
        for label, value in pod.labels.items():
            self._by_label.setdefault((pod.namespace, label, value), set()).add(pod)
        self.generation += 1
        self.change_log.append(node)
        if journal:
            self.journal.append(("add", pod, node))

    def remove(self, pod: Pod, *, journal: bool = True) -> int:
        node = pod.node
        spec = pod.spec
        for name, value in spec.requests.items():
            if value:
                self.resource(name)[1][node] -= value
        self.nonzero_cpu[node] -= spec.nonzero.get("cpu", 0)
        self.nonzero_memory[node] -= spec.nonzero.get("memory", 0)
        self.pod_count[node] -= 1
        self.pods_on[node].remove(pod)
        if spec.host_ports:
            used = self.ports[node]
            for port in spec.host_ports:
                key = (port.ip, port.protocol, port.port)
                used[key] -= 1
                if not used[key]:
                    del used[key]
        self._touch_counters(pod, node, -1)
        self._touch_groups(pod, node, -1)
        self._by_namespace[pod.namespace].discard(pod)
        for label, value in pod.labels.items():
            self._by_label[(pod.namespace, label, value)].discard(pod)
        pod.node = -1
        self.generation += 1
        self.change_log.append(node)
        if journal:
            self.journal.append(("remove", pod, node))
        return node

    def set_alive(self, node: int, alive: bool) -> None:
        self.journal.append(("alive", node, bool(self.alive[node])))
        self._dead += int(bool(self.alive[node])) - int(alive)
        self.alive[node] = alive
        self.alive_version += 1
        self.generation += 1
        self.change_log.append(node)

    def all_alive(self) -> bool:
        return self._dead == 0

    def checkpoint(self) -> int:
        return len(self.journal)

    def rollback(self, mark: int) -> None:
        while len(self.journal) > mark:
            entry = self.journal.pop()
            if entry[0] == "add":
                self.remove(entry[1], journal=False)
            elif entry[0] == "remove":
                self.add(entry[1], entry[2], journal=False)
            else:
                self._dead += int(bool(self.alive[entry[1]])) - int(entry[2])
                self.alive[entry[1]] = entry[2]
                self.alive_version += 1
                self.generation += 1
                self.change_log.append(entry[1])

    def local(self, key: Any, compute: Callable[[Any], np.ndarray]) -> np.ndarray:
        """A per-node array that depends only on each node's own state (its requests, its pods):
        ``compute(nodes)`` is called for every node once, then only for the nodes that changed
        since. Callers must not modify the array returned."""
        log = self.change_log
        entry = self._local.pop(key, None)
        if entry is None:
            values = compute(ALL)
        else:
            values, seen = entry
            if seen != len(log):
                changed = log[seen:]
                if len(changed) * 8 > self.n:
                    values = compute(ALL)
                else:
                    index = np.fromiter(set(changed), dtype=np.int64)
                    values = values.copy()
                    values[index] = compute(index)
        self._local[key] = (values, len(log))
        if len(self._local) > LOCAL_CACHE_SIZE:
            del self._local[next(iter(self._local))]
        return values

    # --- views -------------------------------------------------------------------------------

    def placed(self) -> Iterable[Pod]:
        for pods in self.pods_on:
            yield from pods

    def domain_ids(self, key: str) -> tuple[np.ndarray, list[str]]:
        ids, values, _ = self.labels.ids(key)
        return ids, values

