"""Fixes of the rules whose checks do not make their own: computed from the resource a finding is on.

The schema explanation (kubelint/schema/validate.py) makes the fixes of schema-type, schema-enum,
schema-unknown-field and schema-duplicate-entry beside their hints, and the pipeline the fix of
yaml-ambiguous-scalar (``unambiguous``). The lifecycle problem of a removed apiVersion is one per
apiVersion and kind, and the Pod Security controls and the pod-hygiene checks report a path, not
what to write: for those rules the engine asks ``provide`` when it places the finding, and the fix
is made here from the resource's data.
"""

from __future__ import annotations

from typing import Any, Callable

from kubelint.fix import migrate
from kubelint.k8s import objects as k8s
from kubelint.model import Fix, Insert, Path, Problem, Replace, Resource

Provider = Callable[[Resource, Problem], "Fix | None"]
PROVIDERS: dict[str, Provider] = {}


def provide(rule_id: str, resource: Resource, problem: Problem) -> Fix | None:
    """The fix of a finding of ``rule_id`` on ``resource``, or None (no fix, or none certain here).

    Paths are relative to the resource, as the problem's."""
    provider = PROVIDERS.get(rule_id)
    return provider(resource, problem) if provider is not None else None


def provides(rule_id: str) -> Callable[[Provider], Provider]:
    def register(function: Provider) -> Provider:
        PROVIDERS[rule_id] = function
        return function
    return register


def unambiguous(path: Path, value: Any, document: int) -> Fix | None:
    """yaml-ambiguous-scalar: the value as Kubernetes reads it, written so that every YAML reader
    agrees (``yes`` in a boolean field becomes ``true``, ``0755`` becomes ``493``, ``1:20`` the
    string ``"1:20"``). What the manifest means to Kubernetes does not change."""
    if isinstance(value, (dict, list)) or value is None:
        return None
    return Fix((Replace(path, value),), "write the value as Kubernetes reads it", document)


# --- removed apiVersions ---------------------------------------------------------------------------


@provides("api-removed")
def _api_removed(resource: Resource, problem: Problem) -> Fix | None:
    return migrate.migration(resource.api_version, resource.kind, resource.data)


# --- automountServiceAccountToken ------------------------------------------------------------------


@provides("automount-service-account-token")
def _automount(resource: Resource, problem: Problem) -> Fix | None:
    found = k8s.pod_spec(resource)
    if found is None or problem.path != found[0] + ("automountServiceAccountToken",):
        return None
    return Fix((Insert(found[0], "automountServiceAccountToken", False, before=("containers", "initContainers"),
                       after=("serviceAccountName", "serviceAccount")),),
               "set automountServiceAccountToken: false in the pod spec")


# --- the restricted Pod Security profile -----------------------------------------------------------

#: the controls whose violations a container-level securityContext with the profile's settings ends
#: (k8s.io/pod-security-admission/policy: check_allowPrivilegeEscalation.go, check_capabilities_restricted.go,
#: check_runAsNonRoot.go, check_seccompProfile_restricted.go)
_PROFILES = ("RuntimeDefault", "Localhost")
_SATISFIED: dict[str, Callable[[dict[str, Any], dict[str, Any]], bool]] = {
    "pss-privilege-escalation": lambda pod, context: context.get("allowPrivilegeEscalation") is False,
    "pss-capabilities": lambda pod, context: "ALL" in (k8s.get(context, ("capabilities", "drop")) or ()),
    "pss-run-as-non-root": lambda pod, context: (context.get("runAsNonRoot") is True
                                                 or (k8s.get(pod, ("securityContext", "runAsNonRoot")) is True
                                                     and context.get("runAsNonRoot") is None)),
    "pss-seccomp": lambda pod, context: (k8s.get(context, ("seccompProfile", "type")) in _PROFILES
                                         or k8s.get(pod, ("securityContext", "seccompProfile", "type")) in _PROFILES),
}
#: a finding on the pod's own securityContext is fixed in its containers only when the pod leaves the
#: setting unset (a pod that sets runAsNonRoot: false, or seccomp Unconfined, violates the control itself)
_POD_UNSET: dict[str, Path] = {"pss-run-as-non-root": ("securityContext", "runAsNonRoot"),
                               "pss-seccomp": ("securityContext", "seccompProfile", "type")}
_CONTAINER_LISTS = ("initContainers", "containers")


def restricted_context(pod: dict[str, Any]) -> dict[str, Any]:
    """The securityContext a container of ``pod`` needs to meet the restricted profile, leaving out
    what the pod's own securityContext already settles for every container."""
    context: dict[str, Any] = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    if k8s.get(pod, ("securityContext", "runAsNonRoot")) is not True:
        context["runAsNonRoot"] = True
    if k8s.get(pod, ("securityContext", "seccompProfile", "type")) not in _PROFILES:
        context["seccompProfile"] = {"type": "RuntimeDefault"}
    return context


def _restricted(rule_id: str) -> Provider:
    satisfied = _SATISFIED[rule_id]

    def provider(resource: Resource, problem: Problem) -> Fix | None:
        found = k8s.pod_spec(resource)
        if found is None:
            return None
        spec_path, spec = found
        if k8s.get(spec, ("os", "name")) == "windows" or problem.path[:len(spec_path)] != spec_path:
            return None  # Windows pods are exempt, and these fields are Linux-only
        where = problem.path[len(spec_path):]
        containers = list(k8s.containers(spec, spec_path, _CONTAINER_LISTS))
        if len(where) >= 2 and where[0] in _CONTAINER_LISTS:  # one container's violation
            concerned = [(path, c) for path, c in containers if path == spec_path + where[:2]]
        elif where[:1] == ("securityContext",):  # the pod's: every container it leaves unprotected
            if rule_id not in _POD_UNSET or k8s.get(spec, _POD_UNSET[rule_id]) is not None:
                return None
            concerned = [(path, c) for path, c in containers if not satisfied(spec, _context(c))]
        else:
            return None
        if not concerned or any("securityContext" in container for _, container in concerned):
            return None  # only a container without a securityContext gets the profile's
        context = restricted_context(spec)
        names = ", ".join(f'"{c.get("name")}"' for _, c in concerned)
        return Fix(tuple(Insert(path, "securityContext", context) for path, _ in concerned),
                   f"add the restricted profile's securityContext to container(s) {names}")
    return provider


def _context(container: dict[str, Any]) -> dict[str, Any]:
    context = container.get("securityContext")
    return context if isinstance(context, dict) else {}


for _rule in _SATISFIED:
    PROVIDERS[_rule] = _restricted(_rule)

