"""The pods to place: workloads expanded into pods, as the controllers and the API server make them.

- Replicas: Deployments, ReplicaSets, ReplicationControllers and StatefulSets create
  ``spec.replicas`` pods (default 1); an HPA that targets the workload raises that to
  ``max(replicas, minReplicas)``. Jobs run ``min(parallelism, completions)`` pods at once
  (parallelism defaults to 1) and a CronJob one such Job. A DaemonSet gets one pod per node
  where it should run (pkg/controller/daemon: nodeShouldRunDaemonPod), with the tolerations the
  controller adds (pkg/controller/daemon/util.AddOrUpdateDaemonPodTolerations) and its required
  node affinity replaced by ``metadata.name In [node]`` (ReplaceDaemonSetPodNodeNameNodeAffinity).
  Pods are named ``<workload>-<ordinal>`` (StatefulSet ordinals start at spec.ordinals.start) and
  ``<daemonset>-<node>``.
- Admission and defaulting that change scheduling: requests default to limits (SetDefaults_Pod),
  LimitRange default requests (LimitRanger), RuntimeClass overhead, nodeSelector and tolerations
  (RuntimeClass admission), the not-ready/unreachable NoExecute tolerations
  (DefaultTolerationSeconds), hostPort defaulted to containerPort under hostNetwork
  (SetDefaults_PodSpec), and the priority from the PriorityClass (Priority admission).
- Effective requests: k8s.io/component-helpers/resource PodRequests: the sum of the containers
  and the restartable init containers (sidecars), or the largest regular init container plus the
  sidecars started before it, whichever is larger, per resource; pod-level requests where set
  (Kubernetes 1.34 and later); plus the pod overhead. Scorers use the same sum with upstream's
  non-zero defaults (100m cpu, 200 MiB memory) for containers that request nothing
  (pkg/scheduler/util: DefaultMilliCPURequest, DefaultMemoryRequest).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Iterable

from kubelint.k8s import objects as k8s
from kubelint.k8s import quantity
from kubelint.model import Resource
from kubelint.schedule import selectors as sel
from kubelint.schedule.selectors import LabelSelector, Requirement, Toleration

DEFAULT_MILLI_CPU_REQUEST = 100  # pkg/scheduler/util/pod_resources.go
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
SYSTEM_PRIORITY_CLASSES = {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}
DEFAULT_SCHEDULER = "default-scheduler"
REPLICATED_KINDS = ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "Rollout")  # Argo Rollouts: replicas as a Deployment
CONTROLLER_KINDS = REPLICATED_KINDS + ("DaemonSet", "Job", "CronJob")
POD_LEVEL_RESOURCES = ("cpu", "memory")

#: DefaultTolerationSeconds admission (plugin/pkg/admission/defaulttolerationseconds)
DEFAULT_TOLERATIONS = (Toleration("node.kubernetes.io/not-ready", "Exists", "", "NoExecute"),
                       Toleration("node.kubernetes.io/unreachable", "Exists", "", "NoExecute"))
#: pkg/controller/daemon/util/daemonset_util.go AddOrUpdateDaemonPodTolerations
DAEMON_TOLERATIONS = (Toleration("node.kubernetes.io/not-ready", "Exists", "", "NoExecute"),
                      Toleration("node.kubernetes.io/unreachable", "Exists", "", "NoExecute"),
                      Toleration("node.kubernetes.io/disk-pressure", "Exists", "", "NoSchedule"),
                      Toleration("node.kubernetes.io/memory-pressure", "Exists", "", "NoSchedule"),
                      Toleration("node.kubernetes.io/pid-pressure", "Exists", "", "NoSchedule"),
                      Toleration("node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule"))
DAEMON_HOST_NETWORK_TOLERATION = Toleration("node.kubernetes.io/network-unavailable", "Exists", "", "NoSchedule")


# --- resource names (pkg/apis/core/v1/helper) --------------------------------------------------


def is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def is_scalar(name: str) -> bool:
    """IsScalarResourceName: extended resources, hugepages, prefixed native and attachable volumes."""
    if name.startswith("hugepages-") or name.startswith("attachable-volumes-"):
        return True
    if "kubernetes.io/" in name:
        return True
    return not is_native(name) and not name.startswith("requests.")


def amount(name: str, value: Fraction) -> int:
    """MilliValue() for cpu, Value() otherwise (both round up)."""
    return math.ceil(value * 1000) if name == "cpu" else math.ceil(value)


# --- requests ---------------------------------------------------------------------------------


def _resource_list(raw: Any) -> dict[str, Fraction]:
    out: dict[str, Fraction] = {}
    if isinstance(raw, dict):
        for name, value in raw.items():
            try:
                out[str(name)] = quantity.parse(value)
            except quantity.QuantityError:
                continue
    return out


def container_requests(container: dict, limit_defaults: dict[str, Fraction] | None = None) -> dict[str, Fraction]:
    """A container's requests after defaulting: requests default to limits (SetDefaults_Pod), then
    LimitRange defaultRequest fills what is still missing (LimitRanger)."""
    resources = container.get("resources") if isinstance(container.get("resources"), dict) else {}
    limits = _resource_list(resources.get("limits"))
    requests = dict(limits)
    requests.update(_resource_list(resources.get("requests")))
    for name, value in (limit_defaults or {}).items():
        requests.setdefault(name, value)
    return requests


def _add(target: dict[str, Fraction], other: dict[str, Fraction]) -> None:
    for name, value in other.items():
        target[name] = target.get(name, Fraction(0)) + value


def _max(target: dict[str, Fraction], other: dict[str, Fraction]) -> None:
    for name, value in other.items():
        if name not in target or value > target[name]:
            target[name] = value


def _restartable(container: dict) -> bool:
    return container.get("restartPolicy") == "Always"


def pod_requests(spec: dict, *, non_missing: dict[str, Fraction] | None = None,
                 limit_defaults: dict[str, Fraction] | None = None, overhead: dict[str, Fraction] | None = None,
                 pod_level: bool = True) -> dict[str, Fraction]:
    """component-helpers/resource PodRequests (with the sidecar formula of KEP-753)."""
    pod_resources = spec.get("resources") if isinstance(spec.get("resources"), dict) else {}
    pod_requests_ = {}
    if pod_level:
        pod_limits = _resource_list(pod_resources.get("limits"))
        pod_requests_ = {k: v for k, v in {**pod_limits, **_resource_list(pod_resources.get("requests"))}.items()
                         if k in POD_LEVEL_RESOURCES}
    missing_defaults = dict(non_missing or {})
    if pod_requests_:
        missing_defaults = {k: v for k, v in missing_defaults.items() if k not in pod_requests_}

    def requests_of(container: dict) -> dict[str, Fraction]:
        requests = container_requests(container, limit_defaults)
        for name, value in missing_defaults.items():
            requests.setdefault(name, value)
        return requests

    total: dict[str, Fraction] = {}
    for container in _containers(spec, "containers"):
        _add(total, requests_of(container))
    restartable: dict[str, Fraction] = {}
    init_peak: dict[str, Fraction] = {}
    for container in _containers(spec, "initContainers"):
        requests = requests_of(container)
        if _restartable(container):
            _add(total, requests)
            _add(restartable, requests)
            requests = dict(restartable)
        else:
            combined = dict(requests)
            _add(combined, restartable)
            requests = combined
        _max(init_peak, requests)
    _max(total, init_peak)
    for name, value in pod_requests_.items():
        total[name] = value
    if overhead:
        _add(total, overhead)
    return total


def _containers(spec: dict, field_name: str) -> Iterable[dict]:
    items = spec.get(field_name)
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict):
                yield item


# --- the parsed pod ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AffinityTerm:
    """framework.AffinityTerm: which pods a pod (anti-)affinity term selects, and where."""

    namespaces: frozenset[str]
    namespace_selector: LabelSelector
    selector: LabelSelector
    topology_key: str

    def matches(self, namespace: str, labels: dict[str, str], namespace_labels: dict[str, str]) -> bool:
        if namespace in self.namespaces or self.namespace_selector.matches(namespace_labels):
            return self.selector.matches(labels)
        return False


@dataclass(frozen=True, slots=True)
class WeightedTerm:
    weight: int
    term: AffinityTerm


@dataclass(frozen=True, slots=True)
class SpreadConstraint:
    max_skew: int
    topology_key: str
    when_unsatisfiable: str
    selector: LabelSelector
    min_domains: int
    node_affinity_policy: str
    node_taints_policy: str


@dataclass(frozen=True, slots=True)
class HostPort:
    ip: str
    protocol: str
    port: int


@dataclass(eq=False)
class PodSpec:
    """What the scheduler reads from a pod, parsed once and shared by all replicas of a workload."""

    namespace: str
    requests: dict[str, int]                 # fit: real requests (cpu in millicores)
    nonzero: dict[str, int]                  # scorers: with the non-zero defaults for cpu and memory
    tolerations: tuple[Toleration, ...]
    node_selector: tuple[tuple[str, str], ...]
    required_node_affinity: sel.NodeSelector | None
    preferred_node_affinity: tuple[sel.PreferredTerm, ...]
    host_ports: tuple[HostPort, ...]
    spread_raw: tuple[dict, ...]
    affinity_raw: dict
    priority: int
    preemption_policy: str
    scheduler_name: str
    node_name: str | None
    scheduling_gates: tuple[str, ...] = ()
    images: tuple[str, ...] = ()                   # init containers' and containers' images (ImageLocality)
    raw: dict = field(default_factory=dict, repr=False)
    admission_error: str | None = None
    key: str = ""

    @property
    def required(self) -> sel.RequiredNodeAffinity:
        return sel.RequiredNodeAffinity(self.node_selector, self.required_node_affinity)

    @property
    def best_effort_requests(self) -> bool:
        return not any(self.requests.values())


@dataclass(eq=False)
class Workload:
    kind: str
    namespace: str
    name: str
    resource: Resource | None
    replicas: int = 1
    hpa: tuple[int, int, Resource] | None = None   # (minReplicas, maxReplicas, the HPA)
    pods: list["Pod"] = field(default_factory=list)
    selector: LabelSelector | None = None          # the controller's own selector (ReplicaSet, StatefulSet ...)
    template_labels: dict[str, str] = field(default_factory=dict)
    spec: PodSpec | None = None
    note: str | None = None
    revision: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"

    def __repr__(self) -> str:
        return f"Workload({self.ref})"


@dataclass(eq=False)
class Pod:
    name: str
    namespace: str
    labels: dict[str, str]
    spec: PodSpec
    workload: Workload
    ordinal: int | str = 0
    seq: int = 0
    existing_node: str | None = None      # bound already (spec.nodeName)
    owner_selector: LabelSelector | None = None   # selector of its controller, for default spreading
    daemon_node: str | None = None
    terminating: bool = False
    #: set while placed
    node: int = -1
    affinity: Any = None                  # resolved (anti-)affinity terms, see framework.PodAffinity
    spread: dict[str, tuple[SpreadConstraint, ...]] | None = None   # by whenUnsatisfiable, once resolved

    @property
    def ref(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def priority(self) -> int:
        return self.spec.priority

    def __repr__(self) -> str:
        return f"Pod({self.ref})"


# --- admission context ---------------------------------------------------------------------------


@dataclass
class Admission:
    """Cluster objects that admission and controllers consult, found in the input."""

    priority_classes: dict[str, tuple[int, bool, str]] = field(default_factory=dict)
    runtime_classes: dict[str, dict] = field(default_factory=dict)
    limit_ranges: dict[str, dict[str, Fraction]] = field(default_factory=dict)
    namespace_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    kube_version: tuple[int, int] = (1, 36)
    #: parsed specs by their content: replicas and identical bare pods share one PodSpec
    specs: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_resources(cls, resources: list[Resource], kube_version: str = "1.36") -> "Admission":
        major, _, minor = kube_version.partition(".")
        admission = cls(kube_version=(int(major), int(minor or 0)))
        for resource in resources:
            data, kind, group = resource.data, resource.kind, resource.group
            if kind == "PriorityClass" and group == "scheduling.k8s.io" and resource.name:
                value = data.get("value")
                if isinstance(value, int) and not isinstance(value, bool):
                    admission.priority_classes[resource.name] = (
                        value, data.get("globalDefault") is True,
                        str(data.get("preemptionPolicy") or "PreemptLowerPriority"))
            elif kind == "RuntimeClass" and group == "node.k8s.io" and resource.name:
                admission.runtime_classes[resource.name] = data
            elif kind == "LimitRange" and group == "" and resource.namespace:
                defaults = admission.limit_ranges.setdefault(resource.namespace, {})
                for item in k8s.get(data, ("spec", "limits")) or []:
                    if not isinstance(item, dict) or item.get("type") != "Container":
                        continue
                    # LimitRangeItem defaulting: defaultRequest falls back to default, default to max.
                    limits = _resource_list(item.get("max"))
                    limits.update(_resource_list(item.get("default")))
                    requests = dict(limits)
                    requests.update(_resource_list(item.get("defaultRequest")))
                    for name, value in requests.items():
                        defaults.setdefault(name, value)
            elif kind == "Namespace" and group == "" and resource.name:
                labels = k8s.get(data, ("metadata", "labels"))
                labels = {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
                labels["kubernetes.io/metadata.name"] = resource.name
                admission.namespace_labels[resource.name] = labels
        return admission

    def labels_of_namespace(self, namespace: str) -> dict[str, str]:
        found = self.namespace_labels.get(namespace)
        if found is None:
            found = self.namespace_labels[namespace] = {"kubernetes.io/metadata.name": namespace}
        return found

    def global_default(self) -> tuple[int, str] | None:
        defaults = [(v, policy) for v, is_default, policy in self.priority_classes.values() if is_default]
        return max(defaults) if defaults else None

    @property
    def pod_level_resources(self) -> bool:
        return self.kube_version >= (1, 34)


def parse_spec(spec: dict, namespace: str, admission: Admission, *, extra_tolerations: tuple[Toleration, ...] = (),
               replace_required: sel.NodeSelector | None = None) -> PodSpec:
    """Everything the scheduler reads from a pod spec, after admission and defaulting (parsed once
    per distinct spec)."""
    key = (namespace, json.dumps(spec, sort_keys=True, default=str), extra_tolerations, replace_required)
    found = admission.specs.get(key)
    if found is None:
        found = admission.specs[key] = _parse_spec(spec, namespace, admission, extra_tolerations, replace_required)
    return found


def _parse_spec(spec: dict, namespace: str, admission: Admission, extra_tolerations: tuple[Toleration, ...],
                replace_required: sel.NodeSelector | None) -> PodSpec:
    error = None
    runtime = None
    overhead: dict[str, Fraction] = {}
    node_selector = spec.get("nodeSelector") if isinstance(spec.get("nodeSelector"), dict) else {}
    node_selector = {str(k): str(v) for k, v in node_selector.items()}
    tolerations = sel.tolerations(spec.get("tolerations"))
    runtime_name = spec.get("runtimeClassName")
    if isinstance(runtime_name, str) and runtime_name:
        runtime = admission.runtime_classes.get(runtime_name)
        if runtime is None:
            error = f'pod rejected by RuntimeClass admission: RuntimeClass "{runtime_name}" not found'
        else:
            overhead = _resource_list(k8s.get(runtime, ("overhead", "podFixed")))
            scheduling = runtime.get("scheduling") if isinstance(runtime.get("scheduling"), dict) else {}
            for key, value in (scheduling.get("nodeSelector") or {}).items():
                if key in node_selector and node_selector[key] != str(value):
                    error = (f"pod rejected by RuntimeClass admission: conflict: runtimeClass.scheduling.nodeSelector"
                             f'[{key}] = {value}; pod.spec.nodeSelector[{key}] = {node_selector[key]}')
                node_selector.setdefault(str(key), str(value))
            tolerations = tolerations + sel.tolerations(scheduling.get("tolerations"))
    tolerations = tolerations + extra_tolerations
    for default in DEFAULT_TOLERATIONS:
        if not any(t.key == default.key and t.effect == default.effect for t in tolerations):
            tolerations = tolerations + (default,)
    limit_defaults = admission.limit_ranges.get(namespace)
    fit = pod_requests(spec, limit_defaults=limit_defaults, overhead=overhead,
                       pod_level=admission.pod_level_resources)
    nonzero = pod_requests(spec, limit_defaults=limit_defaults, overhead=overhead,
                           pod_level=admission.pod_level_resources,
                           non_missing={"cpu": Fraction(DEFAULT_MILLI_CPU_REQUEST, 1000),
                                        "memory": Fraction(DEFAULT_MEMORY_REQUEST)})
    requests = {name: amount(name, value) for name, value in fit.items()
                if name in ("cpu", "memory", "ephemeral-storage") or is_scalar(name)}
    nonzero_requests = {name: amount(name, value) for name, value in nonzero.items()}
    affinity = spec.get("affinity") if isinstance(spec.get("affinity"), dict) else {}
    node_affinity = affinity.get("nodeAffinity") if isinstance(affinity.get("nodeAffinity"), dict) else {}
    required = sel.node_selector(node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))
    if replace_required is not None:
        required = replace_required
    preferred = sel.preferred_terms(node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution"))
    ports = []
    host_network = spec.get("hostNetwork") is True
    for field_name in ("initContainers", "containers"):
        for container in _containers(spec, field_name):
            if field_name == "initContainers" and not _restartable(container):
                continue
            for port in container.get("ports") or []:
                if not isinstance(port, dict):
                    continue
                host_port = port.get("hostPort")
                if (host_port in (None, 0)) and host_network:
                    host_port = port.get("containerPort")
                if isinstance(host_port, int) and not isinstance(host_port, bool) and host_port > 0:
                    ports.append(HostPort(str(port.get("hostIP") or "0.0.0.0"), str(port.get("protocol") or "TCP"),
                                          host_port))
    priority, policy, priority_error = _priority(spec, admission)
    error = error or priority_error
    spread = tuple(c for c in spec.get("topologySpreadConstraints") or [] if isinstance(c, dict))
    gates = tuple(str(g.get("name")) for g in spec.get("schedulingGates") or [] if isinstance(g, dict))
    node_name = spec.get("nodeName") if isinstance(spec.get("nodeName"), str) and spec.get("nodeName") else None
    parsed = PodSpec(namespace=namespace, requests=requests, nonzero=nonzero_requests, tolerations=tolerations,
                     node_selector=tuple(sorted(node_selector.items())), required_node_affinity=required,
                     preferred_node_affinity=preferred, host_ports=tuple(ports), spread_raw=spread,
                     affinity_raw=affinity, priority=priority, preemption_policy=policy,
                     scheduler_name=str(spec.get("schedulerName") or DEFAULT_SCHEDULER), node_name=node_name,
                     scheduling_gates=gates, raw=spec, admission_error=error,
                     images=tuple(str(c.get("image") or "") for field_name in ("initContainers", "containers")
                                  for c in _containers(spec, field_name)))
    parsed.key = _spec_key(parsed)
    return parsed


def _priority(spec: dict, admission: Admission) -> tuple[int, str, str | None]:
    """Priority admission (plugin/pkg/admission/priority): the class named, else the global default."""
    name = spec.get("priorityClassName")
    policy = spec.get("preemptionPolicy")
    if isinstance(name, str) and name:
        if name in SYSTEM_PRIORITY_CLASSES:
            return SYSTEM_PRIORITY_CLASSES[name], str(policy or "PreemptLowerPriority"), None
        found = admission.priority_classes.get(name)
        if found is None:
            explicit = spec.get("priority")
            if isinstance(explicit, int) and not isinstance(explicit, bool):
                return explicit, str(policy or "PreemptLowerPriority"), None
            return 0, "PreemptLowerPriority", f"pod rejected by Priority admission: no PriorityClass with name {name} was found"
        return found[0], found[2], None
    default = admission.global_default()
    if default is not None:
        return default[0], default[1], None
    explicit = spec.get("priority")
    if isinstance(explicit, int) and not isinstance(explicit, bool):
        return explicit, str(policy or "PreemptLowerPriority"), None
    return 0, str(policy or "PreemptLowerPriority"), None


def _spec_key(spec: PodSpec) -> str:
    """A key for caches of per-node results that depend only on the pod's static scheduling fields."""
    payload = [spec.node_selector, [(t.key, t.operator, t.value, t.effect) for t in spec.tolerations],
               repr(spec.required_node_affinity), repr(spec.preferred_node_affinity)]
    return json.dumps(payload, sort_keys=True, default=str)


# --- affinity and spreading, resolved per pod -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class PodAffinity:
    required_affinity: tuple[AffinityTerm, ...] = ()
    required_anti: tuple[AffinityTerm, ...] = ()
    preferred_affinity: tuple[WeightedTerm, ...] = ()
    preferred_anti: tuple[WeightedTerm, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.required_affinity or self.required_anti or self.preferred_affinity or self.preferred_anti)


NO_AFFINITY = PodAffinity()


def _term(raw: Any, namespace: str, labels: dict[str, str]) -> AffinityTerm | None:
    """newAffinityTerm with matchLabelKeys/mismatchLabelKeys merged into the selector, as the API
    server does (KEP-3633)."""
    if not isinstance(raw, dict):
        return None
    try:
        selector = sel.label_selector(raw.get("labelSelector"))
        ns_raw = raw.get("namespaceSelector")
        namespace_selector = sel.label_selector(ns_raw) if ns_raw is not None else sel.NOTHING
    except sel.SelectorError:
        return None
    names = [str(n) for n in raw.get("namespaces") or []]
    namespaces = frozenset(names) if names or ns_raw is not None else frozenset({namespace})
    extra = []
    for key in raw.get("matchLabelKeys") or []:
        if key in labels:
            extra.append(Requirement(str(key), "In", (labels[key],)))
    for key in raw.get("mismatchLabelKeys") or []:
        if key in labels:
            extra.append(Requirement(str(key), "NotIn", (labels[key],)))
    if extra and not selector.nothing:
        selector = selector.add(*extra)
    return AffinityTerm(namespaces, namespace_selector, selector, str(raw.get("topologyKey") or ""))


def resolve_affinity(pod: Pod) -> PodAffinity:
    raw = pod.spec.affinity_raw
    if not raw or not (raw.get("podAffinity") or raw.get("podAntiAffinity")):
        return NO_AFFINITY
    out: dict[str, list] = {"ra": [], "rn": [], "pa": [], "pn": []}
    for field_name, required_key, preferred_key in (("podAffinity", "ra", "pa"), ("podAntiAffinity", "rn", "pn")):
        section = raw.get(field_name) if isinstance(raw.get(field_name), dict) else {}
        for item in section.get("requiredDuringSchedulingIgnoredDuringExecution") or []:
            term = _term(item, pod.namespace, pod.labels)
            if term is not None:
                out[required_key].append(term)
        for item in section.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            if not isinstance(item, dict):
                continue
            weight = item.get("weight")
            term = _term(item.get("podAffinityTerm"), pod.namespace, pod.labels)
            if term is not None and isinstance(weight, int) and not isinstance(weight, bool):
                out[preferred_key].append(WeightedTerm(weight, term))
    return PodAffinity(tuple(out["ra"]), tuple(out["rn"]), tuple(out["pa"]), tuple(out["pn"]))


def spread_constraints(pod: Pod, raw: tuple[dict, ...], action: str) -> tuple[SpreadConstraint, ...]:
    """filterTopologySpreadConstraints: the pod's constraints with ``action``, matchLabelKeys merged."""
    out = []
    for item in raw:
        if item.get("whenUnsatisfiable") != action:
            continue
        try:
            selector = sel.label_selector(item.get("labelSelector"))
        except sel.SelectorError:
            continue
        keys = [k for k in item.get("matchLabelKeys") or [] if k in pod.labels]
        if keys and not selector.nothing:
            selector = sel.LabelSelector(tuple(Requirement(k, "In", (pod.labels[k],)) for k in sorted(keys))
                                         + selector.requirements)
        max_skew = item.get("maxSkew")
        min_domains = item.get("minDomains")
        out.append(SpreadConstraint(
            max_skew=max_skew if isinstance(max_skew, int) and not isinstance(max_skew, bool) else 1,
            topology_key=str(item.get("topologyKey") or ""), when_unsatisfiable=action, selector=selector,
            min_domains=min_domains if isinstance(min_domains, int) and not isinstance(min_domains, bool) else 1,
            node_affinity_policy=str(item.get("nodeAffinityPolicy") or "Honor"),
            node_taints_policy=str(item.get("nodeTaintsPolicy") or "Ignore")))
    return tuple(out)


# --- expansion ----------------------------------------------------------------------------------


def _hash(payload: Any) -> str:
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"   # the alphabet of rand.SafeEncodeString
    number = int(digest[:16], 16)
    out = []
    for _ in range(10):
        number, index = divmod(number, len(alphabet))
        out.append(alphabet[index])
    return "".join(out)


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


@dataclass
class Expansion:
    workloads: list[Workload]
    daemonsets: list[tuple[Workload, dict]]     # expanded per node by the scheduler
    notes: list[tuple[Resource, str]]


def _template(resource: Resource) -> tuple[dict, dict] | None:
    found = k8s.pod_spec(resource)
    if found is None:
        return None
    path, spec = found
    metadata = k8s.get(resource.data, path[:-1] + ("metadata",))
    return spec, metadata if isinstance(metadata, dict) else {}


def _labels(metadata: dict) -> dict[str, str]:
    labels = metadata.get("labels")
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def _hpa_targets(resources: list[Resource]) -> dict[tuple[str, str, str, str], tuple[int, int, Resource]]:
    out = {}
    for resource in resources:
        if resource.kind != "HorizontalPodAutoscaler" or resource.group != "autoscaling":
            continue
        target = k8s.get(resource.data, ("spec", "scaleTargetRef"))
        if not isinstance(target, dict):
            continue
        group = str(target.get("apiVersion") or "").rpartition("/")[0]
        max_replicas = _int(k8s.get(resource.data, ("spec", "maxReplicas")), 0)
        min_replicas = _int(k8s.get(resource.data, ("spec", "minReplicas")), 1)
        out[(group, str(target.get("kind")), resource.namespace or "default", str(target.get("name")))] = (
            min_replicas, max_replicas, resource)
    return out


def expand(resources: list[Resource], admission: Admission) -> Expansion:
    """Workloads with their pods (DaemonSets are expanded later, per node)."""
    hpas = _hpa_targets(resources)
    workloads: list[Workload] = []
    daemonsets: list[tuple[Workload, dict]] = []
    notes: list[tuple[Resource, str]] = []
    for resource in resources:
        # the built-in kind whose pods it runs: an Argo Rollout's are a Deployment's, a ScaledJob's a Job's
        kind = k8s.acts_as(resource)
        if kind is None or kind == "PodTemplate" or kind == "Pod" and resource.group != "":
            continue
        template = _template(resource)
        if template is None or not resource.name:
            continue
        spec, metadata = template
        namespace = resource.namespace or "default"
        workload = Workload(resource.kind, namespace, resource.name, resource, template_labels=_labels(metadata))
        data = resource.data
        rejected = _rejected(resource, kind, spec, workload.template_labels)
        if rejected is not None:
            who = "Argo Rollouts marks it InvalidSpec" if resource.kind == "Rollout" else "the API server rejects it"
            notes.append((resource, f"creates no pods: {who} ({rejected})"))
            continue
        if kind == "Pod":
            phase = k8s.get(data, ("status", "phase"))
            if phase in ("Succeeded", "Failed"):
                continue   # terminated pods hold no resources (the scheduler's informer skips them)
            pod_spec = parse_spec(spec, namespace, admission)
            workload.spec = pod_spec
            owners = k8s.get(data, ("metadata", "ownerReferences")) or []
            controller = next((o for o in owners if isinstance(o, dict) and o.get("controller") is True), None)
            if controller is not None:
                workload.note = f"owned by {controller.get('kind')}/{controller.get('name')}"
            pod = Pod(resource.name, namespace, dict(workload.template_labels), pod_spec, workload,
                      existing_node=pod_spec.node_name,
                      terminating=k8s.get(data, ("metadata", "deletionTimestamp")) is not None)
            workload.pods.append(pod)
            workload.replicas = 1
            workloads.append(workload)
            continue
        if kind == "DaemonSet":
            workload.selector = sel.safe_label_selector(k8s.get(data, ("spec", "selector")))
            daemonsets.append((workload, spec))
            workloads.append(workload)
            continue
        if kind in REPLICATED_KINDS:
            replicas = _int(k8s.get(data, ("spec", "replicas")), 1)
            hpa = hpas.get((resource.group, resource.kind, namespace, resource.name))
            if hpa is not None:
                workload.hpa = hpa
                replicas = max(replicas, hpa[0])
            workload.replicas = replicas
            if kind == "ReplicationController":
                selector_raw = k8s.get(data, ("spec", "selector"))
                workload.selector = (sel.set_selector(selector_raw) if isinstance(selector_raw, dict) and selector_raw
                                     else sel.set_selector(workload.template_labels))
            else:
                workload.selector = sel.safe_label_selector(k8s.get(data, ("spec", "selector")))
        elif kind == "Job" and resource.kind == "ScaledJob":
            # KEDA starts up to maxReplicaCount Jobs as its triggers ask: one of them is what always fits
            workload.replicas = _job_pods(k8s.get(data, ("spec", "jobTargetRef")))
        elif kind == "Job":
            workload.replicas = _job_pods(data.get("spec"))
            if k8s.get(data, ("spec", "suspend")) is True:
                workload.replicas = 0
                notes.append((resource, "suspended: it runs no pods"))
        elif kind == "CronJob":
            if k8s.get(data, ("spec", "suspend")) is True:
                workload.replicas = 0
                notes.append((resource, "suspended: it starts no jobs"))
            else:
                workload.replicas = _job_pods(k8s.get(data, ("spec", "jobTemplate", "spec")))
        workload.spec = parse_spec(spec, namespace, admission)
        _add_replicas(workload, workload.replicas)
        workloads.append(workload)
    return Expansion(workloads, daemonsets, notes)


def _rejected(resource: Resource, kind: str, spec: dict, template_labels: dict[str, str]) -> str | None:
    """The validation errors that keep a workload from creating any pod (pkg/apis/apps/validation,
    pkg/apis/core/validation, and Argo Rollouts' ValidateRolloutSpec): no containers; for apps/v1
    controllers and Rollouts, no selector, or one that does not select the pod template's labels."""
    if not [c for c in spec.get("containers") or [] if isinstance(c, dict)]:
        return "spec.containers: Required value"
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"):   # apps/v1, or a Rollout
        raw = k8s.get(resource.data, ("spec", "selector"))
        if not isinstance(raw, dict) or not (raw.get("matchLabels") or raw.get("matchExpressions")):
            return "spec.selector: Required value"
        selector = sel.safe_label_selector(raw)
        if not selector.matches(template_labels):
            return "spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`"
    return None


def _job_pods(spec: Any) -> int:
    if not isinstance(spec, dict):
        return 1
    parallelism = _int(spec.get("parallelism"), 1)
    completions = spec.get("completions")
    if isinstance(completions, int) and not isinstance(completions, bool):
        return max(0, min(parallelism, completions))
    return max(0, parallelism)


def revision_hash(workload: Workload) -> str:
    """A stand-in for the pod-template-hash / controller-revision-hash of the workload's template."""
    if workload.revision is None:
        workload.revision = _hash([workload.ref, workload.spec.raw if workload.spec else None,
                                   workload.template_labels])
    return workload.revision


def new_replica(workload: Workload, ordinal: int, *, revision: str | None = None) -> Pod:
    """One more pod of a replicated workload, labelled as its controller labels it."""
    labels = dict(workload.template_labels)
    kind = workload.kind
    owner_selector = workload.selector
    start = 0
    if kind == "StatefulSet":
        start = _int(k8s.get(workload.resource.data, ("spec", "ordinals", "start")), 0) if workload.resource else 0
    number = start + ordinal
    name = f"{workload.name}-{number}"
    if kind in ("Deployment", "Rollout"):
        pod_hash = revision or revision_hash(workload)
        hash_label = "pod-template-hash" if kind == "Deployment" else "rollouts-pod-template-hash"
        labels[hash_label] = pod_hash
        if owner_selector is not None and not owner_selector.nothing:
            owner_selector = owner_selector.add(Requirement(hash_label, "In", (pod_hash,)))
    elif kind == "StatefulSet":
        labels["controller-revision-hash"] = f"{workload.name}-{revision or revision_hash(workload)}"
        labels["statefulset.kubernetes.io/pod-name"] = name
        labels["apps.kubernetes.io/pod-index"] = str(number)
    elif kind in ("Job", "CronJob", "ScaledJob"):
        job = workload.name if kind == "Job" else f"{workload.name}-job"
        labels.setdefault("batch.kubernetes.io/job-name", job)
        labels.setdefault("job-name", job)
        owner_selector = None
    return Pod(name, workload.namespace, labels, workload.spec, workload, ordinal=number,
               owner_selector=owner_selector)


def _add_replicas(workload: Workload, count: int) -> None:
    revision = revision_hash(workload) if workload.kind in ("Deployment", "StatefulSet", "Rollout") else None
    for ordinal in range(count):
        workload.pods.append(new_replica(workload, ordinal, revision=revision))


def recreate(pod: Pod) -> Pod:
    """The pod its controller creates again after eviction: same template, not bound to a node."""
    spec = pod.spec
    if spec.node_name:
        spec = replace(spec, node_name=None)
    fresh = Pod(pod.name, pod.namespace, dict(pod.labels), spec, pod.workload, ordinal=pod.ordinal,
                owner_selector=pod.owner_selector, daemon_node=pod.daemon_node)
    fresh.affinity = pod.affinity
    return fresh


def daemon_spec(workload: Workload, spec: dict, node_name: str, admission: Admission) -> PodSpec:
    """The pod the DaemonSet controller creates for one node (pkg/controller/daemon NewPod)."""
    extra = DAEMON_TOLERATIONS + ((DAEMON_HOST_NETWORK_TOLERATION,) if spec.get("hostNetwork") is True else ())
    pinned = sel.NodeSelector((sel.NodeSelectorTerm((), (Requirement(sel.NODE_NAME_FIELD, "In", (node_name,)),)),))
    return parse_spec(spec, workload.namespace, admission, extra_tolerations=extra, replace_required=pinned)


def daemon_template_spec(workload: Workload, spec: dict, admission: Admission) -> PodSpec:
    """The DaemonSet's pod before it is pinned to a node, with the controller's tolerations, for
    nodeShouldRunDaemonPod."""
    extra = DAEMON_TOLERATIONS + ((DAEMON_HOST_NETWORK_TOLERATION,) if spec.get("hostNetwork") is True else ())
    return parse_spec(spec, workload.namespace, admission, extra_tolerations=extra)


def daemon_pod(workload: Workload, spec: PodSpec, node_name: str) -> Pod:
    labels = dict(workload.template_labels)
    labels["controller-revision-hash"] = revision_hash(workload)
    labels["pod-template-generation"] = "1"
    return Pod(f"{workload.name}-{node_name}", workload.namespace, labels, spec, workload, ordinal=node_name,
               daemon_node=node_name)
