"""The resource graph: one index of every object of a run, shared by the cross-resource rules.

Built once per run (``graph(ctx)`` caches it in ``ctx.cache``) and read-only afterwards:

- objects by (group, kind, namespace, name), with aliases for kinds served by two groups
  (an ``extensions`` Deployment is the ``apps`` one);
- the pod templates of every workload (Pods, Deployments, ReplicaSets, StatefulSets,
  DaemonSets, Jobs, CronJob job templates, ReplicationControllers), indexed by label so
  that a selector is resolved by lookup, not by a scan;
- objects that other objects of the input create: Secrets of SealedSecrets, ExternalSecrets,
  cert-manager Certificates and annotated Ingresses, PVCs of StatefulSet volume claim
  templates, objects a Job with the RBAC rights to create them names in its arguments;
- objects outside the input: Kubernetes' built-ins and the ``external`` patterns
  (``kubelint/external.py``);
- every reference from one object to another (``references``), extracted once, and
  ``check_reference``, which turns an unresolved one into a Problem that names what is
  missing, suggests the closest existing name and says how to declare an external object.

Everything is linear in the input: each object is visited a constant number of times and
each reference or selector is resolved by dictionary lookups.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from kubelint import k8s
from kubelint import selector as selectors
from kubelint.external import ExternalObjects, declaration
from kubelint.model import Path, Problem, Resource, Severity

CACHE_KEY = "kubelint.graph"

#: kinds served by an old group too: an object is the same whichever group it is written in
GROUP_ALIASES = {
    ("extensions", "Deployment"): "apps",
    ("extensions", "DaemonSet"): "apps",
    ("extensions", "ReplicaSet"): "apps",
    ("apps", "ReplicationController"): "",
    ("extensions", "Ingress"): "networking.k8s.io",
    ("extensions", "NetworkPolicy"): "networking.k8s.io",
    ("extensions", "PodSecurityPolicy"): "policy",
    ("events.k8s.io", "Event"): "",
}

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

#: kinds that are cluster policy rather than application objects: references to them are
#: checked only when the input defines some, or the configuration declares some as external
CHECKED_WHEN_PRESENT = frozenset({("storage.k8s.io", "StorageClass"), ("networking.k8s.io", "IngressClass"),
                                  ("node.k8s.io", "RuntimeClass")})

ENV_READERS = "the container cannot start (CreateContainerConfigError)"
VOLUME_READERS = "the pod stays in ContainerCreating (FailedMount)"


def canonical_group(group: str, kind: str) -> str:
    return GROUP_ALIASES.get((group, kind), group)


def group_of(api_version: Any) -> str:
    return api_version.rpartition("/")[0] if isinstance(api_version, str) else ""


def graph(ctx) -> "Graph":
    """The run's graph, built on first use and shared by every rule of the run."""
    cached = ctx.cache.get(CACHE_KEY)
    if cached is None:
        cached = ctx.cache[CACHE_KEY] = Graph(ctx.resources, ctx.options, ctx.bundle, ctx.crds)
    return cached


def text(value: Any) -> str | None:
    """A non-empty string, or None (fields of the wrong type are the schema rules' business)."""
    return value if isinstance(value, str) and value else None


def integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(eq=False)
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

    @property
    def labels_path(self) -> Path:
        return self.spec_path[:-1] + ("metadata", "labels")

    def describe(self) -> str:
        return f"{self.owner.kind}/{self.owner.name}"


@dataclass(frozen=True)
class Known:
    """An object the run knows to exist, and where that knowledge comes from."""

    origin: str                        # "input", "generated", "external", "builtin"
    resource: Resource | None = None   # the object itself (input) or what creates it (generated)
    keys: frozenset[str] | None = None  # ConfigMap/Secret keys when known
    env_keys: frozenset[str] | None = None  # the keys environment variables can read (data only)
    note: str = ""


@dataclass(slots=True)
class Reference:
    """One reference from an object of the input to another object, at the line that names it."""

    source: Resource
    path: Path                    # the field holding the name: the finding's position
    kind: str
    name: str
    namespace: str | None         # the target's namespace; None for cluster-scoped kinds
    group: str = ""
    via: str = ""                 # how it is referenced, for messages ("volume \"config\"")
    effect: str = ""              # what happens when the target is missing
    optional: bool = False
    key: str | None = None
    key_path: Path | None = None
    env_key: bool = False         # read as an environment variable: ConfigMap data only
    severity: Severity | None = None
    port: Any = None
    port_path: Path | None = None


class Graph:
    def __init__(self, resources: list[Resource], options: Any = None, bundle: Any = None, crds: Any = None):
        self.resources = resources
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
        self._in_namespace: dict[str | None, list[PodTemplate]] = {}
        self._names: dict[tuple, list[str]] | None = None
        self._namespaces_of: dict[tuple, list[str]] | None = None
        self._generated: dict[tuple, Known] | None = None
        self._references: list[Reference] | None = None
        self._selection_cache: dict[tuple, list[PodTemplate]] = {}
        self._hpas: dict[tuple, list[Resource]] | None = None
        self._of_kind: dict[tuple, list[Resource]] | None = None
        self._limit_defaults: dict[str | None, set[str]] | None = None
        for resource in resources:
            self._add(resource)

    # --- building --------------------------------------------------------------------------

    def _add(self, resource: Resource) -> None:
        if not isinstance(resource.kind, str):
            return
        group = canonical_group(resource.group, resource.kind)
        self.kinds_present.add((group, resource.kind))
        if resource.namespace:
            self.namespaces_used.add(resource.namespace)
        if resource.name:
            self.objects.setdefault((group, resource.kind, resource.namespace, resource.name), []).append(resource)
        found = k8s.pod_spec(resource)
        if found is None or resource.kind == "PodTemplate":
            return
        spec_path, spec = found
        if resource.kind == "Pod":
            labels = k8s.get(resource.data, ("metadata", "labels"))
        else:
            labels = k8s.get(resource.data, spec_path[:-1] + ("metadata", "labels"))
        labels = {k: v for k, v in labels.items() if isinstance(v, str)} if isinstance(labels, dict) else {}
        template = PodTemplate(resource, spec_path, spec, labels, GENERATED_LABELS.get(resource.kind, frozenset()),
                               _replicas(resource))
        self.templates.append(template)
        self.template_of[id(resource)] = template
        namespace = resource.namespace
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
            keys, env_keys = _data_keys(found[0])
            return Known("input", found[0], keys, env_keys)
        generated = self.generated.get((group, kind, namespace, name)) or self.generated.get((group, kind, "*", name))
        if generated is not None:
            return generated
        pattern = self.external.find(group, kind, namespace, name)
        if pattern is not None:
            return Known("builtin" if pattern.builtin else "external", keys=pattern.keys, env_keys=pattern.keys,
                         note=pattern.text)
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

    def is_namespaced(self, api_version: str, kind: str) -> bool:
        info = self.bundle.kind(api_version, kind) if self.bundle is not None else None
        if info is not None:
            return info.namespaced
        custom = self.crds.lookup(api_version, kind) if self.crds is not None else None
        return custom.namespaced if custom is not None else True

    # --- pods and selectors ----------------------------------------------------------------

    def template(self, resource: Resource) -> PodTemplate | None:
        return self.template_of.get(id(resource))

    def in_namespace(self, namespace: str | None) -> list[PodTemplate]:
        return self._in_namespace.get(namespace, [])

    def select(self, namespace: str | None, selector: selectors.Selector) -> list[PodTemplate]:
        """The pod templates of a namespace whose pods the selector selects, in input order."""
        if selector.nothing:
            return []
        key = (namespace, selector)
        cached = self._selection_cache.get(key)
        if cached is not None:
            return cached
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
        self._selection_cache[key] = selected
        return selected

    def service_pods(self, service: Resource) -> tuple[selectors.Selector, list[PodTemplate]] | None:
        """The selector of a Service and the pod templates it selects; None without a selector.

        Services without a selector (endpoints managed by hand, ExternalName) select nothing
        on purpose; an empty map is dropped by the API server (omitempty), so it counts as none.
        """
        spec = service.data.get("spec")
        if not isinstance(spec, dict) or spec.get("type") == "ExternalName" or not spec.get("selector"):
            return None
        try:
            selector = selectors.from_map(spec["selector"])
        except selectors.SelectorError:
            return None
        return selector, self.select(service.namespace, selector)

    def with_label(self, key: str, value: str) -> list[PodTemplate]:
        """Pod templates of every namespace that carry this label."""
        return self._by_label_anywhere.get((key, value), [])

    def maybe_made_by_operator(self, namespace: str | None, selector: selectors.Selector) -> bool:
        """Whether the pods a selector wants may be made by an operator from a custom resource.

        Operators label the pods they run after the custom resource (prometheus-operator's
        ``prometheus: <name>``, ``app.kubernetes.io/instance: <name>``): a selector that wants
        the name of a custom resource of its namespace may select pods the input cannot show.
        """
        if self._custom_names is None:
            names: dict[str | None, set[str]] = {}
            for resource in self.resources:
                if resource.name and resource.group not in BUILTIN_GROUPS and "." in resource.group \
                        and not resource.group.endswith(".k8s.io"):
                    names.setdefault(resource.namespace, set()).add(resource.name)
            self._custom_names = names
        custom = self._custom_names.get(namespace)
        if not custom:
            return False
        return any(value in custom for r in selector.requirements if r.operator == "In" for value in r.values)

    def default_requests(self, namespace: str | None) -> set[str]:
        """Resources a LimitRange of the namespace gives containers a request for by default.

        LimitRanger admission (plugin/pkg/admission/limitranger) sets a missing request from
        defaultRequest, which defaults to default, which defaults to max (SetDefaults_LimitRange).
        """
        if self._limit_defaults is None:
            defaults: dict[str | None, set[str]] = {}
            for limit_range in self.of_kind("", "LimitRange"):
                for item in k8s.get(limit_range.data, ("spec", "limits")) or []:
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
        if self._of_kind is None:
            by_kind: dict[tuple, list[Resource]] = {}
            for resource in self.resources:
                if isinstance(resource.kind, str):
                    by_kind.setdefault((canonical_group(resource.group, resource.kind), resource.kind), []).append(resource)
            self._of_kind = by_kind
        return self._of_kind.get((group, kind), [])

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
        """Every reference of the input, in input order."""
        if self._references is None:
            from kubelint.references import extract

            self._references = [ref for resource in self.resources for ref in extract(resource, self)]
            to_kind: dict[str, list[Reference]] = {}
            from_kind: dict[str, list[Reference]] = {}
            for ref in self._references:
                to_kind.setdefault(ref.kind, []).append(ref)
                from_kind.setdefault(ref.source.kind, []).append(ref)
            self._references_to, self._references_from = to_kind, from_kind
        return self._references

    def references_from(self, kind: str) -> list[Reference]:
        """The references made by objects of this kind, in input order."""
        self.references
        return self._references_from.get(kind, [])

    def references_to(self, kind: str) -> list[Reference]:
        """The references whose target is of this kind (any group), in input order."""
        self.references
        return self._references_to.get(kind, [])

    def check_reference(self, ref: Reference) -> Iterator[Problem]:
        """Problems of one reference: a missing target, a missing key, and how to fix them."""
        if ref.optional:
            return
        if (canonical_group(ref.group, ref.kind), ref.kind) in CHECKED_WHEN_PRESENT and not self.has_kind(
                ref.group, ref.kind):
            return
        known = self.find(ref.group, ref.kind, ref.namespace, ref.name)
        if known is None:
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

    def missing(self, ref: Reference, what: str | None = None) -> Problem:
        where = f' in namespace "{ref.namespace}"' if ref.namespace else ""
        via = f" ({ref.via})" if ref.via else ""
        message = f'{what or ref.kind} "{ref.name}"{via} not found{where}'
        if ref.effect:
            message += f": {ref.effect}"
        suggestion = closest(ref.name, self.names(ref.group, ref.kind, ref.namespace))
        if suggestion:
            message += f'; did you mean "{suggestion}"?'
        elsewhere = [ns for ns in self.namespaces_of(ref.group, ref.kind, ref.name) if ns != ref.namespace]
        if ref.namespace and elsewhere:
            message += (f' (a {ref.kind} "{ref.name}" exists in namespace "{elsewhere[0]}", but references do not '
                        "cross namespaces)")
        hint = (f"define the {ref.kind} in the input, or, if it is created outside these manifests, declare it "
                f"in .kubelint.yaml: external: [\"{declaration(ref.kind, ref.namespace, ref.name)}\"]")
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


    def missing_port(self, ref: Reference, service: Resource) -> Problem | None:
        ports = [p for p in _list(k8s.get(service.data, ("spec", "ports"))) if isinstance(p, dict)]
        field_name = "name" if isinstance(ref.port, str) else "port"
        if any(p.get(field_name) == ref.port for p in ports):
            return None
        shown = ", ".join(describe_port(p) for p in ports) or "none"
        wanted = f'named "{ref.port}"' if isinstance(ref.port, str) else str(ref.port)
        message = f'Service "{ref.name}" has no port {wanted} (its ports: {shown})'
        if ref.effect:
            message += f": {ref.effect}"
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
    """The most similar existing name ("did you mean ..."), if one is close enough."""
    pool = [c for c in candidates if c != name and abs(len(c) - len(name)) <= max(3, len(name) // 3)]
    if not pool:
        return None
    if len(pool) > 2000:
        pool = [c for c in pool if c[:1] == name[:1]][:2000]
    found = difflib.get_close_matches(name, pool, n=1, cutoff=0.75)
    return found[0] if found else None


def _replicas(resource: Resource) -> int | None:
    spec = resource.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    kind = resource.kind
    if kind == "DaemonSet":
        return None
    if kind == "Pod":
        return 1
    if kind == "Job":
        value = integer(spec.get("parallelism"))
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

    for resource in g.resources:
        group, kind, data = resource.group, resource.kind, resource.data
        spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        ns = resource.namespace
        if group == "bitnami.com" and kind == "SealedSecret":
            keys = set(spec.get("encryptedData") or {}) | set(k8s.get(spec, ("template", "data")) or {})
            add("Secret", ns, resource.name, resource, "SealedSecret", frozenset(keys))
        elif group == "external-secrets.io" and kind in ("ExternalSecret", "ClusterExternalSecret"):
            if kind == "ClusterExternalSecret":
                target_ns, inner = "*", k8s.get(spec, ("externalSecretSpec",)) or {}
                name = k8s.get(inner, ("target", "name")) or spec.get("externalSecretName") or resource.name
            else:
                target_ns, inner = ns, spec
                name = k8s.get(spec, ("target", "name")) or resource.name
            data_items = inner.get("data") if isinstance(inner, dict) else None
            exact = (isinstance(data_items, list) and not inner.get("dataFrom")
                     and not k8s.get(inner, ("target", "template")))
            keys = frozenset(str(i.get("secretKey")) for i in data_items if isinstance(i, dict)) if exact else None
            add("Secret", target_ns, name, resource, kind, keys)
        elif group == "cert-manager.io" and kind == "Certificate":
            plain = not spec.get("keystores") and not spec.get("additionalOutputFormats")
            add("Secret", ns, spec.get("secretName"), resource, "cert-manager Certificate",
                TLS_KEYS if plain else None)
        elif group == "secrets-store.csi.x-k8s.io" and kind == "SecretProviderClass":
            for item in spec.get("secretObjects") or []:
                if isinstance(item, dict):
                    keys = frozenset(str(d.get("key")) for d in item.get("data") or [] if isinstance(d, dict))
                    add("Secret", ns, item.get("secretName"), resource, "SecretProviderClass", keys or None)
        elif group == "secrets.hashicorp.com":
            destination = spec.get("destination")
            if isinstance(destination, dict) and destination.get("create") is True:
                add("Secret", ns, destination.get("name"), resource, kind)
        elif group == "networking.k8s.io" and kind == "Ingress":
            annotations = k8s.get(data, ("metadata", "annotations"))
            annotations = annotations if isinstance(annotations, dict) else {}
            if any(a in annotations for a in CERT_MANAGER_ANNOTATIONS) or \
                    str(annotations.get("kubernetes.io/tls-acme", "")).lower() == "true":
                for tls in spec.get("tls") or []:
                    if isinstance(tls, dict):
                        add("Secret", ns, tls.get("secretName"), resource, "cert-manager (Ingress annotation)",
                            TLS_KEYS)
        elif group == "apps" and kind == "StatefulSet" and resource.name:
            replicas = integer(spec.get("replicas"))
            replicas = 1 if replicas is None else min(replicas, 1000)
            for claim in spec.get("volumeClaimTemplates") or []:
                claim_name = text(k8s.get(claim, ("metadata", "name")))
                if claim_name:
                    for ordinal in range(replicas):
                        add("PersistentVolumeClaim", ns, f"{claim_name}-{resource.name}-{ordinal}", resource,
                            "StatefulSet volumeClaimTemplates")
        if group not in BUILTIN_GROUPS and isinstance(spec.get("writeConnectionSecretToRef"), dict):
            ref = spec["writeConnectionSecretToRef"]
            add("Secret", text(ref.get("namespace")) or ns, ref.get("name"), resource,
                f"{kind} writeConnectionSecretToRef")
    _created_by_jobs(g, add)


BUILTIN_GROUPS = frozenset({"", "apps", "batch", "networking.k8s.io", "policy", "rbac.authorization.k8s.io",
                             "autoscaling", "storage.k8s.io", "scheduling.k8s.io", "extensions"})
_CREATABLE = {"secrets": "Secret", "configmaps": "ConfigMap"}


def _created_by_jobs(g: Graph, add) -> None:
    """Secrets and ConfigMaps that a one-shot workload creates at run time.

    A Job (or CronJob, or bare Pod) that names an object in its arguments or environment
    (``--secret-name=webhook-cert``) and whose ServiceAccount the input's RBAC allows to
    create objects of that kind makes it: ingress-nginx's admission webhook certificate is
    the classic case.
    """
    creators = _service_accounts_that_create(g)
    if not creators:
        return
    for template in g.templates:
        owner = template.owner
        if owner.kind not in ("Job", "CronJob", "Pod"):
            continue
        account = text(template.spec.get("serviceAccountName")) or text(template.spec.get("serviceAccount")) \
            or "default"
        kinds = creators.get((owner.namespace, account))
        if not kinds:
            continue
        for _, container in k8s.containers(template.spec, template.spec_path):
            for word in _words(container):
                for kind in kinds:
                    add(kind, owner.namespace, word, owner, f"created by {owner.kind} {owner.name}")


def _words(container: dict) -> Iterator[str]:
    values: list[Any] = []
    for field_name in ("command", "args"):
        if isinstance(container.get(field_name), list):
            values.extend(container[field_name])
    for env in container.get("env") or []:
        if isinstance(env, dict):
            values.append(env.get("value"))
    for value in values:
        if isinstance(value, str):
            for part in value.replace(",", " ").split():
                word = part.rpartition("=")[2].rpartition("/")[2]
                if word:
                    yield word


def _service_accounts_that_create(g: Graph) -> dict[tuple, set[str]]:
    """(namespace, ServiceAccount) -> kinds the input's RBAC lets it create."""
    rules_of: dict[tuple, list] = {}
    for kind in ("Role", "ClusterRole"):
        for role in g.of_kind("rbac.authorization.k8s.io", kind):
            if isinstance(role.data.get("rules"), list):
                rules_of[(kind, role.namespace if kind == "Role" else None, role.name)] = role.data["rules"]
    if not rules_of:
        return {}
    out: dict[tuple, set[str]] = {}
    for kind in ("RoleBinding", "ClusterRoleBinding"):
        for binding in g.of_kind("rbac.authorization.k8s.io", kind):
            role_ref = binding.data.get("roleRef")
            if not isinstance(role_ref, dict):
                continue
            role_kind = role_ref.get("kind")
            rules = rules_of.get((role_kind, binding.namespace if role_kind == "Role" else None, role_ref.get("name")))
            creatable = {_CREATABLE[r] for rule in rules or [] if isinstance(rule, dict)
                         and _grants_create(rule) for r in _resources(rule) if r in _CREATABLE}
            if not creatable:
                continue
            for subject in binding.data.get("subjects") or []:
                if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount" and text(subject.get("name")):
                    namespace = text(subject.get("namespace")) or binding.namespace
                    out.setdefault((namespace, subject["name"]), set()).update(creatable)
    return out


def _grants_create(rule: dict) -> bool:
    verbs = rule.get("verbs") or []
    groups = rule.get("apiGroups") or []
    return isinstance(verbs, list) and ("create" in verbs or "*" in verbs) and ("" in groups or "*" in groups)


def _resources(rule: dict) -> list[str]:
    resources = rule.get("resources") or []
    if not isinstance(resources, list):
        return []
    return list(_CREATABLE) if "*" in resources else [r for r in resources if isinstance(r, str)]
