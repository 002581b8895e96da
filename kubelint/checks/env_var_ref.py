"""`$(VAR)` references in command, args and env values that Kubernetes cannot expand.

Upstream: the kubelet expands `$(VAR)` (third_party/forked/golang/expansion: `$$` escapes,
an undefined name is left as it is) in an env value with the variables of envFrom, of the
env entries before it and of the Service links; in command and args with every variable of
the container (pkg/kubelet/kuberuntime, makeEnvironmentVariables). Service links
(pkg/kubelet/envvars) are `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`,
`<NAME>_SERVICE_PORT_<PORT>`, `<NAME>_PORT...` for every Service of the pod's namespace that has a
cluster IP (not headless, not ExternalName), unless enableServiceLinks is false; the
`kubernetes` Service's are always there. Only upper-case names are reported: `$(date)` in a
shell command is command substitution, not a Kubernetes reference.
"""

from __future__ import annotations

import re
from typing import Iterator

from kubelint.crossref.graph import closest, graph
from kubelint.k8s import objects as k8s
from kubelint.k8s.objects import items, text
from kubelint.model import Problem, Resource

PARAMS: dict = {}

REPORTED = re.compile(r"[A-Z_][A-Z0-9_]*\Z")
SERVICE_LINK = re.compile(r"(?P<service>.+?)_SERVICE_(?:HOST|PORT(?:_(?P<port>.+))?)\Z")
DOCKER_LINK = re.compile(r"(?P<service>.+?)_PORT"
                         r"(?:_(?P<number>\d+)_(?P<proto>TCP|UDP|SCTP)(?:_(?:PROTO|PORT|ADDR))?)?\Z")
MASTER = frozenset({"KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "KUBERNETES_SERVICE_PORT_HTTPS",
                    "KUBERNETES_PORT", "KUBERNETES_PORT_443_TCP", "KUBERNETES_PORT_443_TCP_PROTO",
                    "KUBERNETES_PORT_443_TCP_PORT", "KUBERNETES_PORT_443_TCP_ADDR"})


def references(value: str) -> list[str]:
    """The names that `$(NAME)` references in a string, as expansion.Expand reads them."""
    names = []
    index, length = 0, len(value)
    while index < length - 1:
        if value[index] != "$":
            index += 1
            continue
        following = value[index + 1]
        if following == "(":
            close = value.find(")", index + 2)
            if close != -1:
                names.append(value[index + 2:close])
                index = close + 1
                continue
        index += 2   # "$$" is an escaped "$"; "$x" and an unclosed "$(" are literal
    return names


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for template in g.template_of.values():
        for problem in _check(g, template):
            yield template.owner, problem


def _check(g, template) -> Iterator[Problem]:
    spec, namespace = template.spec, template.namespace
    links = spec.get("enableServiceLinks") is not False
    for path, container in k8s.containers(spec, template.spec_path):
        env = container.get("env") if isinstance(container.get("env"), list) else []
        if not _mentions_variables(container, env):
            continue
        names_from_env_from = _env_from_names(g, namespace, container)
        if names_from_env_from is None:
            continue   # an envFrom source whose keys the input does not show: anything may be defined
        names = [item.get("name") if isinstance(item, dict) else None for item in env]
        every = set(names_from_env_from) | {n for n in names if isinstance(n, str)}
        for index, item in enumerate(env):
            value = item.get("value") if isinstance(item, dict) else None
            if isinstance(value, str) and "$(" in value:
                before = set(names_from_env_from) | {n for n in names[:index] if isinstance(n, str)}
                for name in references(value):
                    problem = _undefined(g, namespace, links, name, before, names, index, container,
                                         path + ("env", index, "value"))
                    if problem is not None:
                        yield problem
        for field_name in ("command", "args"):
            for index, value in enumerate(items(container.get(field_name))):
                if isinstance(value, str) and "$(" in value:
                    for name in references(value):
                        problem = _undefined(g, namespace, links, name, every, names, None, container,
                                             path + (field_name, index))
                        if problem is not None:
                            yield problem


def _mentions_variables(container: dict, env: list) -> bool:
    for field_name in ("command", "args"):
        if any(isinstance(v, str) and "$(" in v for v in items(container.get(field_name))):
            return True
    return any(isinstance(item, dict) and isinstance(item.get("value"), str) and "$(" in item["value"] for item in env)


def _env_from_names(g, namespace, container: dict) -> set[str] | None:
    names: set[str] = set()
    for item in items(container.get("envFrom")):
        if not isinstance(item, dict):
            continue
        prefix = item.get("prefix") if isinstance(item.get("prefix"), str) else ""
        for field_name, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = item.get(field_name)
            if isinstance(ref, dict) and text(ref.get("name")):
                known = g.find("", kind, namespace, ref["name"])
                if known is None:
                    if ref.get("optional") is True:
                        continue
                    return None
                if known.env_keys is None:
                    return None
                names.update(prefix + key for key in known.env_keys)
    return names


def _undefined(g, namespace, links: bool, name: str, defined: set[str], names: list, index: int | None,
               container: dict, path) -> Problem | None:
    if name in defined or name in MASTER or not REPORTED.match(name):
        return None
    link = SERVICE_LINK.match(name)
    docker = DOCKER_LINK.match(name)
    for match in (link, docker):
        if match is not None and links and _service_defines(g, namespace, match):
            return None
    container_name = container.get("name")
    hint = f"write $$({name}) if the text is meant literally"
    if link is not None:
        service = link.group("service").lower().replace("_", "-")
        if not links:
            reason = "enableServiceLinks is false, so the pod gets no Service environment variables"
        else:
            reason = _service_reason(g, namespace, service, link.group("port"))
        return Problem(path, f"variable {name} is a Service link, but {reason}: Kubernetes leaves $(...) unexpanded "
                       f'and container "{container_name}" gets the literal text',
                       hint=f"use the Service's DNS name ({service}) instead of link variables, or create the "
                            "Service before the pods")
    later = [i for i, n in enumerate(names) if n == name and index is not None and i > index]
    if later:
        return Problem(path, f"variable {name} is defined after this entry (env[{later[0]}]): Kubernetes expands only "
                       f'variables defined before, so container "{container_name}" gets the literal text',
                       hint=f"move env {name} before this entry")
    scope = "an earlier env entry" if index is not None else "an env entry"
    message = (f'variable {name} is not defined by {scope} of container "{container_name}": Kubernetes leaves '
               "$(...) unexpanded, so the container gets the literal text")
    suggestion = closest(name, sorted(n for n in defined if isinstance(n, str)))
    if suggestion:
        message += f'; did you mean "{suggestion}"?'
    return Problem(path, message, hint=f"define {name} in env (before its use), or {hint}")


def _services(g, namespace) -> dict[str, dict]:
    cache = g.__dict__.setdefault("_link_services", {})
    if namespace not in cache:
        found = {}
        for service in g.of_kind("", "Service"):
            if service.namespace == namespace and service.name:
                found[service.name.upper().replace("-", "_")] = service.data.get("spec") \
                    if isinstance(service.data.get("spec"), dict) else {}
        cache[namespace] = found
    return cache[namespace]


def _has_cluster_ip(spec: dict) -> bool:
    return spec.get("clusterIP") != "None" and spec.get("type") != "ExternalName"


def _service_defines(g, namespace, match) -> bool:
    prefix = match.group("service")
    spec = _services(g, namespace).get(prefix)
    if spec is None:
        return g.find("", "Service", namespace, prefix.lower().replace("_", "-")) is not None
    if not _has_cluster_ip(spec):
        return False
    ports = [p for p in items(spec.get("ports")) if isinstance(p, dict)]
    groups = match.groupdict()
    if groups.get("port"):
        return any(isinstance(p.get("name"), str) and p["name"].upper().replace("-", "_") == groups["port"]
                   for p in ports)
    if groups.get("number"):
        return any(str(p.get("port")) == groups["number"] and (p.get("protocol") or "TCP") == groups["proto"]
                   for p in ports)
    return True


def _service_reason(g, namespace, service: str, port: str | None) -> str:
    spec = _services(g, namespace).get(service.upper().replace("-", "_"))
    if spec is None:
        suggestion = closest(service, [s.name for s in g.of_kind("", "Service") if s.namespace == namespace and s.name])
        reason = f'there is no Service "{service}" in namespace "{namespace}"'
        return reason + (f' (did you mean "{suggestion}"?)' if suggestion else "")
    if not _has_cluster_ip(spec):
        return f'Service "{service}" is headless or ExternalName, and such Services get no link variables'
    return f'Service "{service}" has no port named {port.lower().replace("_", "-")}'
