"""A Service whose selector matches the pods of more than one workload.

Traffic is then spread over both, often by accident: blue and green Deployments left live
together, a migration Job that carries the app's labels, two releases of a chart. The
EndpointSlice controller selects by labels only (pkg/controller/endpointslice), so the
Service cannot tell them apart.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import graph
from kubelint.model import Problem, Resource

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for service in g.of_kind("", "Service"):
        found = g.service_pods(service)
        if found is None or len(found[1]) < 2:
            continue
        selector, templates = found
        names = [t.describe() for t in templates]
        shown = " and ".join(names) if len(names) == 2 else ", ".join(names[:4]) + (
            f" and {len(names) - 4} more" if len(names) > 4 else "")
        yield service, Problem(("spec", "selector"), f'Service "{service.name}" selects the pods of '
                               f"{len(templates)} workloads ({selector}): {shown}; traffic is spread over all of "
                               "them", at_key=True,
                               hint="add a label that tells the workloads apart (e.g. app.kubernetes.io/component "
                                    "or a version) to the selector and the pod template you mean")
