"""The same object defined twice in one run: same API group, kind, namespace and name.

`kubectl apply` applies both, in order, so the second silently replaces the first; Helm and
Argo CD refuse the bundle. Kinds that moved between groups count as one (an extensions/v1beta1
and an apps/v1 Deployment are the same object), and a missing metadata.namespace is the run's.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import graph
from kubelint.model import Problem, Resource

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for (group, kind, namespace, name), found in g.objects.items():
        if len(found) < 2:
            continue
        first = found[0]
        where = _where(first)
        scope = f' in namespace "{namespace}"' if namespace else ""
        for later in found[1:]:
            yield later, Problem(("metadata", "name"), f'{kind} "{name}"{scope} is defined more than once: the first '
                                 f"definition is at {where}; the later one replaces it when applied",
                                 hint="remove one of them, or rename one")


def _where(resource: Resource) -> str:
    position = resource.document.positions().locate(resource.path + ("metadata", "name"), False)
    line = position[0] if position else resource.document.start_line + 1
    return f"{resource.file}:{line}"
