"""NodePorts (pkg/scheduler/framework/plugins/nodeports/node_ports.go).

A pod's host ports (of its containers and restartable init containers, util.GetHostPorts) must
be free on the node: HostPortInfo.CheckConflict, where a wildcard hostIP 0.0.0.0 conflicts with
the same protocol and port on any IP, and a specific IP with itself and with 0.0.0.0.
"""

from __future__ import annotations

import numpy as np

from kubelint.schedule.framework import Cycle, FilterPlugin, Status, unschedulable

NAME = "NodePorts"
ERR_REASON = "node(s) didn't have free ports for the requested pod ports"
WILDCARD = "0.0.0.0"


def conflicts(used: dict[tuple[str, str, int], int], ip: str, protocol: str, port: int) -> bool:
    """HostPortInfo.CheckConflict (pkg/scheduler/framework/types.go)."""
    if port <= 0:
        return False
    ip = ip or WILDCARD
    protocol = protocol or "TCP"
    if ip == WILDCARD:
        return any(p == protocol and n == port for (_, p, n) in used)
    return (WILDCARD, protocol, port) in used or (ip, protocol, port) in used


class NodePorts(FilterPlugin):
    name = NAME

    def filter(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        wanted = cycle.pod.spec.host_ports
        if not wanted or not cycle.cluster.ports:
            return None
        taken = np.zeros(cycle.cluster.n, dtype=bool)
        for node, used in cycle.cluster.ports.items():
            if used and any(conflicts(used, p.ip, p.protocol, p.port) for p in wanted):
                taken[node] = True
        return ~taken[nodes]

    def failure(self, cycle: Cycle, node: int) -> Status:
        return unschedulable(NAME, ERR_REASON)
