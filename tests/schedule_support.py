"""Builders for scheduler tests, in the spirit of upstream's st.MakeNode() / st.MakePod()
(pkg/scheduler/testing/wrappers.go): plain manifests in, a simulated cluster out."""

from __future__ import annotations

from typing import Any

import numpy as np

from kubelint.model import Document, Resource, Source
from kubelint.schedule import pods as pods_module
from kubelint.schedule.framework import SUCCESS, Status, filter_one
from kubelint.schedule.scheduler import simulate


def resource(data: dict, file: str = "test.yaml") -> Resource:
    document = Document(Source(file, ""), 0, 0, "", data)
    metadata = data.get("metadata") or {}
    return Resource(document, (), data, data["apiVersion"], data["kind"], metadata.get("name"),
                    metadata.get("namespace"))


def node(name: str, labels: dict | None = None, *, taints=(), allocatable: dict | None = None,
         capacity: dict | None = None, unschedulable: bool = False, hostname: bool = False) -> dict:
    labels = dict(labels or {})
    if hostname:
        labels.setdefault("kubernetes.io/hostname", name)
    status: dict[str, Any] = {}
    if allocatable is not None:
        status["allocatable"] = allocatable
    if capacity is not None:
        status["capacity"] = capacity
    if allocatable is None and capacity is None:
        status["allocatable"] = {"cpu": "100", "memory": "1Ti", "pods": "110"}
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = [dict(zip(("key", "value", "effect"), t)) if isinstance(t, tuple) else t for t in taints]
    if unschedulable:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}, "spec": spec,
            "status": status}


def container(name: str = "c", requests: dict | None = None, limits: dict | None = None, ports=None,
              restart_policy: str | None = None) -> dict:
    out: dict[str, Any] = {"name": name, "image": "registry.example/app:1"}
    resources = {}
    if requests:
        resources["requests"] = requests
    if limits:
        resources["limits"] = limits
    if resources:
        out["resources"] = resources
    if ports:
        out["ports"] = ports
    if restart_policy:
        out["restartPolicy"] = restart_policy
    return out


def pod(name: str = "p", *, node: str | None = None, namespace: str = "default", labels: dict | None = None,
        requests: dict | None = None, limits: dict | None = None, containers: list | None = None,
        init_containers: list | None = None, **spec_fields) -> dict:
    spec: dict[str, Any] = {"containers": containers or [container(requests=requests, limits=limits)]}
    if init_containers:
        spec["initContainers"] = init_containers
    if node:
        spec["nodeName"] = node
    for key, value in spec_fields.items():
        parts = key.split("_")
        spec[parts[0] + "".join(p.title() for p in parts[1:])] = value
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels or {})}, "spec": spec}


def spread(max_skew: int, key: str, when: str, selector: dict | None, **extra) -> dict:
    out = {"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": when}
    if selector is not None:
        out["labelSelector"] = selector
    out.update(extra)
    return out


EXISTS_FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
EXISTS_BAR = {"matchExpressions": [{"key": "bar", "operator": "Exists"}]}


class World:
    """A simulated cluster: nodes, pods already bound to them (spec.nodeName), other objects."""

    def __init__(self, nodes: list[dict], existing: list[dict] = (), objects: list[dict] = (), *,
                 kube_version: str = "1.36", config: dict | None = None):
        self.node_resources = [resource(n) for n in nodes]
        self.other = [resource(p) for p in existing] + [resource(o) for o in objects]
        self.sim = simulate(self.other, self.node_resources, kube_version=kube_version, scheduler_config=config)
        self.scheduler = self.sim.scheduler
        self.cluster = self.sim.cluster

    def pod(self, data: dict):
        expansion = pods_module.expand([resource(data)], self.scheduler.admission)
        pod = expansion.workloads[0].pods[0]
        pod.affinity = pods_module.resolve_affinity(pod)
        return pod

    def cycle(self, data: dict):
        cycle = self.scheduler.cycle(self.pod(data))
        for plugin in cycle.profile.filters:
            plugin.pre_filter(cycle)
        return cycle

    def filter(self, plugin_name: str, data: dict) -> dict[str, Status]:
        """Every node's status from one filter plugin (after every PreFilter), by node name."""
        cycle = self.cycle(data)
        plugin = cycle.profile.plugin(plugin_name)
        return {self.cluster.names[i]: filter_one(plugin, cycle, i) for i in range(self.cluster.n)}

    def fits(self, plugin_name: str, data: dict) -> dict[str, bool]:
        return {name: status == SUCCESS for name, status in self.filter(plugin_name, data).items()}

    def scores(self, plugin_name: str, data: dict, feasible: list[str] | None = None,
               normalized: bool = True) -> dict[str, int]:
        """One score plugin's (normalized) scores over the feasible nodes (default: all)."""
        cycle = self.cycle(data)
        plugin = cycle.profile.plugin(plugin_name)
        names = feasible if feasible is not None else self.cluster.names
        nodes = np.array(sorted(self.cluster.index[n] for n in names), dtype=np.int64)
        if not plugin.pre_score(cycle, nodes):
            return {self.cluster.names[i]: 0 for i in nodes.tolist()}
        raw = plugin.score(cycle, nodes)
        values = plugin.normalize(cycle, nodes, raw) if normalized else raw
        return {self.cluster.names[i]: int(v) for i, v in zip(nodes.tolist(), values)}

    def schedule(self, data: dict):
        return self.scheduler.attempt(self.pod(data))
