"""Mutation tests: valid documents, each changed the way the API server's validation rejects.

Every mutation starts from a document that checks clean (the bundled example application, or a
small valid base below), applies one edit taken from the upstream validation code it cites, and
asserts that kubelint reports it with the expected rule at the edited field's line. The citation
names the Go function (kubernetes/kubernetes, pkg/apis/<group>/validation/validation.go unless
another file is named) and the message the API server gives.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import EXAMPLES, crd, single_object_rules
from kubelint import Options, check
from kubelint.load.positions import PositionIndex
from kubelint.model import format_path

BASES_TEXT = """
apiVersion: v1
kind: Pod
metadata: {name: tool}
spec:
  containers:
    - name: tool
      image: registry.example.com/tool:1.0
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers:
        - name: migrate
          image: registry.example.com/migrate:1.0
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 5 * * *"
  timeZone: Etc/UTC
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: report
              image: registry.example.com/report:1.0
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
    - from:
        - ipBlock:
            cidr: 10.0.0.0/8
            except: [10.1.0.0/16]
      ports:
        - port: 8000
          endPort: 8080
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - kind: ServiceAccount
    name: frontend
    namespace: shop
---
apiVersion: v1
kind: Secret
metadata: {name: web-tls}
type: kubernetes.io/tls
stringData:
  tls.crt: cert
  tls.key: key
---
""" + crd("Widget", """\
x-kubernetes-validations:
  - rule: self.min <= self.max
    message: min must not exceed max
  - rule: "!has(self.endpoint) || isURL(self.endpoint)"
    message: endpoint must be a URL
  - rule: "!has(self.size) || quantity(self.size).isLessThan(quantity('1Ti'))"
    message: size must be under 1Ti
  - rule: "!has(self.cidr) || cidr(self.cidr).containsIP(ip('10.0.0.1'))"
    message: cidr must contain 10.0.0.1
properties:
  min: {type: integer}
  max: {type: integer}
  endpoint: {type: string}
  size: {type: string}
  cidr: {type: string}
  tags:
    type: array
    items: {type: string}
    x-kubernetes-validations:
      - rule: self.all(t, t.matches('^[a-z]+$'))
        message: tags are lower-case words
""") + """---
apiVersion: example.com/v1
kind: Widget
metadata: {name: small}
spec:
  min: 1
  max: 3
  endpoint: https://example.com/api
  size: 10Gi
  cidr: 10.0.0.0/8
  tags: [blue]
"""


@dataclass
class Mutation:
    id: str
    kind: str
    edits: list[tuple[str, str, Any]]   # ("set" | "delete", path, value)
    rule: str
    path: str   # where the finding must be (and its line)
    upstream: str
    version: str | None = None
    message: str = ""   # a fragment the message must contain
    extra: dict = field(default_factory=dict)


D = "Deployment"
SPEC = "spec.template.spec"
C0 = f"{SPEC}.containers[0]"

MUTATIONS = [
    # --- pod spec: pkg/apis/core/validation/validation.go -------------------------------------
    Mutation("probe-two-handlers", D, [("set", f"{C0}.livenessProbe.tcpSocket", {"port": 8080})], "pod-invalid",
             f"{C0}.livenessProbe.tcpSocket", "validateHandler: may not specify more than 1 handler type",
             message="may not specify more than 1 handler type"),
    Mutation("probe-no-handler", D, [("delete", f"{C0}.readinessProbe.httpGet", None)], "pod-invalid",
             f"{C0}.readinessProbe", "validateHandler: must specify a handler type", message="must specify a handler"),
    Mutation("liveness-success-threshold", D, [("set", f"{C0}.livenessProbe.successThreshold", 3)], "pod-invalid",
             f"{C0}.livenessProbe.successThreshold", "validateContainers: livenessProbe successThreshold must be 1",
             message="must be 1"),
    Mutation("probe-negative-period", D, [("set", f"{C0}.readinessProbe.periodSeconds", -5)], "pod-invalid",
             f"{C0}.readinessProbe.periodSeconds", "validateProbe: ValidateNonnegativeField"),
    Mutation("probe-port-name", D, [("set", f"{C0}.readinessProbe.httpGet.port", "HTTP_PORT")], "pod-invalid",
             f"{C0}.readinessProbe.httpGet.port", "validateHTTPGetAction: ValidatePortNumOrName (IANA_SVC_NAME)"),
    Mutation("lifecycle-no-handler", D, [("set", f"{C0}.lifecycle", {"preStop": {}})], "pod-invalid",
             f"{C0}.lifecycle.preStop", "validateLifecycle/validateHandler: must specify a handler type"),
    Mutation("container-port-range", D, [("set", f"{C0}.ports[0].containerPort", 70000)], "pod-invalid",
             f"{C0}.ports[0].containerPort", "validateContainerPorts: IsValidPortNum (1-65535)"),
    Mutation("container-port-name-duplicate", D,
             [("set", f"{C0}.ports[1]", {"name": "http", "containerPort": 9090})], "pod-invalid",
             f"{C0}.ports[1].name", "validateContainerPorts: Duplicate value (port names unique)"),
    Mutation("host-network-host-port", D, [("set", f"{SPEC}.hostNetwork", True),
                                           ("set", f"{C0}.ports[0].hostPort", 80)], "pod-invalid",
             f"{C0}.ports[0].hostPort", "validateHostNetwork: must match `containerPort` when `hostNetwork` is true"),
    Mutation("env-name-strict", D, [("set", f"{C0}.env[0].name", "1LOG LEVEL")], "pod-invalid",
             f"{C0}.env[0].name", "validateEnv: IsEnvVarName before RelaxedEnvironmentVariableValidation (1.32)",
             version="1.31"),
    Mutation("env-name-relaxed", D, [("set", f"{C0}.env[0].name", "LOG=LEVEL")], "pod-invalid",
             f"{C0}.env[0].name", "validateEnv: IsRelaxedEnvVarName (no '=')", version="1.36"),
    Mutation("env-value-and-value-from", D, [("set", f"{C0}.env[0].value", "debug")], "pod-invalid",
             f"{C0}.env[0].valueFrom", "validateEnv: may not be specified when `value` is not empty"),
    Mutation("env-field-path", D, [("set", f"{C0}.env[0].valueFrom", {"fieldRef": {"fieldPath": "spec.hostname"}})],
             "pod-invalid", f"{C0}.env[0].valueFrom.fieldRef.fieldPath",
             "validateObjectFieldSelector: validEnvDownwardAPIFieldPathExpressions"),
    Mutation("requests-above-limits", D, [("set", f"{C0}.resources.requests.memory", "1Gi")], "pod-invalid",
             f"{C0}.resources.requests.memory",
             "ValidateResourceRequirements: must be less than or equal to memory limit"),
    Mutation("resource-name", D, [("set", f"{C0}.resources.limits.gpu", 1)], "pod-invalid",
             f"{C0}.resources.limits.gpu", "validateContainerResourceName: must be a standard resource for containers"),
    Mutation("hugepages-requests-equal-limits", D, [("set", f"{C0}.resources.limits.hugepages-2Mi", "100Mi"),
                                                    ("set", f"{C0}.resources.requests.hugepages-2Mi", "50Mi")],
             "pod-invalid", f"{C0}.resources.requests.hugepages-2Mi",
             "ValidateResourceRequirements: non-overcommitable resources: must be equal to limit"),
    Mutation("volume-two-sources", D, [("set", f"{SPEC}.volumes[3].hostPath", {"path": "/tmp"})], "pod-invalid",
             f"{SPEC}.volumes[3].emptyDir", "validateVolumeSource: may not specify more than 1 volume type (reported "
             "at the second source in upstream order: hostPath, emptyDir ...)"),
    Mutation("volume-item-path", D, [("set", f"{SPEC}.volumes[0].configMap.items[0].path", "../etc/passwd")],
             "pod-invalid", f"{SPEC}.volumes[0].configMap.items[0].path",
             "validateKeyToPath/validateLocalDescendingPath: must not contain '..'"),
    Mutation("volume-default-mode", D, [("set", f"{SPEC}.volumes[1].secret.defaultMode", 1000)], "pod-invalid",
             f"{SPEC}.volumes[1].secret.defaultMode", "validateSecretVolumeSource: 0 to 0777"),
    Mutation("restart-policy-deployment", D, [("set", f"{SPEC}.restartPolicy", "OnFailure")], "pod-invalid",
             f"{SPEC}.restartPolicy", "apps ValidatePodTemplateSpecForReplicaSet: NotSupported, only Always"),
    Mutation("restart-policy-job-default", "Job", [("delete", f"{SPEC}.restartPolicy", None)], "pod-invalid",
             f"{SPEC}.restartPolicy", "batch validateJobSpec: restartPolicy OnFailure or Never (defaults to Always)"),
    Mutation("active-deadline-in-deployment", D, [("set", f"{SPEC}.activeDeadlineSeconds", 60)], "pod-invalid",
             f"{SPEC}.activeDeadlineSeconds", "apps: activeDeadlineSeconds in ReplicaSet is not Supported"),
    Mutation("pod-active-deadline-range", "Pod", [("set", "spec.activeDeadlineSeconds", 0)], "pod-invalid",
             "spec.activeDeadlineSeconds", "ValidatePodSpec: must be between 1 and 2147483647, inclusive"),
    Mutation("dns-none-without-config", D, [("set", f"{SPEC}.dnsPolicy", "None")], "pod-invalid",
             f"{SPEC}.dnsConfig", "validateDNSPolicy: must provide `dnsConfig` when `dnsPolicy` is None"),
    Mutation("dns-four-nameservers", D, [("set", f"{SPEC}.dnsConfig", {"nameservers": ["1.1.1.1", "8.8.8.8",
                                                                                      "9.9.9.9", "1.0.0.1"]})],
             "pod-invalid", f"{SPEC}.dnsConfig.nameservers", "validatePodDNSConfig: MaxDNSNameservers = 3"),
    Mutation("privileged-without-escalation", D, [("set", f"{C0}.securityContext.privileged", True)], "pod-invalid",
             f"{C0}.securityContext",
             "ValidateSecurityContext: cannot set `allowPrivilegeEscalation` to false and `privileged` to true"),
    Mutation("seccomp-localhost-profile", D, [("set", f"{SPEC}.securityContext.seccompProfile.type", "Localhost")],
             "pod-invalid", f"{SPEC}.securityContext.seccompProfile.localhostProfile",
             "validateSeccompProfileField: localhostProfile must be set when seccomp type is Localhost"),
    Mutation("run-as-user-range", D, [("set", f"{SPEC}.securityContext.runAsUser", -1)], "pod-invalid",
             f"{SPEC}.securityContext.runAsUser", "ValidatePodSecurityContext: must be between 0 and 2147483647"),
    Mutation("toleration-exists-with-value", D, [("set", f"{SPEC}.tolerations", [{"key": "a", "operator": "Exists",
                                                                                  "value": "b"}])],
             "pod-invalid", f"{SPEC}.tolerations[0].operator",
             "validateTolerations: value must be empty when `operator` is 'Exists'"),
    Mutation("affinity-weight", D, [("set", f"{SPEC}.affinity.podAntiAffinity."
                                            "preferredDuringSchedulingIgnoredDuringExecution[0].weight", 0)],
             "pod-invalid", f"{SPEC}.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
             "weight", "validateWeightedPodAffinityTerms: must be in the range 1-100"),
    Mutation("topology-max-skew", D, [("set", f"{SPEC}.topologySpreadConstraints[0].maxSkew", 0)], "pod-invalid",
             f"{SPEC}.topologySpreadConstraints[0].maxSkew", "validateTopologySpreadConstraints: must be greater "
             "than zero"),
    Mutation("image-required", D, [("delete", f"{C0}.image", None)], "pod-invalid", f"{C0}.image",
             "validateContainerCommon: image Required value"),
    Mutation("init-container-probe", "Pod", [("set", "spec.initContainers", [{
        "name": "init", "image": "busybox:1.36", "readinessProbe": {"exec": {"command": ["true"]}}}])],
        "pod-invalid", "spec.initContainers[0].readinessProbe",
        "validateInitContainers: may not be set for init containers without restartPolicy of 'Always'"),
    # --- workloads: pkg/apis/apps and batch validation --------------------------------------------
    Mutation("rolling-update-both-zero", D, [("set", "spec.strategy.rollingUpdate.maxSurge", 0)], "workload-invalid",
             "spec.strategy.rollingUpdate.maxUnavailable",
             "ValidateRollingUpdateDeployment: may not be 0 when `maxSurge` is 0"),
    Mutation("rolling-update-percent", D, [("set", "spec.strategy.rollingUpdate.maxSurge", "25")], "workload-invalid",
             "spec.strategy.rollingUpdate.maxSurge", "ValidatePositiveIntOrPercent: IsValidPercent"),
    Mutation("max-unavailable-over-100", D, [("set", "spec.strategy.rollingUpdate.maxUnavailable", "150%")],
             "workload-invalid", "spec.strategy.rollingUpdate.maxUnavailable",
             "IsNotMoreThan100Percent: must not be greater than 100%"),
    Mutation("recreate-with-rolling-update", D, [("set", "spec.strategy.type", "Recreate")], "workload-invalid",
             "spec.strategy.rollingUpdate", "ValidateDeploymentStrategy: may not be specified when strategy `type` "
             "is 'Recreate'"),
    Mutation("empty-selector", D, [("set", "spec.selector", {"matchLabels": {}})], "workload-invalid",
             "spec.selector", "ValidateDeploymentSpec: empty selector is invalid for deployment"),
    Mutation("selector-in-without-values", D, [("set", "spec.selector.matchExpressions",
                                                [{"key": "tier", "operator": "In"}])], "workload-invalid",
             "spec.selector.matchExpressions[0].values", "ValidateLabelSelectorRequirement: must be specified "
             "when `operator` is 'In' or 'NotIn'"),
    Mutation("progress-deadline", D, [("set", "spec.minReadySeconds", 30),
                                      ("set", "spec.progressDeadlineSeconds", 30)], "workload-invalid",
             "spec.progressDeadlineSeconds", "ValidateDeploymentSpec: must be greater than minReadySeconds"),
    Mutation("negative-replicas", "StatefulSet", [("set", "spec.replicas", -1)], "workload-invalid",
             "spec.replicas", "ValidateStatefulSetSpec: ValidateNonnegativeField"),
    Mutation("statefulset-ondelete-rolling", "StatefulSet",
             [("set", "spec.updateStrategy", {"type": "OnDelete", "rollingUpdate": {"partition": 1}})],
             "workload-invalid", "spec.updateStrategy.rollingUpdate",
             "ValidateStatefulSetSpec: only allowed for updateStrategy 'RollingUpdate'"),
    Mutation("daemonset-surge-with-default-unavailable", "DaemonSet",
             [("set", "spec.updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}})],
             "workload-invalid", "spec.updateStrategy.rollingUpdate.maxSurge",
             "ValidateRollingUpdateDaemonSet: may not be set when maxUnavailable is non-zero (defaults to 1)"),
    Mutation("job-indexed-without-completions", "Job", [("set", "spec.completionMode", "Indexed")],
             "workload-invalid", "spec.completions", "validateJobSpec: when completion mode is Indexed"),
    Mutation("job-selector-not-generated", "Job", [("set", "spec.selector", {"matchLabels": {"app": "migrate"}})],
             "workload-invalid", "spec.selector", "ValidateGeneratedSelector: `selector` not auto-generated"),
    Mutation("job-negative-backoff", "Job", [("set", "spec.backoffLimit", -1)], "workload-invalid",
             "spec.backoffLimit", "validateJobSpec: ValidateNonnegativeField"),
    Mutation("cron-hour-out-of-range", "CronJob", [("set", "spec.schedule", "0 24 * * *")], "workload-invalid",
             "spec.schedule", "validateScheduleFormat: robfig/cron ParseStandard: end of range above maximum"),
    Mutation("cron-six-fields", "CronJob", [("set", "spec.schedule", "0 0 5 * * *")], "workload-invalid",
             "spec.schedule", "validateScheduleFormat: expected exactly 5 fields"),
    Mutation("cron-descriptor", "CronJob", [("set", "spec.schedule", "@fortnightly")], "workload-invalid",
             "spec.schedule", "validateScheduleFormat: unrecognized descriptor"),
    Mutation("cron-time-zone-local", "CronJob", [("set", "spec.timeZone", "Local")], "workload-invalid",
             "spec.timeZone", "validateTimeZone: timeZone must be an explicit time zone"),
    Mutation("cron-tz-and-time-zone", "CronJob", [("set", "spec.schedule", "TZ=Etc/UTC 0 5 * * *")],
             "workload-invalid", "spec.schedule",
             "validateScheduleFormat: cannot use both timeZone field and TZ or CRON_TZ in schedule"),
    # --- Service: ValidateService --------------------------------------------------------------------
    Mutation("service-second-port-unnamed", "Service", [("set", "spec.ports[1]", {"port": 8443})],
             "service-invalid", "spec.ports[1].name", "validateServicePort: Required value (multiple ports)"),
    Mutation("service-duplicate-port", "Service", [("set", "spec.ports[1]", {"name": "other", "port": 80})],
             "service-invalid", "spec.ports[1]", "ValidateService: Duplicate value (port and protocol)"),
    Mutation("service-no-ports", "Service", [("delete", "spec.ports", None)], "service-invalid", "spec.ports",
             "ValidateService: spec.ports Required value"),
    Mutation("service-node-port-range", "Service", [("set", "spec.ports[0].nodePort", 8080)], "service-invalid",
             "spec.ports[0].nodePort", "node-port allocator: provided port is not in the valid range"),
    Mutation("service-target-port", "Service", [("set", "spec.ports[0].targetPort", 0x10000)], "service-invalid",
             "spec.ports[0].targetPort", "validateServicePort: ValidatePortNumOrName"),
    Mutation("service-headless-loadbalancer", "Service", [("set", "spec.clusterIP", "None")], "service-invalid",
             "spec.clusterIP", "ValidateService: may not be set to 'None' for LoadBalancer services"),
    Mutation("service-traffic-policy-clusterip", "Service", [("set", "spec.type", "ClusterIP"),
                                                             ("set", "spec.externalTrafficPolicy", "Local")],
             "service-invalid", "spec.externalTrafficPolicy",
             "validateServiceExternalTrafficPolicy: may only be set for externally-accessible services"),
    Mutation("service-external-name-required", "Service", [("set", "spec.type", "ExternalName")],
             "service-invalid", "spec.externalName", "ValidateService: externalName Required value"),
    # --- networking ---------------------------------------------------------------------------------
    Mutation("ingress-relative-path", "Ingress", [("set", "spec.rules[0].http.paths[0].path", "shop")],
             "networking-invalid", "spec.rules[0].http.paths[0].path",
             "validateHTTPIngressRuleValue: must be an absolute path"),
    Mutation("ingress-port-name-and-number", "Ingress",
             [("set", "spec.rules[0].http.paths[0].backend.service.port.number", 80)], "networking-invalid",
             "spec.rules[0].http.paths[0].backend.service.port", "validateIngressBackend: cannot set both port "
             "name & port number"),
    Mutation("ingress-service-and-resource", "Ingress",
             [("set", "spec.rules[0].http.paths[0].backend.resource", {"kind": "Bucket", "name": "static"})],
             "networking-invalid", "spec.rules[0].http.paths[0].backend",
             "validateIngressBackend: cannot set both resource and service backends"),
    Mutation("ingress-ip-host", "Ingress", [("set", "spec.rules[0].host", "10.0.0.1")], "networking-invalid",
             "spec.rules[0].host", "validateIngressRules: must be a DNS name, not an IP address"),
    Mutation("networkpolicy-end-port", "NetworkPolicy", [("set", "spec.ingress[0].ports[0].endPort", 7000)],
             "networking-invalid", "spec.ingress[0].ports[0].endPort",
             "ValidateNetworkPolicyPort: must be greater than or equal to `port`"),
    Mutation("networkpolicy-except-outside", "NetworkPolicy",
             [("set", "spec.ingress[0].from[0].ipBlock.except[0]", "192.168.0.0/16")], "networking-invalid",
             "spec.ingress[0].from[0].ipBlock.except[0]", "ValidateIPBlock: must be a strict subset of `cidr`"),
    Mutation("networkpolicy-ipblock-and-selector", "NetworkPolicy",
             [("set", "spec.ingress[0].from[0].podSelector", {})], "networking-invalid",
             "spec.ingress[0].from[0]", "ValidateNetworkPolicyPeer: may not specify both ipBlock and another peer"),
    # --- policy, autoscaling, rbac, storage, config, metadata -----------------------------------------
    Mutation("pdb-both", "PodDisruptionBudget", [("set", "spec.maxUnavailable", 1),
                                                      ("set", "spec.minAvailable", 1)], "pdb-invalid", "spec",
             "ValidatePodDisruptionBudgetSpec: minAvailable and maxUnavailable cannot be both set"),
    Mutation("hpa-min-zero", "HorizontalPodAutoscaler", [("set", "spec.minReplicas", 0)], "hpa-invalid",
             "spec.minReplicas", "validateHorizontalPodAutoscalerSpec: must be greater than or equal to 1"),
    Mutation("hpa-metric-source-mismatch", "HorizontalPodAutoscaler", [("set", "spec.metrics[0].type", "Pods")],
             "hpa-invalid", "spec.metrics[0].resource", "validateMetricSpec: must populate the given metric source "
             "only"),
    Mutation("hpa-utilization-missing", "HorizontalPodAutoscaler",
             [("delete", "spec.metrics[0].resource.target.averageUtilization", None)], "hpa-invalid",
             "spec.metrics[0].resource.target.averageUtilization",
             "validateResourceSource: must set either a target raw value or a target utilization"),
    Mutation("rbac-empty-verbs", "Role", [("set", "rules[0].verbs", [])], "rbac-invalid", "rules[0].verbs",
             "ValidatePolicyRule: verbs must contain at least one value"),
    Mutation("rbac-no-api-groups", "Role", [("delete", "rules[0].apiGroups", None)], "rbac-invalid",
             "rules[0].apiGroups",
             "ValidatePolicyRule: resource rules must supply at least one api group"),
    Mutation("rbac-binding-without-namespace", "ClusterRoleBinding", [("delete", "subjects[0].namespace", None)],
             "rbac-invalid", "subjects[0].namespace",
             "ValidateRoleBindingSubject: namespace Required for ServiceAccount"),
    Mutation("pvc-no-access-modes", "PersistentVolumeClaim", [("set", "spec.accessModes", [])], "storage-invalid",
             "spec.accessModes", "ValidatePersistentVolumeClaimSpec: at least 1 access mode is required"),
    Mutation("pvc-no-storage", "PersistentVolumeClaim", [("delete", "spec.resources.requests.storage", None)],
             "storage-invalid", "spec.resources.requests.storage",
             "ValidatePersistentVolumeClaimSpec: resources.requests[storage] Required"),
    Mutation("configmap-key", "ConfigMap", [("set", "data.conf/app.yaml", "x: 1")], "config-invalid",
             "data.conf/app.yaml", "ValidateConfigMap: IsConfigMapKey"),
    Mutation("tls-secret-keys", "Secret", [("delete", "stringData.tls.key", None)], "config-invalid",
             "stringData.tls.key", "ValidateSecret: SecretTypeTLS requires tls.key", extra={"name": "web-tls"}),
    Mutation("finalizer-unqualified", "ConfigMap", [("set", "metadata.finalizers", ["cleanup"])], "metadata-invalid",
             "metadata.finalizers[0]", "validateKubeFinalizerName: name is neither a standard finalizer name nor "
             "is it fully qualified"),
    Mutation("owner-reference-uid", "ConfigMap", [("set", "metadata.ownerReferences", [
        {"apiVersion": "apps/v1", "kind": "Deployment", "name": "frontend", "uid": ""}])], "metadata-invalid",
        "metadata.ownerReferences[0].uid", "validateOwnerReference: uid must not be empty"),
    # --- CRDs: apiextensions validation and CEL -------------------------------------------------------
    Mutation("crd-untyped-field", "CustomResourceDefinition",
             [("delete", "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.min.type", None)],
             "crd-invalid", "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.min.type",
             "structural schema (apiserver/schema/validation.go): type must not be empty for specified object fields"),
    Mutation("crd-two-storage-versions", "CustomResourceDefinition",
             [("set", "spec.versions[1]", {"name": "v2", "served": True, "storage": True,
                                           "schema": {"openAPIV3Schema": {"type": "object"}}})],
             "crd-invalid", "spec.versions", "ValidateCustomResourceDefinitionSpec: must have exactly one version "
             "marked as storage version"),
    Mutation("crd-group-without-dot", "CustomResourceDefinition", [("set", "spec.group", "example")], "crd-invalid",
             "spec.group", "ValidateCustomResourceDefinitionSpec: should be a domain with at least one dot"),
    Mutation("cel-min-max", "Widget", [("set", "spec.min", 5)], "cel-validation", "spec",
             "x-kubernetes-validations on spec: self.min <= self.max", message="min must not exceed max"),
    Mutation("cel-url", "Widget", [("set", "spec.endpoint", "not a url")], "cel-validation", "spec",
             "Kubernetes CEL URL library: isURL", message="endpoint must be a URL"),
    Mutation("cel-quantity", "Widget", [("set", "spec.size", "2Ti")], "cel-validation", "spec",
             "Kubernetes CEL quantity library: quantity().isLessThan()", message="size must be under 1Ti"),
    Mutation("cel-cidr", "Widget", [("set", "spec.cidr", "192.168.0.0/16")], "cel-validation", "spec",
             "Kubernetes CEL cidr/ip libraries: cidr().containsIP(ip())", message="cidr must contain"),
    Mutation("cel-list-items", "Widget", [("set", "spec.tags[1]", "Red")], "cel-validation", "spec.tags",
             "CEL on a list: self.all(t, t.matches(...))", message="tags are lower-case words"),
]

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse(path: str) -> list[str | int]:
    out: list[str | int] = []
    for name, index in _SEGMENT.findall(path):
        out.append(int(index) if index else name)
    return out


def _split_keys(path: str) -> list[str | int]:
    # "data.conf/app.yaml" and "stringData.tls.key": the last segment may hold dots (a data key)
    head, _, tail = path.partition(".")
    if head in ("data", "stringData") and tail:
        return [head, tail]
    return parse(path)


def edit(data: Any, operation: str, path: str, value: Any) -> None:
    segments = _split_keys(path)
    node = data
    for segment, following in zip(segments, segments[1:]):
        if isinstance(segment, int):
            while len(node) <= segment:
                node.append({})
            node = node[segment]
        else:
            if segment not in node or node[segment] is None:
                node[segment] = [] if isinstance(following, int) else {}
            node = node[segment]
    last = segments[-1]
    if operation == "delete":
        del node[last]
    elif isinstance(last, int):
        while len(node) <= last:
            node.append(None)
        node[last] = copy.deepcopy(value)
    else:
        node[last] = copy.deepcopy(value)


def _load_bases() -> dict[str, list[dict]]:
    yaml = YAML(typ="safe", pure=True)
    bases: dict[str, list[dict]] = {}
    texts = [p.read_text() for p in sorted((EXAMPLES / "app").glob("*.yaml"))] + [BASES_TEXT]
    for text in texts:
        for document in yaml.load_all(text):
            if isinstance(document, dict):
                bases.setdefault(document["kind"], []).append(document)
    return bases


BASES = _load_bases()


def _dump(documents: list[dict]) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump_all(documents, out)
    return out.getvalue()


def _base(mutation: Mutation) -> dict:
    candidates = BASES[mutation.kind]
    name = mutation.extra.get("name")
    for candidate in candidates:
        if name is None or candidate["metadata"]["name"] == name:
            return copy.deepcopy(candidate)
    raise KeyError(mutation.kind)


def _context(document: dict) -> list[dict]:
    """The mutated document, with the CRD its custom resource needs."""
    if document["kind"] == "Widget":
        return [copy.deepcopy(BASES["CustomResourceDefinition"][0]), document]
    return [document]


def test_bases_are_clean():
    for kind, documents in BASES.items():
        for document in documents:
            findings = check(text=_dump(_context(document)), name="base.yaml",
                             options=Options(select=single_object_rules())).findings
            errors = [f for f in findings if f.severity.label == "error"]
            assert errors == [], (kind, [(f.rule, f.message) for f in errors])


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.id)
def test_mutation_is_reported_at_its_line(mutation: Mutation):
    document = _base(mutation)
    for operation, path, value in mutation.edits:
        edit(document, operation, path, value)
    documents = _context(document)
    text = _dump(documents)
    options = Options(kube_version=mutation.version) if mutation.version else Options()
    findings = [f for f in check(text=text, name="mutated.yaml", options=options).findings if f.rule == mutation.rule]
    expected_path = format_path(_split_keys(mutation.path))
    at_path = [f for f in findings if f.path == expected_path]
    assert at_path, (f"{mutation.id} ({mutation.upstream}): no {mutation.rule} finding at {expected_path}; got "
                     f"{[(f.path, f.message) for f in findings]}")
    start = text.count("\n", 0, text.rfind("\n---", 0, len(text)) + 1) if len(documents) > 1 else 0
    index = PositionIndex.build(text.split("\n---\n")[-1] if len(documents) > 1 else text, start)
    lines: set[int] = set()
    target = tuple(_split_keys(mutation.path))
    while not lines and target:   # a missing (required) field: the line of its nearest present parent
        lines = {position[0] for position in (index.locate(target, at_key=flag) for flag in (True, False))
                 if position}
        target = target[:-1]
    assert {f.line for f in at_path} & lines, (mutation.id, [f.line for f in at_path], lines)
    assert all(f.severity.label == "error" for f in at_path)
    if mutation.message:
        assert any(mutation.message in f.message for f in at_path), [f.message for f in at_path]


def test_mutations_cover_every_validation_rule():
    covered = {m.rule for m in MUTATIONS}
    from kubelint.rules.registry import load_rules

    validation = {r.id for r in load_rules().values() if r.category == "validation" and r.severity.label == "error"}
    assert validation <= covered, validation - covered
