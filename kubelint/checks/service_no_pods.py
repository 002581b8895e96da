"""A Service whose selector matches no pod template of its namespace: it has no endpoints.

The EndpointSlice controller (pkg/controller/endpointslice) lists the pods of the Service's
namespace that its selector matches; with none, connections to the Service are refused.
Services without a selector (endpoints managed by hand, ExternalName) are exempt.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import closest, graph
from kubelint.model import Problem, Resource

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for service in g.of_kind("", "Service"):
        found = g.service_pods(service)
        if found is None or found[1]:
            continue
        selector, _ = found
        if not g.judges_namespace(service.namespace) or g.maybe_made_by_operator(service.namespace, selector):
            continue
        message = (f'Service "{service.name}" selects no pods: no pod template in namespace "{service.namespace}" '
                   f"has the labels {selector}; its endpoints stay empty and connections are refused")
        message += near_miss(g, service.namespace, selector)
        yield service, Problem(("spec", "selector"), message, at_key=True,
                               hint="make the selector equal the labels of the pod template it should reach "
                                    "(spec.template.metadata.labels)")


def near_miss(g, namespace, selector) -> str:
    """"; did you mean app=webapp (Deployment/webapp)?" for the first requirement no pod meets."""
    templates = g.in_namespace(namespace)
    for requirement in selector.requirements:
        if any(requirement.matches(t.labels, t.wildcard) for t in templates):
            continue
        if requirement.operator != "In" or len(requirement.values) != 1:
            return ""
        wanted = next(iter(requirement.values))
        values = {t.labels[requirement.key]: t for t in templates if requirement.key in t.labels}
        suggestion = closest(wanted, values)
        if suggestion is not None:
            return f"; did you mean {requirement.key}={suggestion} ({values[suggestion].describe()})?"
        keys = {key: t for t in templates for key, value in t.labels.items() if value == wanted}
        suggestion = closest(requirement.key, keys)
        if suggestion is not None:
            return f"; did you mean {suggestion}={wanted} ({keys[suggestion].describe()})?"
        elsewhere = [t for t in g.with_label(requirement.key, wanted) if t.namespace != namespace]
        if elsewhere:
            return (f" ({elsewhere[0].describe()} in namespace \"{elsewhere[0].namespace}\" has it, but a Service "
                    "selects pods of its own namespace only)")
        return ""
    return ""
