"""Container resource requests and limits, as the API server and LimitRanger default them.

A container that sets a limit but no request gets the limit as its request (the API server's
defaulting, pkg/apis/core/v1/defaults.go SetDefaults_Pod), and a LimitRange of type Container in
the namespace fills in ``defaultRequest`` and ``default`` (plugin/pkg/admission/limitranger), so
neither case is reported. Init and regular containers are checked; ephemeral containers cannot
set resources.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Problem, Resource

PARAMS = {"requests": [], "limits": []}
KINDS = k8s.POD_SPEC_KINDS

_WHY = {
    ("request", "cpu"): "the scheduler places it as if it needed no CPU, and it gets the smallest CPU share "
                        "under contention",
    ("request", "memory"): "the scheduler places it as if it needed no memory, and it is among the first "
                           "evicted under memory pressure",
    ("limit", "memory"): "it can use all of the node's memory and get other pods killed",
    ("limit", "cpu"): "it can use all idle CPU of the node",
    ("request", "ephemeral-storage"): "the scheduler ignores its disk use",
    ("limit", "ephemeral-storage"): "it can fill the node's disk, and get pods evicted",
}


class _LimitRangeDefaults:
    """What LimitRanges of type Container default, per namespace: (requests, limits) resource names."""

    def __init__(self, resources: list[Resource]):
        self.requests: dict[str | None, set[str]] = defaultdict(set)
        self.limits: dict[str | None, set[str]] = defaultdict(set)
        for resource in resources:
            if resource.kind != "LimitRange" or resource.group != "":
                continue
            items = k8s.get(resource.data, ("spec", "limits"))
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict) or item.get("type") != "Container":
                    continue
                for field, target in (("default", self.limits), ("default", self.requests),
                                      ("defaultRequest", self.requests)):
                    values = item.get(field)
                    if isinstance(values, dict):
                        target[resource.namespace].update(values)


def _defaults(ctx) -> _LimitRangeDefaults:
    found = ctx.cache.get("limitrange-defaults")
    if found is None:
        found = ctx.cache["limitrange-defaults"] = _LimitRangeDefaults(ctx.resources)
    return found


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    defaults = _defaults(ctx)
    defaulted_requests = defaults.requests.get(resource.namespace, ())
    defaulted_limits = defaults.limits.get(resource.namespace, ())
    for container_path, container in k8s.containers(spec, path, ("initContainers", "containers")):
        resources = container.get("resources")
        resources = resources if isinstance(resources, dict) else {}
        requests = resources.get("requests") if isinstance(resources.get("requests"), dict) else {}
        limits = resources.get("limits") if isinstance(resources.get("limits"), dict) else {}
        name = container.get("name")
        who = f'container "{name}"' if isinstance(name, str) else "a container"
        for resource_name in rule.params["requests"]:
            if resource_name in requests or resource_name in limits or resource_name in defaulted_requests:
                continue
            yield Problem(container_path + ("resources", "requests"),
                          f"{who} has no {resource_name} request: {_WHY[('request', resource_name)]}",
                          hint=f"set resources.requests.{resource_name} to what it typically uses", at_key=True)
        for resource_name in rule.params["limits"]:
            if resource_name in limits or resource_name in defaulted_limits:
                continue
            yield Problem(container_path + ("resources", "limits"),
                          f"{who} has no {resource_name} limit: {_WHY[('limit', resource_name)]}",
                          hint=f"set resources.limits.{resource_name} (for memory, often equal to the request)",
                          at_key=True)
