"""The controls of the baseline Pod Security Standard (k8s.io/pod-security-admission/policy/check_*.go).

Some also have restricted-level requirements (capabilities, seccomp): a control yields each
violation with the level it belongs to.
"""

from __future__ import annotations

import functools
from typing import Iterator

from kubelint.checks.pod_security.pod import (
    Pod,
    Violation,
    control,
    name_of,
    quoted,
    seccomp_type,
    security_contexts,
    volumes,
)
from kubelint.k8s import objects as k8s
from kubelint.model import format_path


@control("host-namespaces")
def host_namespaces(pod: Pod, level: str) -> Iterator[Violation]:
    # check_hostNamespaces.go
    for field, what in (("hostNetwork", "network"), ("hostPID", "process ID"), ("hostIPC", "IPC")):
        if pod.spec.get(field) is True:
            yield ("baseline", pod.path + (field,), f"{field}: true shares the node's {what} namespace",
                   f"remove {field} (or set it to false)")


@control("privileged")
def privileged(pod: Pod, level: str) -> Iterator[Violation]:
    # check_privileged.go
    for path, container, context in pod.containers():
        if context.get("privileged") is True:
            yield ("baseline", path + ("securityContext", "privileged"),
                   f"{name_of(container)} is privileged: it has every capability and all host devices",
                   "remove securityContext.privileged (or set it to false) and add only the capabilities needed")


BASELINE_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})


@control("capabilities")
def capabilities(pod: Pod, level: str) -> Iterator[Violation]:
    # check_capabilities_baseline.go (the container runtime's default set may be added back) and
    # check_capabilities_restricted.go (drop ALL, add at most NET_BIND_SERVICE; Windows pods exempt)
    restricted = level == "restricted" and not pod.windows
    for path, container, context in pod.containers():
        caps = context.get("capabilities")
        caps = caps if isinstance(caps, dict) else {}
        added = caps.get("add") if isinstance(caps.get("add"), list) else []
        for index, capability in enumerate(added):
            add_path = path + ("securityContext", "capabilities", "add", index)
            if capability not in BASELINE_CAPABILITIES:
                yield ("baseline", add_path, f"{name_of(container)} adds capability {capability}, beyond the "
                       "container runtime's default set", f"remove {capability} from capabilities.add")
            elif restricted and capability != "NET_BIND_SERVICE":
                yield ("restricted", add_path, f"{name_of(container)} adds capability {capability}: only "
                       "NET_BIND_SERVICE may be added", f"remove {capability} from capabilities.add")
        if restricted:
            dropped = caps.get("drop") if isinstance(caps.get("drop"), list) else []
            if "ALL" not in dropped:
                yield ("restricted", path + ("securityContext", "capabilities", "drop"),
                       f"{name_of(container)} does not drop all capabilities (NET_RAW and others stay)",
                       'set securityContext.capabilities.drop: ["ALL"]')


@control("host-path")
def host_path(pod: Pod, level: str) -> Iterator[Violation]:
    # check_hostPathVolumes.go
    for index, volume in volumes(pod):
        source = volume.get("hostPath")
        if source is not None:
            where = source.get("path") if isinstance(source, dict) else None
            sensitive = f" ({where}: {SENSITIVE_HOST_PATHS[where]})" if where in SENSITIVE_HOST_PATHS else ""
            yield ("baseline", pod.path + ("volumes", index, "hostPath"),
                   f'volume "{volume.get("name")}" mounts a directory of the node (hostPath){sensitive}',
                   "use an emptyDir, a ConfigMap, a Secret or a PersistentVolumeClaim instead")


SENSITIVE_HOST_PATHS = {
    "/": "the node's whole file system",
    "/etc": "the node's configuration",
    "/root": "root's home directory",
    "/var/run/docker.sock": "control of the Docker daemon, hence of the node",
    "/run/docker.sock": "control of the Docker daemon, hence of the node",
    "/var/run/containerd/containerd.sock": "control of containerd, hence of the node",
    "/run/containerd/containerd.sock": "control of containerd, hence of the node",
    "/var/run/crio/crio.sock": "control of CRI-O, hence of the node",
    "/var/lib/kubelet": "the kubelet's state, including other pods' secrets",
    "/proc": "every process of the node",
    "/sys": "the node's kernel settings",
    "/dev": "the node's devices",
    "/boot": "the node's kernel images",
}


@control("host-ports")
def host_ports(pod: Pod, level: str) -> Iterator[Violation]:
    # check_hostPorts.go
    for path, container, _ in pod.containers():
        ports = container.get("ports")
        for index, port in enumerate(ports if isinstance(ports, list) else []):
            if isinstance(port, dict) and port.get("hostPort") not in (None, 0):
                yield ("baseline", path + ("ports", index, "hostPort"),
                       f"{name_of(container)} binds host port {port['hostPort']} on the node",
                       "remove hostPort and reach the container through a Service")


APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


@control("apparmor")
def apparmor(pod: Pod, level: str) -> Iterator[Violation]:
    # check_appArmorProfile.go: the fields (1.30+) and the deprecated annotations
    for path, context, who in security_contexts(pod):
        profile = context.get("appArmorProfile")
        kind = profile.get("type") if isinstance(profile, dict) else None
        if kind is not None and kind not in ("RuntimeDefault", "Localhost"):
            yield ("baseline", path + ("appArmorProfile", "type"), f"{who} sets AppArmor profile {kind}",
                   "use RuntimeDefault or a Localhost profile, or remove appArmorProfile")
    annotations = pod.metadata.get("annotations")
    for key, value in (annotations.items() if isinstance(annotations, dict) else ()):
        if isinstance(key, str) and key.startswith(APPARMOR_ANNOTATION):
            if not (value in ("", "runtime/default") or (isinstance(value, str) and value.startswith("localhost/"))):
                container = key[len(APPARMOR_ANNOTATION):]
                yield ("baseline", pod.metadata_path + ("annotations", key),
                       f'container "{container}" overrides its AppArmor profile ({value})',
                       "use runtime/default or a localhost/ profile, or remove the annotation")


SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})


@control("selinux")
def selinux(pod: Pod, level: str) -> Iterator[Violation]:
    # check_seLinuxOptions.go (container_engine_t allowed from policy 1.31)
    allowed = SELINUX_TYPES | ({"container_engine_t"} if pod.version >= 31 else set())
    for path, context, who in security_contexts(pod):
        options = context.get("seLinuxOptions")
        if not isinstance(options, dict):
            continue
        kind = options.get("type")
        if kind is not None and kind not in allowed:
            yield ("baseline", path + ("seLinuxOptions", "type"), f"{who} sets SELinux type {kind}",
                   f"use one of {', '.join(sorted(t for t in allowed if t))}, or remove it")
        for field in ("user", "role"):
            if options.get(field) not in (None, ""):
                yield ("baseline", path + ("seLinuxOptions", field), f"{who} sets a custom SELinux {field}",
                       f"remove seLinuxOptions.{field}")


@control("proc-mount")
def proc_mount(pod: Pod, level: str) -> Iterator[Violation]:
    # check_procMount_baseline.go and check_procMount_restricted.go: Default only; from policy 1.35
    # baseline allows any type in a user namespace (hostUsers: false), restricted does not.
    if level == "baseline" and pod.user_namespace:
        return
    for path, container, context in pod.containers():
        mount = context.get("procMount")
        if mount not in (None, "Default"):
            yield ("baseline" if not pod.user_namespace else "restricted",
                   path + ("securityContext", "procMount"),
                   f"{name_of(container)} sets procMount: {mount}, unmasking the node's /proc",
                   "remove procMount (or set it to Default)")


@control("seccomp")
def seccomp(pod: Pod, level: str) -> Iterator[Violation]:
    # check_seccompProfile_baseline.go: never Unconfined; check_seccompProfile_restricted.go:
    # RuntimeDefault or Localhost must be set, on the pod or on every container (Windows exempt).
    valid = ("RuntimeDefault", "Localhost")
    pod_type = seccomp_type(pod.security_context)
    if pod_type is not None and pod_type not in valid:
        yield ("baseline", pod.path + ("securityContext", "seccompProfile", "type"),
               f"the pod sets seccomp profile {pod_type}", "use RuntimeDefault (or a Localhost profile)")
    unset = []
    for path, container, context in pod.containers():
        kind = seccomp_type(context)
        if kind is not None and kind not in valid:
            yield ("baseline", path + ("securityContext", "seccompProfile", "type"),
                   f"{name_of(container)} sets seccomp profile {kind}", "use RuntimeDefault (or a Localhost profile)")
        elif kind is None:
            unset.append(container.get("name"))
    if level == "restricted" and pod_type is None and unset and not pod.windows:
        names = quoted(unset)
        yield ("restricted", pod.path + ("securityContext", "seccompProfile"),
               f"no seccomp profile is set for the pod or for container(s) {names}: they run unconfined",
               "set spec.securityContext.seccompProfile.type: RuntimeDefault")


SYSCTLS = {
    0: {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"},
    27: {"net.ipv4.ip_local_reserved_ports"},
    29: {"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
         "net.ipv4.tcp_keepalive_probes"},
    32: {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"},
}


@functools.cache
def safe_sysctls(version: int) -> frozenset[str]:
    return frozenset().union(*(names for since, names in SYSCTLS.items() if since <= version))


@control("sysctls")
def sysctls(pod: Pod, level: str) -> Iterator[Violation]:
    # check_sysctls.go: only the namespaced, isolated "safe" sysctls (the list grows by version)
    allowed = safe_sysctls(pod.version)
    items = pod.security_context.get("sysctls")
    for index, item in enumerate(items if isinstance(items, list) else []):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name not in allowed:
            yield ("baseline", pod.path + ("securityContext", "sysctls", index, "name"),
                   f"sysctl {name} is not one of the safe sysctls", "remove it, or set it on the node instead")


@control("windows-host-process")
def windows_host_process(pod: Pod, level: str) -> Iterator[Violation]:
    # check_windowsHostProcess.go
    for path, context, who in security_contexts(pod):
        options = context.get("windowsOptions")
        if isinstance(options, dict) and options.get("hostProcess") is True:
            yield ("baseline", path + ("windowsOptions", "hostProcess"),
                   f"{who} runs as a Windows HostProcess container, with full access to the node",
                   "remove windowsOptions.hostProcess")


@control("probe-host")
def probe_host(pod: Pod, level: str) -> Iterator[Violation]:
    # check_hostProbesAndhostLifecycle.go (policy 1.34+): probes and hooks may not name another host
    if pod.version < 34:
        return
    for path, container, _ in pod.containers():
        for where, handler in k8s.container_handlers(container):
            for action in ("httpGet", "tcpSocket"):
                target = handler.get(action)
                if isinstance(target, dict) and target.get("host") not in (None, ""):
                    yield ("baseline", path + where + (action, "host"),
                           f"{name_of(container)} {format_path(where + (action,))} targets host "
                           f"{target['host']} instead of the pod", "remove host: the pod's own IP is used")


