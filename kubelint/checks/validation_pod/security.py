"""Security contexts of the pod and of its containers: user and group ids, sysctls, privilege
escalation, seccomp and AppArmor profiles.

Upstream: ValidatePodSecurityContext (validatePodSpecSecurityContext), ValidateSecurityContext,
validateSysctls, validateSeccompProfileField, validateAppArmorProfileField in
pkg/apis/core/validation/validation.go. Whether a setting is allowed by a Pod Security level is
the pod-security template's business, not this one's.
"""

from __future__ import annotations

import re

from kubelint.k8s.apivalidation import MAX_INT32, Errors, as_dict, as_int64, as_list, as_str, items
from kubelint.model import Path

SYSCTL_NAME = re.compile(r"([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?\Z")


def validate_pod_security_context(errors: Errors, path: Path, context: dict) -> None:
    if not context:
        return
    _ids(errors, path, context, ("runAsUser", "runAsGroup", "fsGroup"))
    for index, group in enumerate(as_list(context.get("supplementalGroups"))):
        if as_int64(group) is not None and not 0 <= group <= MAX_INT32:
            errors.invalid(path + ("supplementalGroups", index), group,
                           f"must be between 0 and {MAX_INT32}, inclusive")
    _sysctls(errors, path, context)
    _profiles(errors, path, context)


def validate_security_context(errors: Errors, path: Path, context: dict) -> None:
    """A container's security context."""
    if not context:
        return
    _ids(errors, path, context, ("runAsUser", "runAsGroup"))
    escalation = context.get("allowPrivilegeEscalation")
    if escalation is False:
        if context.get("privileged") is True:
            errors.invalid(path, "", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                           hint="a privileged container always allows privilege escalation: drop one of "
                                "the two")
        added = as_list(as_dict(context.get("capabilities")).get("add"))
        if any(cap in ("SYS_ADMIN", "CAP_SYS_ADMIN") for cap in added):
            errors.invalid(path, "", "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` "
                           "CAP_SYS_ADMIN")
    _profiles(errors, path, context)


def _ids(errors: Errors, path: Path, context: dict, fields: tuple[str, ...]) -> None:
    for field in fields:
        value = as_int64(context.get(field))
        if value is not None and not 0 <= value <= MAX_INT32:
            errors.invalid(path + (field,), value, f"must be between 0 and {MAX_INT32}, inclusive")


def _sysctls(errors: Errors, path: Path, context: dict) -> None:
    seen: set[str] = set()
    for index, sysctl in items(context, "sysctls"):
        name = as_str(sysctl.get("name"))
        if name is None:
            continue
        if not name:
            errors.required(path + ("sysctls", index, "name"))
        elif len(name) > 253 or not SYSCTL_NAME.match(name):
            errors.invalid(path + ("sysctls", index, "name"), name,
                           "must have at most 253 characters and match regex "
                           "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$")
        elif name in seen:
            errors.duplicate(path + ("sysctls", index, "name"), name)
        seen.add(name)


def _profiles(errors: Errors, path: Path, context: dict) -> None:
    """seccompProfile and appArmorProfile: localhostProfile exactly when the type is Localhost."""
    for profile_field, localhost_field, what in (("seccompProfile", "localhostProfile", "seccomp"),
                                                  ("appArmorProfile", "localhostProfile", "AppArmor")):
        profile = context.get(profile_field)
        if not isinstance(profile, dict):
            continue
        kind = profile.get("type")
        local = profile.get(localhost_field)
        if kind == "Localhost" and not local:
            errors.required(path + (profile_field, localhost_field),
                            f"must be set when {what} type is Localhost")
        elif kind not in ("Localhost", None) and local:
            errors.invalid(path + (profile_field, localhost_field), local,
                           f"can only be set when {what} type is Localhost")
