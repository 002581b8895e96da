"""The pod's names on the network: DNS policy and config, hostname and subdomain, host aliases.

Upstream: validateDNSPolicy, validatePodDNSConfig, ValidateHostAliases and the hostname and
subdomain checks of ValidatePodSpec in pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

from kubelint.checks.validation_pod.options import PodOptions
from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_list, as_str, ip_errors, items
from kubelint.model import Path


def validate_dns(errors: Errors, path: Path, spec: dict, options: PodOptions) -> None:
    """validateDNSPolicy and validatePodDNSConfig: dnsConfig as dnsPolicy needs it, and within limits."""
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if not isinstance(config, dict):
            errors.required(path + ("dnsConfig",), "must provide `dnsConfig` when `dnsPolicy` is None",
                            hint="add dnsConfig.nameservers, or use dnsPolicy: ClusterFirst")
        elif not as_list(config.get("nameservers")):
            errors.required(path + ("dnsConfig", "nameservers"),
                            "must provide at least one DNS nameserver when `dnsPolicy` is None")
    if not isinstance(config, dict):
        return
    path = path + ("dnsConfig",)
    _nameservers(errors, path, as_list(config.get("nameservers")))
    _searches(errors, path, as_list(config.get("searches")), options)
    for index, option in items(config, "options"):
        if not option.get("name"):
            errors.required(path + ("options", index, "name"), "Option.Name must not be empty")


def validate_hostnames(errors: Errors, path: Path, spec: dict) -> None:
    """hostname and subdomain: DNS labels."""
    for field in ("hostname", "subdomain"):
        value = as_str(spec.get(field))
        if value:
            for message in k8s.dns1123_label_errors(value):
                errors.invalid(path + (field,), value, f"a lowercase RFC 1123 label {message}")


def validate_host_aliases(errors: Errors, path: Path, spec: dict) -> None:
    for index, alias in items(spec, "hostAliases"):
        ip = as_str(alias.get("ip"))
        if ip is not None:
            for message in ip_errors(ip):
                errors.invalid(path + ("hostAliases", index, "ip"), ip, message)


def _nameservers(errors: Errors, path: Path, nameservers: list) -> None:
    if len(nameservers) > 3:
        errors.invalid(path + ("nameservers",), f"{len(nameservers)} nameservers",
                       "must not have more than 3 nameservers")
    for index, server in enumerate(nameservers):
        if isinstance(server, str):
            for message in ip_errors(server):
                errors.invalid(path + ("nameservers", index), server, message)


def _searches(errors: Errors, path: Path, searches: list, options: PodOptions) -> None:
    if len(searches) > 32:
        errors.invalid(path + ("searches",), f"{len(searches)} search paths",
                       "must not have more than 32 search paths")
    if sum(len(s) for s in searches if isinstance(s, str)) + max(len(searches) - 1, 0) > 2048:
        errors.invalid(path + ("searches",), "", "must not have more than 2048 characters "
                       "(including spaces) in the search list")
    relaxed = options.minor >= 33   # RelaxedDNSSearchValidation: beta (on) in 1.33, GA in 1.34
    for index, search in enumerate(searches):
        if not isinstance(search, str):
            continue
        if relaxed and search == ".":
            continue
        name = search[:-1] if search.endswith(".") else search
        checked = name.replace("_", "a") if relaxed else name
        for message in k8s.dns1123_subdomain_errors(checked.lower() if relaxed else checked):
            errors.invalid(path + ("searches", index), search, message)
