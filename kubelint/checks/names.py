"""Names the API server validates: metadata.name per kind, namespaces, containers, ports.

Upstream: ValidateObjectMeta (k8s.io/apimachinery/pkg/api/validation/objectmeta.go),
the per-kind name functions of pkg/apis/*/validation, validateContainers
(IsDNS1123Label), validateContainerPorts (IsValidPortName) and ValidateService
(port names are DNS-1123 labels).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.model import Problem, Resource

PARAMS: dict = {}


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    metadata = resource.data.get("metadata")
    if not isinstance(metadata, dict):
        if metadata is None and not k8s.get(resource.data, ("metadata",)):
            yield Problem((), "metadata.name: name or generateName is required", at_key=True,
                          hint="add metadata.name")
        return
    yield from _object_name(resource, metadata)
    namespace = metadata.get("namespace")
    if isinstance(namespace, str) and namespace:
        for error in k8s.dns1123_label_errors(namespace):
            yield Problem(("metadata", "namespace"), f'metadata.namespace: invalid namespace "{namespace}": '
                          f"a DNS-1123 label {error}")
    found = k8s.pod_spec(resource)
    if found is not None:
        yield from _pod_names(*found)
    if resource.kind == "Service" and resource.group == "":
        yield from _service_ports(resource)


def _object_name(resource: Resource, metadata: dict) -> Iterator[Problem]:
    name = metadata.get("name")
    generate = metadata.get("generateName")
    if not name and not generate:
        yield Problem(("metadata",), "metadata.name: name or generateName is required", at_key=True,
                      hint="add metadata.name")
        return
    if resource.kind == "CustomResourceDefinition" and resource.group == "apiextensions.k8s.io":
        yield from _crd_name(resource, name)
        return
    label, validate = k8s.name_validator(resource.group, resource.kind)
    for field, value, prefix in (("name", name, False), ("generateName", generate, True)):
        if not isinstance(value, str) or not value:
            continue
        checked = value[:-1] if prefix and value.endswith("-") else value
        for error in validate(checked) if checked else []:
            yield Problem(("metadata", field), f'metadata.{field}: invalid {resource.kind} name "{value}": '
                          f"a {label} {error}", hint=_name_hint(value))
    if resource.kind == "CronJob" and isinstance(name, str) and len(name) > 52:
        yield Problem(("metadata", "name"), f'metadata.name: a CronJob name must be no more than 52 characters '
                      f"(it has {len(name)}): the Jobs it creates append an 11-character suffix")


def _name_hint(value: str) -> str | None:
    fixed = "".join(c if c.isalnum() or c in "-." else "-" for c in value.lower()).strip("-.")
    return f'e.g. "{fixed}"' if fixed and fixed != value else None


def _crd_name(resource: Resource, name) -> Iterator[Problem]:
    spec = resource.data.get("spec") if isinstance(resource.data.get("spec"), dict) else {}
    plural = k8s.get(spec, ("names", "plural"))
    group = spec.get("group")
    if isinstance(plural, str) and isinstance(group, str) and name != f"{plural}.{group}":
        yield Problem(("metadata", "name"), f'metadata.name: a CustomResourceDefinition must be named '
                      f'"<spec.names.plural>.<spec.group>" = "{plural}.{group}", not "{name}"')


def _pod_names(path, spec: dict) -> Iterator[Problem]:
    for container_path, container in k8s.containers(spec, path):
        name = container.get("name")
        if isinstance(name, str):
            for error in k8s.dns1123_label_errors(name):
                yield Problem(container_path + ("name",), f'container name "{name}": a DNS-1123 label {error}',
                              hint=_name_hint(name))
        ports = container.get("ports")
        if isinstance(ports, list):
            for index, port in enumerate(ports):
                port_name = port.get("name") if isinstance(port, dict) else None
                if isinstance(port_name, str) and port_name:
                    for error in k8s.port_name_errors(port_name):
                        yield Problem(container_path + ("ports", index, "name"),
                                      f'port name "{port_name}" {error} (IANA service name)')
    volumes = spec.get("volumes")
    if isinstance(volumes, list):
        for index, volume in enumerate(volumes):
            name = volume.get("name") if isinstance(volume, dict) else None
            if isinstance(name, str):
                for error in k8s.dns1123_label_errors(name):
                    yield Problem(path + ("volumes", index, "name"), f'volume name "{name}": a DNS-1123 label {error}')


def _service_ports(resource: Resource) -> Iterator[Problem]:
    ports = k8s.get(resource.data, ("spec", "ports"))
    if not isinstance(ports, list):
        return
    for index, port in enumerate(ports):
        name = port.get("name") if isinstance(port, dict) else None
        if isinstance(name, str) and name:
            for error in k8s.dns1123_label_errors(name):
                yield Problem(("spec", "ports", index, "name"), f'Service port name "{name}": a DNS-1123 label {error}')
