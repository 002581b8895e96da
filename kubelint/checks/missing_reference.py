"""A reference by name to an object that is neither in the input, nor made by another object of
the input, nor built into Kubernetes, nor declared external; or to a key or port it lacks.

One mechanism for many rules, bound by parameters as kube-linter binds its templates:
``kinds`` are the target kinds (ConfigMap, Secret, ServiceAccount ...; empty: whatever the
sources refer to, for references whose target kind the referring object chooses, like a
scaleTargetRef), ``sources`` the kinds of the referring objects (empty: any; ``workloads``:
every kind with a pod template). The references themselves are extracted once per run by ``kubelint.crossref.references``
and resolved by ``kubelint.crossref.graph.Graph.check_reference``.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import graph
from kubelint.k8s import objects as k8s

PARAMS: dict = {"kinds": [], "sources": []}


def check_run(rule, ctx) -> Iterator:
    g = graph(ctx)
    sources = set()
    for source in rule.params.get("sources") or []:
        sources |= k8s.WORKLOAD_KINDS | {"PodTemplate"} if source == "workloads" else {source}
    kinds = rule.params.get("kinds") or []
    refs = ([ref for kind in kinds for ref in g.references_to(kind)] if kinds else
            [ref for source in sorted(sources) for ref in g.references_from(source)])
    for ref in refs:
        if sources and ref.source.kind not in sources or not ctx.reports(ref.source):
            continue
        for problem in g.check_reference(ref):
            yield ref.source, problem
