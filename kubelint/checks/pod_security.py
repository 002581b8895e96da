"""The Pod Security Standards, control by control, as pod-security-admission evaluates them.

Upstream: k8s.io/pod-security-admission/policy/check_*.go (one file per check, each with the
policy versions it changed at) and api/helpers.go (namespace labels, levels, versions). Each
kubelint rule ``pss-*`` binds this template to one control (``params.control``).

Which profile applies to a pod is decided as the admission plugin decides it: by the
``pod-security.kubernetes.io/<mode>`` labels of the pod's Namespace when the input holds it, else by
the ``pod-security`` configuration (the cluster's defaults). Each mode gives a severity: a violation
of the **enforced** level is an error (admission rejects the pod), of the **warn** level a warning
(kubectl prints one), of the **audit** level an info. A violation reported at one mode is not
repeated at a milder one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Path, Problem, Resource, Severity, format_path

PARAMS = {"control": ""}


def KINDS(rule) -> frozenset[str]:  # noqa: N802 (the engine's name for "which kinds to check")
    """Namespaces for their labels; otherwise the kinds with a pod spec."""
    return frozenset({"Namespace"}) if rule.params["control"] == "namespace-labels" else k8s.POD_SPEC_KINDS

LEVELS = ("privileged", "baseline", "restricted")
MODES = (("enforce", Severity.ERROR), ("warn", Severity.WARNING), ("audit", Severity.INFO))
#: Without labels or configuration: nothing is enforced (as in a cluster without defaults), the
#: baseline profile (known privilege escalations) warns and the restricted profile is audited.
DEFAULT_POLICY = {"enforce": "privileged", "warn": "baseline", "audit": "restricted"}
LABEL_PREFIX = "pod-security.kubernetes.io/"
#: The newest policy version the checks change at (a label "latest" means this, or the target
#: release when that is older): policy/registry.go clamps to the highest MinimumVersion.
NEWEST_POLICY = 35
_VERSION = re.compile(r"v1\.(0|[1-9][0-9]*)\Z")


def parse_level(value) -> str | None:
    return value if value in LEVELS else None


def parse_version(value) -> int | None:
    """"latest" -> None (resolved later), "v1.NN" -> NN; raises ValueError otherwise."""
    if value == "latest":
        return None
    match = _VERSION.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError('must be "latest" or "v1.x"')
    return int(match.group(1))


@dataclass(frozen=True)
class ModePolicy:
    mode: str
    level: str
    version: int          # the policy version to evaluate (latest already resolved)
    source: str           # where the level comes from, for messages


@dataclass(frozen=True)
class NamespacePolicy:
    namespace: str | None
    modes: tuple[ModePolicy, ...]   # enforce, warn, audit (only those above privileged)
    #: how to evaluate a control once per policy version rather than once per mode: (version,
    #: strictest level of the modes at that version, those modes strictest first with their severity)
    plan: tuple = ()


def _plan(modes: tuple[ModePolicy, ...]) -> tuple:
    severities = dict(MODES)
    by_version: dict[int, list[tuple[ModePolicy, Severity]]] = {}
    for mode_policy in modes:
        by_version.setdefault(mode_policy.version, []).append((mode_policy, severities[mode_policy.mode]))
    return tuple((version, max((m.level for m, _ in group), key=LEVELS.index), tuple(group))
                 for version, group in by_version.items())


class PolicyIndex:
    """The policy of every namespace of the run, resolved once (ctx.cache)."""

    def __init__(self, ctx):
        configured = getattr(ctx.options, "pod_security", None) or {}
        self.defaults = {mode: configured.get(mode, DEFAULT_POLICY[mode]) for mode, _ in MODES}
        self.configured = {mode for mode, _ in MODES if mode in configured}
        self.default_version = configured.get("version", "latest")
        self.target = _target_minor(ctx)
        self.labels = k8s.namespace_labels(ctx.resources)
        self.cache: dict[str | None, NamespacePolicy] = {}

    def resolve(self, version: int | None) -> int:
        newest = min(self.target, NEWEST_POLICY)
        return newest if version is None else min(version, newest)

    def policy(self, namespace: str | None) -> NamespacePolicy:
        found = self.cache.get(namespace)
        if found is not None:
            return found
        labels = self.labels.get(namespace or "", {})
        modes = []
        for mode, _severity in MODES:
            level = self.defaults[mode]
            source = "configuration pod-security" if mode in self.configured else "kubelint's default"
            label = labels.get(LABEL_PREFIX + mode)
            if label is not None:
                # An invalid level label enforces restricted (api.PolicyToEvaluate); warn and audit fail open.
                level = parse_level(label) or ("restricted" if mode == "enforce" else "privileged")
                source = f'namespace "{namespace}"'
            raw_version = labels.get(LABEL_PREFIX + mode + "-version", self.default_version)
            try:
                version = parse_version(raw_version)
            except ValueError:
                version = None
            if level != "privileged":
                modes.append(ModePolicy(mode, level, self.resolve(version), source))
        found = NamespacePolicy(namespace, tuple(modes), _plan(tuple(modes)))
        self.cache[namespace] = found
        return found


def _target_minor(ctx) -> int:
    version = getattr(getattr(ctx, "bundle", None), "version", None) or ""
    match = re.match(r"v?1\.(\d+)", str(version))
    return int(match.group(1)) if match else NEWEST_POLICY


def policy_index(ctx) -> PolicyIndex:
    index = ctx.cache.get("pod-security")
    if index is None:
        index = ctx.cache["pod-security"] = PolicyIndex(ctx)
    return index


# --- the pod, as the controls see it ----------------------------------------------------------


@dataclass
class Pod:
    """One pod spec with its paths, and the facts several controls share."""

    spec: dict
    path: Path                      # of the pod spec inside the resource
    metadata: dict
    metadata_path: Path
    version: int = NEWEST_POLICY

    @property
    def security_context(self) -> dict:
        value = self.spec.get("securityContext")
        return value if isinstance(value, dict) else {}

    @property
    def windows(self) -> bool:
        # From policy 1.25, pods with spec.os.name: windows are exempt from the Linux-only controls.
        os_spec = self.spec.get("os")
        return self.version >= 25 and isinstance(os_spec, dict) and os_spec.get("name") == "windows"

    @property
    def user_namespace(self) -> bool:
        # KEP-127: hostUsers: false relaxes runAsNonRoot, runAsUser and baseline procMount from 1.35.
        return self.version >= 35 and self.spec.get("hostUsers") is False

    def containers(self) -> list[tuple[Path, dict, dict]]:
        """(path, container, its securityContext) of init, regular and ephemeral containers."""
        found = self.__dict__.get("_containers")
        if found is None:
            found = self.__dict__["_containers"] = [
                (path, container, context if isinstance(context := container.get("securityContext"), dict) else {})
                for path, container in k8s.containers(self.spec, self.path)]
        return found

    def security_contexts(self) -> list[tuple[Path, dict, str]]:
        """The pod's securityContext and each container's, with their paths and who they belong to."""
        found = self.__dict__.get("_contexts")
        if found is None:
            found = [(self.path + ("securityContext",), self.security_context, "the pod")]
            found += [(path + ("securityContext",), context, _name(container))
                      for path, container, context in self.containers()]
            self.__dict__["_contexts"] = found
        return found


def _name(container: dict) -> str:
    name = container.get("name")
    return f'container "{name}"' if isinstance(name, str) else "a container"


#: A violation: (level it belongs to, path, what is wrong, how to fix it).
Violation = tuple[str, Path, str, str]
Control = Callable[[Pod, str], Iterator[Violation]]

# --- baseline controls ------------------------------------------------------------------------


def host_namespaces(pod: Pod, level: str) -> Iterator[Violation]:
    # check_hostNamespaces.go
    for field, what in (("hostNetwork", "network"), ("hostPID", "process ID"), ("hostIPC", "IPC")):
        if pod.spec.get(field) is True:
            yield ("baseline", pod.path + (field,), f"{field}: true shares the node's {what} namespace",
                   f"remove {field} (or set it to false)")


def privileged(pod: Pod, level: str) -> Iterator[Violation]:
    # check_privileged.go
    for path, container, context in pod.containers():
        if context.get("privileged") is True:
            yield ("baseline", path + ("securityContext", "privileged"),
                   f"{_name(container)} is privileged: it has every capability and all host devices",
                   "remove securityContext.privileged (or set it to false) and add only the capabilities needed")


BASELINE_CAPABILITIES = frozenset({
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})


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
                yield ("baseline", add_path, f"{_name(container)} adds capability {capability}, beyond the "
                       "container runtime's default set", f"remove {capability} from capabilities.add")
            elif restricted and capability != "NET_BIND_SERVICE":
                yield ("restricted", add_path, f"{_name(container)} adds capability {capability}: only "
                       "NET_BIND_SERVICE may be added", f"remove {capability} from capabilities.add")
        if restricted:
            dropped = caps.get("drop") if isinstance(caps.get("drop"), list) else []
            if "ALL" not in dropped:
                yield ("restricted", path + ("securityContext", "capabilities", "drop"),
                       f"{_name(container)} does not drop all capabilities (NET_RAW and others stay)",
                       'set securityContext.capabilities.drop: ["ALL"]')


def host_path(pod: Pod, level: str) -> Iterator[Violation]:
    # check_hostPathVolumes.go
    for index, volume in _volumes(pod):
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


def host_ports(pod: Pod, level: str) -> Iterator[Violation]:
    # check_hostPorts.go
    for path, container, _ in pod.containers():
        ports = container.get("ports")
        for index, port in enumerate(ports if isinstance(ports, list) else []):
            if isinstance(port, dict) and port.get("hostPort") not in (None, 0):
                yield ("baseline", path + ("ports", index, "hostPort"),
                       f"{_name(container)} binds host port {port['hostPort']} on the node",
                       "remove hostPort and reach the container through a Service")


APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def apparmor(pod: Pod, level: str) -> Iterator[Violation]:
    # check_appArmorProfile.go: the fields (1.30+) and the deprecated annotations
    for path, context, who in _security_contexts(pod):
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


def selinux(pod: Pod, level: str) -> Iterator[Violation]:
    # check_seLinuxOptions.go (container_engine_t allowed from policy 1.31)
    allowed = SELINUX_TYPES | ({"container_engine_t"} if pod.version >= 31 else set())
    for path, context, who in _security_contexts(pod):
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
                   f"{_name(container)} sets procMount: {mount}, unmasking the node's /proc",
                   "remove procMount (or set it to Default)")


def seccomp(pod: Pod, level: str) -> Iterator[Violation]:
    # check_seccompProfile_baseline.go: never Unconfined; check_seccompProfile_restricted.go:
    # RuntimeDefault or Localhost must be set, on the pod or on every container (Windows exempt).
    valid = ("RuntimeDefault", "Localhost")
    pod_type = _seccomp_type(pod.security_context)
    if pod_type is not None and pod_type not in valid:
        yield ("baseline", pod.path + ("securityContext", "seccompProfile", "type"),
               f"the pod sets seccomp profile {pod_type}", "use RuntimeDefault (or a Localhost profile)")
    unset = []
    for path, container, context in pod.containers():
        kind = _seccomp_type(context)
        if kind is not None and kind not in valid:
            yield ("baseline", path + ("securityContext", "seccompProfile", "type"),
                   f"{_name(container)} sets seccomp profile {kind}", "use RuntimeDefault (or a Localhost profile)")
        elif kind is None:
            unset.append(container.get("name"))
    if level == "restricted" and pod_type is None and unset and not pod.windows:
        names = _quoted(unset)
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


def sysctls(pod: Pod, level: str) -> Iterator[Violation]:
    # check_sysctls.go: only the namespaced, isolated "safe" sysctls (the list grows by version)
    allowed = safe_sysctls(pod.version)
    items = pod.security_context.get("sysctls")
    for index, item in enumerate(items if isinstance(items, list) else []):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name not in allowed:
            yield ("baseline", pod.path + ("securityContext", "sysctls", index, "name"),
                   f"sysctl {name} is not one of the safe sysctls", "remove it, or set it on the node instead")


def windows_host_process(pod: Pod, level: str) -> Iterator[Violation]:
    # check_windowsHostProcess.go
    for path, context, who in _security_contexts(pod):
        options = context.get("windowsOptions")
        if isinstance(options, dict) and options.get("hostProcess") is True:
            yield ("baseline", path + ("windowsOptions", "hostProcess"),
                   f"{who} runs as a Windows HostProcess container, with full access to the node",
                   "remove windowsOptions.hostProcess")


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
                           f"{_name(container)} {format_path(where + (action,))} targets host "
                           f"{target['host']} instead of the pod", "remove host: the pod's own IP is used")


# --- restricted controls ----------------------------------------------------------------------

RESTRICTED_VOLUMES = ("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                      "persistentVolumeClaim", "projected", "secret")


def volume_types(pod: Pod, level: str) -> Iterator[Violation]:
    # check_restrictedVolumes.go (hostPath is the baseline control pss-host-path)
    if level != "restricted":
        return
    for index, volume in _volumes(pod):
        kinds = [key for key, value in volume.items() if key != "name" and value is not None]
        if not kinds or any(kind in RESTRICTED_VOLUMES or kind == "hostPath" for kind in kinds):
            continue  # no source at all is defaulted to emptyDir (SetDefaults_Volume)
        kind = kinds[0]
        yield ("restricted", pod.path + ("volumes", index, kind),
               f'volume "{volume.get("name")}" uses volume type {kind}',
               "use a PersistentVolumeClaim (the cluster admin defines the PersistentVolume), or one of "
               + ", ".join(RESTRICTED_VOLUMES))


def privilege_escalation(pod: Pod, level: str) -> Iterator[Violation]:
    # check_allowPrivilegeEscalation.go: must be false, explicitly (Windows pods exempt from 1.25)
    if level != "restricted" or pod.windows:
        return
    for path, container, context in pod.containers():
        if context.get("allowPrivilegeEscalation") is not False:
            yield ("restricted", path + ("securityContext", "allowPrivilegeEscalation"),
                   f"{_name(container)} does not set allowPrivilegeEscalation: false (setuid binaries can "
                   "gain privileges)", "set securityContext.allowPrivilegeEscalation: false")


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
            yield ("restricted", path + ("securityContext", "runAsNonRoot"), f"{_name(container)} sets "
                   "runAsNonRoot: false", "set securityContext.runAsNonRoot: true")
        elif value is None and pod_value is not True:
            implicit.append(container.get("name"))
    if implicit:
        names = _quoted(implicit)
        yield ("restricted", pod.path + ("securityContext", "runAsNonRoot"),
               f"runAsNonRoot is not set for the pod or for container(s) {names}: they may run as root",
               "set spec.securityContext.runAsNonRoot: true (and runAsUser to a non-zero UID if the image "
               "does not set one)")


def run_as_user(pod: Pod, level: str) -> Iterator[Violation]:
    # check_runAsUser.go (policy 1.23+): never UID 0
    if level != "restricted" or pod.version < 23 or pod.user_namespace:
        return
    for path, context, who in _security_contexts(pod):
        user = context.get("runAsUser")
        if isinstance(user, int) and not isinstance(user, bool) and user == 0:
            yield ("restricted", path + ("runAsUser",), f"{who} sets runAsUser: 0 (root)",
                   "set runAsUser to a non-zero UID")


CONTROLS: dict[str, Control] = {
    "host-namespaces": host_namespaces,
    "privileged": privileged,
    "capabilities": capabilities,
    "host-path": host_path,
    "host-ports": host_ports,
    "apparmor": apparmor,
    "selinux": selinux,
    "proc-mount": proc_mount,
    "seccomp": seccomp,
    "sysctls": sysctls,
    "windows-host-process": windows_host_process,
    "probe-host": probe_host,
    "volume-types": volume_types,
    "privilege-escalation": privilege_escalation,
    "run-as-non-root": run_as_non_root,
    "run-as-user": run_as_user,
}


# --- helpers ----------------------------------------------------------------------------------


def _quoted(names: list) -> str:
    """"a", "b": container names once each, in order."""
    return ", ".join(f'"{n}"' for n in dict.fromkeys(n for n in names if isinstance(n, str)))


def _volumes(pod: Pod) -> Iterator[tuple[int, dict]]:
    volumes = pod.spec.get("volumes")
    for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
        if isinstance(volume, dict):
            yield index, volume


def _security_contexts(pod: Pod) -> list[tuple[Path, dict, str]]:
    return pod.security_contexts()


def _seccomp_type(context: dict):
    profile = context.get("seccompProfile")
    return profile.get("type") if isinstance(profile, dict) else None


def _pod(resource: Resource, ctx) -> Pod | None:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return None
    path, spec = found
    metadata_path = k8s.pod_template_metadata_path(resource) or ("metadata",)
    metadata = k8s.get(resource.data, metadata_path)
    return Pod(spec, path, metadata if isinstance(metadata, dict) else {}, metadata_path)


# --- the template -----------------------------------------------------------------------------


def namespace_labels(resource: Resource) -> Iterator[Problem]:
    """The Pod Security Admission labels of a Namespace: admission rejects a Namespace whose level or
    version label is invalid (api.PolicyToEvaluate errors); a misspelt key is silently ignored."""
    labels = k8s.get(resource.data, ("metadata", "labels"))
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if not isinstance(key, str) or not key.startswith(LABEL_PREFIX):
            continue
        path = ("metadata", "labels", key)
        name = key[len(LABEL_PREFIX):]
        mode = name[:-len("-version")] if name.endswith("-version") else name
        if mode not in ("enforce", "warn", "audit"):
            yield Problem(path, f'label {key} is not a Pod Security Admission label: it has no effect',
                          severity=Severity.WARNING, at_key=True,
                          hint=f"use {LABEL_PREFIX}enforce, warn or audit (and their -version labels)")
        elif name == mode and parse_level(value) is None:
            yield Problem(path, f'label {key}: "{value}" is not a Pod Security level: admission rejects the '
                          "Namespace", hint="use privileged, baseline or restricted")
        elif name != mode:
            try:
                parse_version(value)
            except ValueError:
                yield Problem(path, f'label {key}: "{value}" is not a policy version: admission rejects the '
                              "Namespace", hint='use "latest" or a release like "v1.30"')


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if rule.params["control"] == "namespace-labels":
        if resource.kind == "Namespace" and resource.group == "":
            yield from namespace_labels(resource)
        return
    results = ctx.cache.get("pss-results")
    if results is None:
        results = ctx.cache["pss-results"] = {}
    found = results.get(id(resource))
    if found is None:
        # every control at once: the pss-* rules share the pod view and the policy of its namespace
        pod = _pod(resource, ctx)
        found = results[id(resource)] = {} if pod is None else evaluate(
            pod, policy_index(ctx).policy(resource.namespace))
    yield from found.get(rule.params["control"], ())


def evaluate(pod: Pod, policy: NamespacePolicy) -> dict[str, list[Problem]]:
    """The problems of every control for one pod, each at the severity of the strictest mode that
    covers it: a control runs once per policy version, at the strictest level of the modes there."""
    out: dict[str, list[Problem]] = {}
    for name, control in CONTROLS.items():
        best: dict[Path, tuple[Severity, str, str, ModePolicy, str]] = {}
        for version, level, modes in policy.plan:
            pod.version = version
            for violation_level, path, message, hint in control(pod, level):
                rank = LEVELS.index(violation_level)
                for mode_policy, severity in modes:  # strictest first: the first mode whose level covers it
                    if LEVELS.index(mode_policy.level) >= rank:
                        if path not in best or severity > best[path][0]:
                            best[path] = (severity, message, hint, mode_policy, violation_level)
                        break
        if best:
            out[name] = [Problem(path, f"{message} {_consequence(violation_level, mode_policy)}", severity=severity,
                                 hint=hint, at_key=True)
                         for path, (severity, message, hint, mode_policy, violation_level) in best.items()]
    return out


def _consequence(level: str, mode: ModePolicy) -> str:
    if mode.mode == "enforce":
        return (f"[{level} Pod Security Standard, enforced ({mode.source}): admission rejects the pod]")
    return f"[{level} Pod Security Standard]"


def parse_setting(value) -> dict:
    """The ``pod-security`` setting (configuration or --pod-security): a level, which is enforced, or
    a mapping of ``enforce``, ``warn``, ``audit`` (levels) and ``version`` ("latest" or "v1.NN").
    Raises ValueError with what is wrong."""
    if isinstance(value, str):
        value = {"enforce": value}
    if not isinstance(value, dict):
        raise ValueError("must be a level (privileged, baseline, restricted) or a mapping of enforce, warn, "
                         "audit and version")
    out = {}
    for key, item in value.items():
        if key in ("enforce", "warn", "audit"):
            if parse_level(item) is None:
                raise ValueError(f"{key}: {item!r} is not a level: use privileged, baseline or restricted")
            out[key] = item
        elif key == "version":
            try:
                parse_version(item)
            except ValueError:
                raise ValueError(f'version: {item!r} must be "latest" or "v1.x" (a release like v1.30)') from None
            out[key] = item
        else:
            raise ValueError(f"unknown key {key!r}: use enforce, warn, audit or version")
    return out
