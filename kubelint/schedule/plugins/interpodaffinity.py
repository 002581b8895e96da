"""InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity).

Filter (filtering.go), in upstream's order:
1. the pod's required affinity: every term's topology key must be on the node, and in the
   node's domain some pod must match all the pod's terms; a pod that matches its own terms is
   let through when no pod anywhere matches them (the first of a group);
   UnschedulableAndUnresolvable "node(s) didn't match pod affinity rules";
2. the pod's required anti-affinity: no matching pod in the node's domain of any term;
   "node(s) didn't match pod anti-affinity rules";
3. existing pods' required anti-affinity: no pod whose term matches this pod in the node's
   domain; "node(s) didn't satisfy existing pods anti-affinity rules".
Terms select pods by label selector in ``namespaces`` or ``namespaceSelector`` (the namespace
labels come from Namespace objects in the input, plus kubernetes.io/metadata.name).

Score (scoring.go): per topology domain, + weight for each pod matching a preferred affinity
term of the pod, - weight for preferred anti-affinity; + hardPodAffinityWeight (default 1) for
each existing pod whose required affinity term matches the pod, +/- weight for existing pods'
preferred terms that match it; a node scores its domains' sums, normalized to 0..100 between
the lowest and the highest.
"""

from __future__ import annotations

import numpy as np

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
from kubelint.schedule.pods import AffinityTerm

NAME = "InterPodAffinity"
ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules"
ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"


def _term_counts(cycle: Cycle, term: AffinityTerm) -> np.ndarray:
    """Per node, the placed pods that ``term`` selects."""
    cluster = cycle.cluster
    labels_of = cluster.namespace_labels
    single = next(iter(term.namespaces)) if len(term.namespaces) == 1 and term.namespace_selector.nothing else None
    return cluster.counter(("term", term),
                           lambda p: term.matches(p.namespace, p.labels, labels_of(p.namespace)),
                           single, term.selector)


def _all_terms_counts(cycle: Cycle, terms: tuple[AffinityTerm, ...]) -> np.ndarray:
    """Per node, the placed pods that match every term (podMatchesAllAffinityTerms)."""
    cluster = cycle.cluster
    labels_of = cluster.namespace_labels
    if len(terms) == 1:
        return _term_counts(cycle, terms[0])
    first = terms[0]
    single = next(iter(first.namespaces)) if len(first.namespaces) == 1 and first.namespace_selector.nothing else None
    return cluster.counter(("all-terms", terms),
                           lambda p: all(t.matches(p.namespace, p.labels, labels_of(p.namespace)) for t in terms),
                           single, first.selector)


def _by_domain(cycle: Cycle, key: str, per_node: np.ndarray) -> np.ndarray:
    """Sum a per-node count over the domains of topology key ``key`` (alive nodes with the key), with
    one more slot, always 0, that nodes without the key (value id -1) read."""
    ids, values = cycle.cluster.domain_ids(key)
    ok = (ids >= 0) & cycle.cluster.alive
    return np.append(np.bincount(ids[ok], weights=per_node[ok], minlength=len(values)).astype(np.int64), 0)


class InterPodAffinity(FilterPlugin, ScorePlugin):
    name = NAME

    def __init__(self, args=None, context=None):
        super().__init__(args, context)
        weight = self.args.get("hardPodAffinityWeight")
        self.hard_weight = weight if isinstance(weight, int) and not isinstance(weight, bool) else 1
        self.ignore_existing_preferred = self.args.get("ignorePreferredTermsOfExistingPods") is True

    # --- filter --------------------------------------------------------------------------------

    def pre_filter(self, cycle: Cycle):
        pod, cluster = cycle.pod, cycle.cluster
        affinity = pod.affinity
        namespace_labels = cluster.namespace_labels(pod.namespace)
        existing: dict[str, np.ndarray] = {}
        for group in cluster.term_groups["required_anti"].values():
            for term in group.terms:
                if term.matches(pod.namespace, pod.labels, namespace_labels):
                    found = _by_domain(cycle, term.topology_key, group.counts)
                    existing[term.topology_key] = existing.get(term.topology_key, 0) + found
        affinity_counts: dict[str, np.ndarray] = {}
        any_affinity = False
        if affinity.required_affinity:
            per_node = _all_terms_counts(cycle, affinity.required_affinity)
            for term in affinity.required_affinity:
                found = _by_domain(cycle, term.topology_key, per_node)
                any_affinity = any_affinity or bool(found.any())
                affinity_counts[term.topology_key] = affinity_counts.get(term.topology_key, 0) + found
        anti_counts: list[tuple[str, np.ndarray]] = []
        for term in affinity.required_anti:
            anti_counts.append((term.topology_key, _by_domain(cycle, term.topology_key, _term_counts(cycle, term))))
        self_match = all(t.matches(pod.namespace, pod.labels, namespace_labels) for t in affinity.required_affinity)
        cycle.state[(NAME, "filter")] = (existing, affinity_counts, any_affinity, self_match, anti_counts)
        return None

    def _checks(self, cycle: Cycle, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        existing, affinity_counts, any_affinity, self_match, anti_counts = cycle.state[(NAME, "filter")]
        cluster = cycle.cluster
        size_ = size(cycle, nodes)
        affinity_ok = np.ones(size_, dtype=bool)
        terms = cycle.pod.affinity.required_affinity
        if terms:
            has_all = np.ones(size_, dtype=bool)
            pods_exist = np.ones(size_, dtype=bool)
            for term in terms:
                ids = cluster.domain_ids(term.topology_key)[0][nodes]
                has = ids >= 0
                has_all &= has
                pods_exist &= affinity_counts[term.topology_key][ids] > 0
            if not any_affinity and self_match:
                affinity_ok = has_all
            else:
                affinity_ok = has_all & pods_exist
        anti_ok = np.ones(size_, dtype=bool)
        for key, counts in anti_counts:
            anti_ok &= ~(counts[cluster.domain_ids(key)[0][nodes]] > 0)
        existing_ok = np.ones(size_, dtype=bool)
        for key, counts in existing.items():
            existing_ok &= ~(counts[cluster.domain_ids(key)[0][nodes]] > 0)
        return affinity_ok, anti_ok, existing_ok

    def filter(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        existing, _, _, _, anti_counts = cycle.state[(NAME, "filter")]
        if not existing and not anti_counts and not cycle.pod.affinity.required_affinity:
            return None
        affinity_ok, anti_ok, existing_ok = self._checks(cycle, nodes)
        return affinity_ok & anti_ok & existing_ok

    def failure(self, cycle: Cycle, node: int) -> Status:
        affinity_ok, anti_ok, existing_ok = self._checks(cycle, np.array([node], dtype=np.int64))
        if not affinity_ok[0]:
            return unresolvable(NAME, ERR_REASON_AFFINITY)
        if not anti_ok[0]:
            return unschedulable(NAME, ERR_REASON_ANTI_AFFINITY)
        return unschedulable(NAME, ERR_REASON_EXISTING_ANTI_AFFINITY)

    # --- score ---------------------------------------------------------------------------------

    def pre_score(self, cycle: Cycle, nodes: np.ndarray) -> bool:
        pod, cluster = cycle.pod, cycle.cluster
        affinity = pod.affinity
        has_constraints = bool(affinity.preferred_affinity or affinity.preferred_anti)
        if self.ignore_existing_preferred and not has_constraints:
            return False
        scores: dict[str, np.ndarray] = {}
        touched = False

        def add(key: str, per_node: np.ndarray, weight: int) -> None:
            nonlocal touched
            if not per_node.any():
                return
            touched = True
            found = _by_domain(cycle, key, per_node) * weight
            scores[key] = scores.get(key, 0) + found

        for weighted in affinity.preferred_affinity:
            add(weighted.term.topology_key, _term_counts(cycle, weighted.term), weighted.weight)
        for weighted in affinity.preferred_anti:
            add(weighted.term.topology_key, _term_counts(cycle, weighted.term), -weighted.weight)
        namespace_labels = cluster.namespace_labels(pod.namespace)
        if self.hard_weight > 0:
            for group in cluster.term_groups["required_affinity"].values():
                for term in group.terms:
                    if term.matches(pod.namespace, pod.labels, namespace_labels):
                        add(term.topology_key, group.counts, self.hard_weight)
        for group in cluster.term_groups["preferred"].values():
            preferred_affinity, preferred_anti = group.terms
            for weighted in preferred_affinity:
                if weighted.term.matches(pod.namespace, pod.labels, namespace_labels):
                    add(weighted.term.topology_key, group.counts, weighted.weight)
            for weighted in preferred_anti:
                if weighted.term.matches(pod.namespace, pod.labels, namespace_labels):
                    add(weighted.term.topology_key, group.counts, -weighted.weight)
        if not touched:
            return False
        cycle.state[(NAME, "score")] = scores
        return True

    def score(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        total = np.zeros(size(cycle, nodes), dtype=np.int64)
        for key, per_domain in cycle.state[(NAME, "score")].items():
            total += per_domain[cycle.cluster.domain_ids(key)[0][nodes]]
        return total

    def normalize(self, cycle: Cycle, nodes: np.ndarray, scores: np.ndarray) -> np.ndarray:
        if len(scores) == 0:
            return scores
        lowest, highest = int(scores.min()), int(scores.max())
        spread = highest - lowest
        if spread <= 0:
            return np.zeros(len(scores), dtype=np.int64)
        return np.trunc(MAX_NODE_SCORE * ((scores - lowest) / spread)).astype(np.int64)
