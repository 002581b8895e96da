"""PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread).

Constraints come from the pod's topologySpreadConstraints; a pod that declares none gets the
default constraints (the system defaults: hostname maxSkew 3 and zone maxSkew 5, both
ScheduleAnyway) with a selector built from the Services, ReplicaSets, StatefulSets and
ReplicationControllers that select it (helper.DefaultSelector); no such selector, no defaults.

Filter (filtering.go), for DoNotSchedule constraints: domains are the values of the topology
key on eligible nodes (nodes with every constraint's key that pass nodeAffinityPolicy, default
Honor, and nodeTaintsPolicy, default Ignore); a node fails when the pods matching the selector
in its domain, plus one if the pod itself matches, exceed the smallest domain's count by more
than maxSkew. Fewer domains than minDomains make the minimum 0. A node without the key fails
with "(missing required label)".

Score (scoring.go), for ScheduleAnyway constraints over the feasible nodes: per constraint,
count * log(domains + 2) + (maxSkew - 1), rounded; normalized so fewer matching pods score higher.
Nodes missing a key are ignored (score 0) unless the constraints are the system defaults.
"""

from __future__ import annotations

import math

import numpy as np

from kubelint.schedule import selectors as sel
from kubelint.schedule.framework import (
    MAX_NODE_SCORE,
    Cycle,
    FilterPlugin,
    ScorePlugin,
    Status,
    size,
    unresolvable,
    unschedulable,
)
from kubelint.schedule.plugins.nodeaffinity import required_mask
from kubelint.schedule.pods import Pod, SpreadConstraint, spread_constraints
from kubelint.schedule.selectors import first_untolerated

NAME = "PodTopologySpread"
ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)"
HOSTNAME = "kubernetes.io/hostname"
MAX_INT32 = 2 ** 31 - 1

SYSTEM_DEFAULT_CONSTRAINTS = (
    {"topologyKey": HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 3},
    {"topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 5},
)


def default_selector(pod: Pod, services) -> sel.LabelSelector:
    """helper.DefaultSelector: the selectors of the Services that select the pod, merged, AND the
    selector of its controller (ReplicaSet, StatefulSet, ReplicationController)."""
    merged: dict[str, str] = {}
    for namespace, selector in services:
        if namespace == pod.namespace and selector is not None and \
                all(pod.labels.get(k) == v for k, v in selector.items()):
            merged.update(selector)
    selector = sel.set_selector(merged)
    owner = pod.owner_selector
    if owner is not None and not owner.nothing and pod.workload.kind in ("Deployment", "ReplicaSet",
                                                                          "StatefulSet", "ReplicationController"):
        selector = selector.add(*owner.requirements)
    return selector


class PodTopologySpread(FilterPlugin, ScorePlugin):
    name = NAME

    def __init__(self, args=None, context=None):
        super().__init__(args, context)
        self.defaulting = self.args.get("defaultingType") or "System"
        if self.defaulting == "List":
            self.defaults = tuple(c for c in self.args.get("defaultConstraints") or [] if isinstance(c, dict))
        else:
            self.defaults = SYSTEM_DEFAULT_CONSTRAINTS
        self.system_defaulted = self.defaulting != "List"

    # --- constraints ---------------------------------------------------------------------------

    def constraints(self, cycle: Cycle, action: str) -> tuple[SpreadConstraint, ...]:
        pod = cycle.pod
        if pod.spread is not None and action in pod.spread:
            return pod.spread[action]
        owner = pod.owner_selector.key() if pod.owner_selector is not None else None
        key = (NAME, "constraints", action, id(pod.spec), pod.workload.kind, owner,
               tuple(sorted(pod.labels.items())))
        found = cycle.cluster.cache.get(key)
        if found is None:
            if pod.spec.spread_raw:
                found = spread_constraints(pod, pod.spec.spread_raw, action)
            else:
                found = spread_constraints(pod, self.defaults, action)
                if found:
                    services = self.context.services if self.context is not None else ()
                    selector = default_selector(pod, services)
                    found = () if selector.empty else tuple(
                        SpreadConstraint(c.max_skew, c.topology_key, c.when_unsatisfiable, selector, c.min_domains,
                                         c.node_affinity_policy, c.node_taints_policy) for c in found)
            cycle.cluster.cache[key] = found
        if pod.spread is None:
            pod.spread = {}
        pod.spread[action] = found
        return found

    def _counts(self, cycle: Cycle, constraint: SpreadConstraint) -> np.ndarray:
        """countPodsMatchSelector for every node: same namespace, not terminating, matching."""
        selector, namespace = constraint.selector, cycle.pod.namespace
        if selector.empty:
            return np.zeros(cycle.cluster.n, dtype=np.int64)
        return cycle.cluster.counter(
            ("spread", namespace, selector.key()),
            lambda p: p.namespace == namespace and not p.terminating and selector.matches(p.labels),
            namespace, selector)

    def _policy_mask(self, cycle: Cycle, constraint: SpreadConstraint) -> np.ndarray | None:
        """matchNodeInclusionPolicies over all nodes (None: every node is included)."""
        mask = None
        if constraint.node_affinity_policy == "Honor":
            required = cycle.pod.spec.required
            if not required.trivial:
                mask = required_mask(cycle.cluster, required)
        if constraint.node_taints_policy == "Honor":
            tolerations = cycle.pod.spec.tolerations
            cache_key = (NAME, "taints", tolerations)
            table = cycle.cluster.cache.get(cache_key)
            if table is None:
                table = np.array([first_untolerated(t, tolerations, ("NoSchedule", "NoExecute")) is None
                                  for t in cycle.cluster.taint_sets], dtype=bool)
                cycle.cluster.cache[cache_key] = table
            taints = table[cycle.cluster.taint_ids]
            mask = taints if mask is None else mask & taints
        return mask

    def _has_keys(self, cycle: Cycle, constraints) -> np.ndarray:
        """Live nodes with every constraint's topology key (nodeLabelsMatchSpreadConstraints)."""
        cluster = cycle.cluster
        key = (NAME, "keys", tuple(c.topology_key for c in constraints), cluster.alive_version)
        mask = cluster.cache.get(key)
        if mask is None:
            mask = cluster.alive.copy()
            for constraint in constraints:
                mask &= cluster.domain_ids(constraint.topology_key)[0] >= 0
            cluster.cache[key] = mask
        return mask

    # --- filter --------------------------------------------------------------------------------

    def pre_filter(self, cycle: Cycle):
        constraints = self.constraints(cycle, "DoNotSchedule")
        states = []
        if constraints:
            has_keys = self._has_keys(cycle, constraints)
            for constraint in constraints:
                ids, values = cycle.cluster.domain_ids(constraint.topology_key)
                eligible = has_keys.copy()
                policy = self._policy_mask(cycle, constraint)
                if policy is not None:
                    eligible &= policy
                counts = self._counts(cycle, constraint)
                domain_counts = np.bincount(ids[eligible], weights=counts[eligible],
                                            minlength=len(values)).astype(np.int64)
                present = np.bincount(ids[eligible], minlength=len(values)) > 0
                domains = int(present.sum())
                minimum = int(domain_counts[present].min()) if domains else MAX_INT32
                if domains < constraint.min_domains:
                    minimum = 0
                self_match = 1 if constraint.selector.matches(cycle.pod.labels) else 0
                # one more slot for nodes without the key (value id -1 reads the last element)
                counts_by_domain = np.append(np.where(present, domain_counts, 0), 0)
                states.append((constraint, ids, counts_by_domain, minimum, self_match))
        cycle.state[(NAME, "filter")] = states
        return None

    def filter(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        states = cycle.state.get((NAME, "filter"))
        if not states:
            return None
        ok = np.ones(size(cycle, nodes), dtype=bool)
        for constraint, ids, domain_counts, minimum, self_match in states:
            node_ids = ids[nodes]
            ok &= (node_ids >= 0) & (domain_counts[node_ids] + self_match - minimum <= constraint.max_skew)
        return ok

    def failure(self, cycle: Cycle, node: int) -> Status:
        for constraint, ids, domain_counts, minimum, self_match in cycle.state.get((NAME, "filter"), ()):
            if ids[node] < 0:
                return unresolvable(NAME, ERR_REASON_NODE_LABEL_NOT_MATCH)
            if int(domain_counts[ids[node]]) + self_match - minimum > constraint.max_skew:
                return unschedulable(NAME, ERR_REASON_CONSTRAINTS_NOT_MATCH)
        return unschedulable(NAME, ERR_REASON_CONSTRAINTS_NOT_MATCH)

    # --- score ---------------------------------------------------------------------------------

    def _domains(self, cluster, key: str):
        """(domain id per node with "" as the last id, whether every node has the key, the live domains)."""
        cache_key = (NAME, "domains", key, cluster.alive_version)
        found = cluster.cache.get(cache_key)
        if found is None:
            ids, values = cluster.domain_ids(key)
            complete = bool((ids >= 0).all())
            domain_ids = ids if complete else np.where(ids >= 0, ids, len(values))
            live = np.zeros(len(values) + 1, dtype=bool)
            live[domain_ids[cluster.alive]] = True
            found = cluster.cache[cache_key] = (domain_ids, complete, live)
        return found

    def pre_score(self, cycle: Cycle, nodes) -> bool:
        constraints = self.constraints(cycle, "ScheduleAnyway")
        if not constraints or size(cycle, nodes) == 0:
            return False
        cluster = cycle.cluster
        require_all = bool(cycle.pod.spec.spread_raw) or not self.system_defaulted
        has_keys = self._has_keys(cycle, constraints)
        ignored = ~has_keys[nodes] if require_all else None
        if ignored is not None and not ignored.any():
            ignored = None
        every = isinstance(nodes, slice) and ignored is None
        scored_count = (cluster.n if isinstance(nodes, slice) else len(nodes)) - (
            0 if ignored is None else int(ignored.sum()))
        all_nodes = has_keys if require_all else cluster.alive
        everywhere = bool(all_nodes.all())
        weights, tables = [], []
        for constraint in constraints:
            if constraint.topology_key == HOSTNAME:
                weights.append(math.log(scored_count + 2))
                tables.append(None)
                continue
            # the scored nodes' domains; a node without the key is in the domain "" (the last id)
            domain_ids, complete, live = self._domains(cluster, constraint.topology_key)
            if every:
                present = live
            else:
                present = np.zeros(len(live), dtype=bool)
                scored = np.arange(cluster.n)[nodes]
                if ignored is not None:
                    scored = scored[~ignored]
                present[domain_ids[scored]] = True
            weights.append(math.log(int(present.sum()) + 2))
            policy = self._policy_mask(cycle, constraint)
            counts = self._counts(cycle, constraint)
            if everywhere and policy is None:
                totals = np.bincount(domain_ids, weights=counts, minlength=len(live))
            else:
                eligible = all_nodes if policy is None else all_nodes & policy
                totals = np.bincount(domain_ids[eligible], weights=counts[eligible], minlength=len(live))
            tables.append((domain_ids, complete, np.where(present, totals, 0.0)))
        cycle.state[(NAME, "score")] = (constraints, ignored, weights, tables)
        return True

    def score(self, cycle: Cycle, nodes) -> np.ndarray:
        constraints, ignored, weights, tables = cycle.state[(NAME, "score")]
        cluster = cycle.cluster
        total = None
        for constraint, weight, table in zip(constraints, weights, tables):
            if table is None:
                count = self._counts(cycle, constraint)[nodes]
                complete = self._domains(cluster, HOSTNAME)[1]
            else:
                domain_ids, complete, per_domain = table
                count = per_domain[domain_ids[nodes]]
            part = count * weight + float(constraint.max_skew - 1)
            if not complete:
                part = np.where(cluster.domain_ids(constraint.topology_key)[0][nodes] >= 0, part, 0.0)
            total = part if total is None else total + part
        floor = np.floor(total)
        rounded = (floor + (total - floor >= 0.5)).astype(np.int64)   # math.Round for x >= 0
        return rounded if ignored is None else np.where(ignored, 0, rounded)

    def normalize(self, cycle: Cycle, nodes, scores: np.ndarray) -> np.ndarray:
        _, ignored, _, _ = cycle.state[(NAME, "score")]
        valid = scores if ignored is None else scores[~ignored]
        if len(valid) == 0:
            return np.zeros(len(scores), dtype=np.int64)
        highest, lowest = int(valid.max()), int(valid.min())
        if highest <= 0:
            out = np.full(len(scores), MAX_NODE_SCORE, dtype=np.int64)
        else:
            # MaxNodeScore * (max + min - s) / max, exact in float64 for these small integers
            out = np.floor(MAX_NODE_SCORE * (highest + lowest - scores) / highest).astype(np.int64)
        return out if ignored is None else np.where(ignored, 0, out)
