"""A container's resource requests and limits.

Upstream: ValidateResourceRequirements, validateContainerResourceName, ValidateResourceQuantityValue,
validateBasicResource in pkg/apis/core/validation/validation.go; IsOvercommitAllowed and
IsExtendedResourceName in pkg/apis/core/helper/helpers.go.
"""

from __future__ import annotations

from typing import Any

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_dict, quantity
from kubelint.model import Path

STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")


def validate_resource_requirements(errors: Errors, path: Path, resources: dict) -> None:
    """ValidateResourceRequirements (containers)."""
    limits = as_dict(resources.get("limits"))
    requests = as_dict(resources.get("requests"))
    for section, values in (("limits", limits), ("requests", requests)):
        for name, value in values.items():
            _quantity(errors, path + (section, name), name, value)
    for name, value in requests.items():
        _request_within_limit(errors, path, name, value, limits)
    hugepages = [n for n in list(limits) + list(requests) if isinstance(n, str) and n.startswith("hugepages-")]
    if hugepages and not any(n in section for n in ("cpu", "memory") for section in (limits, requests)):
        errors.forbidden(path, "HugePages require cpu or memory",
                         hint="set a cpu or memory request or limit beside the hugepages")


def container_resource_name_errors(name: Any) -> list[str]:
    """validateContainerResourceName: a standard name, or a domain-qualified extended resource."""
    if not isinstance(name, str):
        return []
    if "/" not in name:
        if name in STANDARD_CONTAINER_RESOURCES or name.startswith("hugepages-"):
            return []
        return ["must be a standard resource for containers"]
    return k8s.qualified_name_errors(name)


def _quantity(errors: Errors, path: Path, name: Any, value: Any) -> None:
    """One request or limit: a resource name containers may have, a non-negative amount (whole for
    extended resources)."""
    for message in container_resource_name_errors(name):
        errors.invalid(path, name, message, hint=_resource_hint(name))
    if isinstance(value, str) and not value.startswith("-") and not _is_extended(name):
        return   # not negative; only extended resources must be whole numbers
    amount = quantity(value)
    if amount is None:
        return
    if amount < 0:
        errors.invalid(path, value, "must be greater than or equal to 0")
    if _is_extended(name) and amount.denominator != 1:
        errors.invalid(path, value, "must be an integer")


def _request_within_limit(errors: Errors, path: Path, name: Any, value: Any, limits: dict) -> None:
    """A request at most its limit, and equal to it for resources that cannot be overcommitted."""
    if name not in limits and _overcommit_allowed(name):
        return
    requested, limit = quantity(value), quantity(limits.get(name))
    where = path + ("requests", name)
    if requested is None:
        return
    if limit is not None and requested > limit:
        errors.invalid(where, value, f"must be less than or equal to {name} limit of "
                       f"{limits[name]}", hint=f"raise limits.{name} or lower requests.{name}")
    elif not _overcommit_allowed(name):
        if name not in limits:
            errors.required(path + ("limits", name), f"Limit must be set for non overcommitable resources "
                            f"({name})", hint=f"set limits.{name} equal to the request")
        elif limit is not None and limit != requested:
            errors.invalid(where, value, f"must be equal to {name} limit of {limits[name]}",
                           hint=f"{name} cannot be overcommitted: request what you limit")


def _resource_hint(name: Any) -> str | None:
    if isinstance(name, str) and "/" not in name:
        lowered = name.lower()
        for standard in STANDARD_CONTAINER_RESOURCES:
            if lowered == standard or lowered.rstrip("s") == standard:
                return f"did you mean {standard}?"
        if lowered in ("gpu", "gpus"):
            return "extended resources are qualified by their vendor's domain, e.g. nvidia.com/gpu"
        return "use cpu, memory, ephemeral-storage, hugepages-<size> or a qualified extended resource (example.com/foo)"
    return None


def _is_extended(name: Any) -> bool:
    if not isinstance(name, str) or "/" not in name:
        return False
    domain = name.split("/")[0]
    return not (domain == "kubernetes.io" or domain.endswith(".kubernetes.io"))


def _overcommit_allowed(name: Any) -> bool:
    """IsOvercommitAllowed: native resources except hugepages."""
    if not isinstance(name, str):
        return True
    return not name.startswith("hugepages-") and not _is_extended(name)
