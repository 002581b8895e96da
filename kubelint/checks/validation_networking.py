"""Ingresses, IngressClasses and NetworkPolicies as the API server validates them.

Upstream: pkg/apis/networking/validation/validation.go (ValidateIngressSpec, validateIngressRules,
validateHTTPIngressRuleValue, validateIngressBackend, validateIngressTLS, ValidateIngressClass,
ValidateNetworkPolicySpec, ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer, ValidateIPBlock).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import (
    Errors,
    as_int,
    as_list,
    as_str,
    cidr_errors,
    ip_errors,
    items,
    label_selector,
    network,
    port_num_or_name,
    port_number_errors,
    present,
)
from kubelint.model import Path, Problem, Resource

PARAMS: dict = {}
KINDS = frozenset({"Ingress", "IngressClass", "NetworkPolicy"})  # the engine only calls check_resource for these kinds

_INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_INVALID_PATH_SUFFIXES = ("/..", "/.")


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if resource.group != "networking.k8s.io" or resource.kind not in ("Ingress", "IngressClass", "NetworkPolicy"):
        return
    spec = resource.data.get("spec")
    errors = Errors()
    if resource.kind == "Ingress" and resource.version == "v1" and resource.group == "networking.k8s.io":
        ingress(errors, spec if isinstance(spec, dict) else {})
    elif resource.kind == "IngressClass" and isinstance(spec, dict):
        controller = spec.get("controller")
        if isinstance(controller, str):
            if not controller:
                errors.required(("spec", "controller"))
            elif len(controller) > 250:
                errors.add(("spec", "controller"), "Too long: may not be more than 250 bytes")
            elif k8s.qualified_name_errors(controller.split("/", 1)[0] + "/x" if "/" in controller else controller):
                errors.invalid(("spec", "controller"), controller, "must be a domain-prefixed path (such as "
                               "\"acme.io/foo\")")
    elif resource.kind == "NetworkPolicy" and resource.group == "networking.k8s.io" and isinstance(spec, dict):
        network_policy(errors, spec)
    yield from errors


# --- Ingress ---------------------------------------------------------------------------------------


def ingress(errors: Errors, spec: dict) -> None:
    default = spec.get("defaultBackend")
    rules = as_list(spec.get("rules"))
    if not isinstance(default, dict) and not rules:
        errors.invalid(("spec",), "{...}", "either `defaultBackend` or `rules` must be specified",
                       hint="add rules (host and paths) or a defaultBackend")
    if isinstance(default, dict):
        backend(errors, ("spec", "defaultBackend"), default)
    class_name = as_str(spec.get("ingressClassName"))
    if class_name:
        for message in k8s.dns1123_subdomain_errors(class_name):
            errors.invalid(("spec", "ingressClassName"), class_name, message)
    for index, rule in items(spec, "rules"):
        where = ("spec", "rules", index)
        host = as_str(rule.get("host"))
        if host:
            _host(errors, where + ("host",), host)
        http = rule.get("http")
        if isinstance(http, dict):
            paths = as_list(http.get("paths"))
            if not paths:
                errors.required(where + ("http", "paths"))
            for path_index, item in enumerate(paths):
                if isinstance(item, dict):
                    _http_path(errors, where + ("http", "paths", path_index), item)
    for index, tls in items(spec, "tls"):
        for host_index, host in enumerate(as_list(tls.get("hosts"))):
            if isinstance(host, str) and host:
                wildcard = host.startswith("*.")
                for message in k8s.dns1123_subdomain_errors(host[2:] if wildcard else host):
                    errors.invalid(("spec", "tls", index, "hosts", host_index), host, message)


def _host(errors: Errors, path: Path, host: str) -> None:
    if not ip_errors(host):
        errors.invalid(path, host, "must be a DNS name, not an IP address",
                       hint="Ingress rules match on host names; leave host out to match any address")
        return
    wildcard = host.startswith("*.")
    for message in k8s.dns1123_subdomain_errors(host[2:] if wildcard else host):
        if "*" in host and not wildcard:
            message = ("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "
                       "which must consist of lower case alphanumeric characters, '-' or '.' and end with an "
                       "alphanumeric character (e.g. '*.example.com')")
        errors.invalid(path, host, message)
        break


def _http_path(errors: Errors, path: Path, item: dict) -> None:
    value = item.get("path")
    kind = item.get("pathType")
    if isinstance(value, str) and kind in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errors.invalid(path + ("path",), value, "must be an absolute path",
                           hint=f'start the path with "/": "/{value}"')
        else:
            for sequence in _INVALID_PATH_SEQUENCES:
                if sequence in value:
                    errors.invalid(path + ("path",), value, f"must not contain '{sequence}'")
            for suffix in _INVALID_PATH_SUFFIXES:
                if value.endswith(suffix):
                    errors.invalid(path + ("path",), value, f"cannot end with '{suffix}'")
    elif isinstance(value, str) and kind == "ImplementationSpecific" and value and not value.startswith("/"):
        errors.invalid(path + ("path",), value, "must be an absolute path", hint='start the path with "/"')
    if isinstance(item.get("backend"), dict):
        backend(errors, path + ("backend",), item["backend"])


def backend(errors: Errors, path: Path, value: dict) -> None:
    """validateIngressBackend: exactly one of service and resource; a service port by name xor number."""
    service = value.get("service")
    resource = value.get("resource")
    if isinstance(service, dict) and isinstance(resource, dict):
        errors.invalid(path, "{...}", "cannot set both resource and service backends",
                       hint="keep either service or resource")
    elif not isinstance(service, dict) and not isinstance(resource, dict):
        errors.invalid(path, "{...}", "resource or service backend is required",
                       hint="add service: {name: ..., port: {number: ...}}")
    if isinstance(service, dict):
        name = as_str(service.get("name"))
        if name:
            for message in k8s.dns1035_label_errors(name):
                errors.invalid(path + ("service", "name"), name, message)
        port = service.get("port")
        if isinstance(port, dict):
            has_name = bool(port.get("name"))
            has_number = as_int(port.get("number")) not in (None, 0)
            if has_name and has_number:
                errors.invalid(path + ("service", "port"), "{...}", "cannot set both port name & port number",
                               hint="keep either port.name or port.number")
            elif not has_name and not has_number:
                errors.invalid(path + ("service", "port"), "{...}", "port name or number is required",
                               hint="set port.number (the Service port) or port.name")
            elif has_name:
                port_num_or_name(errors, path + ("service", "port", "name"), port.get("name"))
            else:
                number = port.get("number")
                for message in port_number_errors(number):
                    errors.invalid(path + ("service", "port", "number"), number, message)
        elif "port" not in service or port is None:
            errors.required(path + ("service", "port"), hint="set port.number (the Service port) or port.name")
    if isinstance(resource, dict):
        group = resource.get("apiGroup")
        if isinstance(group, str) and group == "":
            errors.invalid(path + ("resource", "apiGroup"), "", "apiGroup must not be empty",
                           hint="remove apiGroup for core resources, or set it")


# --- NetworkPolicy ----------------------------------------------------------------------------------


def network_policy(errors: Errors, spec: dict) -> None:
    label_selector(errors, ("spec", "podSelector"), spec.get("podSelector"))
    for direction, peers_field in (("ingress", "from"), ("egress", "to")):
        for index, rule in items(spec, direction):
            where = ("spec", direction, index)
            for port_index, port in items(rule, "ports"):
                _policy_port(errors, where + ("ports", port_index), port)
            for peer_index, peer in items(rule, peers_field):
                _peer(errors, where + (peers_field, peer_index), peer)
    types = as_list(spec.get("policyTypes"))
    if len(types) > 2:
        errors.invalid(("spec", "policyTypes"), f"{len(types)} types", "may not specify more than two policyTypes")


def _policy_port(errors: Errors, path: Path, port: dict) -> None:
    value = port.get("port")
    end = as_int(port.get("endPort"))
    if value is not None:
        port_num_or_name(errors, path + ("port",), value)
    if end is not None:
        number = as_int(value)
        if isinstance(value, str):
            errors.invalid(path + ("endPort",), end, "may not be specified when `port` is non-numeric",
                           hint="use a numeric port with endPort")
        elif number is None:
            errors.required(path + ("port",), "when endPort is specified", hint="set port to the start of the range")
        elif end < number:
            errors.invalid(path + ("endPort",), end, "must be greater than or equal to `port`")


def _peer(errors: Errors, path: Path, peer: dict) -> None:
    kinds = [k for k in ("podSelector", "namespaceSelector", "ipBlock") if present(peer, k)]
    if not kinds:
        errors.required(path, "must specify a peer", hint="add podSelector, namespaceSelector or ipBlock")
    elif "ipBlock" in kinds and len(kinds) > 1:
        errors.forbidden(path, "may not specify both ipBlock and another peer",
                         hint="split the peer: one entry with ipBlock, another with the selectors")
    label_selector(errors, path + ("podSelector",), peer.get("podSelector"))
    label_selector(errors, path + ("namespaceSelector",), peer.get("namespaceSelector"))
    block = peer.get("ipBlock")
    if isinstance(block, dict):
        cidr = as_str(block.get("cidr"))
        if cidr is not None:
            if not cidr:
                errors.required(path + ("ipBlock", "cidr"))
            for message in cidr_errors(cidr) if cidr else []:
                errors.invalid(path + ("ipBlock", "cidr"), cidr, message)
        outer = network(cidr) if cidr else None
        for index, value in enumerate(as_list(block.get("except"))):
            if not isinstance(value, str):
                continue
            messages = cidr_errors(value)
            for message in messages:
                errors.invalid(path + ("ipBlock", "except", index), value, message)
            inner = network(value)
            if not messages and outer is not None and inner is not None:
                if inner.version != outer.version or not inner.subnet_of(outer) or inner.prefixlen <= outer.prefixlen:
                    errors.invalid(path + ("ipBlock", "except", index), value, "must be a strict subset of `cidr`",
                                   hint=f"except ranges must lie inside {cidr}")
