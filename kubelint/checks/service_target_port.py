"""A Service targetPort that the pods it selects do not declare.

Upstream: FindPort (pkg/api/v1/pod/util.go), used by the EndpointSlice controller: a named
targetPort resolves to the container port of that name and protocol in the pod's containers
(and sidecar init containers); a pod without it gets no endpoint for the port. A numeric
targetPort is used as it is: containerPorts are informational, so a number that no selected
container declares is only a hint that the Service and the pods disagree. targetPort
defaults to port.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import closest, graph
from kubelint.k8s import objects as k8s
from kubelint.k8s.objects import items
from kubelint.model import Problem, Resource, Severity

PARAMS: dict = {}


def declared_ports(template) -> list[tuple[object, object, str]]:
    """(name, containerPort, protocol) of the containers FindPort looks at."""
    out = []
    spec = template.spec
    for path, container in k8s.containers(spec, template.spec_path, ("containers", "initContainers")):
        if path[-2] == "initContainers" and container.get("restartPolicy") != "Always":
            continue
        for port in items(container.get("ports")):
            if isinstance(port, dict):
                out.append((port.get("name"), port.get("containerPort"), port.get("protocol") or "TCP"))
    return out


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    ports_of: dict[int, list] = {}
    for service in g.of_kind("", "Service"):
        found = g.service_pods(service)
        if found is None or not found[1]:
            continue
        templates = found[1]
        ports = k8s.get(service.data, ("spec", "ports"))
        for index, port in enumerate(ports if isinstance(ports, list) else []):
            if not isinstance(port, dict):
                continue
            protocol = port.get("protocol") or "TCP"
            explicit = "targetPort" in port and port["targetPort"] is not None
            target = port["targetPort"] if explicit else port.get("port")
            path = ("spec", "ports", index, "targetPort" if explicit else "port")
            declared = {}
            for template in templates:
                if id(template) not in ports_of:
                    ports_of[id(template)] = declared_ports(template)
                declared[id(template)] = ports_of[id(template)]
            if isinstance(target, str) and not target.isdigit():
                yield from _named(service, path, target, protocol, templates, declared)
            elif isinstance(target, (int, str)) and not isinstance(target, bool):
                yield from _numbered(service, path, int(target), protocol, explicit, templates, declared)


def _listing(templates, declared) -> str:
    parts = []
    for template in templates[:3]:
        ports = ", ".join(f"{name}={number}/{proto}" if isinstance(name, str) and name else f"{number}/{proto}"
                          for name, number, proto in declared[id(template)]) or "none"
        parts.append(f"{template.describe()} declares {ports}")
    return "; ".join(parts)


def _named(service, path, target, protocol, templates, declared):
    having = [t for t in templates if any(n == target and p == protocol for n, _, p in declared[id(t)])]
    if len(having) == len(templates):
        return
    if having:
        missing = [t.describe() for t in templates if t not in having]
        yield service, Problem(path, f'targetPort "{target}": the port name is declared by '
                               f'{having[0].describe()} but not by {", ".join(missing)}, which the Service also '
                               "selects: those pods get no endpoint for this port",
                               severity=Severity.WARNING, hint="declare the named port in every selected pod template")
        return
    names = {n for t in templates for n, _, p in declared[id(t)] if isinstance(n, str)}
    suggestion = closest(target, names)
    message = (f'targetPort "{target}" is not a {protocol} port name of the pods the Service selects '
               f"({_listing(templates, declared)}): the Service has no endpoints for port {_port_of(service, path)}")
    if suggestion:
        message += f'; did you mean "{suggestion}"?'
    elif any(n == target for t in templates for n, _, _ in declared[id(t)]):
        message += " (a port of that name exists with another protocol)"
    yield service, Problem(path, message, hint="name the container port (ports[].name) the Service should "
                                                "reach, or use its number")


def _numbered(service, path, target, protocol, explicit, templates, declared):
    if not all(declared[id(t)] for t in templates):
        return   # a pod that declares no ports may listen anywhere
    if any(number == target and p == protocol for t in templates for _, number, p in declared[id(t)]):
        return
    implicit = "" if explicit else " (targetPort defaults to port)"
    yield service, Problem(path, f"targetPort {target}{implicit} is not among the {protocol} containerPorts of the "
                           f"pods the Service selects ({_listing(templates, declared)}): check that the "
                           "container listens on it", severity=Severity.INFO,
                           hint="set targetPort to the container port (or its name)")


def _port_of(service, path) -> str:
    port = k8s.get(service.data, path[:-1] + ("port",))
    return str(port)
