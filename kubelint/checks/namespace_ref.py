"""Objects in a namespace that nothing creates, and cluster-scoped objects that name one.

When the input declares Namespaces, it is meant to be applied to a fresh cluster or a
whole environment: an object in a namespace that is neither declared, nor built in
(default, kube-system, kube-public, kube-node-lease), nor declared external fails with
`namespaces "x" not found`. Objects that set no namespace take the one chosen at apply time
and are exempt. A cluster-scoped object's metadata.namespace is dropped by the API server
(rest.BeforeCreate clears it), which usually means the object was meant to be another kind.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import closest, graph
from kubelint.k8s import objects as k8s
from kubelint.model import Problem, Resource

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    declared = {r.name for r in g.of_kind("", "Namespace") if r.name}
    checking = bool(declared) or g.external.declares_kind("", "Namespace")
    for resource in g.resources:
        if resource.namespace is not None and not checking:
            continue
        written = k8s.get(resource.data, ("metadata", "namespace"))
        if not isinstance(written, str) or not written:
            continue
        if resource.namespace is None:
            yield resource, Problem(("metadata", "namespace"), f"{resource.kind} is cluster-scoped: the API server "
                                    "ignores metadata.namespace", hint="remove metadata.namespace")
            continue
        if not checking or written in declared or g.find("", "Namespace", None, written) is not None:
            continue
        suggestion = closest(written, declared)
        message = f'namespace "{written}" is not declared in the input (it declares {_listing(declared)})'
        message += f'; did you mean "{suggestion}"?' if suggestion else ": applying fails with namespaces not found"
        yield resource, Problem(("metadata", "namespace"), message,
                                hint=f"add a Namespace named {written} to the input, or, if it exists already, "
                                     f'declare it in .kubelint.yaml: external: ["Namespace/{written}"]')


def _listing(names: set[str]) -> str:
    shown = sorted(names)
    return ", ".join(shown[:5]) + (", ..." if len(shown) > 5 else "")
