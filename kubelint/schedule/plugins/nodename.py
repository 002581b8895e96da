"""NodeName (pkg/scheduler/framework/plugins/nodename/node_name.go).

A pod that names a node in spec.nodeName fits only that node. (Pods that already carry
spec.nodeName in the input are bound without scheduling, as kube-scheduler ignores them; the
plugin matters for pods the framework is asked about directly.)
"""

from __future__ import annotations

import numpy as np

from kubelint.schedule.framework import Cycle, FilterPlugin, Status, indexes, unresolvable

NAME = "NodeName"
ERR_REASON = "node(s) didn't match the requested node name"


class NodeName(FilterPlugin):
    name = NAME

    def filter(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        wanted = cycle.pod.spec.node_name
        if not wanted:
            return None
        index = cycle.cluster.index.get(wanted, -1)
        return indexes(cycle, nodes) == index

    def failure(self, cycle: Cycle, node: int) -> Status:
        return unresolvable(NAME, ERR_REASON)
