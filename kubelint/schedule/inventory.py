"""The node inventory: real v1 Node objects (and the NodeList `kubectl get nodes -o yaml` prints)
and the compact kubelint.io/v1alpha1 NodePool form for clusters that do not exist yet.

A Node contributes its labels, taints, spec.unschedulable and status.allocatable. When
status.allocatable is absent the API server defaults it to status.capacity
(pkg/apis/core/v1/defaults.go, SetDefaults_NodeStatus), so kubelint does the same.

A NodePool expands into ``count`` nodes ``<name>-0 .. <name>-N`` with the labels the kubelet
and the cloud provider set (kubernetes.io/hostname, kubernetes.io/os, kubernetes.io/arch and
their beta.kubernetes.io twins, topology.kubernetes.io/zone round-robin over ``zones``,
topology.kubernetes.io/region), plus the pool's own labels and taints. ``pods`` defaults to
110, the kubelet's default --max-pods.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s import quantity
from kubelint.load.sources import discover
from kubelint.model import Problem, Resource
from kubelint.schedule.selectors import Taint
from kubelint.schema.nodepool import NODEPOOL_GROUP

DEFAULT_MAX_PODS = 110

ZONE_LABEL = "topology.kubernetes.io/zone"
REGION_LABEL = "topology.kubernetes.io/region"
HOSTNAME_LABEL = "kubernetes.io/hostname"


@dataclass(eq=False)
class Node:
    """One node as the scheduler sees it. ``allocatable`` holds cpu in millicores, the rest in units."""

    name: str
    labels: dict[str, str] = field(default_factory=dict)
    taints: tuple[Taint, ...] = ()
    unschedulable: bool = False
    allocatable: dict[str, int] = field(default_factory=dict)
    resource: Resource | None = None
    pool: str | None = None
    #: status.images: every name of an image on the node, with the image's size in bytes
    images: dict[str, int] = field(default_factory=dict)

    @property
    def zone(self) -> str | None:
        return self.labels.get(ZONE_LABEL)

    def __repr__(self) -> str:
        return f"Node({self.name})"


@dataclass
class Inventory:
    nodes: list[Node]
    problems: list[tuple[Resource, Problem]]


def resource_amounts(raw: Any) -> dict[str, int]:
    """A ResourceList as the scheduler reads it: cpu in millicores (MilliValue), the rest Value().
    Entries that are not quantities are skipped (schema validation reports them)."""
    out: dict[str, int] = {}
    if not isinstance(raw, dict):
        return out
    for name, amount in raw.items():
        try:
            out[str(name)] = quantity.milli_value(amount) if name == "cpu" else quantity.value(amount)
        except quantity.QuantityError:
            continue
    return out


def taints_of(raw: Any) -> tuple[Taint, ...]:
    out = []
    for item in raw or []:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            out.append(Taint(item["key"], str(item.get("value") or ""), str(item.get("effect") or "")))
    return tuple(out)


def is_node(resource: Resource) -> bool:
    return resource.kind == "Node" and resource.group == ""


def is_pool(resource: Resource) -> bool:
    return resource.kind == "NodePool" and resource.group == NODEPOOL_GROUP


def load(resources: list[Resource]) -> Inventory:
    """Nodes from every Node and NodePool among ``resources``, sorted by name, with the problems found."""
    nodes: list[Node] = []
    problems: list[tuple[Resource, Problem]] = []
    origin: dict[str, Resource] = {}
    for resource in resources:
        if is_node(resource):
            found, issues = [node_from_object(resource)], []
            if found[0] is None:
                found, issues = [], [Problem(("metadata",), "a Node needs metadata.name", rule="inventory-invalid",
                                             at_key=True)]
            else:
                issues = list(_node_problems(resource, found[0]))
        elif is_pool(resource):
            found, issues = expand_pool(resource)
        else:
            continue
        problems.extend((resource, p) for p in issues)
        for node in found:
            if node.name in origin:
                first = origin[node.name]
                where = f"{first.file}" if first.file != resource.file else "this file"
                problems.append((resource, Problem(("metadata", "name"), f'node "{node.name}" is declared twice '
                                                   f"(also by {first.kind}/{first.name} in {where}); only the first "
                                                   "is used", rule="inventory-invalid",
                                                   hint="give every node a unique name")))
                continue
            origin[node.name] = resource
            nodes.append(node)
    nodes.sort(key=lambda n: n.name)
    return Inventory(nodes, problems)


def node_from_object(resource: Resource) -> Node | None:
    data = resource.data
    name = k8s.get(data, ("metadata", "name"))
    if not isinstance(name, str) or not name:
        return None
    labels = k8s.get(data, ("metadata", "labels"))
    labels = {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
    status = data.get("status") if isinstance(data.get("status"), dict) else {}
    allocatable = status.get("allocatable")
    if allocatable is None:
        allocatable = status.get("capacity")
    images: dict[str, int] = {}
    for image in status.get("images") or []:
        if not isinstance(image, dict):
            continue
        size = image.get("sizeBytes")
        size = size if isinstance(size, int) and not isinstance(size, bool) else 0
        for image_name in image.get("names") or []:
            if isinstance(image_name, str):
                images[image_name] = size
    return Node(name=name, labels=labels, taints=taints_of(k8s.get(data, ("spec", "taints"))),
                unschedulable=k8s.get(data, ("spec", "unschedulable")) is True,
                allocatable=resource_amounts(allocatable), resource=resource, images=images)


def _node_problems(resource: Resource, node: Node) -> Iterator[Problem]:
    status = resource.data.get("status") if isinstance(resource.data.get("status"), dict) else {}
    if status.get("allocatable") is None and status.get("capacity") is None:
        yield Problem(("metadata", "name"), f'node "{node.name}" declares neither status.allocatable nor '
                      "status.capacity: no pod can be placed on it", rule="inventory-invalid",
                      hint="copy the node from `kubectl get nodes -o yaml`, or add status.allocatable "
                           "(cpu, memory, pods)")
    elif "pods" not in node.allocatable and isinstance(status.get("allocatable", status.get("capacity")), dict):
        key = "allocatable" if status.get("allocatable") is not None else "capacity"
        yield Problem(("status", key), f'node "{node.name}" has no "pods" in status.{key}: the scheduler '
                      "allows 0 pods on it", rule="inventory-invalid", at_key=True,
                      hint='add pods: "110" (the kubelet\'s default --max-pods)')


def expand_pool(resource: Resource) -> tuple[list[Node], list[Problem]]:
    """The nodes of a NodePool. Problems the schema cannot express are returned with the nodes."""
    data = resource.data
    problems: list[Problem] = []
    prefix = resource.name
    spec = data.get("spec")
    if not isinstance(prefix, str) or not prefix or not isinstance(spec, dict):
        return [], problems  # schema findings say what is missing
    count = spec.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return [], problems
    zones = [str(z) for z in spec.get("zones") or [] if isinstance(z, (str, int))]
    region = spec.get("region")
    labels = spec.get("labels") if isinstance(spec.get("labels"), dict) else {}
    for key, value in labels.items():
        for error in k8s.qualified_name_errors(str(key)):
            problems.append(Problem(("spec", "labels", key), f'label key "{key}": {error}', rule="inventory-invalid",
                                    at_key=True))
        for error in k8s.label_value_errors(str(value)):
            problems.append(Problem(("spec", "labels", key), f'label "{key}": invalid value "{value}": {error}',
                                    rule="inventory-invalid"))
    for index, zone in enumerate(zones):
        for error in k8s.label_value_errors(zone):
            problems.append(Problem(("spec", "zones", index), f'zone "{zone}" is not a valid label value: {error}',
                                    rule="inventory-invalid"))
    taints = taints_of(spec.get("taints"))   # the schema reports effects other than the three
    allocatable = resource_amounts(spec.get("allocatable"))   # the schema reports values that are no quantities
    allocatable.setdefault("pods", DEFAULT_MAX_PODS)
    nodes = []
    for i in range(count):
        name = f"{prefix}-{i}"
        node_labels = {
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
        }
        node_labels.update({str(k): str(v) for k, v in labels.items()})
        node_labels["beta.kubernetes.io/os"] = node_labels["kubernetes.io/os"]
        node_labels["beta.kubernetes.io/arch"] = node_labels["kubernetes.io/arch"]
        node_labels[HOSTNAME_LABEL] = name
        if zones:
            node_labels[ZONE_LABEL] = zones[i % len(zones)]
        if isinstance(region, str) and region:
            node_labels[REGION_LABEL] = region
        nodes.append(Node(name=name, labels=node_labels, taints=taints,
                          unschedulable=spec.get("unschedulable") is True, allocatable=dict(allocatable),
                          resource=resource, pool=prefix))
    return nodes, problems


def inventory_resources(resources: list[Resource], paths: list[str]) -> list[Resource]:
    """The resources read from the ``--nodes`` paths."""
    files = {os.path.normpath(f) for f in discover(list(paths))}
    return [r for r in resources if os.path.normpath(r.file) in files]
