"""RBAC objects as the API server validates them.

Upstream: pkg/apis/rbac/validation/validation.go (ValidatePolicyRule, ValidateRoleBinding,
ValidateClusterRoleBinding, ValidateRoleBindingSubject); subject apiGroups defaulted as in
pkg/apis/rbac/v1/defaults.go (SetDefaults_Subject).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_list, items
from kubelint.model import Problem, Resource

PARAMS: dict = {}
KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})  # the engine only calls check_resource for these kinds
GROUP = "rbac.authorization.k8s.io"


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if resource.group != GROUP or resource.kind not in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"):
        return
    errors = Errors()
    data = resource.data
    if resource.kind in ("Role", "ClusterRole"):
        for index, policy in items(data, "rules"):
            _rule(errors, ("rules", index), policy, namespaced=resource.kind == "Role")
    elif resource.kind in ("RoleBinding", "ClusterRoleBinding"):
        _binding(errors, data, cluster=resource.kind == "ClusterRoleBinding")
    yield from errors


def _rule(errors: Errors, path, policy: dict, namespaced: bool) -> None:
    if not as_list(policy.get("verbs")):
        errors.required(path + ("verbs",), "verbs must contain at least one value",
                        hint='list the allowed verbs, e.g. ["get", "list", "watch"]')
    urls = as_list(policy.get("nonResourceURLs"))
    if urls:
        if namespaced:
            errors.invalid(path + ("nonResourceURLs",), "[...]", "namespaced rules cannot apply to non-resource URLs",
                           hint="move the rule to a ClusterRole")
        if as_list(policy.get("apiGroups")) or as_list(policy.get("resources")) or as_list(policy.get("resourceNames")):
            errors.invalid(path + ("nonResourceURLs",), "[...]", "rules cannot apply to both regular resources and "
                           "non-resource URLs", hint="split it into two rules")
        return
    if not as_list(policy.get("apiGroups")):
        errors.required(path + ("apiGroups",), "resource rules must supply at least one api group",
                        hint='apiGroups: [""] is the core group (pods, services ...)')
    if not as_list(policy.get("resources")):
        errors.required(path + ("resources",), "resource rules must supply at least one resource")


def _binding(errors: Errors, data: dict, cluster: bool) -> None:
    ref = data.get("roleRef")
    if isinstance(ref, dict):
        group = ref.get("apiGroup")
        if isinstance(group, str) and group != GROUP:
            errors.unsupported(("roleRef", "apiGroup"), group, [GROUP])
        kind = ref.get("kind")
        allowed = ["ClusterRole"] if cluster else ["Role", "ClusterRole"]
        if isinstance(kind, str) and kind not in allowed:
            errors.unsupported(("roleRef", "kind"), kind, allowed,
                               hint="a ClusterRoleBinding can only bind a ClusterRole" if cluster else None)
        name = ref.get("name")
        if name == "":
            errors.required(("roleRef", "name"))
        elif isinstance(name, str):
            for message in k8s.path_segment_errors(name):
                errors.invalid(("roleRef", "name"), name, message)
    for index, subject in items(data, "subjects"):
        where = ("subjects", index)
        kind = subject.get("kind")
        name = subject.get("name")
        group = subject.get("apiGroup")
        if name == "":
            errors.required(where + ("name",))
        if kind == "ServiceAccount":
            if isinstance(group, str) and group != "":
                errors.unsupported(where + ("apiGroup",), group, [""], hint="remove apiGroup for a ServiceAccount")
            if isinstance(name, str) and name:
                for message in k8s.dns1123_subdomain_errors(name):
                    errors.invalid(where + ("name",), name, message)
            if cluster and not subject.get("namespace"):
                errors.required(where + ("namespace",), hint="a ClusterRoleBinding must say which namespace the "
                                                              "ServiceAccount is in")
        elif kind in ("User", "Group"):
            if isinstance(group, str) and group not in ("", GROUP):
                errors.unsupported(where + ("apiGroup",), group, [GROUP])
        elif isinstance(kind, str):
            errors.unsupported(where + ("kind",), kind, ["ServiceAccount", "User", "Group"])
