"""KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), as ``--scheduler-config`` gives it.

Profiles are built the way kube-scheduler builds them: the default MultiPoint plugins
(plugins/__init__.py) merged with the profile's ``plugins`` (mergePluginSet in
pkg/scheduler/apis/config/v1/default_plugins.go: ``disabled`` removes defaults, ``"*"`` all of
them, an enabled default is reconfigured in place, other enabled plugins are appended), then
expanded per extension point (pkg/scheduler/framework/runtime: plugins enabled explicitly at
``filter`` or ``score`` come first and keep their weight; MultiPoint plugins follow unless
disabled there; a weight of 0 means 1). ``pluginConfig`` gives each plugin its args:
NodeResourcesFit (scoringStrategy, ignoredResources, ignoredResourceGroups),
NodeResourcesBalancedAllocation (resources), PodTopologySpread (defaultConstraints,
defaultingType), InterPodAffinity (hardPodAffinityWeight, ignorePreferredTermsOfExistingPods),
NodeAffinity (addedAffinity), DefaultPreemption (minCandidateNodesPercentage,
minCandidateNodesAbsolute).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kubelint.load.reader import read_documents
from kubelint.model import Source
from kubelint.schedule import plugins as registry
from kubelint.schedule.framework import Profile
from kubelint.schedule.pods import DEFAULT_SCHEDULER

API_VERSIONS = ("kubescheduler.config.k8s.io/v1", "kubescheduler.config.k8s.io/v1beta3")
POINTS = ("multiPoint", "preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore", "score",
          "reserve", "permit", "preBind", "bind", "postBind")
IMPLEMENTS = {
    "NodeUnschedulable": ("filter",), "NodeName": ("filter",), "NodePorts": ("preFilter", "filter"),
    "TaintToleration": ("filter", "preScore", "score"),
    "NodeAffinity": ("preFilter", "filter", "preScore", "score"),
    "NodeResourcesFit": ("preFilter", "filter", "preScore", "score"),
    "PodTopologySpread": ("preFilter", "filter", "preScore", "score"),
    "InterPodAffinity": ("preFilter", "filter", "preScore", "score"),
    "NodeResourcesBalancedAllocation": ("preScore", "score"),
    "DefaultPreemption": ("postFilter",),
    "ImageLocality": ("score",),
}
STRATEGIES = ("LeastAllocated", "MostAllocated", "RequestedToCapacityRatio")


class SchedulerConfigError(ValueError):
    """A KubeSchedulerConfiguration kube-scheduler would refuse: exit code 2."""


def read(path: str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchedulerConfigError(f"--scheduler-config {path}: cannot read: {exc}") from None
    parsed, _ = read_documents(Source(path, text))
    problems = [p for d in parsed for p in d.problems if p.rule.startswith("yaml")]
    if problems:
        first = problems[0]
        raise SchedulerConfigError(f"{path}:{first.line}:{first.column}: {first.message}")
    documents = [d.document.data for d in parsed if d.document.data is not None]
    if len(documents) != 1 or not isinstance(documents[0], dict):
        raise SchedulerConfigError(f"{path}: expected one KubeSchedulerConfiguration document")
    return documents[0]


def _plugin_set(raw: Any, where: str) -> tuple[list[tuple[str, int]], list[str]]:
    if raw is None:
        return [], []
    if not isinstance(raw, dict):
        raise SchedulerConfigError(f"{where} must be a mapping with enabled and disabled")
    unknown = set(raw) - {"enabled", "disabled"}
    if unknown:
        raise SchedulerConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    enabled, disabled = [], []
    for key, target in (("enabled", enabled), ("disabled", disabled)):
        for index, item in enumerate(raw.get(key) or []):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise SchedulerConfigError(f"{where}.{key}[{index}] needs a name")
            name = item["name"]
            if name != "*" and name not in registry.KNOWN:
                raise SchedulerConfigError(f'{where}.{key}[{index}]: unknown plugin "{name}" (kube-scheduler '
                                           "would fail to start; out-of-tree plugins are not modelled)")
            weight = item.get("weight") or 0
            if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
                raise SchedulerConfigError(f"{where}.{key}[{index}].weight must be a non-negative integer")
            target.append((name, weight) if key == "enabled" else name)
    return enabled, disabled


def _merge(defaults: list[tuple[str, int]], enabled: list[tuple[str, int]], disabled: list[str]):
    """mergePluginSet."""
    custom = {name: (i, weight) for i, (name, weight) in enumerate(enabled)}
    replaced = set()
    out = []
    if "*" not in disabled:
        for name, weight in defaults:
            if name in disabled:
                continue
            if name in custom:
                index, weight = custom[name]
                replaced.add(index)
            out.append((name, weight))
    for index, (name, weight) in enumerate(enabled):
        if index not in replaced:
            out.append((name, weight))
    return out


def _validate_fit_args(args: dict, where: str) -> None:
    strategy = args.get("scoringStrategy")
    if strategy is None:
        return
    if not isinstance(strategy, dict):
        raise SchedulerConfigError(f"{where}.scoringStrategy must be a mapping")
    kind = strategy.get("type", "LeastAllocated")
    if kind not in STRATEGIES:
        raise SchedulerConfigError(f'{where}.scoringStrategy.type: "{kind}" is not one of {", ".join(STRATEGIES)}')
    for index, item in enumerate(strategy.get("resources") or []):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SchedulerConfigError(f"{where}.scoringStrategy.resources[{index}] needs a name")
        weight = item.get("weight", 1)
        if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 100:
            raise SchedulerConfigError(f"{where}.scoringStrategy.resources[{index}].weight must be 1..100")
    if kind == "RequestedToCapacityRatio":
        shape = (strategy.get("requestedToCapacityRatio") or {}).get("shape")
        if not isinstance(shape, list) or not shape:
            raise SchedulerConfigError(f"{where}.scoringStrategy.requestedToCapacityRatio.shape is required for "
                                       "RequestedToCapacityRatio")
        last = -1
        for index, point in enumerate(shape):
            utilization, score = (point or {}).get("utilization"), (point or {}).get("score")
            if not isinstance(utilization, int) or not 0 <= utilization <= 100 or utilization <= last:
                raise SchedulerConfigError(f"{where}.scoringStrategy.requestedToCapacityRatio.shape[{index}]."
                                           "utilization must be 0..100 and increasing")
            if not isinstance(score, int) or not 0 <= score <= 10:
                raise SchedulerConfigError(f"{where}.scoringStrategy.requestedToCapacityRatio.shape[{index}]."
                                           "score must be 0..10")
            last = utilization


def build_profiles(raw: dict | None, context: Any = None) -> dict[str, Profile]:
    """The profiles of a KubeSchedulerConfiguration (the default profile when ``raw`` is None)."""
    if raw is None:
        raw = {"apiVersion": API_VERSIONS[0], "kind": "KubeSchedulerConfiguration"}
    if raw.get("kind") != "KubeSchedulerConfiguration" or raw.get("apiVersion") not in API_VERSIONS:
        raise SchedulerConfigError("--scheduler-config: expected apiVersion kubescheduler.config.k8s.io/v1 and "
                                   "kind KubeSchedulerConfiguration")
    profiles_raw = raw.get("profiles") or [{}]
    if not isinstance(profiles_raw, list):
        raise SchedulerConfigError("profiles must be a list")
    out: dict[str, Profile] = {}
    for number, profile_raw in enumerate(profiles_raw):
        where = f"profiles[{number}]"
        if not isinstance(profile_raw, dict):
            raise SchedulerConfigError(f"{where} must be a mapping")
        name = profile_raw.get("schedulerName") or DEFAULT_SCHEDULER
        if name in out:
            raise SchedulerConfigError(f'{where}.schedulerName: duplicate profile "{name}"')
        plugins_raw = profile_raw.get("plugins") or {}
        if not isinstance(plugins_raw, dict):
            raise SchedulerConfigError(f"{where}.plugins must be a mapping")
        unknown = set(plugins_raw) - set(POINTS)
        if unknown:
            raise SchedulerConfigError(f"{where}.plugins: unknown extension point(s) {', '.join(sorted(unknown))}")
        sets = {point: _plugin_set(plugins_raw.get(point), f"{where}.plugins.{point}") for point in POINTS}
        args: dict[str, dict] = {}
        for index, item in enumerate(profile_raw.get("pluginConfig") or []):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise SchedulerConfigError(f"{where}.pluginConfig[{index}] needs a name")
            if item["name"] not in registry.KNOWN:
                raise SchedulerConfigError(f'{where}.pluginConfig[{index}]: unknown plugin "{item["name"]}"')
            plugin_args = item.get("args") or {}
            if not isinstance(plugin_args, dict):
                raise SchedulerConfigError(f"{where}.pluginConfig[{index}].args must be a mapping")
            if item["name"] == "NodeResourcesFit":
                _validate_fit_args(plugin_args, f"{where}.pluginConfig[{index}].args")
            args[item["name"]] = plugin_args
        multi = _merge(list(registry.DEFAULT_PLUGINS), *sets["multiPoint"])
        out[name] = _profile(name, multi, sets, args, context)
    return out


def _points(name: str) -> tuple[str, ...]:
    return IMPLEMENTS.get(name, ())


def _profile(name: str, multi: list[tuple[str, int]], sets: dict, args: dict, context: Any) -> Profile:
    instances: dict[str, Any] = {}

    def instance(plugin: str):
        if plugin not in instances:
            instances[plugin] = registry.MODELLED[plugin](args.get(plugin), context)
        return instances[plugin]

    def expand(point: str) -> list[tuple[str, int]]:
        enabled, disabled = sets[point]
        listed = [(n, w) for n, w in enabled]
        names = {n for n, _ in listed}
        if "*" not in disabled:
            for plugin, weight in multi:
                if point in _points(plugin) and plugin not in disabled and plugin not in names:
                    listed.append((plugin, weight))
                    names.add(plugin)
        return listed

    filters = [instance(n) for n, _ in expand("filter") if n in registry.MODELLED and "filter" in _points(n)]
    scorers = [(instance(n), w or 1) for n, w in expand("score") if n in registry.MODELLED and "score" in _points(n)]
    post = [n for n, _ in expand("postFilter")]
    preemption = args.get("DefaultPreemption", {}) if "DefaultPreemption" in post else None
    unmodelled = sorted({n for n, _ in multi if n in registry.NOT_MODELLED}
                        | {n for point in ("filter", "score") for n, _ in sets[point][0] if n in registry.NOT_MODELLED})
    return Profile(name, filters, scorers, preemption, unmodelled)
