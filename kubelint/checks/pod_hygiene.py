"""Pod settings that are valid but unsafe or careless: one function per ``check``.

- ``termination-grace-zero``: terminationGracePeriodSeconds 0 kills containers with SIGKILL, no
  graceful shutdown (a StatefulSet pod may even run twice: the API docs of the field warn of it).
- ``read-only-root-fs``: a writable container root file system.
- ``ssh-port``: a container that declares port 22.
- ``deprecated-service-account``: the deprecated alias ``serviceAccount`` (pkg/apis/core/v1
  conversion copies it to serviceAccountName).
- ``priority-class``: no priorityClassName.
- ``automount-token``: the default ServiceAccount's API token mounted into a pod that does not need
  it (the pod and its ServiceAccount leave automountServiceAccountToken unset, and no RoleBinding
  or ClusterRoleBinding of the input grants that ServiceAccount anything).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import CheckSet, Context
from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Path, Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": ""}
CHECKS = CheckSet()


@CHECKS("termination-grace-zero", kinds=k8s.POD_SPEC_KINDS)
def termination_grace_zero(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    grace = spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and not isinstance(grace, bool) and grace == 0:
        yield Problem(path + ("terminationGracePeriodSeconds",),
                      "terminationGracePeriodSeconds: 0 kills the containers without a graceful shutdown: "
                      "in-flight requests fail and data may be lost",
                      hint="remove it (default 30 seconds) or give the time the process needs to shut down")


@CHECKS("read-only-root-fs", kinds=k8s.POD_SPEC_KINDS)
def read_only_root_fs(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    if k8s.get(spec, ("os", "name")) == "windows":
        return
    for container_path, container in k8s.containers(spec, path, ("initContainers", "containers")):
        if k8s.get(container, ("securityContext", "readOnlyRootFilesystem")) is not True:
            yield Problem(container_path + ("securityContext", "readOnlyRootFilesystem"),
                          f'container "{container.get("name")}" has a writable root file system: an attacker '
                          "can change its binaries and configuration",
                          hint="set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where "
                               "the program writes (/tmp, caches)")


@CHECKS("ssh-port", kinds=k8s.POD_SPEC_KINDS)
def ssh_port(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    for container_path, container in k8s.containers(spec, path, ("initContainers", "containers")):
        ports = container.get("ports")
        for index, port in enumerate(ports if isinstance(ports, list) else []):
            if isinstance(port, dict) and port.get("containerPort") == 22 and port.get("protocol", "TCP") == "TCP":
                yield Problem(container_path + ("ports", index, "containerPort"),
                              f'container "{container.get("name")}" exposes port 22 (SSH): a shell into a '
                              "container bypasses the cluster's access control and audit",
                              hint="remove the SSH server; use kubectl exec or debug, which RBAC controls")


@CHECKS("deprecated-service-account", kinds=k8s.POD_SPEC_KINDS)
def deprecated_service_account(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    legacy = spec.get("serviceAccount")
    if isinstance(legacy, str) and legacy:
        yield Problem(path + ("serviceAccount",), "serviceAccount is a deprecated alias of serviceAccountName",
                      at_key=True, hint=f"write serviceAccountName: {legacy} instead")


@CHECKS("priority-class", kinds=k8s.POD_SPEC_KINDS)
def priority_class(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    if not spec.get("priorityClassName"):
        yield Problem(path + ("priorityClassName",), "no priorityClassName: under resource pressure these pods "
                      "are preempted like any other, and cannot preempt less important ones", at_key=True,
                      hint="set priorityClassName to one of the cluster's PriorityClasses")


@CHECKS("automount-token", kinds=k8s.POD_SPEC_KINDS)
def automount_token(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is not None:
        yield from _automount(resource, *found, ctx)


def _automount(resource: Resource, path: Path, spec: dict, ctx: Context) -> Iterator[Problem]:
    if spec.get("automountServiceAccountToken") is not None:
        return  # an explicit choice either way
    account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    if account != "default":
        return  # a dedicated ServiceAccount exists to be used: its token is presumably needed
    index = _accounts(ctx)
    if index.automount.get((resource.namespace, account)) is False:
        return
    if index.everyone or (resource.namespace, account) in index.bound or resource.namespace in index.all_bound:
        return
    yield Problem(path + ("automountServiceAccountToken",),
                  "the API token of the default ServiceAccount is mounted into every container, although no "
                  "binding of the input grants it anything: a compromised container can use it against the API "
                  "server", at_key=True,
                  hint="set automountServiceAccountToken: false in the pod spec (or on the ServiceAccount)")


class _Accounts:
    """Who may use which ServiceAccount token: the input's ServiceAccounts and RBAC bindings."""

    def __init__(self, resources: list[Resource]) -> None:
        self.automount: dict[tuple[str | None, str], object] = {}
        self.bound: set[tuple[str | None, str]] = set()
        self.all_bound: set[str | None] = set()
        self.everyone = False
        for resource in resources:
            if resource.kind == "ServiceAccount" and resource.group == "" and resource.name:
                self.automount[(resource.namespace, resource.name)] = resource.data.get("automountServiceAccountToken")
            elif resource.kind in ("RoleBinding", "ClusterRoleBinding") and \
                    resource.group == "rbac.authorization.k8s.io":
                subjects = resource.data.get("subjects")
                for subject in subjects if isinstance(subjects, list) else []:
                    if not isinstance(subject, dict):
                        continue
                    if subject.get("kind") == "ServiceAccount" and isinstance(subject.get("name"), str):
                        self.bound.add((subject.get("namespace") or resource.namespace, subject["name"]))
                    elif subject.get("kind") == "Group" and isinstance(subject.get("name"), str):
                        name = subject["name"]
                        if name == "system:serviceaccounts":
                            self.everyone = True
                        elif name.startswith("system:serviceaccounts:"):
                            self.all_bound.add(name.split(":", 2)[2])


def _accounts(ctx: Context) -> _Accounts:
    found = ctx.cache.get("service-accounts")
    if found is None:
        found = ctx.cache["service-accounts"] = _Accounts(ctx.resources)
    return found
