"""NodeUnschedulable (pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go).

Filters out nodes with spec.unschedulable (cordoned), unless the pod tolerates the
node.kubernetes.io/unschedulable:NoSchedule taint.
"""

from __future__ import annotations

import numpy as np

from kubelint.schedule.framework import Cycle, FilterPlugin, Status, unresolvable
from kubelint.schedule.selectors import Taint, tolerated

NAME = "NodeUnschedulable"
ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
UNSCHEDULABLE_TAINT = Taint("node.kubernetes.io/unschedulable", "", "NoSchedule")


class NodeUnschedulable(FilterPlugin):
    name = NAME

    def filter(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        if not cycle.cluster.any_unschedulable or tolerated(UNSCHEDULABLE_TAINT, cycle.pod.spec.tolerations):
            return None
        return ~cycle.cluster.unschedulable[nodes]

    def failure(self, cycle: Cycle, node: int) -> Status:
        return unresolvable(NAME, ERR_REASON_UNSCHEDULABLE)
