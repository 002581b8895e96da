"""The resource graph: one index of every object of a run, shared by the cross-resource rules.

Built once per run (``graph(ctx)`` caches it in ``ctx.cache``) and read-only afterwards:

- objects by (group, kind, namespace, name), with aliases for kinds served by two groups
  (an ``extensions`` Deployment is the ``apps`` one);
- the pod templates of every workload (Pods, Deployments, ReplicaSets, StatefulSets,
  DaemonSets, Jobs, CronJob job templates, ReplicationControllers, and the workload-like custom
  kinds: Argo Rollouts, KEDA ScaledJobs), indexed by label so
  that a selector is resolved by lookup, not by a scan;
- objects that other objects of the input create: Secrets of SealedSecrets, ExternalSecrets,
  cert-manager Certificates and annotated Ingresses and Gateways, PVCs of StatefulSet volume claim
  templates, Secrets and ConfigMaps a workload whose RBAC lets it create them names (in a
  Job's arguments, an init container's, or its role's resourceNames);
- objects outside the input: Kubernetes' built-ins and the ``external`` patterns
  (``kubelint/config/external.py``);
- every reference from one object to another (``references``), extracted once, and
  ``check_reference``, which turns an unresolved one into a Problem that names what is
  missing, suggests the closest existing name and says how to declare an external object.

Everything is linear in the input: each object is visited a constant number of times and
each reference or selector is resolved by dictionary lookups.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from kubelint.config.external import ExternalObjects, declaration
from kubelint.crossref.references import Reference, extract_all
from kubelint.k8s import objects as k8s
from kubelint.k8s import selector as selectors
from kubelint.k8s.objects import GROUP_ALIASES, canonical_group, group_of, integer, items, text
from kubelint.model import Path, Problem, Resource

CACHE_KEY = "kubelint.crossref.graph"

#: label keys that controllers add to the pods they create, with values we cannot know
#: (pkg/controller/deployment/util, statefulset, daemon, job): selectors may rely on them
GENERATED_LABELS = {
    "Deployment": frozenset({"pod-template-hash"}),
    "StatefulSet": frozenset({"controller-revision-hash", "statefulset.kubernetes.io/pod-name",
                              "apps.kubernetes.io/pod-index"}),
    "DaemonSet": frozenset({"controller-revision-hash", "pod-template-generation"}),
    "Job": frozenset({"controller-uid", "job-name", "batch.kubernetes.io/controller-uid",
                      "batch.kubernetes.io/job-name", "batch.kubernetes.io/job-completion-index"}),
}
GENERATED_LABELS["CronJob"] = GENERATED_LABELS["Job"]
GENERATED_LABELS["ScaledJob"] = GENERATED_LABELS["Job"]   # KEDA's Jobs are Jobs
#: Argo Rollouts labels each ReplicaSet's pods with the hash of its template (DefaultRolloutUniqueLabelKey)
GENERATED_LABELS["Rollout"] = frozenset({"rollouts-pod-template-hash"})

#: kinds that are cluster policy rather than application objects: references to them are
#: checked only when the input defines some, or the configuration declares some as external
CHECKED_WHEN_PRESENT = frozenset({("storage.k8s.io", "StorageClass"), ("networking.k8s.io", "IngressClass"),
                                  ("node.k8s.io", "RuntimeClass")})

WORKLOAD_GROUPS = {"Pod": "", "ReplicationController": "", "Deployment": "apps", "ReplicaSet": "apps",
                   "StatefulSet": "apps", "DaemonSet": "apps", "Job": "batch", "CronJob": "batch",
                   **{kind: group for group, kind in k8s.CUSTOM_WORKLOADS}}

CHECKED_WHEN_PRESENT_KINDS = frozenset(kind for _, kind in CHECKED_WHEN_PRESENT)

def graph(ctx) -> "Graph":
    """The run's graph, built on first use and shared by every rule of the run."""
    cached = ctx.cache.get(CACHE_KEY)
    if cached is None:
        cached = ctx.cache[CACHE_KEY] = Graph(ctx.resources, ctx.options, ctx.bundle, ctx.crds,
                                              partial=ctx.partial, elsewhere=ctx.elsewhere)
    return cached


@dataclass(eq=False, slots=True)
class PodTemplate:
    """The pods a workload runs: its pod spec, labels and how many there are."""

    owner: Resource
    spec_path: Path
    spec: dict
    labels: dict
    wildcard: frozenset[str]
    replicas: int | None      # None: one per node (DaemonSet)

    @property
    def namespace(self) -> str | None:
        return self.owner.namespace

    def describe(self) -> str:
        return f"{self.owner.kind}/{self.owner.name}"


@dataclass(slots=True)
class Known:
    """An object the run knows to exist, and where that knowledge comes from."""

    origin: str                        # "input", "generated", "external", "builtin"
    resource: Resource | None = None   # the object itself (input) or what creates it (generated)
    keys: frozenset[str] | None = None  # ConfigMap/Secret keys when known
    env_keys: frozenset[str] | None = None  # the keys environment variables can read (data only)
    note: str = ""


class Graph:
    def __init__(self, resources: list[Resource], options: Any = None, bundle: Any = None, crds: Any = None,
                 partial: list[Resource] | None = None, elsewhere: Any = None):
        self.resources = resources
        #: kustomize patches: their references count, but they define no object
        self.partial = partial or []
        #: (group, kind, namespace, name) -> where the project defines it out of this run's sight
        self.elsewhere = elsewhere
        self.options = options
        self.bundle = bundle
        self.crds = crds
        self.external = ExternalObjects(getattr(options, "external", ()) or ())
        self.objects: dict[tuple, list[Resource]] = {}
        self.kinds_present: set[tuple[str, str]] = set()
        self.namespaces_used: set[str] = set()
        self.templates: list[PodTemplate] = []
        self.template_of: dict[int, PodTemplate] = {}
        self._by_label: dict[tuple, list[PodTemplate]] = {}
        self._by_wildcard: dict[tuple, list[PodTemplate]] = {}
        self._by_label_anywhere: dict[tuple, list[PodTemplate]] = {}
        self._custom_names: dict[str | None, set[str]] | None = None
        self._custom_labels: dict[str | None, set[tuple[str, str]]] = {}
        self._in_namespace: dict[str | None, list[PodTemplate]] = {}
        self._names: dict[tuple, list[str]] | None = None
        self._kinds_in_namespace: set[tuple[str, str, str | None]] | None = None
        self._namespaces_of: dict[tuple, list[str]] | None = None
        self._generated: dict[tuple, Known] | None = None
        self._references: list[Reference] | None = None
        self._hpas: dict[tuple, list[Resource]] | None = None
        self._of_kind: dict[tuple, list[Resource]] = {}
        self._limit_defaults: dict[str | None, set[str]] | None = None
        self._known: dict[int, Known] = {}
        self._service_pods: dict[int, Any] = {}
        for resource in resources:
            self._add(resource)

    # --- building --------------------------------------------------------------------------

    def _add(self, resource: Resource) -> None:
        kind = resource.kind
        if not isinstance(kind, str):
            return
        raw_group = resource.api_version.rpartition("/")[0] if isinstance(resource.api_version, str) else ""
        group = GROUP_ALIASES.get((raw_group, kind), raw_group)
        namespace, name = resource.namespace, resource.name
        by_kind = self._of_kind.get((group, kind))
        if by_kind is None:
            by_kind = self._of_kind[(group, kind)] = []
            self.kinds_present.add((group, kind))
        by_kind.append(resource)
        if namespace:
            self.namespaces_used.add(namespace)
        duplicate = False
        if name:
            same = self.objects.setdefault((group, kind, namespace, name), [])
            same.append(resource)
            duplicate = len(same) > 1
        spec_path = k8s.pod_spec_path(raw_group, kind)
        if spec_path is None or kind == "PodTemplate":
            return
        spec = k8s.get(resource.data, spec_path)
        if not isinstance(spec, dict):
            return
        labels_path = ("metadata", "labels") if kind == "Pod" else spec_path[:-1] + ("metadata", "labels")
        labels = k8s.get(resource.data, labels_path)
        labels = {k: v for k, v in labels.items() if isinstance(v, str)} if isinstance(labels, dict) else {}
        template = PodTemplate(resource, spec_path, spec, labels, GENERATED_LABELS.get(kind, frozenset()),
                               _replicas(resource))
        self.template_of[id(resource)] = template
        if duplicate:
            return   # one object, whichever definition wins: its pods are indexed once
        self.templates.append(template)
        self._in_namespace.setdefault(namespace, []).append(template)
        for key, value in labels.items():
            self._by_label.setdefault((namespace, key, value), []).append(template)
            self._by_label_anywhere.setdefault((key, value), []).append(template)
        for key in template.wildcard:
            if key not in labels:
                self._by_wildcard.setdefault((namespace, key), []).append(template)

    # --- objects ---------------------------------------------------------------------------

    def get(self, group: str, kind: str, namespace: str | None, name: str) -> list[Resource]:
        """The objects of the input with this identity (more than one is a duplicate)."""
        return self.objects.get((canonical_group(group, kind), kind, namespace, name), [])

    def find(self, group: str, kind: str, namespace: str | None, name: str) -> Known | None:
        """Whether an object exists: in the input, made by another object, built in, or declared."""
        group = canonical_group(group, kind)
        found = self.objects.get((group, kind, namespace, name))
        if found:
            known = self._known.get(id(found[0]))
            if known is None:
                keys, env_keys = _data_keys(found[0])
                known = self._known[id(found[0])] = Known("input", found[0], keys, env_keys)
            return known
        generated = self.generated.get((group, kind, namespace, name)) or self.generated.get((group, kind, "*", name))
        if generated is not None:
            return generated
        pattern = self.external.find(group, kind, namespace, name)
        if pattern is not None:
            known = self._known.get(id(pattern))
            if known is None:
                known = self._known[id(pattern)] = Known("builtin" if pattern.builtin else "external",
                                                         keys=pattern.keys, env_keys=pattern.keys, note=pattern.text)
            return known
        return None

    def has_kind(self, group: str, kind: str) -> bool:
        """Whether the input holds objects of this kind, or the configuration declares some."""
        group = canonical_group(group, kind)
        return (group, kind) in self.kinds_present or self.external.declares_kind(group, kind)

    def names(self, group: str, kind: str, namespace: str | None) -> list[str]:
        """Names of the objects of a kind in a namespace (input and generated), for suggestions."""
        if self._names is None:
            names: dict[tuple, list[str]] = {}
            for (g, k, ns, name) in list(self.objects) + list(self.generated):
                names.setdefault((g, k, ns), []).append(name)
            self._names = names
        return self._names.get((canonical_group(group, kind), kind, namespace), [])

    def namespaces_of(self, group: str, kind: str, name: str) -> list[str]:
        """The namespaces where the input defines an object of this kind and name."""
        if self._namespaces_of is None:
            found: dict[tuple, list[str]] = {}
            for (g, k, ns, n) in self.objects:
                if ns is not None:
                    found.setdefault((g, k, n), []).append(ns)
            self._namespaces_of = found
        return sorted(self._namespaces_of.get((canonical_group(group, kind), kind, name), []))

    # --- pods and selectors ----------------------------------------------------------------

    def template(self, resource: Resource) -> PodTemplate | None:
        return self.template_of.get(id(resource))

    def in_namespace(self, namespace: str | None) -> list[PodTemplate]:
        return self._in_namespace.get(namespace, [])

    def select(self, namespace: str | None, selector: selectors.Selector) -> list[PodTemplate]:
        """The pod templates of a namespace whose pods the selector selects, in input order."""
        if selector.nothing:
            return []
        pool: Iterable[PodTemplate] = self._in_namespace.get(namespace, [])
        best = None
        for label, value in selector.equalities():
            exact = self._by_label.get((namespace, label, value), [])
            wild = self._by_wildcard.get((namespace, label), [])
            if best is None or len(exact) + len(wild) < best[0]:
                best = (len(exact) + len(wild), exact, wild)
        if best is not None:
            pool = best[1] + best[2] if best[2] else best[1]
        selected = [t for t in pool if selector.matches(t.labels, t.wildcard)]
        if best is not None and best[2]:
            order = {id(t): i for i, t in enumerate(self._in_namespace.get(namespace, []))}
            selected.sort(key=lambda t: order[id(t)])
        return selected

    def service_pods(self, service: Resource) -> tuple[selectors.Selector, list[PodTemplate]] | None:
        """The selector of a Service and the pod templates it selects; None without a selector.

        Services without a selector (endpoints managed by hand, ExternalName) select nothing
        on purpose; an empty map is dropped by the API server (omitempty), so it counts as none.
        """
        key = id(service)
        if key not in self._service_pods:
            spec = service.data.get("spec")
            found = None
            if isinstance(spec, dict) and spec.get("type") != "ExternalName" and spec.get("selector"):
                try:
                    selector = selectors.from_map(spec["selector"])
                    found = selector, self.select(service.namespace, selector)
                except selectors.SelectorError:
                    pass
            self._service_pods[key] = found
        return self._service_pods[key]

    def judges_namespace(self, namespace: str | None) -> bool:
        """Whether the input shows the pods of a namespace: it has at least one pod template there.

        A namespace with Services, budgets or policies but no workload in the input is deployed
        by something else, and so is one where the configuration declares external workloads
        (``DaemonSet/monitoring/*``): what their selectors select there cannot be judged.
        """
        if not self._in_namespace.get(namespace):
            return False
        return not any(self.external.declares(group, kind, namespace) for kind, group in WORKLOAD_GROUPS.items())

    def with_label(self, key: str, value: str) -> list[PodTemplate]:
        """Pod templates of every namespace that carry this label."""
        return self._by_label_anywhere.get((key, value), [])

    def maybe_made_by_operator(self, namespace: str | None, selector: selectors.Selector) -> bool:
        """Whether the pods a selector wants may be made by an operator from a custom resource.

        Operators label the pods they run after the custom resource (prometheus-operator's
        ``prometheus: <name>``, ``app.kubernetes.io/instance: <name>``): a selector that wants
        the name (or one of the labels) of a custom resource of its namespace may select pods the
        input cannot show.
        """
        if self._custom_names is None:
            names: dict[str | None, set[str]] = {}
            labels: dict[str | None, set[tuple[str, str]]] = {}
            custom = [r for (group, kind) in self.kinds() if not builtin_group(group)
                      for r in self.of_kind(group, kind)]
            for resource in custom:
                if resource.name:
                    names.setdefault(resource.namespace, set()).add(resource.name)
                    own = k8s.get(resource.data, ("metadata", "labels"))
                    if isinstance(own, dict):
                        labels.setdefault(resource.namespace, set()).update(
                            (k, v) for k, v in own.items() if isinstance(v, str))
            self._custom_names, self._custom_labels = names, labels
        names, labels = self._custom_names.get(namespace, set()), self._custom_labels.get(namespace, set())
        return any(value in names or (r.key, value) in labels
                   for r in selector.requirements if r.operator == "In" for value in r.values)

    def default_requests(self, namespace: str | None) -> set[str]:
        """Resources a LimitRange of the namespace gives containers a request for by default.

        LimitRanger admission (plugin/pkg/admission/limitranger) sets a missing request from
        defaultRequest, which defaults to default, which defaults to max (SetDefaults_LimitRange).
        """
        if self._limit_defaults is None:
            defaults: dict[str | None, set[str]] = {}
            for limit_range in self.of_kind("", "LimitRange"):
                for item in items(k8s.get(limit_range.data, ("spec", "limits"))):
                    if isinstance(item, dict) and item.get("type") == "Container":
                        for field_name in ("defaultRequest", "default", "max"):
                            if isinstance(item.get(field_name), dict):
                                defaults.setdefault(limit_range.namespace, set()).update(map(str, item[field_name]))
            self._limit_defaults = defaults
        return self._limit_defaults.get(namespace, set())

    def hpas_for(self, resource: Resource) -> list[Resource]:
        """The HorizontalPodAutoscalers whose scaleTargetRef is this object."""
        if self._hpas is None:
            hpas: dict[tuple, list[Resource]] = {}
            for hpa in self.of_kind("autoscaling", "HorizontalPodAutoscaler"):
                target = k8s.get(hpa.data, ("spec", "scaleTargetRef"))
                if isinstance(target, dict) and text(target.get("kind")) and text(target.get("name")):
                    key = (canonical_group(group_of(target.get("apiVersion")), target["kind"]), target["kind"],
                           hpa.namespace, target["name"])
                    hpas.setdefault(key, []).append(hpa)
            self._hpas = hpas
        return self._hpas.get((canonical_group(resource.group, resource.kind), resource.kind, resource.namespace,
                               resource.name), [])

    def replica_range(self, template: PodTemplate) -> tuple[int | None, int | None]:
        """(fewest, most) pods of a workload, counting its HorizontalPodAutoscalers; None: per node."""
        if template.replicas is None:
            return None, None
        low = high = template.replicas
        for hpa in self.hpas_for(template.owner):
            spec = hpa.data.get("spec") if isinstance(hpa.data.get("spec"), dict) else {}
            minimum = integer(spec.get("minReplicas"))
            maximum = integer(spec.get("maxReplicas"))
            low = minimum if minimum is not None else 1
            if maximum is not None:
                high = max(high, maximum)
        return low, high

    def of_kind(self, group: str, kind: str) -> list[Resource]:
        """The objects of a kind (group aliases resolved), in input order."""
        return self._of_kind.get((group, kind), [])

    def kinds(self) -> Iterable[tuple[str, str]]:
        return self._of_kind.keys()

    def with_pod_spec(self) -> Iterator[Resource]:
        """Every object with a pod spec: the workloads and PodTemplates."""
        for kind, group in WORKLOAD_GROUPS.items():
            yield from self.of_kind(group, kind)
        yield from self.of_kind("", "PodTemplate")

    # --- objects other objects create ------------------------------------------------------

    @property
    def generated(self) -> dict[tuple, Known]:
        if self._generated is None:
            self._generated = {}
            _find_generated(self, self._generated)
        return self._generated

    # --- references ------------------------------------------------------------------------

    @property
    def references(self) -> list[Reference]:
        """Every reference of the input."""
        if self._references is None:
            self._references = extract_all(self)
            to_kind: dict[str, list[Reference]] = {}
            from_kind: dict[str, list[Reference]] = {}
            for ref in self._references:
                to_kind.setdefault(ref.kind, []).append(ref)
                from_kind.setdefault(ref.source.kind, []).append(ref)
            self._references_to, self._references_from = to_kind, from_kind
        return self._references

    def references_from(self, kind: str) -> list[Reference]:
        """The references made by objects of this kind."""
        self.references
        return self._references_from.get(kind, [])

    def references_to(self, kind: str) -> list[Reference]:
        """The references whose target is of this kind (any group)."""
        self.references
        return self._references_to.get(kind, [])

    def check_reference(self, ref: Reference) -> Iterator[Problem]:
        """Problems of one reference: a missing target, a missing key, and how to fix them."""
        if ref.optional:
            return
        if ref.kind in CHECKED_WHEN_PRESENT_KINDS and (ref.group, ref.kind) in CHECKED_WHEN_PRESENT \
                and not self.has_kind(ref.group, ref.kind):
            return
        if ref.only_if_present and not self.has_in_namespace(ref.group, ref.kind, ref.namespace):
            return
        known = self.find(ref.group, ref.kind, ref.namespace, ref.name)
        if known is None:
            if not ref.key_only:
                yield self.missing(ref)
            return
        if ref.key is not None:
            problem = self.missing_key(ref, known)
            if problem is not None:
                yield problem
        if ref.port is not None and known.origin == "input" and ref.kind == "Service":
            problem = self.missing_port(ref, known.resource)
            if problem is not None:
                yield problem
        if ref.kind == "Gateway" and known.origin == "input" and known.resource is not None:
            problem = self.missing_listener(ref, known.resource)
            if problem is not None:
                yield problem

    def missing(self, ref: Reference) -> Problem:
        where = f' in namespace "{ref.namespace}"' if ref.namespace else ""
        via = f" ({ref.via})" if ref.via else ""
        message = f'{ref.kind} "{ref.name}"{via} not found{where}'
        if ref.effect:
            message += f": {ref.effect}"
        suggestion = closest(ref.name, self.names(ref.group, ref.kind, ref.namespace))
        if suggestion:
            message += f'; did you mean "{suggestion}"?'
        elsewhere = [ns for ns in self.namespaces_of(ref.group, ref.kind, ref.name) if ns != ref.namespace]
        if ref.namespace and elsewhere:
            article = "an" if ref.kind[:1] in "AEIOU" else "a"
            message += (f' ({article} {ref.kind} "{ref.name}" exists in namespace "{elsewhere[0]}", but references '
                        "do not cross namespaces)")
        seen_elsewhere = self.elsewhere(ref.group, ref.kind, ref.namespace, ref.name) if self.elsewhere else None
        if seen_elsewhere:
            hint = seen_elsewhere
        else:
            hint = (f"define the {ref.kind} in the input, or, if it is created outside these manifests, declare "
                    f"it in .kubelint.yaml: external: [\"{declaration(ref.kind, ref.namespace, ref.name)}\"]")
        return Problem(ref.path, message, severity=ref.severity, hint=hint)

    def missing_key(self, ref: Reference, known: Known) -> Problem | None:
        keys = known.env_keys if ref.env_key else known.keys
        if keys is None or ref.key in keys:
            return None
        path = ref.key_path or ref.path
        message = f'{ref.kind} "{ref.name}" has no key "{ref.key}"'
        if ref.env_key and known.keys and ref.key in known.keys:
            message += " in data (it is in binaryData, which environment variables cannot read)"
        if ref.effect:
            message += f": {ref.effect}"
        suggestion = closest(ref.key, sorted(keys))
        if suggestion:
            message += f'; did you mean "{suggestion}"?'
        shown = sorted(keys)
        listing = ", ".join(shown[:12]) + (", ..." if len(shown) > 12 else "")
        hint = f"its keys: {listing}" if shown else f"the {ref.kind} has no keys"
        if ref.kind in ("ConfigMap", "Secret") and ref.source.kind != ref.kind:
            hint += "; or set optional: true if the key may be absent"
        return Problem(path, message, severity=ref.severity, hint=hint)


    def missing_listener(self, ref: Reference, gateway: Resource) -> Problem | None:
        """A parentRef's sectionName or port that names no listener of the Gateway: the route is not
        accepted there (Accepted: False, NoMatchingParent)."""
        listeners = [item for item in _list(k8s.get(gateway.data, ("spec", "listeners"))) if isinstance(item, dict)]
        shown = ", ".join(f'{item.get("name")} ({item.get("protocol")} {item.get("port")})' for item in listeners)
        if ref.section is not None and not any(item.get("name") == ref.section for item in listeners):
            message = f'Gateway "{ref.name}" has no listener "{ref.section}" (its listeners: {shown or "none"})'
            suggestion = closest(ref.section, [str(item.get("name")) for item in listeners])
            path = ref.section_path or ref.path
        elif ref.port is not None and not any(item.get("port") == ref.port and
                                              (ref.section is None or item.get("name") == ref.section)
                                              for item in listeners):
            message = f'Gateway "{ref.name}" has no listener on port {ref.port} (its listeners: {shown or "none"})'
            suggestion = None
            path = ref.port_path or ref.path
        else:
            return None
        message += ": the route is not attached to it (NoMatchingParent), so its traffic is never served"
        if suggestion:
            message += f'; did you mean "{suggestion}"?'
        return Problem(path, message, hint="name one of the Gateway's listeners")

    def has_in_namespace(self, group: str, kind: str, namespace: str | None) -> bool:
        """Whether the input defines an object of a kind in a namespace (anywhere for a cluster-scoped
        kind) or the configuration declares some there: references of ``only_if_present`` kinds are
        judged only then."""
        group = canonical_group(group, kind)
        if self._kinds_in_namespace is None:
            found: set[tuple[str, str, str | None]] = set()
            for (g, k, ns, _name) in self.objects:
                found.add((g, k, ns))
            for (g, k, ns, _name) in self.generated:
                found.add((g, k, ns if ns != "*" else None))
            self._kinds_in_namespace = found
        if namespace is None:
            return (group, kind) in self.kinds_present or self.external.declares_kind(group, kind)
        return (group, kind, namespace) in self._kinds_in_namespace or \
            self.external.declares(group, kind, namespace)

    def missing_port(self, ref: Reference, service: Resource) -> Problem | None:
        ports = [p for p in _list(k8s.get(service.data, ("spec", "ports"))) if isinstance(p, dict)]
        field_name = "name" if isinstance(ref.port, str) else "port"
        if any(p.get(field_name) == ref.port for p in ports):
            return None
        shown = ", ".join(describe_port(p) for p in ports) or "none"
        wanted = f'named "{ref.port}"' if isinstance(ref.port, str) else str(ref.port)
        message = f'Service "{ref.name}" has no port {wanted} (its ports: {shown})'
        effect = ref.port_effect or ref.effect
        if effect:
            message += f": {effect}"
        names = [p["name"] for p in ports if isinstance(p.get("name"), str)]
        suggestion = closest(ref.port, names) if isinstance(ref.port, str) else None
        if suggestion:
            message += f'; did you mean "{suggestion}"?'
        hint = ("use the Service's port (port:, not targetPort:) or its name" if ports else
                "add the port to the Service")
        return Problem(ref.port_path or ref.path, message, severity=ref.severity, hint=hint)


def describe_port(port: dict) -> str:
    number = port.get("port")
    name = port.get("name")
    return f"{number} ({name})" if isinstance(name, str) and name else str(number)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The most similar existing name ("did you mean ..."), if one is close enough.

    A name one or two edits away (an insertion, deletion, substitution or swap of neighbours:
    `wbe` for `web`) wins; otherwise difflib's ratio must reach 0.75; otherwise a name that
    begins with it (`username` for `user`).
    """
    candidates = [c for c in candidates if isinstance(c, str) and c != name]
    pool = [c for c in candidates if abs(len(c) - len(name)) <= max(3, len(name) // 3)]
    if not pool:
        return _extension(name, candidates)
    if len(pool) > 2000:
        pool = [c for c in pool if c[:1] == name[:1]][:2000]
    limit = 0 if len(name) < 3 else 1 if len(name) < 8 else 2
    best: tuple[int, str] | None = None
    for candidate in pool if limit else ():
        distance = _edit_distance(name, candidate, limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    if best is not None:
        return best[1]
    found = difflib.get_close_matches(name, pool, n=1, cutoff=0.75)
    return found[0] if found else _extension(name, candidates)


def _extension(name: str, candidates: list[str]) -> str | None:
    """The shortest candidate that begins with name (`user` for `username`), for names of 3+ characters."""
    if len(name) < 3:
        return None
    longer = [c for c in candidates if c.startswith(name)]
    return min(longer, key=len) if longer else None


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein without repeated edits), or limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _replicas(resource: Resource) -> int | None:
    spec = resource.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    kind = k8s.acts_as(resource)
    if kind == "DaemonSet":
        return None
    if kind == "Pod":
        return 1
    if kind == "Job":
        job = spec.get("jobTargetRef") if resource.kind == "ScaledJob" else spec
        value = integer(job.get("parallelism")) if isinstance(job, dict) else None
        return 1 if value is None else value
    if kind == "CronJob":
        value = integer(k8s.get(spec, ("jobTemplate", "spec", "parallelism")))
        return 1 if value is None else value
    value = integer(spec.get("replicas"))
    return 1 if value is None else value


def _data_keys(resource: Resource) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """(all keys, keys environment variables can read) of a ConfigMap or Secret of the input."""
    if resource.kind not in ("ConfigMap", "Secret") or resource.group != "":
        return None, None
    data = resource.data

    def keys_of(field_name: str) -> set[str]:
        value = data.get(field_name)
        return {str(k) for k in value} if isinstance(value, dict) else set()

    if resource.kind == "ConfigMap":
        plain = keys_of("data")
        return frozenset(plain | keys_of("binaryData")), frozenset(plain)
    if data.get("type") == "kubernetes.io/service-account-token":
        return None, None   # the token controller fills it in
    keys = frozenset(keys_of("data") | keys_of("stringData"))
    return keys, keys


# --- objects created by other objects -----------------------------------------------------------

TLS_KEYS = frozenset({"tls.crt", "tls.key", "ca.crt"})
CERT_MANAGER_ANNOTATIONS = ("cert-manager.io/cluster-issuer", "cert-manager.io/issuer",
                            "cert-manager.io/issuer-name")


def _find_generated(g: Graph, out: dict[tuple, Known]) -> None:
    def add(kind: str, namespace: str | None, name: Any, origin: Resource, why: str,
            keys: frozenset[str] | None = None, group: str = "") -> None:
        if text(name) and (group, kind, namespace, name) not in out:
            out[(group, kind, namespace, name)] = Known("generated", origin, keys, keys, why)

    def specs(group: str, kind: str) -> Iterator[tuple[Resource, dict]]:
        for resource in g.of_kind(group, kind):
            spec = resource.data.get("spec")
            if isinstance(spec, dict):
                yield resource, spec

    def mapping(value: Any) -> dict:
        return value if isinstance(value, dict) else {}

    for resource, spec in specs("bitnami.com", "SealedSecret"):
        keys = set(mapping(spec.get("encryptedData"))) | set(mapping(k8s.get(spec, ("template", "data"))))
        add("Secret", resource.namespace, resource.name, resource, "SealedSecret", frozenset(map(str, keys)))
    for kind in ("ExternalSecret", "ClusterExternalSecret"):
        for resource, spec in specs("external-secrets.io", kind):
            if kind == "ClusterExternalSecret":   # one ExternalSecret in each selected namespace
                target_ns, inner = "*", mapping(spec.get("externalSecretSpec"))
                name = k8s.get(inner, ("target", "name")) or spec.get("externalSecretName") or resource.name
            else:
                target_ns, inner = resource.namespace, spec
                name = k8s.get(spec, ("target", "name")) or resource.name
            if k8s.get(inner, ("target", "creationPolicy")) in ("Merge", "None"):
                continue   # Merge writes into a Secret that must exist already; None creates none
            entries = inner.get("data")
            exact = (isinstance(entries, list) and not inner.get("dataFrom")
                     and not k8s.get(inner, ("target", "template")))
            keys = frozenset(str(i.get("secretKey")) for i in entries if isinstance(i, dict)) if exact else None
            add("Secret", target_ns, name, resource, kind, keys)
    for resource, spec in specs("cert-manager.io", "Certificate"):
        plain = not spec.get("keystores") and not spec.get("additionalOutputFormats")
        add("Secret", resource.namespace, spec.get("secretName"), resource, "cert-manager Certificate",
            TLS_KEYS if plain else None)
    for resource, spec in specs("secrets-store.csi.x-k8s.io", "SecretProviderClass"):
        for item in items(spec.get("secretObjects")):
            if isinstance(item, dict) and isinstance(item.get("data", []), list):
                keys = frozenset(str(d.get("key")) for d in items(item.get("data")) if isinstance(d, dict))
                add("Secret", resource.namespace, item.get("secretName"), resource, "SecretProviderClass",
                    keys or None)
    for resource, spec in specs("networking.k8s.io", "Ingress"):
        annotations = mapping(k8s.get(resource.data, ("metadata", "annotations")))
        if any(a in annotations for a in CERT_MANAGER_ANNOTATIONS) or \
                str(annotations.get("kubernetes.io/tls-acme", "")).lower() == "true":
            for tls in items(spec.get("tls")):
                if isinstance(tls, dict):
                    add("Secret", resource.namespace, tls.get("secretName"), resource,
                        "cert-manager (Ingress annotation)", TLS_KEYS)
    for resource, spec in specs("gateway.networking.k8s.io", "Gateway"):
        # cert-manager's gateway-shim: an annotated Gateway gets a Certificate for each certificateRef
        # of a listener that terminates TLS (pkg/controller/certificate-shim/gateways)
        annotations = mapping(k8s.get(resource.data, ("metadata", "annotations")))
        if any(a in annotations for a in CERT_MANAGER_ANNOTATIONS):
            for listener in items(spec.get("listeners")):
                for ref in items(k8s.get(listener, ("tls", "certificateRefs"))):
                    if isinstance(ref, dict) and ref.get("kind", "Secret") == "Secret" and ref.get("group", "") == "":
                        add("Secret", text(ref.get("namespace")) or resource.namespace, ref.get("name"), resource,
                            "cert-manager (Gateway annotation)", TLS_KEYS)
    for resource, spec in specs("apps", "StatefulSet"):
        replicas = integer(spec.get("replicas"))
        replicas = 1 if replicas is None else min(replicas, 1000)
        for claim in items(spec.get("volumeClaimTemplates")):
            claim_name = text(k8s.get(claim, ("metadata", "name")))
            if claim_name and resource.name:
                for ordinal in range(replicas):
                    add("PersistentVolumeClaim", resource.namespace, f"{claim_name}-{resource.name}-{ordinal}",
                        resource, "StatefulSet volumeClaimTemplates")
    for group, kind in list(g.kinds()):
        if builtin_group(group):
            continue
        for resource, spec in specs(group, kind):
            destination = spec.get("destination")   # Vault Secrets Operator
            if group == "secrets.hashicorp.com" and isinstance(destination, dict) and destination.get("create") is True:
                add("Secret", resource.namespace, destination.get("name"), resource, kind)
            ref = spec.get("writeConnectionSecretToRef")   # Crossplane and its kin
            if isinstance(ref, dict):
                add("Secret", text(ref.get("namespace")) or resource.namespace, ref.get("name"), resource,
                    f"{kind} writeConnectionSecretToRef")
    _created_at_run_time(g, add)


def builtin_group(group: str) -> bool:
    """Whether an API group is Kubernetes' own (core, apps, *.k8s.io ...) rather than a custom one."""
    return "." not in group or group.endswith(".k8s.io")
_CREATABLE = {"secrets": "Secret", "configmaps": "ConfigMap"}


def _created_at_run_time(g: Graph, add) -> None:
    """Secrets and ConfigMaps that a workload of the input creates when it runs.

    When the input's RBAC lets a workload's ServiceAccount create Secrets (or ConfigMaps), the
    objects it names are taken as made by it: the names in the `resourceNames` of the role
    that grants the creation (Argo CD's redis password), and the names in the arguments and
    environment of its one-shot containers, Jobs, CronJobs, bare Pods and init containers
    (`--secret-name=ingress-nginx-admission`, ingress-nginx's webhook certificate).
    """
    grants = _creation_grants(g)
    if not grants:
        return
    for template in g.templates:
        owner = template.owner
        account = text(template.spec.get("serviceAccountName")) or text(template.spec.get("serviceAccount")) \
            or "default"
        kinds = grants.get((owner.namespace, account))
        if not kinds:
            continue
        why = f"made by {owner.kind} {owner.name}, whose ServiceAccount may create it"
        for kind, names in kinds.items():
            for name in names:
                add(kind, owner.namespace, name, owner, why)
        lists = ("initContainers", "containers") if owner.kind in ("Job", "CronJob", "Pod") else ("initContainers",)
        for _, container in k8s.containers(template.spec, template.spec_path, lists):
            for word in _words(container):
                for kind in kinds:
                    add(kind, owner.namespace, word, owner, why)


def _words(container: dict) -> Iterator[str]:
    values: list[Any] = []
    for field_name in ("command", "args"):
        if isinstance(container.get(field_name), list):
            values.extend(container[field_name])
    for env in items(container.get("env")):
        if isinstance(env, dict):
            values.append(env.get("value"))
    for value in values:
        if isinstance(value, str):
            for part in value.replace(",", " ").split():
                word = part.rpartition("=")[2].rpartition("/")[2]
                if word:
                    yield word


def _creation_grants(g: Graph) -> dict[tuple, dict[str, set[str]]]:
    """(namespace, ServiceAccount) -> {kind it may create: names the granting role lists}."""
    roles: dict[tuple, dict[str, set[str]]] = {}
    for kind in ("Role", "ClusterRole"):
        for role in g.of_kind("rbac.authorization.k8s.io", kind):
            rules = [r for r in items(role.data.get("rules")) if isinstance(r, dict)] \
                if isinstance(role.data.get("rules"), list) else []
            creatable = {r for rule in rules if _grants_create(rule) for r in _resources(rule) if r in _CREATABLE}
            if creatable:
                roles[(kind, role.namespace if kind == "Role" else None, role.name)] = {
                    _CREATABLE[resource]: {n for rule in rules if resource in _resources(rule)
                                           for n in items(rule.get("resourceNames")) if isinstance(n, str)}
                    for resource in creatable}
    if not roles:
        return {}
    out: dict[tuple, dict[str, set[str]]] = {}
    for kind in ("RoleBinding", "ClusterRoleBinding"):
        for binding in g.of_kind("rbac.authorization.k8s.io", kind):
            role_ref = binding.data.get("roleRef")
            if not isinstance(role_ref, dict):
                continue
            role_kind, role_name = role_ref.get("kind"), role_ref.get("name")
            if not isinstance(role_kind, str) or not isinstance(role_name, str):
                continue
            grant = roles.get((role_kind, binding.namespace if role_kind == "Role" else None, role_name))
            if not grant:
                continue
            for subject in items(binding.data.get("subjects")):
                if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount" and text(subject.get("name")):
                    namespace = text(subject.get("namespace")) or binding.namespace
                    target = out.setdefault((namespace, subject["name"]), {})
                    for created, names in grant.items():
                        target.setdefault(created, set()).update(names)
    return out


def _grants_create(rule: dict) -> bool:
    verbs = items(rule.get("verbs"))
    groups = items(rule.get("apiGroups"))
    return ("create" in verbs or "*" in verbs) and ("" in groups or "*" in groups)


def _resources(rule: dict) -> list[str]:
    resources = items(rule.get("resources"))
    return list(_CREATABLE) if "*" in resources else [r for r in resources if isinstance(r, str)]
