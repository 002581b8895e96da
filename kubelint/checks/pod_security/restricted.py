"""The controls of the restricted Pod Security Standard (k8s.io/pod-security-admission/policy/check_*.go)."""

from __future__ import annotations

from typing import Iterator

from kubelint.checks.pod_security.pod import (
    Pod,
    Violation,
    control,
    name_of,
    quoted,
    security_contexts,
    volumes,
)

RESTRICTED_VOLUMES = ("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                      "persistentVolumeClaim", "projected", "secret")


@control("volume-types")
def volume_types(pod: Pod, level: str) -> Iterator[Violation]:
    # check_restrictedVolumes.go (hostPath is the baseline control pss-host-path)
    if level != "restricted":
        return
    for index, volume in volumes(pod):
        kinds = [key for key, value in volume.items() if key != "name" and value is not None]
        if not kinds or any(kind in RESTRICTED_VOLUMES or kind == "hostPath" for kind in kinds):
            continue  # no source at all is defaulted to emptyDir (SetDefaults_Volume)
        kind = kinds[0]
        yield ("restricted", pod.path + ("volumes", index, kind),
               f'volume "{volume.get("name")}" uses volume type {kind}',
               "use a PersistentVolumeClaim (the cluster admin defines the PersistentVolume), or one of "
               + ", ".join(RESTRICTED_VOLUMES))


@control("privilege-escalation")
def privilege_escalation(pod: Pod, level: str) -> Iterator[Violation]:
    # check_allowPrivilegeEscalation.go: must be false, explicitly (Windows pods exempt from 1.25)
    if level != "restricted" or pod.windows:
        return
    for path, container, context in pod.containers():
        if context.get("allowPrivilegeEscalation") is not False:
            yield ("restricted", path + ("securityContext", "allowPrivilegeEscalation"),
                   f"{name_of(container)} does not set allowPrivilegeEscalation: false (setuid binaries can "
                   "gain privileges)", "set securityContext.allowPrivilegeEscalation: false")


@control("run-as-non-root")
def run_as_non_root(pod: Pod, level: str) -> Iterator[Violation]:
    # check_runAsNonRoot.go: true on the pod or on every container, and never false
    if level != "restricted" or pod.user_namespace:
        return
    pod_value = pod.security_context.get("runAsNonRoot")
    if pod_value is False:
        yield ("restricted", pod.path + ("securityContext", "runAsNonRoot"), "the pod sets runAsNonRoot: false",
               "set spec.securityContext.runAsNonRoot: true")
    implicit = []
    for path, container, context in pod.containers():
        value = context.get("runAsNonRoot")
        if value is False:
            yield ("restricted", path + ("securityContext", "runAsNonRoot"), f"{name_of(container)} sets "
                   "runAsNonRoot: false", "set securityContext.runAsNonRoot: true")
        elif value is None and pod_value is not True:
            implicit.append(container.get("name"))
    if implicit:
        names = quoted(implicit)
        yield ("restricted", pod.path + ("securityContext", "runAsNonRoot"),
               f"runAsNonRoot is not set for the pod or for container(s) {names}: they may run as root",
               "set spec.securityContext.runAsNonRoot: true (and runAsUser to a non-zero UID if the image "
               "does not set one)")


@control("run-as-user")
def run_as_user(pod: Pod, level: str) -> Iterator[Violation]:
    # check_runAsUser.go (policy 1.23+): never UID 0
    if level != "restricted" or pod.version < 23 or pod.user_namespace:
        return
    for path, context, who in security_contexts(pod):
        user = context.get("runAsUser")
        if isinstance(user, int) and not isinstance(user, bool) and user == 0:
            yield ("restricted", path + ("runAsUser",), f"{who} sets runAsUser: 0 (root)",
                   "set runAsUser to a non-zero UID")


