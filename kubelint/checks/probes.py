"""Readiness and liveness probes: missing, identical, or aimed at a port the container does not name.

A rule's ``check`` names one of: ``readiness`` (a long-running workload that a Service of the input
sends traffic to, with no readiness probe on any container, as kube-score's pod-probes decides),
``liveness`` (a long-running workload with no liveness probe), ``identical`` (a container whose
readiness and liveness probes run the same handler) and ``port`` (a probe or lifecycle hook that
names a port the container does not declare: the kubelet resolves a named port against the
container's own ports, pkg/kubelet/prober and pkg/kubelet/container/helpers.go, and fails).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import CheckSet, Context
from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Path, Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": ""}
CHECKS = CheckSet()

#: Workloads whose pods run until replaced: Jobs and CronJobs run to completion, bare Pods are
#: usually one-offs.
LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"})
PROBES = k8s.PROBES


@CHECKS("readiness", kinds=LONG_RUNNING)
def readiness(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is not None:
        yield from _missing(resource, *found, "readinessProbe", ctx)


@CHECKS("liveness", kinds=LONG_RUNNING)
def liveness(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is not None:
        yield from _missing(resource, *found, "livenessProbe", ctx)


@CHECKS("identical", kinds=k8s.POD_SPEC_KINDS)
def identical(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    for container_path, container in k8s.containers(spec, path, ("containers",)):
        readiness, liveness = container.get("readinessProbe"), container.get("livenessProbe")
        if isinstance(readiness, dict) and isinstance(liveness, dict) and \
                _handler(readiness) is not None and _handler(readiness) == _handler(liveness) and \
                _time_to_fail(liveness) <= _time_to_fail(readiness):
            yield Problem(container_path + ("livenessProbe",),
                          f'container "{container.get("name")}": the liveness probe runs the same check as '
                          "the readiness probe and fails as soon as it, so a container that is only busy or "
                          "waiting for a dependency is restarted instead of being taken out of the Service",
                          hint="give the liveness probe a check of its own (or none), or let it fail later "
                               "than the readiness probe (a higher failureThreshold or periodSeconds)",
                          at_key=True)


@CHECKS("port", kinds=k8s.POD_SPEC_KINDS)
def port(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    for container_path, container in k8s.containers(spec, path, ("initContainers", "containers")):
        yield from _undeclared_ports(container_path, container)


def _missing(resource: Resource, path: Path, spec: dict, probe: str, ctx: Context) -> Iterator[Problem]:
    containers = list(k8s.containers(spec, path, ("containers",)))
    sidecars = [c for _, c in k8s.containers(spec, path, ("initContainers",)) if c.get("restartPolicy") == "Always"]
    if not containers or any(isinstance(c.get(probe), dict) for _, c in containers) or \
            any(isinstance(c.get(probe), dict) for c in sidecars):
        return
    if probe == "readinessProbe":
        services = workloads.coverage(ctx).services_for(resource)
        if not services:
            return  # no traffic is sent to it by a Service of the input: readiness gates nothing we can see
        unique = sorted({f"Service/{s.name}" for s in services})
        names = ", ".join(unique[:3]) + (f" and {len(unique) - 3} more" if len(unique) > 3 else "")
        yield Problem(path + ("containers",),
                      f"no container has a readiness probe, so {names} sends traffic to pods that have not "
                      "finished starting, and rollouts proceed even when new pods do not work",
                      at_key=True, hint="add a readinessProbe (httpGet on a health endpoint, or tcpSocket) to "
                                        "the serving container")
    else:
        yield Problem(path + ("containers",),
                      "no container has a liveness probe, so a deadlocked process is never restarted",
                      at_key=True, hint="add a livenessProbe that fails only when the process cannot recover")


def _time_to_fail(probe: dict) -> int:
    """Seconds of failures before the kubelet acts: failureThreshold x periodSeconds (defaults 3 x 10)."""
    threshold, period = probe.get("failureThreshold", 3), probe.get("periodSeconds", 10)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (threshold, period)):
        return 0
    return threshold * period


def _handler(probe: dict):
    """What a probe runs, without its timing: the part that makes two probes 'the same check'."""
    for action in ("httpGet", "tcpSocket", "grpc", "exec"):
        value = probe.get(action)
        if isinstance(value, dict):
            if action == "httpGet":
                return action, value.get("path", "/"), value.get("port"), value.get("host"), value.get("scheme")
            if action == "exec":
                command = value.get("command")
                return action, tuple(command) if isinstance(command, list) else None
            return action, value.get("port"), value.get("service")
    return None


def _undeclared_ports(container_path: Path, container: dict) -> Iterator[Problem]:
    ports = container.get("ports")
    declared = {p.get("name") for p in (ports if isinstance(ports, list) else []) if isinstance(p, dict)}
    for where, handler in k8s.container_handlers(container):
        for action in ("httpGet", "tcpSocket"):
            target = handler.get(action)
            port = target.get("port") if isinstance(target, dict) else None
            if isinstance(port, str) and not port.isdigit() and port not in declared:
                known = ", ".join(sorted(n for n in declared if isinstance(n, str))) or "none"
                yield Problem(container_path + where + (action, "port"),
                              f'container "{container.get("name")}": {where[-1]} {action} port "{port}" is not '
                              f"a port name of this container (declared: {known}), so it always fails",
                              hint="name the port in the container's ports, or use the port number")
