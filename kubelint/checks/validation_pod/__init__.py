"""The pod spec as the API server validates it, in Pods and in every workload's pod template.

Upstream: ValidatePodSpec and the functions it calls in pkg/apis/core/validation/validation.go,
one module here per group of them:

    volumes.py            validateVolumes, validateVolumeSource (key-to-path, downward API, projected)
    containers.py         validateContainers, validateInitContainers, validateContainerPorts
    env.py                validateEnv, validateEnvFrom, validateEnvVarValueFrom
    probes.py             validateProbe, validateLifecycle, validateHandler
    resources.py          ValidateResourceRequirements
    security.py           ValidatePodSecurityContext, ValidateSecurityContext
    scheduling.py         validateTolerations, validateAffinity, validateTopologySpreadConstraints
    dns_and_hostnames.py  validateDNSPolicy, validatePodDNSConfig, hostname, subdomain, ValidateHostAliases
    controllers.py        the controllers' rules on templates: restartPolicy and activeDeadlineSeconds
                          (pkg/apis/apps/validation, ValidateReplicationControllerSpec, validateJobSpec)
    options.py            what one group needs to know of the rest (PodValidationOptions)

Paths and wording are the API server's: ``spec.template.spec.containers[0].livenessProbe:
Required value: must specify a handler type``.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import Context
from kubelint.checks.validation_pod.containers import validate_containers
from kubelint.checks.validation_pod.controllers import validate_controller_template
from kubelint.checks.validation_pod.dns_and_hostnames import validate_dns, validate_host_aliases, validate_hostnames
from kubelint.checks.validation_pod.options import PodOptions
from kubelint.checks.validation_pod.scheduling import (
    validate_affinity,
    validate_tolerations,
    validate_topology_spread_constraints,
)
from kubelint.checks.validation_pod.security import validate_pod_security_context
from kubelint.checks.validation_pod.volumes import validate_volumes
from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import MAX_INT32, Errors, as_dict, as_int64, as_str
from kubelint.model import Path, Problem, Resource
from kubelint.rules.registry import Rule

PARAMS: dict = {}
POD_KIND_GROUPS = {"Pod": "", "PodTemplate": "", "ReplicationController": "", "Deployment": "apps",
                   "ReplicaSet": "apps", "StatefulSet": "apps", "DaemonSet": "apps", "Job": "batch",
                   "CronJob": "batch"}
KINDS = frozenset(POD_KIND_GROUPS)  # the engine only calls check_resource for these kinds


def check_resource(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = k8s.pod_spec(resource)
    if found is None or POD_KIND_GROUPS.get(resource.kind) != resource.group:
        return
    path, spec = found
    errors = Errors()
    options = PodOptions(_minor(ctx), is_pod=resource.kind == "Pod", host_network=spec.get("hostNetwork") is True)
    validate_pod_spec(errors, path, spec, options)
    validate_controller_template(errors, resource, path, spec)
    yield from errors


def validate_pod_spec(errors: Errors, path: Path, spec: dict, options: PodOptions) -> None:
    """ValidatePodSpec for one pod spec at ``path``."""
    validate_volumes(errors, path, spec)
    validate_containers(errors, path, spec, options)
    validate_dns(errors, path, spec, options)
    deadline = as_int64(spec.get("activeDeadlineSeconds"))
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        errors.invalid(path + ("activeDeadlineSeconds",), deadline, f"must be between 1 and {MAX_INT32}, inclusive")
    validate_hostnames(errors, path, spec)
    for field in ("serviceAccountName", "nodeName"):
        value = as_str(spec.get(field))
        if value:
            for message in k8s.dns1123_subdomain_errors(value):
                errors.invalid(path + (field,), value, f"a lowercase RFC 1123 subdomain {message}")
    validate_pod_security_context(errors, path + ("securityContext",), as_dict(spec.get("securityContext")))
    validate_tolerations(errors, path, spec)
    validate_affinity(errors, path, spec)
    validate_topology_spread_constraints(errors, path, spec)
    validate_host_aliases(errors, path, spec)


def _minor(ctx: Context) -> int:
    try:
        return int(str(ctx.bundle.version).split(".")[1])
    except (AttributeError, IndexError, ValueError):
        return 99
