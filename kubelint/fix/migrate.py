"""Removed apiVersions migrated to their replacements, field by field as the API server converts them.

An object of a removed version was defaulted in that version, then converted; the manifest of the
new version must say what the old one meant. The upstream code this follows:

- Ingress, extensions/v1beta1 and networking.k8s.io/v1beta1 -> networking.k8s.io/v1:
  pkg/apis/networking/v1beta1/conversion.go (and the same in pkg/apis/extensions/v1beta1):
  ``spec.backend`` is ``spec.defaultBackend``; a backend's ``serviceName`` and ``servicePort`` are
  ``service.name`` and ``service.port.number`` (an integer port) or ``service.port.name`` (a named
  one), set when either is; pkg/apis/networking/v1beta1/defaults.go (SetDefaults_HTTPIngressPath)
  gave every path ``pathType: ImplementationSpecific``, which v1 requires to be written.
- Deployment, DaemonSet, ReplicaSet, StatefulSet of extensions/v1beta1, apps/v1beta1 and
  apps/v1beta2 -> apps/v1: pkg/apis/extensions/v1beta1/defaults.go and pkg/apis/apps/v1beta1/defaults.go
  default ``spec.selector`` to the pod template's labels (``matchLabels``), which apps/v1 requires;
  a DaemonSet of extensions/v1beta1 and a StatefulSet of apps/v1beta1 were updated OnDelete by
  default (apps/v1: RollingUpdate, pkg/apis/apps/v1/defaults.go), so that strategy is written out;
  ``spec.rollbackTo`` (Deployment) and ``spec.templateGeneration`` (DaemonSet) have no apps/v1
  field and go. The other defaults of apps/v1 apply from then on (10 revisions kept, a 600 s
  progress deadline, rolling updates of 25%): the fix is unsafe, for review.
- PodDisruptionBudget, policy/v1beta1 -> policy/v1: pkg/apis/policy/v1beta1/conversion.go: an empty
  selector selected no pods in v1beta1 but selects every pod in v1, so it becomes the selector that
  matches none (pkg/apis/policy/helper.go, NonV1beta1MatchNoneSelector).
- CronJob batch/v1beta1 (and batch/v2alpha1) -> batch/v1, HorizontalPodAutoscaler autoscaling/v2beta2
  -> autoscaling/v2, and the kinds whose versions are field for field the same (only generated
  conversions: RBAC v1beta1, PriorityClass, IngressClass, NetworkPolicy, StorageClass, Lease): the
  apiVersion alone.
"""

from __future__ import annotations

from typing import Any

from kubelint.model import Fix, Insert, Operation, Path, Remove, Rename, Replace

_WORKLOADS = ("Deployment", "DaemonSet", "ReplicaSet", "StatefulSet")
_WORKLOAD_VERSIONS = ("extensions/v1beta1", "apps/v1beta1", "apps/v1beta2")
#: apiVersion and kind -> the apiVersion whose fields are the same
_SAME_FIELDS: dict[tuple[str, str], str] = {
    ("batch/v1beta1", "CronJob"): "batch/v1",
    ("batch/v2alpha1", "CronJob"): "batch/v1",
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): "autoscaling/v2",
    ("networking.k8s.io/v1beta1", "IngressClass"): "networking.k8s.io/v1",
    ("extensions/v1beta1", "NetworkPolicy"): "networking.k8s.io/v1",
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): "scheduling.k8s.io/v1",
    ("storage.k8s.io/v1beta1", "StorageClass"): "storage.k8s.io/v1",
    ("coordination.k8s.io/v1beta1", "Lease"): "coordination.k8s.io/v1",
    **{("rbac.authorization.k8s.io/v1beta1", kind): "rbac.authorization.k8s.io/v1"
       for kind in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")},
}
#: policy/v1's selector that matches no pod, for the empty selector of policy/v1beta1
MATCH_NONE_SELECTOR = {"matchExpressions": [{"key": "pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match",
                                             "operator": "Exists"}]}


def migration(api_version: str, kind: str, data: dict[str, Any]) -> Fix | None:
    """The fix that moves an object of a removed ``api_version`` to its replacement, or None when
    there is no replacement or the object cannot be converted with certainty."""
    operations: list[Operation] | None
    if (api_version, kind) in _SAME_FIELDS:
        target = _SAME_FIELDS[(api_version, kind)]
        operations = []
    elif kind == "Ingress" and api_version in ("extensions/v1beta1", "networking.k8s.io/v1beta1"):
        target, operations = "networking.k8s.io/v1", _ingress(data)
    elif kind in _WORKLOADS and api_version in _WORKLOAD_VERSIONS:
        target, operations = "apps/v1", _workload(api_version, kind, data)
    elif kind == "PodDisruptionBudget" and api_version == "policy/v1beta1":
        target, operations = "policy/v1", _pdb(data)
    else:
        return None
    if operations is None:
        return None
    return Fix((Replace(("apiVersion",), target), *operations), f"migrate to apiVersion {target}")


def _ingress(data: dict[str, Any]) -> list[Operation] | None:
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return []
    operations: list[Operation] = []
    if "backend" in spec:
        if "defaultBackend" in spec:
            return None
        converted = _backend(spec["backend"], ("spec", "backend"))
        if converted is None:
            return None
        operations += converted + [Rename(("spec", "backend"), "defaultBackend")]
    rules = spec.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        paths = rule.get("http", {}).get("paths") if isinstance(rule, dict) and isinstance(rule.get("http"), dict) \
            else None
        for j, item in enumerate(paths if isinstance(paths, list) else []):
            if not isinstance(item, dict):
                return None
            where: Path = ("spec", "rules", i, "http", "paths", j)
            if "backend" in item:
                converted = _backend(item["backend"], where + ("backend",))
                if converted is None:
                    return None
                operations += converted
            if "pathType" not in item:
                operations.append(Insert(where, "pathType", "ImplementationSpecific", after=("path",)))
    return operations


def _backend(backend: Any, path: Path) -> list[Operation] | None:
    """Convert_v1beta1_IngressBackend_To_networking_IngressBackend: serviceName and servicePort become
    service.name and service.port (number for an integer, name for a string)."""
    if not isinstance(backend, dict):
        return None
    if "service" in backend:
        return None
    name, port = backend.get("serviceName"), backend.get("servicePort")
    if name is None and port is None:
        return []  # a resource backend: the same in v1
    service: dict[str, Any] = {"name": name if isinstance(name, str) else ""}
    if isinstance(port, bool) or not isinstance(port, (int, str)):
        return None
    if isinstance(port, str) and port.isdigit():
        return None  # a quoted number is no valid port name: what was meant is not certain
    service["port"] = {"number": port} if isinstance(port, int) else {"name": port}
    converted = {"service": service, **{k: v for k, v in backend.items() if k not in ("serviceName", "servicePort")}}
    return [Replace(path, converted)]


def _workload(api_version: str, kind: str, data: dict[str, Any]) -> list[Operation] | None:
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return None
    operations: list[Operation] = []
    if spec.get("selector") is None:
        labels = spec.get("template", {}).get("metadata", {}).get("labels") \
            if isinstance(spec.get("template"), dict) and isinstance(spec["template"].get("metadata"), dict) else None
        if not isinstance(labels, dict) or not labels:
            return None  # no labels to select by: apps/v1 needs a selector that only the author can write
        if "selector" in spec:
            operations.append(Replace(("spec", "selector"), {"matchLabels": dict(labels)}))
        else:
            operations.append(Insert(("spec",), "selector", {"matchLabels": dict(labels)}, before=("template",)))
    on_delete = (kind == "DaemonSet" and api_version == "extensions/v1beta1") or (
        kind == "StatefulSet" and api_version == "apps/v1beta1")
    if on_delete and "updateStrategy" not in spec:
        operations.append(Insert(("spec",), "updateStrategy", {"type": "OnDelete"}, before=("template",)))
    for dropped in ("rollbackTo", "templateGeneration"):
        if dropped in spec:
            operations.append(Remove(("spec", dropped)))
    return operations


def _pdb(data: dict[str, Any]) -> list[Operation] | None:
    spec = data.get("spec")
    selector = spec.get("selector") if isinstance(spec, dict) else None
    if isinstance(selector, dict) and not any(selector.values()):
        return [Replace(("spec", "selector"), MATCH_NONE_SELECTOR)]
    return []
