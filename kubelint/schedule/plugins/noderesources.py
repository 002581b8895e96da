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

import math

import numpy as np

from kubelint.schedule.framework import (
    MAX_NODE_SCORE,
    Cycle,
    FilterPlugin,
    ScorePlugin,
    Status,
    unresolvable,
    unschedulable,
)
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

    def _checked_requests(self, cycle: Cycle) -> tuple[tuple[str, int], ...]:
        return tuple(sorted((name, request) for name, request in cycle.pod.spec.requests.items()
                            if request > 0 and self._checked(name)))

    def filter(self, cycle: Cycle, nodes) -> np.ndarray:
        requests = self._checked_requests(cycle)
        cluster = cycle.cluster

        def fits(index):
            if not isinstance(index, slice) and len(index) <= SCALAR_LIMIT:
                arrays = [cluster.resource(name) for name, _ in requests]
                return np.array([cluster.pod_count[i] + 1 <= cluster.allowed_pods[i]
                                 and all(request <= alloc[i] - used[i]
                                         for (_, request), (alloc, used) in zip(requests, arrays))
                                 for i in index.tolist()], dtype=bool)
            ok = cluster.pod_count[index] + 1 <= cluster.allowed_pods[index]
            for name, request in requests:
                allocatable, requested = cluster.resource(name)
                ok &= request <= allocatable[index] - requested[index]
            return ok

        return cluster.local((FIT, "filter", requests), fits)[nodes]

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

    def _requested(self, cluster, index, name: str, pod_request: int):
        """calculateResourceAllocatableRequest with NonZeroRequested for cpu and memory."""
        if pod_request == 0 and is_scalar(name):
            return None
        if name == "cpu":
            return cluster.allocatable["cpu"][index], cluster.nonzero_cpu[index] + pod_request
        if name == "memory":
            return cluster.allocatable["memory"][index], cluster.nonzero_memory[index] + pod_request
        if name == "ephemeral-storage" or (is_scalar(name) and name in cluster.allocatable):
            allocatable, requested = cluster.resource(name)
            return allocatable[index], requested[index] + pod_request
        return None

    def score(self, cycle: Cycle, nodes) -> np.ndarray:
        nonzero = cycle.pod.spec.nonzero
        pod_requests = tuple(nonzero.get(name, 0) for name, _ in self.resources)
        cluster = cycle.cluster
        return cluster.local((FIT, "score", id(self), pod_requests),
                             lambda index: self._score(cluster, index, pod_requests))[nodes]

    def _score(self, cluster, index, pod_requests) -> np.ndarray:
        if not isinstance(index, slice) and len(index) <= SCALAR_LIMIT:
            return np.array([self.score_node(cluster, i, pod_requests) for i in index.tolist()], dtype=np.int64)
        size = cluster.n if isinstance(index, slice) else len(index)
        total = np.zeros(size, dtype=np.int64)
        weights = np.zeros(size, dtype=np.int64)
        for (name, weight), pod_request in zip(self.resources, pod_requests):
            found = self._requested(cluster, index, name, pod_request)
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


    def score_node(self, cluster, i: int, pod_requests) -> int:
        """The same score for one node in plain integers (refreshing a few nodes is faster so)."""
        total = weights = 0
        for (name, weight), pod_request in zip(self.resources, pod_requests):
            found = self._requested(cluster, i, name, pod_request)
            if found is None:
                continue
            allocatable, requested = int(found[0]), int(found[1])
            if allocatable == 0:
                continue
            if self.strategy == "MostAllocated":
                part = min(requested, allocatable) * MAX_NODE_SCORE // allocatable
            elif self.strategy == "RequestedToCapacityRatio":
                utilization = (MAX_UTILIZATION if requested > allocatable
                               else requested * MAX_UTILIZATION // allocatable)
                part = int(broken_linear(self.shape, np.array([utilization]))[0])
                if part <= 0:
                    continue
            else:
                part = 0 if requested > allocatable else (allocatable - requested) * MAX_NODE_SCORE // allocatable
            total += part * weight
            weights += weight
        if weights == 0:
            return 0
        if self.strategy == "RequestedToCapacityRatio":
            return int(_go_round(np.array([total / weights]))[0])
        return total // weights


#: refresh at most this many nodes with plain Python arithmetic rather than numpy
SCALAR_LIMIT = 16


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

    def score(self, cycle: Cycle, nodes) -> np.ndarray:
        pod_requests = tuple(self._pod_requests(cycle))
        cluster = cycle.cluster
        return cluster.local((BALANCED, id(self), pod_requests),
                             lambda index: self._score(cluster, index, pod_requests))[nodes]

    def _balanced(self, cluster, pod_requests):
        """(resource name, pod request) of the resources the balance is computed over: cpu, memory
        and ephemeral storage, and the extended resources the pod requests and the cluster offers."""
        for (name, _), pod_request in zip(self.resources, pod_requests):
            if pod_request == 0 and is_scalar(name):
                continue
            if name not in ("cpu", "memory", "ephemeral-storage") and not (is_scalar(name)
                                                                          and name in cluster.allocatable):
                continue
            yield name, pod_request

    def _score(self, cluster, index, pod_requests) -> np.ndarray:
        if not isinstance(index, slice) and len(index) <= SCALAR_LIMIT:
            return np.array([self.score_node(cluster, i, pod_requests) for i in index.tolist()], dtype=np.int64)
        size = cluster.n if isinstance(index, slice) else len(index)
        fractions = []
        for name, pod_request in self._balanced(cluster, pod_requests):
            allocatable, requested = cluster.resource(name)
            alloc = allocatable[index]
            has = alloc != 0
            fraction = np.where(has, (requested[index] + pod_request) / np.where(has, alloc, 1), np.nan)
            fractions.append(np.minimum(fraction, 1.0))
        if not fractions:
            return np.full(size, MAX_NODE_SCORE, dtype=np.int64)
        matrix = np.vstack(fractions)
        valid = ~np.isnan(matrix)
        count = valid.sum(axis=0)
        std = np.zeros(size)
        two = count == 2
        if two.any():
            high = np.where(valid, matrix, -np.inf).max(axis=0)
            low = np.where(valid, matrix, np.inf).min(axis=0)
            std = np.where(two, np.abs((high - low) / 2), std)
        many = count > 2
        if many.any():
            total = np.zeros(size)
            for row, ok in zip(matrix, valid):
                total = total + np.where(ok, row, 0.0)
            mean = total / np.where(many, count, 1)
            acc = np.zeros(size)
            for row, ok in zip(matrix, valid):
                acc = acc + np.where(ok, (row - mean) * (row - mean), 0.0)
            std = np.where(many, np.sqrt(acc / np.where(many, count, 1)), std)
        return np.trunc((1 - std) * MAX_NODE_SCORE).astype(np.int64)

    def score_node(self, cluster, i: int, pod_requests) -> int:
        """balancedResourceScorer for one node, in the order and float64 arithmetic of the Go code."""
        fractions = []
        total = 0.0
        for name, pod_request in self._balanced(cluster, pod_requests):
            allocatable, requested = cluster.resource(name)
            alloc = int(allocatable[i])
            if alloc == 0:
                continue
            fraction = (int(requested[i]) + pod_request) / alloc
            if fraction > 1:
                fraction = 1.0
            total += fraction
            fractions.append(fraction)
        std = 0.0
        if len(fractions) == 2:
            std = abs((fractions[0] - fractions[1]) / 2)
        elif len(fractions) > 2:
            mean = total / len(fractions)
            acc = 0.0
            for fraction in fractions:
                acc = acc + (fraction - mean) * (fraction - mean)
            std = math.sqrt(acc / len(fractions))
        return int((1 - std) * MAX_NODE_SCORE)
