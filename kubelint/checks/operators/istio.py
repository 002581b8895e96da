"""Istio: the subsets that VirtualService routes name, and the pods those subsets select.

Upstream: a route's ``destination.subset`` names a subset of the DestinationRule for the
destination's host (pilot/pkg/networking/core/cluster.go builds a cluster per subset of the
DestinationRule; a route to a subset without one has no cluster, and the proxy answers 503 with
NR, "no route"); a subset's ``labels`` select, among the endpoints of the host's Service, the pods
of that version (an empty subset has no healthy upstream, 503 UH). Hosts are resolved as pilot
resolves them (kubelint.crossref.references.istio_host): a short name in the namespace of the
rule that writes it.

A route's subset is judged only when the input holds DestinationRules; a subset's pods only when
the host's Service is in the input and the input shows the pods of its namespace.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import Context
from kubelint.checks.operators.common import named
from kubelint.crossref.graph import Graph, closest, graph
from kubelint.crossref.references import CLUSTER_DOMAIN, destinations, istio_host
from kubelint.k8s import objects as k8s
from kubelint.k8s import selector as selectors
from kubelint.k8s.objects import items, text
from kubelint.model import Problem, Resource, Severity
from kubelint.rules.registry import Rule

ISTIO = "networking.istio.io"


def _fqdn(host: object, namespace: str | None) -> str | None:
    """The host as pilot compares it: the Service's FQDN, or the host as written (ServiceEntry hosts)."""
    target = istio_host(host, namespace)
    if target is not None:
        return f"{target[0]}.{target[1]}.{CLUSTER_DOMAIN}"
    return host if isinstance(host, str) and host else None


def _matches(pattern: str, host: str) -> bool:
    """A DestinationRule host (possibly ``*.ns.svc.cluster.local`` or ``*``) against a destination's."""
    if pattern == host or pattern == "*":
        return True
    return pattern.startswith("*.") and host.endswith(pattern[1:])


def _rules_for(g: Graph, host: str) -> list[Resource]:
    """The DestinationRules for a host, the exact ones first (pilot merges them; a wildcard applies
    when no exact one does)."""
    rules = [(r, _fqdn(k8s.get(r.data, ("spec", "host")), r.namespace)) for r in g.of_kind(ISTIO, "DestinationRule")]
    exact = [r for r, pattern in rules if pattern == host]
    return exact or [r for r, pattern in rules if pattern is not None and _matches(pattern, host)]


def _subsets(rule: Resource) -> list[dict]:
    return [s for s in items(k8s.get(rule.data, ("spec", "subsets"))) if isinstance(s, dict) and text(s.get("name"))]


def subset(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    if g.of_kind(ISTIO, "DestinationRule"):
        for service in named(g.of_kind(ISTIO, "VirtualService")):
            if ctx.reports(service):
                yield from ((service, p) for p in _route_subsets(g, service))
    for destination_rule in named(g.of_kind(ISTIO, "DestinationRule")):
        if ctx.reports(destination_rule):
            yield from ((destination_rule, p) for p in _empty_subsets(g, destination_rule))


def _route_subsets(g: Graph, service: Resource) -> Iterator[Problem]:
    for path, destination in destinations(service):
        name = text(destination.get("subset"))
        host = _fqdn(destination.get("host"), service.namespace)
        if name is None or host is None or "*" in host:
            continue
        rules = _rules_for(g, host)
        if not rules:
            yield Problem(path + ("subset",), f'subset "{name}" of host {host} is defined by no DestinationRule of '
                          "the input: Istio has no cluster for it and answers 503 (NR) for the traffic routed to it",
                          hint=f"add a DestinationRule for host {host} with a subset named {name}, or remove the "
                               "subset")
            continue
        names = [s["name"] for r in rules for s in _subsets(r)]
        if name not in names:
            shown = ", ".join(names) or "none"
            suggestion = closest(name, names)
            yield Problem(path + ("subset",), f'DestinationRule "{rules[0].name}" for host {host} has no subset '
                          f'"{name}" (its subsets: {shown}): Istio answers 503 (NR) for the traffic routed to it'
                          + (f'; did you mean "{suggestion}"?' if suggestion else ""),
                          hint="name one of the DestinationRule's subsets")


def _empty_subsets(g: Graph, rule: Resource) -> Iterator[Problem]:
    """Subsets whose labels select none of the pods of the host's Service."""
    target = istio_host(k8s.get(rule.data, ("spec", "host")), rule.namespace)
    if target is None:
        return
    found = g.get("", "Service", target[1], target[0])
    pods = g.service_pods(found[0]) if found else None
    if pods is None or not pods[1] or not g.judges_namespace(target[1]):
        return
    _, templates = pods
    for index, item in enumerate(items(k8s.get(rule.data, ("spec", "subsets")))):
        labels = item.get("labels") if isinstance(item, dict) else None
        if not isinstance(labels, dict) or not labels:
            continue
        try:
            wanted = selectors.from_map(labels)
        except selectors.SelectorError:
            continue
        if any(wanted.matches(t.labels, t.wildcard) for t in templates):
            continue
        shown = ", ".join(f"{t.describe()} ({', '.join(f'{k}={v}' for k, v in t.labels.items())})"
                          for t in templates[:3])
        yield Problem(("spec", "subsets", index, "labels"), f'subset "{item.get("name")}" selects none of the pods '
                      f'of Service "{target[0]}" ({wanted}; its pods: {shown}): the subset has no endpoints, and '
                      "traffic routed to it fails (503, no healthy upstream)", severity=Severity.WARNING,
                      at_key=True, hint="use the labels of the pod template of that version")
