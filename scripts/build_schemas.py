#!/usr/bin/env python3
"""Build kubelint's compact schema bundles from the official Kubernetes OpenAPI specs.

Reads ``<source>/v1.NN/swagger.json.gz`` (the verbatim ``api/openapi-spec/swagger.json``
of kubernetes/kubernetes, see ``../shared/k8s-openapi/SOURCES.md``) and writes:

* ``schemas/v1.NN.json.gz`` per version: JSON Schema (draft 2020-12) fragments under
  ``$defs`` with descriptions dropped, ``additionalProperties: false`` on every typed
  object (what ``kubectl apply --validate=strict`` enforces), integer ranges from the
  ``int32``/``int64`` formats, Kubernetes' own types (Quantity, IntOrString, Time,
  base64 ``[]byte``) and the enums that the hand-written validation enforces; plus the
  group/version/kind table with the namespaced flag taken from the REST paths.
* ``schemas/index.json``: the versions, and for every group/version/kind the bundled
  versions that serve it, so that removed and deprecated APIs can be named.

Usage: python scripts/build_schemas.py [--source ../shared/k8s-openapi] [--check]
``--check`` exits 1 when the committed bundles differ from what the specs give (CI).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "k8s-openapi"
OUT = ROOT / "schemas"

INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}

# Kubernetes' quantity grammar, k8s.io/apimachinery/pkg/api/resource/quantity.go
# (<signedNumber><suffix>, suffixes from suffix.go: binary Ki..Ei, decimal n u m "" k M G T P E,
# or a decimal exponent e<signedNumber>).
QUANTITY_PATTERN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$"

SPECIAL_TYPES = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
        "type": ["integer", "string"],
        "minimum": INT_RANGES["int32"][0],
        "maximum": INT_RANGES["int32"][1],
    },
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {
        "type": ["string", "number"],
        "pattern": QUANTITY_PATTERN,
        "x-kubelint-type": "quantity",
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": {"type": "string", "format": "k8s-time"},
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": {"type": "string", "format": "k8s-time"},
}

# Enumerations that the API server's hand-written validation enforces ("Unsupported value").
# The v2 spec carries no enum lists, so they are written here from the validation code:
# kubernetes/pkg/apis/core/validation/validation.go (supportedPullPolicies,
# supportedRestartPolicies, supportedPortProtocols, supportedServiceType, ...), and the
# apps, batch, networking, policy, autoscaling, storage and scheduling validation packages.
# An empty string is always accepted: defaulting fills it in before validation.
ENUMS: dict[tuple[str, str], list[str]] = {
    ("io.k8s.api.core.v1.Container", "imagePullPolicy"): ["Always", "IfNotPresent", "Never"],
    ("io.k8s.api.core.v1.EphemeralContainer", "imagePullPolicy"): ["Always", "IfNotPresent", "Never"],
    ("io.k8s.api.core.v1.Container", "terminationMessagePolicy"): ["File", "FallbackToLogsOnError"],
    ("io.k8s.api.core.v1.EphemeralContainer", "terminationMessagePolicy"): ["File", "FallbackToLogsOnError"],
    ("io.k8s.api.core.v1.Container", "restartPolicy"): ["Always", "Never", "OnFailure"],
    ("io.k8s.api.core.v1.PodSpec", "restartPolicy"): ["Always", "OnFailure", "Never"],
    ("io.k8s.api.core.v1.PodSpec", "dnsPolicy"): ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    ("io.k8s.api.core.v1.PodSpec", "preemptionPolicy"): ["PreemptLowerPriority", "Never"],
    ("io.k8s.api.core.v1.ContainerPort", "protocol"): ["TCP", "UDP", "SCTP"],
    ("io.k8s.api.core.v1.ServicePort", "protocol"): ["TCP", "UDP", "SCTP"],
    ("io.k8s.api.core.v1.EndpointPort", "protocol"): ["TCP", "UDP", "SCTP"],
    ("io.k8s.api.networking.v1.NetworkPolicyPort", "protocol"): ["TCP", "UDP", "SCTP"],
    ("io.k8s.api.core.v1.ServiceSpec", "type"): ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
    ("io.k8s.api.core.v1.ServiceSpec", "sessionAffinity"): ["ClientIP", "None"],
    ("io.k8s.api.core.v1.ServiceSpec", "externalTrafficPolicy"): ["Cluster", "Local"],
    ("io.k8s.api.core.v1.ServiceSpec", "internalTrafficPolicy"): ["Cluster", "Local"],
    ("io.k8s.api.core.v1.ServiceSpec", "ipFamilyPolicy"): ["SingleStack", "PreferDualStack", "RequireDualStack"],
    ("io.k8s.api.core.v1.Toleration", "operator"): ["Exists", "Equal"],
    ("io.k8s.api.core.v1.Toleration", "effect"): ["NoSchedule", "PreferNoSchedule", "NoExecute"],
    ("io.k8s.api.core.v1.Taint", "effect"): ["NoSchedule", "PreferNoSchedule", "NoExecute"],
    ("io.k8s.api.core.v1.NodeSelectorRequirement", "operator"): ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
    ("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", "operator"): ["In", "NotIn", "Exists", "DoesNotExist"],
    ("io.k8s.api.core.v1.TopologySpreadConstraint", "whenUnsatisfiable"): ["DoNotSchedule", "ScheduleAnyway"],
    ("io.k8s.api.core.v1.TopologySpreadConstraint", "nodeAffinityPolicy"): ["Honor", "Ignore"],
    ("io.k8s.api.core.v1.TopologySpreadConstraint", "nodeTaintsPolicy"): ["Honor", "Ignore"],
    ("io.k8s.api.core.v1.SeccompProfile", "type"): ["RuntimeDefault", "Unconfined", "Localhost"],
    ("io.k8s.api.core.v1.AppArmorProfile", "type"): ["RuntimeDefault", "Unconfined", "Localhost"],
    ("io.k8s.api.core.v1.SecurityContext", "procMount"): ["Default", "Unmasked"],
    ("io.k8s.api.core.v1.PodSecurityContext", "fsGroupChangePolicy"): ["OnRootMismatch", "Always"],
    ("io.k8s.api.core.v1.VolumeMount", "mountPropagation"): ["None", "HostToContainer", "Bidirectional"],
    ("io.k8s.api.core.v1.HostPathVolumeSource", "type"): [
        "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice",
    ],
    ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "volumeMode"): ["Filesystem", "Block"],
    ("io.k8s.api.core.v1.PersistentVolumeSpec", "volumeMode"): ["Filesystem", "Block"],
    ("io.k8s.api.core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy"): ["Retain", "Delete", "Recycle"],
    ("io.k8s.api.core.v1.PodOS", "name"): ["linux", "windows"],
    ("io.k8s.api.core.v1.ContainerResizePolicy", "restartPolicy"): ["NotRequired", "RestartContainer"],
    ("io.k8s.api.core.v1.HTTPGetAction", "scheme"): ["HTTP", "HTTPS"],
    ("io.k8s.api.apps.v1.DeploymentStrategy", "type"): ["Recreate", "RollingUpdate"],
    ("io.k8s.api.apps.v1.DaemonSetUpdateStrategy", "type"): ["RollingUpdate", "OnDelete"],
    ("io.k8s.api.apps.v1.StatefulSetUpdateStrategy", "type"): ["RollingUpdate", "OnDelete"],
    ("io.k8s.api.apps.v1.StatefulSetSpec", "podManagementPolicy"): ["OrderedReady", "Parallel"],
    ("io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenDeleted"): ["Retain", "Delete"],
    ("io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenScaled"): ["Retain", "Delete"],
    ("io.k8s.api.batch.v1.CronJobSpec", "concurrencyPolicy"): ["Allow", "Forbid", "Replace"],
    ("io.k8s.api.batch.v1.JobSpec", "completionMode"): ["NonIndexed", "Indexed"],
    ("io.k8s.api.batch.v1.JobSpec", "podReplacementPolicy"): ["TerminatingOrFailed", "Failed"],
    ("io.k8s.api.networking.v1.HTTPIngressPath", "pathType"): ["Exact", "Prefix", "ImplementationSpecific"],
    ("io.k8s.api.networking.v1.NetworkPolicySpec", "policyTypes"): ["Ingress", "Egress"],
    ("io.k8s.api.policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy"): ["IfHealthyBudget", "AlwaysAllow"],
    ("io.k8s.api.scheduling.v1.PriorityClass", "preemptionPolicy"): ["PreemptLowerPriority", "Never"],
    ("io.k8s.api.storage.v1.StorageClass", "reclaimPolicy"): ["Retain", "Delete"],
    ("io.k8s.api.storage.v1.StorageClass", "volumeBindingMode"): ["Immediate", "WaitForFirstConsumer"],
    ("io.k8s.api.autoscaling.v2.MetricSpec", "type"): ["Object", "Pods", "Resource", "ContainerResource", "External"],
    ("io.k8s.api.autoscaling.v2.MetricTarget", "type"): ["Utilization", "Value", "AverageValue"],
    ("io.k8s.api.autoscaling.v2.HPAScalingRules", "selectPolicy"): ["Max", "Min", "Disabled"],
    ("io.k8s.api.autoscaling.v2.HPAScalingPolicy", "type"): ["Pods", "Percent"],
}
# Arrays of enum values: the enum applies to each item.
ENUM_ITEMS: dict[tuple[str, str], list[str]] = {
    ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "accessModes"): [
        "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod",
    ],
    ("io.k8s.api.core.v1.PersistentVolumeSpec", "accessModes"): [
        "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod",
    ],
    ("io.k8s.api.core.v1.ServiceSpec", "ipFamilies"): ["IPv4", "IPv6"],
}
# List-maps whose duplicate keys the API server accepts with a warning rather than
# rejecting (pkg/api/pod/warnings.go: "hides previous definition", "duplicate port
# definition", "duplicate name").
DUPLICATES_WARN = {
    ("io.k8s.api.core.v1.Container", "env"),
    ("io.k8s.api.core.v1.EphemeralContainer", "env"),
    ("io.k8s.api.core.v1.Container", "ports"),
    ("io.k8s.api.core.v1.EphemeralContainer", "ports"),
    ("io.k8s.api.core.v1.PodSpec", "imagePullSecrets"),
}

# Removals before the oldest bundled spec, from the official deprecation guide
# (https://kubernetes.io/docs/reference/using-api/deprecation-guide/).
# (group/version, kinds, removed in, replacement group/version or None)
HISTORICAL_REMOVALS = [
    ("extensions/v1beta1", ["Deployment", "DaemonSet", "ReplicaSet"], "1.16", "apps/v1"),
    ("extensions/v1beta1", ["NetworkPolicy"], "1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", ["PodSecurityPolicy"], "1.16", None),
    ("extensions/v1beta1", ["Ingress"], "1.22", "networking.k8s.io/v1"),
    ("apps/v1beta1", ["Deployment", "StatefulSet", "ReplicaSet", "ControllerRevision"], "1.16", "apps/v1"),
    ("apps/v1beta2", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"], "1.16", "apps/v1"),
    ("settings.k8s.io/v1alpha1", ["PodPreset"], "1.20", None),
    ("batch/v2alpha1", ["CronJob"], "1.21", "batch/v1"),
    ("admissionregistration.k8s.io/v1beta1", ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], "1.22", "admissionregistration.k8s.io/v1"),
    ("apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"], "1.22", "apiextensions.k8s.io/v1"),
    ("apiregistration.k8s.io/v1beta1", ["APIService"], "1.22", "apiregistration.k8s.io/v1"),
    ("authentication.k8s.io/v1beta1", ["TokenReview"], "1.22", "authentication.k8s.io/v1"),
    ("authorization.k8s.io/v1beta1", ["SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview"], "1.22", "authorization.k8s.io/v1"),
    ("certificates.k8s.io/v1beta1", ["CertificateSigningRequest"], "1.22", "certificates.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", ["Lease"], "1.22", "coordination.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], "1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"], "1.22", "rbac.authorization.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1alpha1", ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"], "1.22", "rbac.authorization.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", ["PriorityClass"], "1.22", "scheduling.k8s.io/v1"),
    ("scheduling.k8s.io/v1alpha1", ["PriorityClass"], "1.22", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], "1.22", "storage.k8s.io/v1"),
    ("batch/v1beta1", ["CronJob"], "1.25", "batch/v1"),
    ("discovery.k8s.io/v1beta1", ["EndpointSlice"], "1.25", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", ["Event"], "1.25", "events.k8s.io/v1"),
    ("autoscaling/v2beta1", ["HorizontalPodAutoscaler"], "1.25", "autoscaling/v2"),
    ("policy/v1beta1", ["PodDisruptionBudget"], "1.25", "policy/v1"),
    ("policy/v1beta1", ["PodSecurityPolicy"], "1.25", None),
    ("node.k8s.io/v1beta1", ["RuntimeClass"], "1.25", "node.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", ["FlowSchema", "PriorityLevelConfiguration"], "1.26", "flowcontrol.apiserver.k8s.io/v1"),
    ("autoscaling/v2beta2", ["HorizontalPodAutoscaler"], "1.26", "autoscaling/v2"),
    ("storage.k8s.io/v1beta1", ["CSIStorageCapacity"], "1.27", "storage.k8s.io/v1"),
]
# Deprecated but still served: the API server answers with a deprecation warning.
DEPRECATIONS = [
    ("v1", "ComponentStatus", "1.19", None),
    ("v1", "Endpoints", "1.33", "discovery.k8s.io/v1 EndpointSlice"),
]
# Kinds that are API machinery rather than objects one applies.
META_KINDS = {"DeleteOptions", "WatchEvent", "Status", "APIGroup", "APIGroupList", "APIResourceList", "APIVersions"}

ENUM_DESCRIPTION = re.compile(r"Possible enum values:")


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[1]


def convert(schema: dict, owner: str | None = None, prop: str | None = None) -> dict:
    """Turn one OpenAPI v2 schema node into the JSON Schema we validate with."""
    if "$ref" in schema:
        out: dict = {"$ref": "#/$defs/" + ref_name(schema["$ref"])}
        return out
    out = {}
    kind = schema.get("type")
    fmt = schema.get("format")
    if kind == "object" or "properties" in schema:
        out["type"] = "object"
        props = schema.get("properties")
        if props is not None:
            out["properties"] = {name: convert(sub, owner, name) for name, sub in props.items()}
            out["additionalProperties"] = False
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            out["additionalProperties"] = convert(extra)
        if schema.get("required"):
            out["required"] = list(schema["required"])
    elif kind == "array":
        out["type"] = "array"
        if "items" in schema:
            out["items"] = convert(schema["items"])
        if schema.get("x-kubernetes-list-type") == "map":
            out["x-kubernetes-list-map-keys"] = schema.get("x-kubernetes-list-map-keys", [])
            if (owner, prop) in DUPLICATES_WARN:
                out["x-kubelint-duplicates"] = "warning"
        if (owner, prop) in ENUM_ITEMS:
            out.setdefault("items", {})
            out["items"] = {"type": "string", "enum": ENUM_ITEMS[(owner, prop)] + [""]}
    elif kind == "integer":
        out["type"] = "integer"
        if fmt in INT_RANGES:
            out["minimum"], out["maximum"] = INT_RANGES[fmt]
    elif kind == "number":
        out["type"] = "number"
    elif kind == "string":
        out["type"] = "string"
        if fmt == "byte":
            out["format"] = "k8s-base64"
        elif fmt == "date-time":
            out["format"] = "k8s-time"
        if (owner, prop) in ENUMS:
            out["enum"] = ENUMS[(owner, prop)] + [""]
    elif kind == "boolean":
        out["type"] = "boolean"
    return out


def build_definitions(spec: dict) -> dict:
    defs = {}
    for name, schema in spec["definitions"].items():
        if name in SPECIAL_TYPES:
            defs[name] = dict(SPECIAL_TYPES[name])
        else:
            defs[name] = convert(schema, owner=name)
    return defs


def namespaced_kinds(spec: dict) -> dict[tuple[str, str, str], bool]:
    """Which group/version/kinds are namespaced, read off the REST paths."""
    scope: dict[tuple[str, str, str], bool] = {}
    for path, item in spec["paths"].items():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            gvk = op.get("x-kubernetes-group-version-kind")
            if not gvk or op.get("x-kubernetes-action") not in {"post", "put", "get", "list"}:
                continue
            key = (gvk["group"], gvk["version"], gvk["kind"])
            is_namespaced = "/namespaces/{namespace}/" in path
            if key not in scope or (op.get("x-kubernetes-action") == "post"):
                scope[key] = is_namespaced if key not in scope else (scope[key] or is_namespaced)
    return scope


def api_version(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


def build_version(spec: dict, version: str) -> dict:
    defs = build_definitions(spec)
    scope = namespaced_kinds(spec)
    kinds: dict[str, dict[str, list]] = {}
    for name, schema in spec["definitions"].items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            if gvk["kind"] in META_KINDS or gvk["kind"].endswith("List"):
                continue
            key = (gvk["group"], gvk["version"], gvk["kind"])
            av = api_version(gvk["group"], gvk["version"])
            kinds.setdefault(av, {})[gvk["kind"]] = [name, bool(scope.get(key, False))]
    return {
        "format": 1,
        "kubernetes": version,
        "kinds": {av: dict(sorted(k.items())) for av, k in sorted(kinds.items())},
        "$defs": dict(sorted(defs.items())),
    }


def version_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def build_index(bundles: dict[str, dict]) -> dict:
    versions = sorted(bundles, key=version_key)
    served: dict[str, list[str]] = {}
    for version in versions:
        for av, kinds in bundles[version]["kinds"].items():
            for kind in kinds:
                served.setdefault(f"{av} {kind}", []).append(version)
    removed = []
    for av, kinds, release, replacement in HISTORICAL_REMOVALS:
        for kind in kinds:
            if f"{av} {kind}" not in served:
                removed.append({"apiVersion": av, "kind": kind, "removedIn": release, "replacement": replacement})
    return {
        "format": 1,
        "versions": versions,
        "default": versions[-1],
        "served": dict(sorted(served.items())),
        "removedBefore": removed,
        "deprecated": [
            {"apiVersion": av, "kind": kind, "since": since, "replacement": repl} for av, kind, since, repl in DEPRECATIONS
        ],
    }


def dump_gzip(data: dict) -> bytes:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=False).encode()
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare with the committed bundles")
    args = parser.parse_args(argv)
    specs = sorted(args.source.glob("v*/swagger.json.gz"))
    if not specs:
        print(f"no specs found under {args.source}", file=sys.stderr)
        return 2
    outputs: dict[Path, bytes] = {}
    bundles = {}
    for spec_path in specs:
        version = spec_path.parent.name.lstrip("v")
        with gzip.open(spec_path) as fh:
            spec = json.load(fh)
        bundles[version] = build_version(spec, version)
        outputs[args.out / f"v{version}.json.gz"] = dump_gzip(bundles[version])
    index = build_index(bundles)
    outputs[args.out / "index.json"] = (json.dumps(index, indent=1) + "\n").encode()
    if args.check:
        stale = [str(p) for p, data in outputs.items() if not p.exists() or p.read_bytes() != data]
        if stale:
            print("schema bundles are out of date; run scripts/build_schemas.py:\n  " + "\n  ".join(stale))
            return 1
        print(f"{len(outputs)} schema files up to date")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for path, data in outputs.items():
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
