"""What each controller requires of its pod template beyond a valid pod spec: restartPolicy and
activeDeadlineSeconds.

Upstream: ValidatePodTemplateSpecForReplicaSet, ValidatePodTemplateSpecForStatefulSet and
ValidateDaemonSetSpec in pkg/apis/apps/validation/validation.go,
ValidatePodTemplateSpecForReplicationController in pkg/apis/core/validation/validation.go, and
validateJobSpec (validatePodTemplateSpec) in pkg/apis/batch/validation/validation.go.
"""

from __future__ import annotations

from kubelint.k8s.apivalidation import Errors, present
from kubelint.model import Path, Resource

# Kinds whose pod template must restart Always; Jobs need OnFailure or Never.
ALWAYS_RESTART = {"Deployment": "Deployment", "ReplicaSet": "ReplicaSet", "StatefulSet": "StatefulSet",
                  "DaemonSet": "DaemonSet", "ReplicationController": "ReplicationController"}


def validate_controller_template(errors: Errors, resource: Resource, path: Path, spec: dict) -> None:
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
