"""NodeResourcesFit and NodeResourcesBalancedAllocation (pkg/scheduler/framework/plugins/noderesources).

Fit (fit.go, fitsRequest): "Too many pods" when the node already runs its allowed number of
pods, then "Insufficient <resource>" for cpu, memory, ephemeral-storage and every scalar
resource (extended resources such as nvidia.com/gpu, hugepages) the pod requests beyond
allocatable minus requested. A request larger than the node's whole allocatable is
UnschedulableAndUnresolvable (preemption cannot help). ``ignoredResources`` and
``ignoredResourceGroups`` skip extended resources.

Fit's score (resource_allocation.go) with the scoring strategy of the profile, over
``resources`` (default cpu and memory, weight 1 each), using NonZeroRequested for cpu and
memory (100m and 200Mi for containers that request nothing):
- LeastAllocated (least_allocated.go): (allocatable - requested) * 100 / allocatable;
- MostAllocated (most_allocated.go): requested * 100 / allocatable, requested capped at allocatable;
- RequestedToCapacityRatio (requested_to_capacity_ratio.go): a broken-linear function of
  utilization given by ``shape`` (scores 0..10 scaled to 0..100).
The weighted mean over resources the node has (integer division; RequestedToCapacityRatio rounds).

BalancedAllocation (balanced_allocation.go): (1 - standard deviation of the requested fractions)
* 100, from the real requests; skipped for pods that request nothing (kubernetes#129138).
"""

from __future__ import annotations

import numpy as np

from kubelint.schedule.framework import MAX_NODE_SCORE, Cycle, FilterPlugin, ScorePlugin, Status
from kubelint.schedule.framework import unresolvable, unschedulable
from kubelint.schedule.pods import is_native, is_scalar

FIT = "NodeResourcesFit"
BALANCED = "NodeResourcesBalancedAllocation"
MAX_CUSTOM_PRIORITY_SCORE = 10
MAX_UTILIZATION = 100
DEFAULT_RESOURCES = (("cpu", 1), ("memory", 1))
DEFAULT_SHAPE = ((0, 10), (100, 0))
STRATEGIES = ("LeastAllocated", "MostAllocated", "RequestedToCapacityRatio")


def _go_div(a: np.ndarray, b: np.ndarray | int) -> np.ndarray:
    """Go's integer division: truncation toward zero."""
    quotient = np.abs(a) // np.abs(b)
    return np.where((a < 0) != (np.asarray(b) < 0), -quotient, quotient)


def _go_round(x: np.ndarray) -> np.ndarray:
    """math.Round: half away from zero."""
    return np.where(x >= 0, np.floor(x + 0.5), np.ceil(x - 0.5)).astype(np.int64)


def broken_linear(shape: tuple[tuple[int, int], ...], utilization: np.ndarray) -> np.ndarray:
    """helper.BuildBrokenLinearFunction with the scores already scaled to MaxNodeScore."""
    out = np.full(utilization.shape, shape[-1][1], dtype=np.int64)
    done = np.zeros(utilization.shape, dtype=bool)
    for i, (point, score) in enumerate(shape):
        here = ~done & (utilization <= point)
        if i == 0:
            out[here] = score
        else:
            prev_point, prev_score = shape[i - 1]
            out[here] = prev_score + _go_div((score - prev_score) * (utilization[here] - prev_point),
                                             point - prev_point)
        done |= here
    return out


def _is_extended(name: str) -> bool:
    return not is_native(name) and not name.startswith("requests.")


class NodeResourcesFit(FilterPlugin, ScorePlugin):
    name = FIT

    def __init__(self, args=None, context=None):
        super().__init__(args, context)
        self.ignored = set(self.args.get("ignoredResources") or [])
        self.ignored_groups = set(self.args.get("ignoredResourceGroups") or [])
        strategy = self.args.get("scoringStrategy") or {}
        self.strategy = strategy.get("type") or "LeastAllocated"
        resources = strategy.get("resources")
        self.resources = (tuple((str(r["name"]), int(r.get("weight") or 1)) for r in resources)
                          if resources else DEFAULT_RESOURCES)
        shape = (strategy.get("requestedToCapacityRatio") or {}).get("shape")
        points = (tuple(sorted((int(p["utilization"]), int(p["score"])) for p in shape)) if shape
                  else DEFAULT_SHAPE)
        self.shape = tuple((u, s * (MAX_NODE_SCORE // MAX_CUSTOM_PRIORITY_SCORE)) for u, s in points)

    def _checked(self, name: str) -> bool:
        if name in ("cpu", "memory", "ephemeral-storage"):
            return True
        if not is_scalar(name):
            return False
        if _is_extended(name) and (name in self.ignored or name.split("/")[0] in self.ignored_groups):
            return False
        return True

    # --- filter ------------------------------------------------------------------------------

    def filter(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        cluster = cycle.cluster
        ok = cluster.pod_count[nodes] + 1 <= cluster.allowed_pods[nodes]
        for name, request in cycle.pod.spec.requests.items():
            if request > 0 and self._checked(name):
                allocatable, requested = cluster.resource(name)
                ok &= request <= allocatable[nodes] - requested[nodes]
        return ok

    def insufficient(self, cycle: Cycle, node: int) -> list[tuple[str, int, int, int, bool]]:
        """(reason, requested, used, capacity, unresolvable) for each resource that does not fit."""
        cluster = cycle.cluster
        out = []
        if cluster.pod_count[node] + 1 > cluster.allowed_pods[node]:
            out.append(("Too many pods", 1, int(cluster.pod_count[node]), int(cluster.allowed_pods[node]), False))
        requests = cycle.pod.spec.requests
        order = [n for n in ("cpu", "memory", "ephemeral-storage") if n in requests]
        order += sorted(n for n in requests if n not in ("cpu", "memory", "ephemeral-storage"))
        for name in order:
            request = requests[name]
            if request <= 0 or not self._checked(name):
                continue
            allocatable, requested = cluster.resource(name)
            free = int(allocatable[node] - requested[node])
            if request > free:
                out.append((f"Insufficient {name}", request, int(requested[node]), int(allocatable[node]),
                            request > int(allocatable[node])))
        return out

    def failure(self, cycle: Cycle, node: int) -> Status:
        found = self.insufficient(cycle, node)
        reasons = tuple(item[0] for item in found)
        if any(item[4] for item in found):
            return unresolvable(FIT, *reasons)
        return unschedulable(FIT, *reasons)

    # --- score -------------------------------------------------------------------------------

    def _requested(self, cycle: Cycle, nodes: np.ndarray, name: str, pod_request: int):
        """calculateResourceAllocatableRequest with NonZeroRequested for cpu and memory."""
        cluster = cycle.cluster
        if pod_request == 0 and is_scalar(name):
            return None
        if name == "cpu":
            return cluster.allocatable["cpu"][nodes], cluster.nonzero_cpu[nodes] + pod_request
        if name == "memory":
            return cluster.allocatable["memory"][nodes], cluster.nonzero_memory[nodes] + pod_request
        if name == "ephemeral-storage" or (is_scalar(name) and name in cluster.allocatable):
            allocatable, requested = cluster.resource(name)
            return allocatable[nodes], requested[nodes] + pod_request
        return None

    def score(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        nonzero = cycle.pod.spec.nonzero
        total = np.zeros(len(nodes), dtype=np.int64)
        weights = np.zeros(len(nodes), dtype=np.int64)
        for name, weight in self.resources:
            found = self._requested(cycle, nodes, name, nonzero.get(name, 0))
            if found is None:
                continue
            allocatable, requested = found
            has = allocatable != 0
            safe = np.where(has, allocatable, 1)
            if self.strategy == "MostAllocated":
                capped = np.minimum(requested, allocatable)
                part = (capped * MAX_NODE_SCORE) // safe
            elif self.strategy == "RequestedToCapacityRatio":
                utilization = np.where(requested > allocatable, MAX_UTILIZATION,
                                       (requested * MAX_UTILIZATION) // safe)
                part = broken_linear(self.shape, utilization)
                has = has & (part > 0)
            else:
                part = np.where(requested > allocatable, 0, ((allocatable - requested) * MAX_NODE_SCORE) // safe)
            total += np.where(has, part * weight, 0)
            weights += np.where(has, weight, 0)
        safe_weights = np.where(weights == 0, 1, weights)
        if self.strategy == "RequestedToCapacityRatio":
            return np.where(weights == 0, 0, _go_round(total / safe_weights))
        return np.where(weights == 0, 0, total // safe_weights)


class NodeResourcesBalancedAllocation(ScorePlugin):
    name = BALANCED

    def __init__(self, args=None, context=None):
        super().__init__(args, context)
        resources = self.args.get("resources")
        self.resources = (tuple((str(r["name"]), int(r.get("weight") or 1)) for r in resources)
                          if resources else DEFAULT_RESOURCES)

    def _pod_requests(self, cycle: Cycle) -> list[int]:
        requests = cycle.pod.spec.requests
        return [requests.get(name, 0) for name, _ in self.resources]

    def pre_score(self, cycle: Cycle, nodes: np.ndarray) -> bool:
        return any(self._pod_requests(cycle))

    def score(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        cluster = cycle.cluster
        fractions = []
        for (name, _), pod_request in zip(self.resources, self._pod_requests(cycle)):
            if pod_request == 0 and is_scalar(name):
                continue
            if name not in ("cpu", "memory", "ephemeral-storage") and not (is_scalar(name)
                                                                          and name in cluster.allocatable):
                continue
            allocatable, requested = cluster.resource(name)
            alloc = allocatable[nodes]
            has = alloc != 0
            fraction = np.where(has, (requested[nodes] + pod_request) / np.where(has, alloc, 1), np.nan)
            fractions.append(np.minimum(fraction, 1.0))
        if not fractions:
            return np.full(len(nodes), MAX_NODE_SCORE, dtype=np.int64)
        matrix = np.vstack(fractions)
        valid = ~np.isnan(matrix)
        count = valid.sum(axis=0)
        filled = np.where(valid, matrix, 0.0)
        total = np.zeros(len(nodes))
        for row in filled:
            total = total + row
        std = np.zeros(len(nodes))
        two = count == 2
        if two.any():
            high = np.where(valid, matrix, -np.inf).max(axis=0)
            low = np.where(valid, matrix, np.inf).min(axis=0)
            std = np.where(two, np.abs((high - low) / 2), std)
        many = count > 2
        if many.any():
            mean = total / np.where(many, count, 1)
            acc = np.zeros(len(nodes))
            for row, ok in zip(matrix, valid):
                acc = acc + np.where(ok, (row - mean) * (row - mean), 0.0)
            std = np.where(many, np.sqrt(acc / np.where(many, count, 1)), std)
        return np.trunc((1 - std) * MAX_NODE_SCORE).astype(np.int64)
