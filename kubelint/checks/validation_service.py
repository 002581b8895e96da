"""Services as the API server validates them.

Upstream: ValidateService, validateServicePort, validateServiceExternalTrafficPolicy and
validateServiceInternalTrafficPolicy in pkg/apis/core/validation/validation.go; defaults from
pkg/apis/core/v1/defaults.go (SetDefaults_Service: type ClusterIP, targetPort = port,
externalTrafficPolicy Cluster for NodePort and LoadBalancer); node ports must fall in the API
server's --service-node-port-range (30000-32767 unless the cluster says otherwise: rule parameter
``node-port-range``), as the node-port allocator of pkg/registry/core/service enforces.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import (
    Errors,
    as_dict,
    as_int,
    as_list,
    as_str,
    cidr_errors,
    ip_errors,
    items,
    port_num_or_name,
    port_number_errors,
    present,
)
from kubelint.model import Problem, Resource

PARAMS: dict = {"node-port-range": "30000-32767"}
KINDS = frozenset({"Service"})  # the engine only calls check_resource for these kinds


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if resource.kind != "Service" or resource.group != "":
        return
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        spec = {}
    errors = Errors()
    validate_service(errors, spec, _range(rule.params.get("node-port-range")))
    yield from errors


def _range(text) -> tuple[int, int]:
    try:
        low, high = str(text).split("-")
        return int(low), int(high)
    except ValueError:
        return 30000, 32767


def validate_service(errors: Errors, spec: dict, node_ports: tuple[int, int]) -> None:
    kind = spec.get("type") or "ClusterIP"
    cluster_ip = spec.get("clusterIP")
    headless = cluster_ip == "None"
    ports = as_list(spec.get("ports"))
    if not ports and not headless and kind != "ExternalName":
        errors.required(("spec", "ports"), hint="add a port, or make the Service headless (clusterIP: None)")
    if kind == "ExternalName":
        if present(spec, "clusterIP") and cluster_ip not in ("",):
            errors.forbidden(("spec", "clusterIP"), "may not be set for ExternalName services",
                             hint="remove clusterIP")
        name = spec.get("externalName")
        if not name:
            errors.required(("spec", "externalName"), hint="set externalName to the DNS name to alias")
        elif isinstance(name, str):
            for message in k8s.dns1123_subdomain_errors(name[:-1] if name.endswith(".") else name):
                errors.invalid(("spec", "externalName"), name, message)
    elif isinstance(cluster_ip, str) and cluster_ip not in ("", "None"):
        for message in ip_errors(cluster_ip):
            errors.invalid(("spec", "clusterIP"), cluster_ip, message + " or 'None'")
    if headless and kind in ("NodePort", "LoadBalancer"):
        errors.invalid(("spec", "clusterIP"), "None", f"may not be set to 'None' for {kind} services",
                       hint="a headless Service has no cluster IP to forward node ports to: use type ClusterIP")
    for index, ip in enumerate(as_list(spec.get("clusterIPs"))):
        if isinstance(ip, str) and ip not in ("", "None"):
            for message in ip_errors(ip):
                errors.invalid(("spec", "clusterIPs", index), ip, message)
    _ports(errors, spec, kind, node_ports)
    for index, ip in enumerate(as_list(spec.get("externalIPs"))):
        if isinstance(ip, str):
            for message in ip_errors(ip):
                errors.invalid(("spec", "externalIPs", index), ip, message)
    ranges = as_list(spec.get("loadBalancerSourceRanges"))
    if ranges and kind != "LoadBalancer":
        errors.forbidden(("spec", "loadBalancerSourceRanges"), "may only be used when `type` is 'LoadBalancer'",
                         hint="remove it, or use type: LoadBalancer")
    for index, value in enumerate(ranges):
        if isinstance(value, str):
            for message in cidr_errors(value.strip()):
                errors.invalid(("spec", "loadBalancerSourceRanges", index), value, message)
    affinity = spec.get("sessionAffinity") or "None"
    config = spec.get("sessionAffinityConfig")
    if affinity == "None" and isinstance(config, dict) and config:
        errors.invalid(("spec", "sessionAffinityConfig"), "{...}", "must not be set when `sessionAffinity` is None",
                       hint="set sessionAffinity: ClientIP, or remove sessionAffinityConfig")
    elif affinity == "ClientIP" and isinstance(config, dict):
        timeout = as_int(as_dict(config.get("clientIP")).get("timeoutSeconds"))
        if timeout is not None and not 0 < timeout <= 86400:
            errors.invalid(("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"), timeout,
                           "must be greater than 0 and less than 86400")
    external = kind in ("NodePort", "LoadBalancer") or (kind == "ClusterIP" and as_list(spec.get("externalIPs")))
    policy = spec.get("externalTrafficPolicy")
    if policy and not external:
        errors.invalid(("spec", "externalTrafficPolicy"), policy, "may only be set for externally-accessible services",
                       hint="remove externalTrafficPolicy: it applies to NodePort and LoadBalancer Services")
    health = as_int(spec.get("healthCheckNodePort"))
    if health and not (kind == "LoadBalancer" and policy == "Local"):
        errors.invalid(("spec", "healthCheckNodePort"), health,
                       "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'")
    families = as_list(spec.get("ipFamilies"))
    if spec.get("ipFamilyPolicy") == "SingleStack" and len(families) > 1:
        errors.invalid(("spec", "ipFamilies"), f"{len(families)} families",
                       "when spec.ipFamilyPolicy is SingleStack, only one ipFamily may be specified")
    if len(families) == 2 and families[0] == families[1]:
        errors.duplicate(("spec", "ipFamilies", 1), families[1])


def _ports(errors: Errors, spec: dict, kind: str, node_ports: tuple[int, int]) -> None:
    ports = [(index, port) for index, port in items(spec, "ports")]
    names: set[str] = set()
    seen: set[tuple] = set()
    seen_node_ports: set[tuple] = set()
    for index, port in ports:
        where = ("spec", "ports", index)
        name = as_str(port.get("name"))
        if len(ports) > 1 and not name:
            errors.required(where + ("name",), "a name is required when a Service has more than one port",
                            hint="name every port (http, metrics ...)")
        if name:
            if name in names:
                errors.duplicate(where + ("name",), name)
            names.add(name)
        number = as_int(port.get("port"))
        for message in port_number_errors(number):
            errors.invalid(where + ("port",), number, message)
        protocol = port.get("protocol") or "TCP"
        if number is not None:
            key = (number, protocol)
            if key in seen:
                errors.duplicate(where, f"{number}/{protocol}",
                                 hint="each port and protocol pair may appear once")
            seen.add(key)
        target = port.get("targetPort")
        if target not in (0, "", None):
            port_num_or_name(errors, where + ("targetPort",), target)
        node_port = as_int(port.get("nodePort"))
        if node_port:
            if kind == "ClusterIP":
                errors.forbidden(where + ("nodePort",), "may not be used when `type` is 'ClusterIP'",
                                 hint="remove nodePort, or use type: NodePort")
            elif kind in ("NodePort", "LoadBalancer"):
                low, high = node_ports
                if not 1 <= node_port <= 65535:
                    errors.invalid(where + ("nodePort",), node_port, "must be between 1 and 65535, inclusive")
                elif not low <= node_port <= high:
                    errors.invalid(where + ("nodePort",), node_port, f"provided port is not in the valid range. "
                                   f"The range of valid ports is {low}-{high}",
                                   hint="pick a port in the cluster's --service-node-port-range, or leave nodePort "
                                        "unset to get one allocated")
                key = (node_port, protocol)
                if key in seen_node_ports:
                    errors.duplicate(where + ("nodePort",), node_port)
                seen_node_ports.add(key)
        protocol_name = as_str(port.get("appProtocol"))
        if protocol_name:
            for message in k8s.qualified_name_errors(protocol_name):
                errors.invalid(where + ("appProtocol",), protocol_name, message)
