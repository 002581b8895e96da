"""TaintToleration (pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go).

Filter: the first NoSchedule or NoExecute taint no toleration tolerates rejects the node
(UnschedulableAndUnresolvable). Since Kubernetes 1.34 the reason no longer names the taint
("node(s) had untolerated taint(s)", kubernetes/kubernetes#134740, cherry-picked to 1.34);
before, it read "node(s) had untolerated taint {key: value}".
Score: the number of PreferNoSchedule taints not tolerated by the pod's tolerations with an
empty or PreferNoSchedule effect; normalized in reverse (fewer is better).
"""

from __future__ import annotations

import numpy as np

from kubelint.schedule.framework import Cycle, FilterPlugin, ScorePlugin, Status, default_normalize, unresolvable
from kubelint.schedule.selectors import first_untolerated, tolerated

NAME = "TaintToleration"
FILTER_EFFECTS = ("NoSchedule", "NoExecute")


def reason(taint, kube_version: tuple[int, int]) -> str:
    if kube_version >= (1, 34):
        return "node(s) had untolerated taint(s)"
    return f"node(s) had untolerated taint {{{taint.key}: {taint.value}}}"


class TaintToleration(FilterPlugin, ScorePlugin):
    name = NAME

    def _table(self, cycle: Cycle) -> np.ndarray:
        tolerations = cycle.pod.spec.tolerations
        key = (NAME, "filter", tolerations)
        table = cycle.cluster.cache.get(key)
        if table is None:
            table = np.fromiter((first_untolerated(taints, tolerations, FILTER_EFFECTS) is None
                                 for taints in cycle.cluster.taint_sets), dtype=bool,
                                count=len(cycle.cluster.taint_sets))
            cycle.cluster.cache[key] = table
        return table

    def filter(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        key = (NAME, "mask", cycle.pod.spec.tolerations)
        mask = cycle.cluster.cache.get(key)
        if mask is None:
            mask = cycle.cluster.cache[key] = self._table(cycle)[cycle.cluster.taint_ids]
        return mask[nodes]

    def failure(self, cycle: Cycle, node: int) -> Status:
        taint = first_untolerated(cycle.cluster.nodes[node].taints, cycle.pod.spec.tolerations, FILTER_EFFECTS)
        return unresolvable(NAME, reason(taint, cycle.kube_version))

    def score(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        tolerations = tuple(t for t in cycle.pod.spec.tolerations if t.effect in ("", "PreferNoSchedule"))
        key = (NAME, "score", tolerations)
        table = cycle.cluster.cache.get(key)
        if table is None:
            table = np.array([sum(1 for taint in taints if taint.effect == "PreferNoSchedule"
                                  and not tolerated(taint, tolerations))
                              for taints in cycle.cluster.taint_sets], dtype=np.int64)
            cycle.cluster.cache[key] = table[cycle.cluster.taint_ids]
            table = cycle.cluster.cache[key]
        return table[nodes]

    def normalize(self, cycle: Cycle, nodes: np.ndarray, scores: np.ndarray) -> np.ndarray:
        return default_normalize(scores, reverse=True)
