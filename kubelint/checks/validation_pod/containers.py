"""Containers and init containers: names, images, restart policies, ports, and which of their
probes and hooks an init container may have.

Upstream: validateContainers, validateInitContainers, validateContainerCommon,
validateContainerPorts and checkHostPortConflicts in pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

from kubelint.checks.validation_pod.env import validate_env, validate_env_from
from kubelint.checks.validation_pod.options import PodOptions
from kubelint.checks.validation_pod.probes import LIFECYCLE_HANDLERS, validate_handler, validate_probe
from kubelint.checks.validation_pod.resources import validate_resource_requirements
from kubelint.checks.validation_pod.security import validate_security_context
from kubelint.k8s.apivalidation import Errors, as_dict, as_int, as_list, as_str, items, present
from kubelint.model import Path

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def validate_containers(errors: Errors, path: Path, spec: dict, options: PodOptions) -> None:
    """Every container and init container of the pod, names unique across both lists, host ports
    unique across the pod."""
    if not as_list(spec.get("containers")) and isinstance(spec.get("containers"), list):
        errors.required(path + ("containers",), "at least one container is required")
    names: dict[str, Path] = {}
    host_ports: set[tuple[int, str, str]] = set()
    for field in ("initContainers", "containers"):
        for index, container in items(spec, field):
            where = path + (field, index)
            name = as_str(container.get("name"))
            if name:
                if name in names and names[name][-2] != field:
                    errors.duplicate(where + ("name",), name,
                                     hint="init containers and containers share one namespace of names")
                names.setdefault(name, where)
            validate_container(errors, where, container, options, init=field == "initContainers")
            _host_port_conflicts(errors, where, container, host_ports)


def validate_container(errors: Errors, path: Path, container: dict, options: PodOptions, init: bool) -> None:
    _image(errors, path, container, options)
    sidecar = init and container.get("restartPolicy") == "Always"
    restart = container.get("restartPolicy")
    if init and isinstance(restart, str) and restart not in ("", "Always"):
        errors.unsupported(path + ("restartPolicy",), restart, ["Always"],
                           hint="only restartPolicy: Always (a sidecar) is allowed on init containers")
    validate_container_ports(errors, path, container, options)
    validate_env(errors, path, container, options)
    validate_env_from(errors, path, container, options)
    for probe_name in PROBES:
        probe = container.get(probe_name)
        if not isinstance(probe, dict):
            continue
        if init and not sidecar:
            errors.forbidden(path + (probe_name,), "may not be set for init containers without restartPolicy "
                             "of 'Always'", hint="remove the probe, or make the init container a sidecar "
                             "(restartPolicy: Always)")
            continue
        validate_probe(errors, path + (probe_name,), probe, probe_name)
    _lifecycle(errors, path, container, init and not sidecar)
    validate_resource_requirements(errors, path + ("resources",), as_dict(container.get("resources")))
    validate_security_context(errors, path + ("securityContext",), as_dict(container.get("securityContext")))


def validate_container_ports(errors: Errors, path: Path, container: dict, options: PodOptions) -> None:
    names: set[str] = set()
    for index, port in items(container, "ports"):
        where = path + ("ports", index)
        number = as_int(port.get("containerPort"))
        if number is not None and not 1 <= number <= 65535:
            errors.invalid(where + ("containerPort",), number, "must be between 1 and 65535, inclusive")
        host = as_int(port.get("hostPort"))
        if host is not None and host != 0 and not 1 <= host <= 65535:
            errors.invalid(where + ("hostPort",), host, "must be between 1 and 65535, inclusive")
        if options.host_network and host and number is not None and host != number:
            errors.invalid(where + ("hostPort",), host, "must match `containerPort` when `hostNetwork` is true",
                           hint=f"with hostNetwork the container listens on the node: set hostPort: {number} "
                                "or remove it")
        name = as_str(port.get("name"))
        if name:
            if name in names:
                errors.duplicate(where + ("name",), name, hint="give each port of a container its own name")
            names.add(name)


def _image(errors: Errors, path: Path, container: dict, options: PodOptions) -> None:
    image = container.get("image")
    if not present(container, "image") or image == "":
        errors.required(path + ("image",), hint="set the container image")
    elif isinstance(image, str) and image != image.strip() and options.is_pod:
        errors.invalid(path + ("image",), image, "must not have leading or trailing whitespace")


def _lifecycle(errors: Errors, path: Path, container: dict, plain_init: bool) -> None:
    """validateLifecycle: hooks are for containers and sidecars, not for plain init containers."""
    lifecycle = container.get("lifecycle")
    if not isinstance(lifecycle, dict):
        return
    if plain_init:
        errors.forbidden(path + ("lifecycle",), "may not be set for init containers without restartPolicy "
                         "of 'Always'")
        return
    for hook in ("postStart", "preStop"):
        if isinstance(lifecycle.get(hook), dict):
            validate_handler(errors, path + ("lifecycle", hook), lifecycle[hook], LIFECYCLE_HANDLERS)


def _host_port_conflicts(errors: Errors, path: Path, container: dict, seen: set[tuple[int, str, str]]) -> None:
    """checkHostPortConflicts: a (hostPort, protocol, hostIP) once per pod, ``seen`` across its containers."""
    for port_index, port in items(container, "ports"):
        host = as_int(port.get("hostPort"))
        if host:
            key = (host, str(port.get("protocol") or "TCP"), str(port.get("hostIP") or ""))
            if key in seen:
                errors.duplicate(path + ("ports", port_index, "hostPort"), f"{host}/{key[1]}",
                                 hint="two containers of one pod cannot bind the same host port")
            seen.add(key)
