"""prometheus-operator: what ServiceMonitors and PodMonitors select and scrape, and which Prometheus
loads PrometheusRules and monitors.

Upstream (prometheus-operator, pkg/prometheus/promcfg.go and resource_selector.go, and the CRDs'
own documentation): a ServiceMonitor's ``selector`` selects Services by their labels in the
namespaces of its ``namespaceSelector`` (``any: true``: all; ``matchNames``; neither: its own
namespace), and each endpoint's ``port`` names a port of those Services (``.spec.ports[].name``);
a PodMonitor selects pods the same way, and ``port`` names a container port (``portNumber``:
a containerPort). A Prometheus loads the PrometheusRules its ``ruleSelector`` selects (null:
none; {}: all) in the namespaces of its ``ruleNamespaceSelector`` (null: its own namespace; {}:
all), and ServiceMonitors and PodMonitors likewise; a ThanosRuler loads rules, a PrometheusAgent
monitors. Nothing scraped and nothing loaded are silent: no error, no metrics, no alerts.

Only what the input shows is judged: a monitor whose namespaces hold no Service (or no pod
template) of the input may select objects deployed elsewhere, and a rule or monitor is judged
only when a Prometheus of the input watches its namespace.
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.checks import Context
from kubelint.checks.operators.common import label_selector, labels_of, named, selects_namespace
from kubelint.crossref.graph import Graph, PodTemplate, builtin_group, closest, describe_port, graph
from kubelint.k8s import objects as k8s
from kubelint.k8s import selector as selectors
from kubelint.k8s.objects import integer, items, text
from kubelint.model import Path, Problem, Resource
from kubelint.rules.registry import Rule

MONITORING = "monitoring.coreos.com"
#: labels of the Services prometheus-operator itself creates (prometheus-operated, alertmanager-operated)
OPERATED = frozenset({"operated-prometheus", "operated-alertmanager", "managed-by"})


def monitored_namespaces(monitor: Resource) -> list[str | None] | None:
    """The namespaces a ServiceMonitor or PodMonitor discovers in (None: every namespace)."""
    selector = k8s.get(monitor.data, ("spec", "namespaceSelector"))
    if isinstance(selector, dict):
        if selector.get("any") is True:
            return None
        names = [n for n in items(selector.get("matchNames")) if isinstance(n, str)]
        if names:
            return list(names)
    return [monitor.namespace]


def _where(namespaces: list[str | None] | None) -> str:
    if namespaces is None:
        return "any namespace"
    shown = ", ".join(f'"{n}"' for n in namespaces)
    return f"namespace {shown}" if len(namespaces) == 1 else f"namespaces {shown}"


# --- ServiceMonitor ------------------------------------------------------------------------------


def servicemonitor_target(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    services = [s for s in g.of_kind("", "Service")]
    for monitor in named(g.of_kind(MONITORING, "ServiceMonitor")):
        if not ctx.reports(monitor) or not isinstance(monitor.data.get("spec"), dict):
            continue
        selector = label_selector(monitor.data["spec"].get("selector"))
        if selector is None or selector.nothing:
            continue
        namespaces = monitored_namespaces(monitor)
        pool = [s for s in services if namespaces is None or s.namespace in namespaces]
        selected = [s for s in pool if selector.matches(labels_of(s))]
        if not selected:
            if pool and not _maybe_operated(g, namespaces, selector):
                yield monitor, Problem(("spec", "selector"), f'ServiceMonitor "{monitor.name}" selects no Service: '
                                       f"none in {_where(namespaces)} has the labels {selector}, so Prometheus "
                                       f"scrapes nothing for it{_near_miss(selector, pool)}", at_key=True,
                                       hint="select the labels of the Service (metadata.labels, not its selector), "
                                            "or set namespaceSelector to the Service's namespace")
            continue
        yield from ((monitor, p) for p in _service_endpoints(g, monitor, selected))


def _service_endpoints(g: Graph, monitor: Resource, services: list[Resource]) -> Iterator[Problem]:
    ports = [p for s in services for p in items(k8s.get(s.data, ("spec", "ports"))) if isinstance(p, dict)]
    names = sorted({p["name"] for p in ports if isinstance(p.get("name"), str)})
    shown = ", ".join(f'Service "{s.name}"' for s in services[:3]) + (" ..." if len(services) > 3 else "")
    for index, endpoint in enumerate(items(k8s.get(monitor.data, ("spec", "endpoints")))):
        if not isinstance(endpoint, dict):
            continue
        port = text(endpoint.get("port"))
        if port is not None:
            if port not in names:
                suggestion = closest(port, names)
                listed = ", ".join(describe_port(p) for p in ports) or "none"
                yield Problem(("spec", "endpoints", index, "port"),
                              f'no Service the ServiceMonitor selects ({shown}) has a port named "{port}" (their '
                              f"ports: {listed}): Prometheus scrapes nothing for this endpoint"
                              + (f'; did you mean "{suggestion}"?' if suggestion else ""),
                              hint="endpoints[].port is the name of a Service port (spec.ports[].name)")
            continue
        target = endpoint.get("targetPort")
        if target is not None:
            problem = _container_port(g, [t for s in services for t in _pods(g, s)], target,
                                      ("spec", "endpoints", index, "targetPort"), "the Services' pods")
            if problem is not None:
                yield problem


def _pods(g: Graph, service: Resource) -> list[PodTemplate]:
    found = g.service_pods(service)
    return found[1] if found is not None else []


#: prometheus-operator's kinds that describe what to scrape or evaluate: they make no Services or pods
DESCRIPTIONS = frozenset({"ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "ScrapeConfig",
                          "AlertmanagerConfig"})


def _maybe_operated(g: Graph, namespaces: list[str | None] | None, selector: selectors.Selector) -> bool:
    """Whether the Services or pods wanted may be ones an operator makes: prometheus-operated, or
    those an operator labels after a custom resource of the namespace (its name, or one of its
    labels, is a value the selector wants). Their labels cannot be seen in the input."""
    if any(r.key in OPERATED for r in selector.requirements):
        return True
    wanted = {(r.key, value) for r in selector.requirements if r.operator == "In" for value in r.values}
    values = {value for _, value in wanted}
    for group, kind in g.kinds():
        if builtin_group(group) or (group == MONITORING and kind in DESCRIPTIONS):
            continue
        for resource in g.of_kind(group, kind):
            if namespaces is not None and resource.namespace not in namespaces:
                continue
            if resource.name in values or any(pair in wanted for pair in labels_of(resource).items()):
                return True
    return False


def _near_miss(selector: selectors.Selector, pool: list[Resource]) -> str:
    """"; did you mean app=web (Service web)?" for the first equality no Service of the pool meets."""
    for key, wanted in selector.equalities():
        values = {labels_of(s).get(key): s for s in pool if key in labels_of(s)}
        if any(value == wanted for value in values):
            continue
        suggestion = closest(wanted, [v for v in values if isinstance(v, str)])
        if suggestion is not None:
            return f'; did you mean {key}={suggestion} (Service "{values[suggestion].name}")?'
        return ""
    return ""


# --- PodMonitor ----------------------------------------------------------------------------------


def podmonitor_target(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for monitor in named(g.of_kind(MONITORING, "PodMonitor")):
        if not ctx.reports(monitor) or not isinstance(monitor.data.get("spec"), dict):
            continue
        selector = label_selector(monitor.data["spec"].get("selector"))
        if selector is None or selector.nothing:
            continue
        namespaces = monitored_namespaces(monitor)
        if namespaces is None:
            templates = [t for t in g.templates if selector.matches(t.labels, t.wildcard)]
            judged = bool(g.templates)
        else:
            templates = [t for namespace in namespaces for t in g.select(namespace, selector)]
            judged = any(g.judges_namespace(namespace) for namespace in namespaces)
        if not templates:
            if judged and not _maybe_operated(g, namespaces, selector):
                yield monitor, Problem(("spec", "selector"), f'PodMonitor "{monitor.name}" selects no pods: no pod '
                                       f"template in {_where(namespaces)} has the labels {selector}, so Prometheus "
                                       "scrapes nothing for it", at_key=True,
                                       hint="select the labels of the pod template (spec.template.metadata.labels)")
            continue
        for index, endpoint in enumerate(items(monitor.data["spec"].get("podMetricsEndpoints"))):
            if not isinstance(endpoint, dict):
                continue
            path: Path = ("spec", "podMetricsEndpoints", index)
            for field_name in ("port", "portNumber", "targetPort"):
                if endpoint.get(field_name) is not None:
                    problem = _container_port(g, templates, endpoint[field_name], path + (field_name,), "its pods")
                    if problem is not None:
                        yield monitor, problem
                    break


def _container_port(g: Graph, templates: list[PodTemplate], port: Any, path: Path, whose: str) -> Problem | None:
    """A port (a name, or a number) that no container of the pods declares."""
    if not templates:
        return None
    declared = [p for t in templates for _, c in k8s.containers(t.spec, t.spec_path, ("initContainers", "containers"))
                for p in items(c.get("ports")) if isinstance(p, dict)]
    names = sorted({p["name"] for p in declared if isinstance(p.get("name"), str)})
    numbers = sorted({p["containerPort"] for p in declared if integer(p.get("containerPort")) is not None})
    pods = ", ".join(t.describe() for t in templates[:3]) + (" ..." if len(templates) > 3 else "")
    if isinstance(port, str) and not port.isdigit():
        if port in names:
            return None
        suggestion = closest(port, names)
        return Problem(path, f'no container of {whose} ({pods}) has a port named "{port}" (their port names: '
                       f'{", ".join(names) or "none"}): Prometheus scrapes nothing for this endpoint'
                       + (f'; did you mean "{suggestion}"?' if suggestion else ""),
                       hint="name the port in the container's ports (ports[].name), or use its name here")
    number = int(port) if isinstance(port, str) else integer(port)
    if number is None or number in numbers:
        return None
    return Problem(path, f"no container of {whose} ({pods}) declares port {number} (their ports: "
                   f'{", ".join(map(str, numbers)) or "none"}): Prometheus drops the target',
                   hint="declare the port in the container's ports, or use one of those")


# --- which Prometheus loads it -------------------------------------------------------------------

#: the kind of each selected object, the kinds that select it, and their selector fields
SELECTORS: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "PrometheusRule": (("Prometheus", "ThanosRuler"), "ruleSelector", "ruleNamespaceSelector",
                       "its rules are never evaluated: recording rules record nothing and alerts never fire"),
    "ServiceMonitor": (("Prometheus", "PrometheusAgent"), "serviceMonitorSelector", "serviceMonitorNamespaceSelector",
                       "nothing it describes is scraped"),
    "PodMonitor": (("Prometheus", "PrometheusAgent"), "podMonitorSelector", "podMonitorNamespaceSelector",
                   "nothing it describes is scraped"),
}


def unselected(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for kind, (loaders, field, namespace_field, effect) in SELECTORS.items():
        servers = [s for loader in loaders for s in g.of_kind(MONITORING, loader)]
        if not servers:
            continue
        for item in named(g.of_kind(MONITORING, kind)):
            if not ctx.reports(item):
                continue
            verdicts = [_loads(server, item, field, namespace_field, ctx) for server in servers]
            if LOADS in verdicts or UNKNOWN in verdicts or IGNORES not in verdicts:
                continue   # loaded, perhaps loaded, or no Prometheus of the input watches its namespace
            first = servers[verdicts.index(IGNORES)]
            raw = k8s.get(first.data, ("spec", field))
            selector = label_selector(raw) if raw is not None else None
            wanted = f"nothing ({field} is not set)" if selector is None else f"{selector} with {field}"
            labels = ", ".join(f"{k}={v}" for k, v in labels_of(item).items()) or "none"
            path: Path = ("metadata", "labels") if labels_of(item) else ("metadata", "name")
            yield item, Problem(path, f'{kind} "{item.name}" is loaded by no {" or ".join(loaders)} of the input: '
                                f"{first.kind} {first.name} watches its namespace but selects {wanted} "
                                f"(its labels: {labels}); {effect}", at_key=True,
                                hint=f"give it the labels the {first.kind}'s {field} selects")


LOADS, IGNORES, ELSEWHERE, UNKNOWN = "loads", "ignores", "elsewhere", "unknown"


def _loads(server: Resource, item: Resource, field: str, namespace_field: str, ctx: Context) -> str:
    """Whether a Prometheus (or ThanosRuler, PrometheusAgent) loads an object: LOADS; IGNORES (it
    watches the namespace but does not select it); ELSEWHERE (it does not watch the namespace);
    UNKNOWN (the namespace's labels are not in the input, or a selector is malformed)."""
    spec = server.data.get("spec")
    if not isinstance(spec, dict):
        return UNKNOWN
    namespace_selector = spec.get(namespace_field)
    if namespace_selector is None:
        if item.namespace != server.namespace:
            return ELSEWHERE
    else:
        watched = selects_namespace(namespace_selector, item.namespace, ctx)
        if watched is None:
            return UNKNOWN
        if not watched:
            return ELSEWHERE
    if spec.get(field) is None:
        return IGNORES   # a null selector selects nothing
    selector = label_selector(spec.get(field))
    if selector is None:
        return UNKNOWN
    return LOADS if selector.matches(labels_of(item)) else IGNORES
