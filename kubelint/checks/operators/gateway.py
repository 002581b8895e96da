"""Gateway API: whether a Gateway's listeners let a route attach, and cross-namespace references
that need a ReferenceGrant.

Upstream (the Gateway API spec, sigs.k8s.io/gateway-api/apis/v1): a listener's
``allowedRoutes.namespaces.from`` is ``Same`` by default (routes of the Gateway's namespace only),
``All``, or ``Selector`` (namespaces whose labels its ``selector`` selects); its
``allowedRoutes.kinds`` lists the route kinds it takes, by default the ones its protocol serves
(HTTP and HTTPS: HTTPRoute and GRPCRoute; TLS: TLSRoute; TCP: TCPRoute; UDP: UDPRoute). A route
none of whose parent's listeners accept it is not attached (Accepted: False, NotAllowedByListeners).
A reference to an object of another namespace, a route's backendRef or a Gateway's certificateRef,
is honoured only if a ReferenceGrant in that namespace permits it (ResolvedRefs: False,
RefNotPermitted otherwise).
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.checks import Context
from kubelint.checks.operators.common import named, selects_namespace
from kubelint.crossref.graph import graph
from kubelint.crossref.references import GATEWAY_GROUP, ROUTE_KINDS
from kubelint.k8s import objects as k8s
from kubelint.k8s.objects import integer, items, text
from kubelint.model import Path, Problem, Resource
from kubelint.rules.registry import Rule

#: the route kinds a listener of each protocol takes when its allowedRoutes.kinds is not set
PROTOCOL_KINDS = {"HTTP": {"HTTPRoute", "GRPCRoute"}, "HTTPS": {"HTTPRoute", "GRPCRoute"}, "TLS": {"TLSRoute"},
                  "TCP": {"TCPRoute"}, "UDP": {"UDPRoute"}}


def route_attachment(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for kind in ROUTE_KINDS:
        for route in named(g.of_kind(GATEWAY_GROUP, kind)):
            if not ctx.reports(route):
                continue
            for index, parent in enumerate(items(k8s.get(route.data, ("spec", "parentRefs")))):
                if not isinstance(parent, dict) or not text(parent.get("name")) or \
                        (parent.get("group", GATEWAY_GROUP), parent.get("kind", "Gateway")) != (GATEWAY_GROUP, "Gateway"):
                    continue
                namespace = text(parent.get("namespace")) or route.namespace
                found = g.get(GATEWAY_GROUP, "Gateway", namespace, parent["name"])
                if found:
                    problem = _attachment(route, found[0], parent, ("spec", "parentRefs", index), ctx)
                    if problem is not None:
                        yield route, problem


def _attachment(route: Resource, gateway: Resource, parent: dict, path: Path, ctx: Context) -> Problem | None:
    listeners = [item for item in items(k8s.get(gateway.data, ("spec", "listeners"))) if isinstance(item, dict)]
    section, port = text(parent.get("sectionName")), integer(parent.get("port"))
    listeners = [item for item in listeners if (section is None or item.get("name") == section)
                 and (port is None or item.get("port") == port)]
    if not listeners:
        return None   # no such listener: gateway-route-ref says so
    reasons = []
    for listener in listeners:
        reason = _refusal(listener, route, gateway, ctx)
        if reason is None:
            return None   # accepted, or it cannot be known
        reasons.append(f'listener "{listener.get("name")}" {reason}')
    return Problem(path + ("name",), f'Gateway "{gateway.name}" does not let this {route.kind} attach: '
                   f"{'; '.join(reasons)}; the route is not accepted (NotAllowedByListeners) and its traffic is "
                   "never served", hint="change the listener's allowedRoutes, or attach the route to a listener "
                                        "that takes it")


def _refusal(listener: dict, route: Resource, gateway: Resource, ctx: Context) -> str | None:
    """Why a listener refuses a route, or None when it accepts it (or that cannot be known)."""
    allowed = listener.get("allowedRoutes") if isinstance(listener.get("allowedRoutes"), dict) else {}
    namespaces = allowed.get("namespaces") if isinstance(allowed.get("namespaces"), dict) else {}
    source = namespaces.get("from", "Same")
    if source == "Same" and route.namespace != gateway.namespace:
        return (f'takes routes of its own namespace "{gateway.namespace}" only (allowedRoutes.namespaces.from: '
                f'Same), and the route is in "{route.namespace}"')
    if source == "Selector":
        verdict = selects_namespace(namespaces.get("selector"), route.namespace, ctx)
        if verdict is None:
            return None
        if not verdict:
            return f'takes routes of the namespaces its allowedRoutes selector selects, not of "{route.namespace}"'
    elif source not in ("Same", "All"):
        return None
    kinds = allowed.get("kinds")
    if isinstance(kinds, list) and kinds:
        accepted = {k.get("kind") for k in kinds if isinstance(k, dict) and k.get("group", GATEWAY_GROUP) == GATEWAY_GROUP}
        if route.kind not in accepted:
            return f"takes {', '.join(sorted(str(k) for k in accepted)) or 'no'} routes (allowedRoutes.kinds)"
        return None
    protocol = listener.get("protocol")
    served = PROTOCOL_KINDS.get(protocol) if isinstance(protocol, str) else None
    if served is not None and route.kind not in served:
        return f"is a {protocol} listener, which takes {' and '.join(sorted(served))} routes"
    return None


# --- ReferenceGrant ------------------------------------------------------------------------------

REFUSED = {"Service": "requests sent to this backend fail with 500",
           "Secret": "the listener is not programmed and TLS on it fails"}


def reference_grant(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    grants = g.of_kind(GATEWAY_GROUP, "ReferenceGrant")
    for source_kind in (*ROUTE_KINDS, "Gateway"):
        for ref in g.references_from(source_kind):
            source = ref.source
            if ref.namespace == source.namespace or ref.kind not in ("Service", "Secret") or not ctx.reports(source):
                continue
            if source.group != GATEWAY_GROUP or not g.get(ref.group, ref.kind, ref.namespace, ref.name):
                continue   # a missing target is gateway-route-ref's or secret-ref's business
            if any(_permits(grant, source, ref.kind, ref.name, ref.namespace) for grant in grants):
                continue
            yield source, Problem(ref.path[:-1] + ("namespace",),
                                  f'{ref.kind} "{ref.name}" is in namespace "{ref.namespace}", and no ReferenceGrant '
                                  f"of the input there lets {source.kind}s of \"{source.namespace}\" refer to it: "
                                  f"the reference is refused (ResolvedRefs: False, RefNotPermitted): {REFUSED[ref.kind]}",
                                  at_key=True,
                                  hint=f'add a ReferenceGrant in namespace "{ref.namespace}" from {source.kind} in '
                                       f'"{source.namespace}" to {ref.kind} {ref.name}')


def _permits(grant: Resource, source: Resource, kind: str, name: str, namespace: str | None) -> bool:
    if grant.namespace != namespace:
        return False
    spec: Any = grant.data.get("spec")
    if not isinstance(spec, dict):
        return False
    sources = [f for f in items(spec.get("from")) if isinstance(f, dict) and f.get("group") == GATEWAY_GROUP
               and f.get("kind") == source.kind and f.get("namespace") == source.namespace]
    targets = [t for t in items(spec.get("to")) if isinstance(t, dict) and t.get("group", "") == ""
               and t.get("kind") == kind and t.get("name") in (None, "", name)]
    return bool(sources and targets)
