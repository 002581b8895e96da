"""The scheduling framework: statuses, plugin interfaces, profiles (pkg/scheduler/framework).

A plugin mirrors its upstream namesake, but each extension point works on an array of node
indexes at once instead of one NodeInfo at a time:

- ``pre_filter(cycle)`` returns None, a set of node names (a PreFilterResult) or a failing Status;
- ``filter(cycle, nodes)`` returns a boolean array, True where the node passes (or None when
  every node passes); ``nodes`` is an index array or ALL (every node, as array views);
- ``failure(cycle, node)`` returns the Status upstream's Filter returns for a failing node
  (the reasons counted in "0/3 nodes are available: ...");
- ``pre_score(cycle, nodes)`` returns False to skip the plugin (upstream's Skip status);
- ``score(cycle, nodes)`` returns raw scores, ``normalize(cycle, nodes, scores)`` the normalized ones.

``filter_one``/``score_one`` give the per-node view of upstream's signatures, for tests.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kubelint.schedule.cluster import Cluster
from kubelint.schedule.pods import Pod

MAX_NODE_SCORE = 100  # framework.MaxNodeScore


class Code(enum.IntEnum):
    SUCCESS = 0
    ERROR = 1
    UNSCHEDULABLE = 2
    UNRESOLVABLE = 3   # UnschedulableAndUnresolvable: preemption cannot help on this node
    SKIP = 4


@dataclass(frozen=True, slots=True)
class Status:
    code: Code
    reasons: tuple[str, ...] = ()
    plugin: str = ""

    @property
    def ok(self) -> bool:
        return self.code == Code.SUCCESS

    @property
    def message(self) -> str:
        return ", ".join(self.reasons)


SUCCESS = Status(Code.SUCCESS)


def unschedulable(plugin: str, *reasons: str) -> Status:
    return Status(Code.UNSCHEDULABLE, reasons, plugin)


def unresolvable(plugin: str, *reasons: str) -> Status:
    return Status(Code.UNRESOLVABLE, reasons, plugin)


@dataclass(eq=False)
class Cycle:
    """One scheduling attempt of one pod: the CycleState plugins share."""

    pod: Pod
    cluster: Cluster
    profile: "Profile"
    state: dict[str, Any] = field(default_factory=dict)
    kube_version: tuple[int, int] = (1, 36)


def size(cycle: "Cycle", nodes) -> int:
    """How many nodes ``nodes`` (an index array, or ALL) stands for."""
    return cycle.cluster.n if isinstance(nodes, slice) else len(nodes)


def indexes(cycle: "Cycle", nodes) -> np.ndarray:
    return np.arange(cycle.cluster.n) if isinstance(nodes, slice) else nodes


class Plugin:
    name = ""

    def __init__(self, args: dict | None = None, context: Any = None):
        self.args = args or {}
        self.context = context


class FilterPlugin(Plugin):
    def pre_filter(self, cycle: Cycle) -> None | set[str] | Status:
        return None

    def filter(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def failure(self, cycle: Cycle, node: int) -> Status:
        raise NotImplementedError


class ScorePlugin(Plugin):
    def pre_score(self, cycle: Cycle, nodes: np.ndarray) -> bool:
        return True

    def score(self, cycle: Cycle, nodes: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def normalize(self, cycle: Cycle, nodes: np.ndarray, scores: np.ndarray) -> np.ndarray:
        return scores


def default_normalize(scores: np.ndarray, reverse: bool) -> np.ndarray:
    """helper.DefaultNormalizeScore (pkg/scheduler/framework/plugins/helper/normalize_score.go)."""
    if len(scores) == 0:
        return scores
    highest = int(scores.max())
    if highest <= 0:
        if reverse:
            return np.full(len(scores), MAX_NODE_SCORE, dtype=np.int64)
        return scores
    out = np.floor(MAX_NODE_SCORE * scores / highest).astype(np.int64)   # exact: small integers
    if reverse:
        out = MAX_NODE_SCORE - out
    return out.astype(np.int64)


@dataclass
class Profile:
    """A scheduler profile: the plugins at each extension point, in order, and the score weights."""

    name: str
    filters: list[FilterPlugin]
    scorers: list[tuple[ScorePlugin, int]]
    preemption: Any = None
    #: plugins named in the configuration that kubelint does not model (volume plugins ...)
    unmodelled: list[str] = field(default_factory=list)

    def plugin(self, name: str):
        for plugin in self.filters:
            if plugin.name == name:
                return plugin
        for plugin, _ in self.scorers:
            if plugin.name == name:
                return plugin
        return None


def passes(plugin: FilterPlugin, cycle: Cycle, nodes) -> np.ndarray:
    """plugin.filter as a boolean array (a plugin returns None when every node passes)."""
    passed = plugin.filter(cycle, nodes)
    return np.ones(size(cycle, nodes), dtype=bool) if passed is None else passed


def filter_one(plugin: FilterPlugin, cycle: Cycle, node: int) -> Status:
    """Upstream's Filter(pod, nodeInfo) for one node (PreFilter must have run)."""
    passed = passes(plugin, cycle, np.array([node], dtype=np.int64))
    return SUCCESS if passed[0] else plugin.failure(cycle, node)
