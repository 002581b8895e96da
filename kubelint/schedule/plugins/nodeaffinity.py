"""NodeAffinity (pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go).

PreFilter: a required term made only of ``metadata.name In [...]`` fields narrows the nodes to
those names (a PreFilterResult; other nodes are reported as "node(s) didn't satisfy plugin(s)
[NodeAffinity]"); terms that name no common node are "pod affinity terms conflict".
Filter: spec.nodeSelector AND the required node affinity (and the profile's addedAffinity,
checked first: "node(s) didn't match scheduler-enforced node affinity").
Score: the sum of the weights of the preferred terms the node matches, normalized (more is better).

Selectors are evaluated once per distinct label value (cluster.LabelIndex), not once per node.
"""

from __future__ import annotations

import numpy as np

from kubelint.schedule import selectors as sel
from kubelint.schedule.cluster import Cluster
from kubelint.schedule.framework import Cycle, FilterPlugin, ScorePlugin, Status, default_normalize, unresolvable

NAME = "NodeAffinity"
ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity"
ERR_REASON_CONFLICT = "pod affinity terms conflict"


def term_mask(cluster: Cluster, term: sel.NodeSelectorTerm) -> np.ndarray:
    if term.invalid or (not term.expressions and not term.fields):
        return np.zeros(cluster.n, dtype=bool)
    mask = np.ones(cluster.n, dtype=bool)
    for requirement in term.expressions:
        mask &= cluster.labels.requirement(requirement)
    for requirement in term.fields:
        index = cluster.index.get(requirement.values[0], -1)
        hit = np.zeros(cluster.n, dtype=bool)
        if index >= 0:
            hit[index] = True
        mask &= hit if requirement.operator == "In" else ~hit
    return mask


def selector_mask(cluster: Cluster, selector: sel.NodeSelector | None) -> np.ndarray:
    if selector is None:
        return np.ones(cluster.n, dtype=bool)
    mask = np.zeros(cluster.n, dtype=bool)
    for term in selector.terms:
        mask |= term_mask(cluster, term)
    return mask


def required_mask(cluster: Cluster, required: sel.RequiredNodeAffinity) -> np.ndarray:
    """GetRequiredNodeAffinity(pod).Match over all nodes."""
    key = (NAME, "required", required)
    mask = cluster.cache.get(key)
    if mask is None:
        mask = selector_mask(cluster, required.selector)
        for label, value in required.labels:
            mask = mask & cluster.labels.requirement(sel.Requirement(label, "In", (value,)))
        cluster.cache[key] = mask
    return mask


class NodeAffinity(FilterPlugin, ScorePlugin):
    name = NAME

    def __init__(self, args=None, context=None):
        super().__init__(args, context)
        added = self.args.get("addedAffinity") if isinstance(self.args.get("addedAffinity"), dict) else {}
        self.added_required = sel.node_selector(added.get("requiredDuringSchedulingIgnoredDuringExecution"))
        self.added_preferred = sel.preferred_terms(added.get("preferredDuringSchedulingIgnoredDuringExecution"))

    def pre_filter(self, cycle: Cycle):
        spec = cycle.pod.spec
        if spec.required_node_affinity is None or not spec.required_node_affinity.terms:
            return None
        names: set[str] | None = None
        for term in spec.required_node_affinity.terms:
            term_names: set[str] | None = None
            for requirement in term.fields:
                if requirement.key == sel.NODE_NAME_FIELD and requirement.operator == "In":
                    values = set(requirement.values)
                    term_names = values if term_names is None else term_names & values
            if term_names is None:
                return None   # a term without metadata.name: any node may match (terms are ORed)
            names = term_names if names is None else names | term_names
        if names is not None and not names:
            return unresolvable(NAME, ERR_REASON_CONFLICT)
        return names

    def _mask(self, cluster: Cluster, spec) -> np.ndarray:
        mask = required_mask(cluster, spec.required)
        if self.added_required is not None:
            mask = mask & self._added_mask(cluster)
        return mask

    def _added_mask(self, cluster: Cluster) -> np.ndarray:
        key = (NAME, "added", id(self))
        mask = cluster.cache.get(key)
        if mask is None:
            mask = cluster.cache[key] = selector_mask(cluster, self.added_required)
        return mask

    def filter(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        spec = cycle.pod.spec
        if spec.required.trivial and self.added_required is None:
            return None
        return self._mask(cycle.cluster, spec)[nodes]

    def failure(self, cycle: Cycle, node: int) -> Status:
        if self.added_required is not None and not self._added_mask(cycle.cluster)[node]:
            return unresolvable(NAME, ERR_REASON_ENFORCED)
        return unresolvable(NAME, ERR_REASON_POD)

    def pre_score(self, cycle: Cycle, nodes: np.ndarray) -> bool:
        return bool(cycle.pod.spec.preferred_node_affinity or self.added_preferred)

    def score(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        cluster = cycle.cluster
        terms = self.added_preferred + cycle.pod.spec.preferred_node_affinity
        key = (NAME, "preferred", terms)
        scores = cluster.cache.get(key)
        if scores is None:
            scores = np.zeros(cluster.n, dtype=np.int64)
            for preferred in terms:
                scores += preferred.weight * term_mask(cluster, preferred.term)
            cluster.cache[key] = scores
        return scores[nodes]

    def normalize(self, cycle: Cycle, nodes: np.ndarray, scores: np.ndarray) -> np.ndarray:
        return default_normalize(scores, reverse=False)
