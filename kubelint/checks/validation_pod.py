"""The pod spec as the API server validates it, in Pods and in every workload's pod template.

Upstream: ValidatePodSpec and the functions it calls in pkg/apis/core/validation/validation.go
(validateContainers, validateInitContainers, validateContainerPorts, validateEnv, validateEnvFrom,
validateProbe, validateHandler, validateLifecycle, ValidateResourceRequirements,
validateVolumes, validateVolumeSource, validateDNSPolicy, validatePodDNSConfig,
validateHostNetwork, ValidatePodSecurityContext, ValidateSecurityContext, validateTolerations,
validateAffinity, validateTopologySpreadConstraints), and the controller rules on templates:
restartPolicy and activeDeadlineSeconds in pkg/apis/apps/validation (Deployment, ReplicaSet,
StatefulSet, DaemonSet), ValidateReplicationControllerSpec (core) and validateJobSpec (batch).
Paths and wording are the API server's: ``spec.template.spec.containers[0].livenessProbe:
Required value: must specify a handler type``.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import (
    MAX_INT32,
    Errors,
    as_dict,
    as_int,
    as_int64,
    as_list,
    as_str,
    config_map_key_errors,
    file_mode,
    ip_errors,
    items,
    label_selector,
    port_num_or_name,
    present,
    quantity,
    relative_path,
)
from kubelint.model import Path, Problem, Resource

PARAMS: dict = {}

# Every volume source of core/v1 Volume (the fields other than name).
VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
    "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
    "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
    "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
)
_SOURCE_ORDER = {name: index for index, name in enumerate(VOLUME_SOURCES)}
PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
# validateObjectFieldSelector: the fields the downward API exposes to env (validEnvDownwardAPIFieldPathExpressions).
ENV_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
                   "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs")
VOLUME_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.labels", "metadata.annotations",
                      "metadata.uid")
ENV_RESOURCES = ("limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory",
                 "requests.ephemeral-storage")
# Kinds whose pod template must restart Always; Jobs need OnFailure or Never.
ALWAYS_RESTART = {"Deployment": "Deployment", "ReplicaSet": "ReplicaSet", "StatefulSet": "StatefulSet",
                  "DaemonSet": "DaemonSet", "ReplicationController": "ReplicationController"}
POD_KIND_GROUPS = {"Pod": "", "PodTemplate": "", "ReplicationController": "", "Deployment": "apps",
                   "ReplicaSet": "apps", "StatefulSet": "apps", "DaemonSet": "apps", "Job": "batch",
                   "CronJob": "batch"}
KINDS = frozenset(POD_KIND_GROUPS)  # the engine only calls check_resource for these kinds
ENV_VAR_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")
HTTP_HEADER_NAME = re.compile(r"[-A-Za-z0-9]+\Z")
SYSCTL_NAME = re.compile(r"([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?\Z")


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    found = k8s.pod_spec(resource)
    if found is None or POD_KIND_GROUPS.get(resource.kind) != resource.group:
        return
    path, spec = found
    version = _minor(ctx)
    errors = Errors()
    PodSpec(errors, path, spec, version, is_pod=resource.kind == "Pod").validate()
    _controller_rules(errors, resource, path, spec)
    yield from errors


def _minor(ctx) -> int:
    try:
        return int(str(ctx.bundle.version).split(".")[1])
    except (AttributeError, IndexError, ValueError):
        return 99


def _controller_rules(errors: Errors, resource: Resource, path: Path, spec: dict) -> None:
    """restartPolicy and activeDeadlineSeconds as each controller's validation requires them."""
    policy = spec.get("restartPolicy") or "Always"   # SetDefaults_PodSpec
    if resource.kind in ALWAYS_RESTART:
        if isinstance(policy, str) and policy != "Always":
            errors.unsupported(path + ("restartPolicy",), policy, ["Always"],
                               hint=f"a {resource.kind} restarts its pods Always; use a Job for run-to-completion "
                                    "work, or remove restartPolicy")
        if present(spec, "activeDeadlineSeconds"):
            errors.forbidden(path + ("activeDeadlineSeconds",),
                             f"activeDeadlineSeconds in {resource.kind} is not Supported",
                             hint="remove activeDeadlineSeconds from the pod template")
    elif resource.kind in ("Job", "CronJob") and resource.group == "batch":
        if isinstance(policy, str) and policy not in ("OnFailure", "Never"):
            shown = "restartPolicy defaults to Always, which a Job does not allow" if "restartPolicy" not in spec \
                else None
            errors.unsupported(path + ("restartPolicy",), policy, ["OnFailure", "Never"],
                               hint=(shown + "; " if shown else "") + "set restartPolicy: OnFailure or Never")


class PodSpec:
    """ValidatePodSpec for one pod spec at ``path``."""

    def __init__(self, errors: Errors, path: Path, spec: dict, minor: int, is_pod: bool = False):
        self.is_pod = is_pod
        self.errors = errors
        self.path = path
        self.spec = spec
        self.minor = minor

    def validate(self) -> None:
        spec, path, errors = self.spec, self.path, self.errors
        self.volumes()
        self.containers()
        self.dns()
        deadline = as_int64(spec.get("activeDeadlineSeconds"))
        if deadline is not None and not 1 <= deadline <= MAX_INT32:
            errors.invalid(path + ("activeDeadlineSeconds",), deadline, f"must be between 1 and {MAX_INT32}, inclusive")
        for field in ("hostname", "subdomain"):
            value = as_str(spec.get(field))
            if value:
                for message in k8s.dns1123_label_errors(value):
                    errors.invalid(path + (field,), value, f"a lowercase RFC 1123 label {message}")
        for field in ("serviceAccountName", "nodeName"):
            value = as_str(spec.get(field))
            if value:
                for message in k8s.dns1123_subdomain_errors(value):
                    errors.invalid(path + (field,), value, f"a lowercase RFC 1123 subdomain {message}")
        self.security_context(path + ("securityContext",), as_dict(spec.get("securityContext")), pod=True)
        self.tolerations()
        self.affinity()
        self.topology_spread()
        for index, alias in items(spec, "hostAliases"):
            ip = as_str(alias.get("ip"))
            if ip is not None:
                for message in ip_errors(ip):
                    errors.invalid(path + ("hostAliases", index, "ip"), ip, message)

    # --- containers ------------------------------------------------------------------------

    def containers(self) -> None:
        spec, path, errors = self.spec, self.path, self.errors
        if not as_list(spec.get("containers")) and isinstance(spec.get("containers"), list):
            errors.required(path + ("containers",), "at least one container is required")
        names: dict[str, Path] = {}
        host_ports: set[tuple[int, str, str]] = set()
        for field in ("initContainers", "containers"):
            for index, container in items(spec, field):
                where = path + (field, index)
                name = as_str(container.get("name"))
                if name:
                    if name in names and names[name][-2] != field:
                        errors.duplicate(where + ("name",), name,
                                         hint="init containers and containers share one namespace of names")
                    names.setdefault(name, where)
                self.container(where, container, init=field == "initContainers")
                for port_index, port in items(container, "ports"):
                    host = as_int(port.get("hostPort"))
                    if host:
                        key = (host, str(port.get("protocol") or "TCP"), str(port.get("hostIP") or ""))
                        if key in host_ports:
                            errors.duplicate(where + ("ports", port_index, "hostPort"), f"{host}/{key[1]}",
                                             hint="two containers of one pod cannot bind the same host port")
                        host_ports.add(key)

    def container(self, path: Path, container: dict, init: bool) -> None:
        errors = self.errors
        image = container.get("image")
        if not present(container, "image") or image == "":
            errors.required(path + ("image",), hint="set the container image")
        elif isinstance(image, str) and image != image.strip() and self.is_pod:
            errors.invalid(path + ("image",), image, "must not have leading or trailing whitespace")
        sidecar = init and container.get("restartPolicy") == "Always"
        restart = container.get("restartPolicy")
        if init and isinstance(restart, str) and restart not in ("", "Always"):
            errors.unsupported(path + ("restartPolicy",), restart, ["Always"],
                               hint="only restartPolicy: Always (a sidecar) is allowed on init containers")
        self.ports(path, container)
        self.env(path, container)
        for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
            probe = container.get(probe_name)
            if not isinstance(probe, dict):
                continue
            if init and not sidecar:
                errors.forbidden(path + (probe_name,), "may not be set for init containers without restartPolicy "
                                 "of 'Always'", hint="remove the probe, or make the init container a sidecar "
                                 "(restartPolicy: Always)")
                continue
            self.probe(path + (probe_name,), probe, probe_name)
        lifecycle = container.get("lifecycle")
        if isinstance(lifecycle, dict):
            if init and not sidecar:
                errors.forbidden(path + ("lifecycle",), "may not be set for init containers without restartPolicy "
                                 "of 'Always'")
            else:
                for hook in ("postStart", "preStop"):
                    if isinstance(lifecycle.get(hook), dict):
                        self.handler(path + ("lifecycle", hook), lifecycle[hook], LIFECYCLE_HANDLERS)
        self.resources(path + ("resources",), as_dict(container.get("resources")))
        self.security_context(path + ("securityContext",), as_dict(container.get("securityContext")), pod=False)

    def ports(self, path: Path, container: dict) -> None:
        errors = self.errors
        names: set[str] = set()
        host_network = self.spec.get("hostNetwork") is True
        for index, port in items(container, "ports"):
            where = path + ("ports", index)
            number = as_int(port.get("containerPort"))
            if number is not None and not 1 <= number <= 65535:
                errors.invalid(where + ("containerPort",), number, "must be between 1 and 65535, inclusive")
            host = as_int(port.get("hostPort"))
            if host is not None and host != 0 and not 1 <= host <= 65535:
                errors.invalid(where + ("hostPort",), host, "must be between 1 and 65535, inclusive")
            if host_network and host and number is not None and host != number:
                errors.invalid(where + ("hostPort",), host, "must match `containerPort` when `hostNetwork` is true",
                               hint=f"with hostNetwork the container listens on the node: set hostPort: {number} "
                                    "or remove it")
            name = as_str(port.get("name"))
            if name:
                if name in names:
                    errors.duplicate(where + ("name",), name, hint="give each port of a container its own name")
                names.add(name)

    def env(self, path: Path, container: dict) -> None:
        errors = self.errors
        relaxed = self.minor >= 32   # RelaxedEnvironmentVariableValidation: beta (on) in 1.32, GA in 1.34
        for index, item in items(container, "env"):
            where = path + ("env", index)
            name = as_str(item.get("name"))
            if name is not None:
                for message in env_var_name_errors(name, relaxed):
                    errors.invalid(where + ("name",), name, message)
            source = item.get("valueFrom")
            if isinstance(source, dict):
                set_sources = [s for s in ENV_SOURCES if present(source, s)]
                if item.get("value"):
                    errors.invalid(where + ("valueFrom",), "{...}", "may not be specified when `value` is not empty",
                                   hint="keep either value or valueFrom")
                if len(set_sources) > 1:
                    errors.invalid(where + ("valueFrom",), "{...}",
                                   "may not have more than one field specified at a time")
                elif not set_sources:
                    errors.invalid(where + ("valueFrom",), "{...}", "must specify one of: `fieldRef`, "
                                   "`resourceFieldRef`, "
                                   "`configMapKeyRef` or `secretKeyRef`")
                self.env_source(where + ("valueFrom",), source)
        for index, item in items(container, "envFrom"):
            where = path + ("envFrom", index)
            refs = [r for r in ("configMapRef", "secretRef") if present(item, r)]
            if len(refs) > 1:
                errors.invalid(where, "{...}", "may not have more than one field specified at a time",
                               hint="split it into two envFrom entries")
            elif not refs:
                errors.invalid(where, "{...}", "must specify one of: `configMapRef` or `secretRef`")
            prefix = as_str(item.get("prefix"))
            if prefix:
                for message in env_var_name_errors(prefix, relaxed):
                    errors.invalid(where + ("prefix",), prefix, message)

    def env_source(self, path: Path, source: dict) -> None:
        errors = self.errors
        field_ref = source.get("fieldRef")
        if isinstance(field_ref, dict):
            field_path = as_str(field_ref.get("fieldPath"))
            version = field_ref.get("apiVersion")
            if isinstance(version, str) and version not in ("", "v1"):
                errors.unsupported(path + ("fieldRef", "apiVersion"), version, ["v1"])
            if field_path is not None and not _env_field_path_ok(field_path):
                errors.unsupported(path + ("fieldRef", "fieldPath"), field_path,
                                   list(ENV_FIELD_PATHS) + ["metadata.labels['<key>']",
                                                            "metadata.annotations['<key>']"])
        resource_ref = source.get("resourceFieldRef")
        if isinstance(resource_ref, dict):
            name = as_str(resource_ref.get("resource"))
            if name is not None and name not in ENV_RESOURCES and not re.fullmatch(r"(limits|requests)\.hugepages-.+",
                                                                                  name):
                errors.unsupported(path + ("resourceFieldRef", "resource"), name, list(ENV_RESOURCES))
        for ref in ("configMapKeyRef", "secretKeyRef"):
            value = source.get(ref)
            if isinstance(value, dict):
                key = as_str(value.get("key"))
                if key is not None:
                    if not key:
                        errors.required(path + (ref, "key"))
                    else:
                        for message in config_map_key_errors(key):
                            errors.invalid(path + (ref, "key"), key, message)

    def probe(self, path: Path, probe: dict, kind: str) -> None:
        errors = self.errors
        self.handler(path, probe, PROBE_HANDLERS)
        for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                      "failureThreshold"):
            errors.nonnegative(path + (field,), probe.get(field))
        success = as_int(probe.get("successThreshold"))
        if kind in ("livenessProbe", "startupProbe") and success is not None and success != 1:
            errors.invalid(path + ("successThreshold",), success, "must be 1",
                           hint=f"a {kind} succeeds on the first success; remove successThreshold or set it to 1")
        grace = probe.get("terminationGracePeriodSeconds")
        if present(probe, "terminationGracePeriodSeconds"):
            if kind == "readinessProbe":
                errors.invalid(path + ("terminationGracePeriodSeconds",), grace, "must not be set for readinessProbes",
                               hint="terminationGracePeriodSeconds applies to liveness and startup probes only")
            elif as_int(grace) is not None and grace <= 0:
                errors.invalid(path + ("terminationGracePeriodSeconds",), grace, "must be greater than 0")

    def handler(self, path: Path, handler: dict, kinds: tuple[str, ...]) -> None:
        """validateHandler: exactly one handler type, each well-formed."""
        errors = self.errors
        set_kinds = [k for k in kinds if present(handler, k)]
        if not set_kinds:
            listed = ", ".join(kinds)
            errors.required(path, "must specify a handler type", hint=f"add one of: {listed}")
            return
        if len(set_kinds) > 1:
            errors.forbidden(path + (set_kinds[1],), "may not specify more than 1 handler type",
                             hint=f"keep one of {', '.join(set_kinds)}")
        for kind in set_kinds:
            value = as_dict(handler.get(kind))
            where = path + (kind,)
            if kind == "exec":
                if not as_list(value.get("command")):
                    errors.required(where + ("command",), hint="give the command to run, as a list")
            elif kind in ("httpGet", "tcpSocket"):
                if "port" not in value or value.get("port") in (None, ""):
                    errors.required(where + ("port",))
                port_num_or_name(errors, where + ("port",), value.get("port"))
                for header_index, header in items(value, "httpHeaders"):
                    name = as_str(header.get("name"))
                    if name is not None and not HTTP_HEADER_NAME.match(name):
                        errors.invalid(where + ("httpHeaders", header_index, "name"), name,
                                       "a valid HTTP header must consist of alphanumeric characters or '-' "
                                       "(e.g. 'X-Header-Name')")
            elif kind == "grpc":
                number = as_int(value.get("port"))
                if number is not None and not 1 <= number <= 65535:
                    errors.invalid(where + ("port",), number, "must be between 1 and 65535, inclusive")
            elif kind == "sleep":
                seconds = as_int(value.get("seconds"))
                if seconds is not None and seconds < 0:
                    errors.invalid(where + ("seconds",), seconds, "must be non-negative")

    def resources(self, path: Path, resources: dict) -> None:
        """ValidateResourceRequirements (containers)."""
        errors = self.errors
        limits = as_dict(resources.get("limits"))
        requests = as_dict(resources.get("requests"))
        for section, values in (("limits", limits), ("requests", requests)):
            for name, value in values.items():
                where = path + (section, name)
                for message in container_resource_name_errors(name):
                    errors.invalid(where, name, message, hint=_resource_hint(name))
                if isinstance(value, str) and not value.startswith("-") and not _is_extended(name):
                    continue   # not negative; only extended resources must be whole numbers
                amount = quantity(value)
                if amount is None:
                    continue
                if amount < 0:
                    errors.invalid(where, value, "must be greater than or equal to 0")
                if _is_extended(name) and amount.denominator != 1:
                    errors.invalid(where, value, "must be an integer")
        for name, value in requests.items():
            if name not in limits and _overcommit_allowed(name):
                continue
            requested, limit = quantity(value), quantity(limits.get(name))
            where = path + ("requests", name)
            if requested is None:
                continue
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
        hugepages = [n for n in list(limits) + list(requests) if isinstance(n, str) and n.startswith("hugepages-")]
        if hugepages and not any(n in section for n in ("cpu", "memory") for section in (limits, requests)):
            errors.forbidden(path, "HugePages require cpu or memory",
                             hint="set a cpu or memory request or limit beside the hugepages")

    def security_context(self, path: Path, context: dict, pod: bool) -> None:
        errors = self.errors
        if not context:
            return
        for field in ("runAsUser", "runAsGroup") + (("fsGroup",) if pod else ()):
            value = as_int64(context.get(field))
            if value is not None and not 0 <= value <= MAX_INT32:
                errors.invalid(path + (field,), value, f"must be between 0 and {MAX_INT32}, inclusive")
        if pod:
            for index, group in enumerate(as_list(context.get("supplementalGroups"))):
                if as_int64(group) is not None and not 0 <= group <= MAX_INT32:
                    errors.invalid(path + ("supplementalGroups", index), group,
                                   f"must be between 0 and {MAX_INT32}, inclusive")
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
        else:
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

    # --- volumes ---------------------------------------------------------------------------

    def volumes(self) -> None:
        errors, path = self.errors, self.path
        for index, volume in items(self.spec, "volumes"):
            where = path + ("volumes", index)
            sources = sorted((k for k, v in volume.items() if v is not None and k in _SOURCE_ORDER),
                             key=_SOURCE_ORDER.__getitem__)
            if not sources:
                continue   # SetDefaults_Volume: a volume without a source is an emptyDir
            if len(sources) > 1:
                errors.forbidden(where + (sources[1],), "may not specify more than 1 volume type",
                                 hint=f"a volume has one source: keep one of {', '.join(sources)}")
            for source in sources:
                self.volume_source(where + (source,), source, as_dict(volume.get(source)))

    def volume_source(self, path: Path, kind: str, source: dict) -> None:
        errors = self.errors
        if kind in ("secret", "configMap", "downwardAPI", "projected"):
            file_mode(errors, path + ("defaultMode",), source.get("defaultMode"))
        if kind in ("secret", "configMap"):
            for index, item in items(source, "items"):
                self.key_to_path(path + ("items", index), item)
        elif kind == "downwardAPI":
            for index, item in items(source, "items"):
                self.downward_file(path + ("items", index), item)
        elif kind == "projected":
            for index, projection in items(source, "sources"):
                where = path + ("sources", index)
                kinds = [k for k in ("secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle",
                                     "podCertificate") if present(projection, k)]
                if len(kinds) > 1:
                    errors.forbidden(where + (kinds[1],), "may not specify more than 1 volume type per source")
                for sub in ("secret", "configMap"):
                    for item_index, item in items(as_dict(projection.get(sub)), "items"):
                        self.key_to_path(where + (sub, "items", item_index), item)
                for item_index, item in items(as_dict(projection.get("downwardAPI")), "items"):
                    self.downward_file(where + ("downwardAPI", "items", item_index), item)
                token = as_dict(projection.get("serviceAccountToken"))
                expiry = as_int(token.get("expirationSeconds"))
                if expiry is not None and not 600 <= expiry <= 2**32:
                    if expiry < 600:
                        errors.invalid(where + ("serviceAccountToken", "expirationSeconds"), expiry,
                                       "may not specify a duration less than 10 minutes")
                    else:
                        errors.invalid(where + ("serviceAccountToken", "expirationSeconds"), expiry,
                                       "may not specify a duration larger than 2^32 seconds")
                if token and not as_str(token.get("path")):
                    errors.required(where + ("serviceAccountToken", "path"))
        elif kind == "emptyDir":
            size = quantity(source.get("sizeLimit"))
            if size is not None and size < 0:
                errors.invalid(path + ("sizeLimit",), source.get("sizeLimit"), "must be greater than or equal to 0")
        elif kind == "hostPath":
            host_path = as_str(source.get("path"))
            if host_path is not None and ".." in host_path.split("/"):
                errors.invalid(path + ("path",), host_path, "must not contain '..'")

    def key_to_path(self, path: Path, item: dict) -> None:
        errors = self.errors
        key = as_str(item.get("key"))
        if key is not None and not key:
            errors.required(path + ("key",))
        target = as_str(item.get("path"))
        if target is not None:
            if not target:
                errors.required(path + ("path",))
            relative_path(errors, path + ("path",), target)
        file_mode(errors, path + ("mode",), item.get("mode"))

    def downward_file(self, path: Path, item: dict) -> None:
        errors = self.errors
        relative_path(errors, path + ("path",), item.get("path"))
        file_mode(errors, path + ("mode",), item.get("mode"))
        refs = [r for r in ("fieldRef", "resourceFieldRef") if present(item, r)]
        if len(refs) > 1:
            errors.invalid(path, "", "fieldRef and resourceFieldRef can not be specified simultaneously")
        field_ref = as_dict(item.get("fieldRef"))
        field_path = as_str(field_ref.get("fieldPath"))
        if field_path is not None and not _volume_field_path_ok(field_path):
            errors.unsupported(path + ("fieldRef", "fieldPath"), field_path, list(VOLUME_FIELD_PATHS))

    # --- scheduling and DNS ----------------------------------------------------------------

    def dns(self) -> None:
        spec, path, errors = self.spec, self.path, self.errors
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
        nameservers = as_list(config.get("nameservers"))
        if len(nameservers) > 3:
            errors.invalid(path + ("dnsConfig", "nameservers"), f"{len(nameservers)} nameservers",
                           "must not have more than 3 nameservers")
        for index, server in enumerate(nameservers):
            if isinstance(server, str):
                for message in ip_errors(server):
                    errors.invalid(path + ("dnsConfig", "nameservers", index), server, message)
        searches = as_list(config.get("searches"))
        if len(searches) > 32:
            errors.invalid(path + ("dnsConfig", "searches"), f"{len(searches)} search paths",
                           "must not have more than 32 search paths")
        if sum(len(s) for s in searches if isinstance(s, str)) + max(len(searches) - 1, 0) > 2048:
            errors.invalid(path + ("dnsConfig", "searches"), "", "must not have more than 2048 characters "
                           "(including spaces) in the search list")
        relaxed = self.minor >= 33   # RelaxedDNSSearchValidation: beta (on) in 1.33, GA in 1.34
        for index, search in enumerate(searches):
            if not isinstance(search, str):
                continue
            if relaxed and search == ".":
                continue
            name = search[:-1] if search.endswith(".") else search
            checked = name.replace("_", "a") if relaxed else name
            for message in k8s.dns1123_subdomain_errors(checked.lower() if relaxed else checked):
                errors.invalid(path + ("dnsConfig", "searches", index), search, message)
        for index, option in items(config, "options"):
            if not option.get("name"):
                errors.required(path + ("dnsConfig", "options", index, "name"), "Option.Name must not be empty")

    def tolerations(self) -> None:
        errors, path = self.errors, self.path
        for index, toleration in items(self.spec, "tolerations"):
            where = path + ("tolerations", index)
            key = as_str(toleration.get("key"))
            operator = toleration.get("operator") or "Equal"
            value = toleration.get("value")
            if key:
                for message in k8s.qualified_name_errors(key):
                    errors.invalid(where + ("key",), key, message)
            elif operator != "Exists":
                errors.invalid(where + ("operator",), operator, "operator must be Exists when `key` is empty, which "
                               "means \"match all values and all keys\"", hint="set operator: Exists or give a key")
            if operator == "Exists" and value:
                errors.invalid(where + ("operator",), toleration.get("value"),
                               "value must be empty when `operator` is 'Exists'", hint="remove value")
            elif operator == "Equal" and isinstance(value, str) and value:
                for message in k8s.label_value_errors(value):
                    errors.invalid(where + ("value",), value, message)
            if present(toleration, "tolerationSeconds") and toleration.get("effect") not in ("NoExecute",):
                errors.invalid(where + ("effect",), toleration.get("effect") or "",
                               "effect must be 'NoExecute' when `tolerationSeconds` is set",
                               hint="set effect: NoExecute or remove tolerationSeconds")

    def affinity(self) -> None:
        errors = self.errors
        affinity = as_dict(self.spec.get("affinity"))
        path = self.path + ("affinity",)
        node = as_dict(affinity.get("nodeAffinity"))
        required = node.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(required, dict):
            where = path + ("nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
            terms = as_list(required.get("nodeSelectorTerms"))
            if not terms:
                errors.required(where + ("nodeSelectorTerms",), "must have at least one node selector term")
            for index, term in enumerate(terms):
                if isinstance(term, dict):
                    self.node_selector_term(where + ("nodeSelectorTerms", index), term)
        for index, preferred in items(node, "preferredDuringSchedulingIgnoredDuringExecution"):
            where = path + ("nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution", index)
            self.weight(where, preferred)
            if isinstance(preferred.get("preference"), dict):
                self.node_selector_term(where + ("preference",), preferred["preference"])
        for kind in ("podAffinity", "podAntiAffinity"):
            pod = as_dict(affinity.get(kind))
            for index, term in items(pod, "requiredDuringSchedulingIgnoredDuringExecution"):
                self.pod_affinity_term(path + (kind, "requiredDuringSchedulingIgnoredDuringExecution", index), term)
            for index, weighted in items(pod, "preferredDuringSchedulingIgnoredDuringExecution"):
                where = path + (kind, "preferredDuringSchedulingIgnoredDuringExecution", index)
                self.weight(where, weighted)
                if isinstance(weighted.get("podAffinityTerm"), dict):
                    self.pod_affinity_term(where + ("podAffinityTerm",), weighted["podAffinityTerm"])

    def weight(self, path: Path, item: dict) -> None:
        weight = as_int(item.get("weight"))
        if weight is not None and not 1 <= weight <= 100:
            self.errors.invalid(path + ("weight",), weight, "must be in the range 1-100")

    def node_selector_term(self, path: Path, term: dict) -> None:
        errors = self.errors
        for field in ("matchExpressions", "matchFields"):
            for index, requirement in items(term, field):
                where = path + (field, index)
                operator = requirement.get("operator")
                values = as_list(requirement.get("values"))
                if operator in ("In", "NotIn") and not values:
                    errors.required(where + ("values",), "must be specified when `operator` is 'In' or 'NotIn'")
                elif operator in ("Exists", "DoesNotExist") and values:
                    errors.forbidden(where + ("values",), "may not be specified when `operator` is 'Exists' or "
                                     "'DoesNotExist'")
                elif operator in ("Gt", "Lt"):
                    if len(values) != 1:
                        errors.required(where + ("values",), "must be specified single value when `operator` is "
                                        "'Lt' or 'Gt'")
                    elif not (isinstance(values[0], str) and re.fullmatch(r"[+-]?[0-9]+", values[0])):
                        errors.invalid(where + ("values", 0), values[0], "must be an integer")
                key = as_str(requirement.get("key"))
                if key is not None and field == "matchExpressions":
                    for message in k8s.qualified_name_errors(key):
                        errors.invalid(where + ("key",), key, message)
                elif key is not None and key != "metadata.name":
                    errors.unsupported(where + ("key",), key, ["metadata.name"])

    def pod_affinity_term(self, path: Path, term: dict) -> None:
        errors = self.errors
        key = term.get("topologyKey")
        if not key:
            errors.required(path + ("topologyKey",), "can not be empty",
                            hint="e.g. topologyKey: kubernetes.io/hostname")
        elif isinstance(key, str):
            for message in k8s.qualified_name_errors(key):
                errors.invalid(path + ("topologyKey",), key, message)
        label_selector(errors, path + ("labelSelector",), term.get("labelSelector"))
        label_selector(errors, path + ("namespaceSelector",), term.get("namespaceSelector"))

    def topology_spread(self) -> None:
        errors, path = self.errors, self.path
        seen: set[tuple] = set()
        for index, constraint in items(self.spec, "topologySpreadConstraints"):
            where = path + ("topologySpreadConstraints", index)
            skew = as_int(constraint.get("maxSkew"))
            if skew is not None and skew <= 0:
                errors.invalid(where + ("maxSkew",), skew, "must be greater than zero")
            key = constraint.get("topologyKey")
            if key == "":
                errors.required(where + ("topologyKey",), "can not be empty")
            domains = constraint.get("minDomains")
            if as_int(domains) is not None:
                if domains <= 0:
                    errors.invalid(where + ("minDomains",), domains, "must be greater than zero")
                elif constraint.get("whenUnsatisfiable") != "DoNotSchedule":
                    errors.invalid(where + ("minDomains",), domains,
                                   "can only use minDomains if whenUnsatisfiable=DoNotSchedule")
            pair = (key, constraint.get("whenUnsatisfiable"))
            if pair in seen and isinstance(key, str):
                errors.duplicate(where + ("{topologyKey, whenUnsatisfiable}",), f"{pair[0]}, {pair[1]}")
            seen.add(pair)
            label_selector(errors, where + ("labelSelector",), constraint.get("labelSelector"))


# --- helpers ------------------------------------------------------------------------------------


def env_var_name_errors(name: str, relaxed: bool) -> list[str]:
    """IsEnvVarName, or IsRelaxedEnvVarName where RelaxedEnvironmentVariableValidation is on."""
    if not name:
        return ["a valid environment variable name must not be empty"]
    if relaxed:
        if all(32 <= ord(c) <= 126 and c != "=" for c in name):
            return []
        return ["a valid environment variable name must consist only of printable ASCII characters other than '='"]
    if ENV_VAR_NAME.match(name):
        return []
    return ["a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
            "and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
            "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"]


def _env_field_path_ok(path: str) -> bool:
    if path in ENV_FIELD_PATHS:
        return True
    match = re.fullmatch(r"metadata\.(labels|annotations)\['(.*)'\]", path)
    return bool(match) and not k8s.qualified_name_errors(match.group(2).lower() if match.group(1) == "annotations"
                                                         else match.group(2))


def _volume_field_path_ok(path: str) -> bool:
    if path in VOLUME_FIELD_PATHS:
        return True
    return bool(re.fullmatch(r"metadata\.(labels|annotations)\['.*'\]", path))


STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")


def container_resource_name_errors(name: Any) -> list[str]:
    """validateContainerResourceName: a standard name, or a domain-qualified extended resource."""
    if not isinstance(name, str):
        return []
    if "/" not in name:
        if name in STANDARD_CONTAINER_RESOURCES or name.startswith("hugepages-"):
            return []
        return ["must be a standard resource for containers"]
    return k8s.qualified_name_errors(name)


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

