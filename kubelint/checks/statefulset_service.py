"""A StatefulSet whose serviceName names no Service, or one that is not headless.

The governing Service gives each pod its stable DNS name (pod-0.<service>.<namespace>.svc);
that needs a headless Service (clusterIP: None) of the same namespace (the StatefulSet docs,
"Stable Network ID"). The StatefulSet controller does not create it.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import graph
from kubelint.k8s import objects as k8s
from kubelint.model import Problem, Resource

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for ref in g.references_from("StatefulSet"):
        if ref.kind != "Service":
            continue
        problems = list(g.check_reference(ref))
        for problem in problems:
            yield ref.source, problem
        if problems:
            continue
        known = g.find("", "Service", ref.namespace, ref.name)
        if known is None or known.origin != "input":
            continue
        cluster_ip = k8s.get(known.resource.data, ("spec", "clusterIP"))
        if cluster_ip != "None":
            yield ref.source, Problem(ref.path, f'Service "{ref.name}" is not headless (it has no clusterIP: None): '
                                      "the StatefulSet's pods get no stable per-pod DNS names",
                                      hint=f'set clusterIP: None in Service "{ref.name}" (or add a second, headless '
                                           "Service for the StatefulSet)")
