"""RBAC grants broader than they look: wildcards, cluster-admin bindings, exec into pods.

Upstream: pkg/apis/rbac (PolicyRule, RoleRef) and the RBAC authorizer's rule matching
(plugin/pkg/auth/authorizer/rbac/rbac.go: ``*`` matches every verb, resource or group, including
those added later by CRDs and new releases). ClusterRoles with an aggregationRule get their rules
from the controller, not from the manifest, and are skipped.

A rule's ``check`` names one of: ``wildcard`` and ``pod-exec`` (the rules of Roles and
ClusterRoles), ``cluster-admin`` (RoleBindings and ClusterRoleBindings).
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.checks import CheckSet, Context
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": ""}
CHECKS = CheckSet()

RBAC = "rbac.authorization.k8s.io"
EXEC_RESOURCES = ("pods/exec", "pods/attach", "pods/*")
ROLES = frozenset({"Role", "ClusterRole"})
BINDINGS = frozenset({"RoleBinding", "ClusterRoleBinding"})


@CHECKS("wildcard", kinds=ROLES)
def wildcard(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    for index, item in _rules(resource):
        for field, what in (("verbs", "every verb on its resources (delete, deletecollection, escalate, "
                                      "impersonate ...), including verbs added later"),
                            ("resources", "every resource of its API groups (secrets, for the core group), "
                                          "including resources added later")):
            values = _strings(item.get(field))
            if "*" in values:
                yield Problem(("rules", index, field, values.index("*")),
                              f"rules[{index}].{field} is \"*\", which grants {what}",
                              hint=f"list the {field} this role needs")


@CHECKS("pod-exec", kinds=ROLES)
def pod_exec(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    for index, item in _rules(resource):
        resources = _strings(item.get("resources"))
        verbs = set(_strings(item.get("verbs")))
        groups = _strings(item.get("apiGroups"))
        if not ({"", "*"} & set(groups)) or not ({"create", "get", "*"} & verbs):
            continue
        granted = [r for r in resources if r in EXEC_RESOURCES]
        if granted:
            yield Problem(("rules", index, "resources", resources.index(granted[0])),
                          f"rules[{index}] grants {granted[0]}: running commands in any pod of the "
                          f"{'cluster' if resource.kind == 'ClusterRole' else 'namespace'}, with the pods' "
                          "service account tokens and secrets", hint="remove pods/exec and pods/attach, or "
                                                                    "restrict the role to a break-glass group")


@CHECKS("cluster-admin", kinds=BINDINGS)
def cluster_admin(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if resource.group != RBAC:
        return
    role = resource.data.get("roleRef")
    if isinstance(role, dict) and role.get("kind") == "ClusterRole" and role.get("name") == "cluster-admin":
        scope = "the whole cluster" if resource.kind == "ClusterRoleBinding" else f"namespace {resource.namespace}"
        subjects = resource.data.get("subjects")
        names = ", ".join(f"{s.get('kind')}/{s.get('name')}" for s in subjects if isinstance(s, dict)) \
            if isinstance(subjects, list) else ""
        yield Problem(("roleRef", "name"), f"binds cluster-admin (every permission on {scope})"
                      + (f" to {names}" if names else ""),
                      hint="bind a role with only the permissions the subjects need")


def _rules(resource: Resource) -> Iterator[tuple[int, dict]]:
    """The policy rules a Role or ClusterRole states itself (none for an aggregated ClusterRole)."""
    if resource.group != RBAC or resource.kind not in ROLES:
        return
    if resource.kind == "ClusterRole" and resource.data.get("aggregationRule") is not None:
        return
    rules = resource.data.get("rules")
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if isinstance(rule, dict):
            yield index, rule


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
