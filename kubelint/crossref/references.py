"""Every reference by name from one object to another, with the path of the field that names it.

The fields follow the API types (k8s.io/api/core/v1 PodSpec, Volume, EnvVarSource,
EnvFromSource; networking/v1 IngressSpec; rbac/v1 RoleBinding; autoscaling/v2
CrossVersionObjectReference; admissionregistration/v1 ServiceReference ...) and those of the
operators' custom resources (Gateway API routes and Gateways, Istio VirtualServices, cert-manager
issuers, Argo Rollouts, KEDA ScaledObjects, Strimzi's cluster labels). Namespaced targets live in
the referring object's namespace unless the reference names another one explicitly (RBAC subjects,
webhook Services, Gateway API's namespace fields, Istio's FQDNs); one into a namespace the input
does not touch belongs to someone else and is not checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Protocol

from kubelint.k8s import objects as k8s
from kubelint.k8s.objects import canonical_group, group_of, integer, text
from kubelint.model import Path, Resource, Severity

ENV_READERS = "the container cannot start (CreateContainerConfigError)"
VOLUME_READERS = "the pod stays in ContainerCreating (FailedMount)"

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
    port_effect: str | None = None   # what happens when the target lacks the port (default: effect)
    key_only: bool = False        # another reference reports the missing object (volume items)
    #: a named part of the target: a Gateway's listener (a parentRef's sectionName)
    section: str | None = None
    section_path: Path | None = None
    #: checked only where the input defines objects of the target kind in the target namespace (anywhere,
    #: for a cluster-scoped kind) or the configuration declares some: the ecosystems' objects (Gateways,
    #: issuers, Services a mesh routes to) are often deployed by another team or release
    only_if_present: bool = False


class ObjectIndex(Protocol):
    """What extracting references needs from the run's index (kubelint/crossref/graph.py)."""

    namespaces_used: set[str]
    partial: list[Resource]

    @property
    def template_of(self) -> dict[int, Any]: ...

    def of_kind(self, group: str, kind: str) -> list[Resource]: ...


PODS_REJECTED = "the pods are rejected at admission and never created"
PENDING = "the pod stays Pending"
#: volume sources that name a Secret of the pod's namespace: field -> path of the name
SECRET_VOLUME_REFS = {"csi": ("nodePublishSecretRef", "name"), "cephfs": ("secretRef", "name"),
                      "rbd": ("secretRef", "name"), "flexVolume": ("secretRef", "name"),
                      "iscsi": ("secretRef", "name"), "scaleIO": ("secretRef", "name"),
                      "storageos": ("secretRef", "name"), "azureFile": ("secretName",)}


def extract_all(graph: ObjectIndex) -> list[Reference]:
    """Every reference of the input: pod specs first, then the other kinds that name objects, then
    those of the kustomize patches (partial objects, which refer to objects as the patched one does)."""
    out: list[Reference] = []
    for template in graph.template_of.values():
        resource = template.owner
        claims = _claim_templates(resource) if resource.kind == "StatefulSet" else frozenset()
        out.extend(pod_references(resource, template.spec_path, template.spec, claims))
    for (group, kind), handler in HANDLERS.items():
        for resource in graph.of_kind(group, kind):
            out.extend(handler(resource, graph))
    for resource in graph.partial:
        found = k8s.pod_spec(resource)
        if found is not None:
            out.extend(pod_references(resource, found[0], found[1], frozenset()))
        handler = HANDLERS.get((canonical_group(resource.group, resource.kind), resource.kind))
        if handler is not None:
            out.extend(handler(resource, graph))
    return out


def _webhooks(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    webhooks = resource.data.get("webhooks")
    for index, webhook in enumerate(webhooks if isinstance(webhooks, list) else []):
        if isinstance(webhook, dict):
            fail = webhook.get("failurePolicy", "Fail") == "Fail"
            effect = ("every request it intercepts is rejected (failurePolicy: Fail)" if fail
                      else "the webhook is skipped")
            yield from _service_ref(resource, graph, ("webhooks", index, "clientConfig", "service"),
                                    f'webhook "{webhook.get("name")}"', effect)


def _claim_templates(resource: Resource) -> frozenset[str]:
    claims = k8s.get(resource.data, ("spec", "volumeClaimTemplates"))
    return frozenset(text(k8s.get(c, ("metadata", "name"))) for c in _list(claims)) - {None}


def pod_references(resource: Resource, spec_path: Path, spec: dict,
                   claim_templates: frozenset[str] = frozenset()) -> Iterator[Reference]:
    """References of a pod spec. A StatefulSet's volumeClaimTemplates replace the pod volumes of
    the same name (updateStorage, pkg/controller/statefulset/stateful_set_utils.go)."""
    ns = resource.namespace
    for field_name in ("serviceAccountName", "serviceAccount"):
        name = text(spec.get(field_name))
        if name:
            yield Reference(resource, spec_path + (field_name,), "ServiceAccount", name, ns,
                            effect=_rejected(resource, "ServiceAccount admission"))
            break
    name = text(spec.get("priorityClassName"))
    if name:
        yield Reference(resource, spec_path + ("priorityClassName",), "PriorityClass", name, None,
                        group="scheduling.k8s.io", effect=_rejected(resource, "Priority admission plugin"))
    for index, item in enumerate(_list(spec.get("imagePullSecrets"))):
        if isinstance(item, dict) and text(item.get("name")):
            yield Reference(resource, spec_path + ("imagePullSecrets", index, "name"), "Secret", item["name"], ns,
                            via="imagePullSecrets", severity=Severity.WARNING,
                            effect="images from a private registry fail to pull (ImagePullBackOff)")
    for index, volume in enumerate(_list(spec.get("volumes"))):
        if isinstance(volume, dict) and not (isinstance(volume.get("name"), str) and volume["name"] in claim_templates):
            yield from _volume(resource, spec_path + ("volumes", index), volume)
    for path, container in k8s.containers(spec, spec_path):
        yield from _container(resource, path, container)


def _rejected(resource: Resource, plugin: str) -> str:
    if resource.kind == "Pod":
        return f"the {plugin} rejects the Pod"
    return f"the {plugin} rejects the pods: none are created"


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _volume(resource: Resource, path: Path, volume: dict) -> Iterator[Reference]:
    ns = resource.namespace
    for field_name, source in volume.items():   # a name and (normally) one source
        if not isinstance(source, dict):
            continue
        if field_name == "configMap":
            if text(source.get("name")):
                yield from _with_items(resource, path + ("configMap",), source, "ConfigMap", source["name"],
                                       f'volume "{volume.get("name")}"')
        elif field_name == "secret":
            if text(source.get("secretName")):
                yield from _with_items(resource, path + ("secret",), source, "Secret", source["secretName"],
                                       f'volume "{volume.get("name")}"', name_field="secretName")
        elif field_name == "persistentVolumeClaim":
            if text(source.get("claimName")):
                yield Reference(resource, path + ("persistentVolumeClaim", "claimName"), "PersistentVolumeClaim",
                                source["claimName"], ns, via=f'volume "{volume.get("name")}"',
                                effect=PENDING if resource.kind == "Pod" else "its pods stay Pending")
        elif field_name == "projected":
            for index, item in enumerate(_list(source.get("sources"))):
                if not isinstance(item, dict):
                    continue
                for item_field, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
                    inner = item.get(item_field)
                    if isinstance(inner, dict) and text(inner.get("name")):
                        yield from _with_items(resource, path + ("projected", "sources", index, item_field), inner,
                                               kind, inner["name"], f'projected volume "{volume.get("name")}"')
        elif field_name == "ephemeral":
            spec = k8s.get(source, ("volumeClaimTemplate", "spec"))
            if isinstance(spec, dict):
                yield from _storage_class(resource, path + ("ephemeral", "volumeClaimTemplate", "spec"), spec,
                                          "its pods stay Pending")
        elif field_name in SECRET_VOLUME_REFS:
            name_path = SECRET_VOLUME_REFS[field_name]
            secret = text(k8s.get(source, name_path))
            if secret:
                yield Reference(resource, path + (field_name,) + name_path, "Secret", secret, ns,
                                via=f'volume "{volume.get("name")}"', effect=VOLUME_READERS)


def _with_items(resource: Resource, path: Path, source: dict, kind: str, name: str, via: str,
                name_field: str = "name") -> Iterator[Reference]:
    optional = source.get("optional") is True
    yield Reference(resource, path + (name_field,), kind, name, resource.namespace, via=via, optional=optional,
                    effect=VOLUME_READERS)
    for index, item in enumerate(_list(source.get("items"))):
        if isinstance(item, dict) and text(item.get("key")):
            yield Reference(resource, path + (name_field,), kind, name, resource.namespace, via=via,
                            optional=optional, key=item["key"], key_path=path + ("items", index, "key"),
                            effect=VOLUME_READERS, key_only=True)


def _container(resource: Resource, path: Path, container: dict) -> Iterator[Reference]:
    ns = resource.namespace
    for index, env in enumerate(_list(container.get("env"))):
        value_from = env.get("valueFrom") if isinstance(env, dict) else None
        if not isinstance(value_from, dict):
            continue
        for field_name, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            ref = value_from.get(field_name)
            if isinstance(ref, dict) and text(ref.get("name")):
                ref_path = path + ("env", index, "valueFrom", field_name)
                key = text(ref.get("key"))
                yield Reference(resource, ref_path + ("name",), kind, ref["name"], ns,
                                via=f"env {env.get('name')}", optional=ref.get("optional") is True,
                                key=key, key_path=ref_path + ("key",) if key else None, env_key=True,
                                effect=ENV_READERS)
    for index, env_from in enumerate(_list(container.get("envFrom"))):
        if not isinstance(env_from, dict):
            continue
        for field_name, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = env_from.get(field_name)
            if isinstance(ref, dict) and text(ref.get("name")):
                yield Reference(resource, path + ("envFrom", index, field_name, "name"), kind, ref["name"], ns,
                                via="envFrom", optional=ref.get("optional") is True, effect=ENV_READERS)


def _storage_class(resource: Resource, path: Path, spec: Any, effect: str) -> Iterator[Reference]:
    if not isinstance(spec, dict):
        return
    name = text(spec.get("storageClassName"))
    if name:
        yield Reference(resource, path + ("storageClassName",), "StorageClass", name, None, group="storage.k8s.io",
                        effect=effect)
    elif resource.kind == "PersistentVolumeClaim" and "storageClassName" not in spec:
        annotation = k8s.get(resource.data, ("metadata", "annotations", "volume.beta.kubernetes.io/storage-class"))
        if text(annotation):
            yield Reference(resource, ("metadata", "annotations", "volume.beta.kubernetes.io/storage-class"),
                            "StorageClass", annotation, None, group="storage.k8s.io", effect=effect)


def _statefulset(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    name = text(spec.get("serviceName"))
    if name:
        yield Reference(resource, ("spec", "serviceName"), "Service", name, resource.namespace,
                        via="serviceName", severity=Severity.WARNING,
                        effect="its pods get no stable DNS names (pod-0.service)")
    for index, claim in enumerate(_list(spec.get("volumeClaimTemplates"))):
        if isinstance(claim, dict):
            yield from _storage_class(resource, ("spec", "volumeClaimTemplates", index, "spec"), claim.get("spec"),
                                      "its claims and pods stay Pending")


def _ingress(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    ns = resource.namespace
    name = text(spec.get("ingressClassName"))
    if name:
        yield Reference(resource, ("spec", "ingressClassName"), "IngressClass", name, None,
                        group="networking.k8s.io", effect="no Ingress controller serves this Ingress")
    backends: list[tuple[Path, Any]] = [(("spec", "defaultBackend"), spec.get("defaultBackend"))]
    for r_index, rule in enumerate(_list(spec.get("rules"))):
        paths = k8s.get(rule, ("http", "paths"))
        for p_index, item in enumerate(_list(paths)):
            if isinstance(item, dict):
                backends.append((("spec", "rules", r_index, "http", "paths", p_index, "backend"), item.get("backend")))
    for path, backend in backends:
        service = backend.get("service") if isinstance(backend, dict) else None
        if not isinstance(service, dict) or not text(service.get("name")):
            continue
        port = service.get("port") if isinstance(service.get("port"), dict) else {}
        number, port_name = integer(port.get("number")), text(port.get("name"))
        port_value = number if number is not None else port_name
        port_path = path + ("service", "port", "number" if number is not None else "name")
        yield Reference(resource, path + ("service", "name"), "Service", service["name"], ns, via="backend",
                        effect="requests for this path fail (503)", port=port_value,
                        port_path=port_path if port_value is not None else None)
    for index, tls in enumerate(_list(spec.get("tls"))):
        if isinstance(tls, dict) and text(tls.get("secretName")):
            yield Reference(resource, ("spec", "tls", index, "secretName"), "Secret", tls["secretName"], ns,
                            via="tls", severity=Severity.WARNING,
                            effect="the Ingress controller serves its default certificate for these hosts")
    yield from _issuer_annotations(resource)


def _service_account(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    for field_name, effect in (("secrets", "the legacy token Secret it lists is missing"),
                               ("imagePullSecrets", "images of its pods from a private registry fail to pull "
                                                    "(ImagePullBackOff)")):
        for index, item in enumerate(_list(resource.data.get(field_name))):
            if isinstance(item, dict) and text(item.get("name")):
                yield Reference(resource, (field_name, index, "name"), "Secret", item["name"], resource.namespace,
                                via=f"ServiceAccount {field_name}", severity=Severity.WARNING, effect=effect)


def _binding(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    role_ref = resource.data.get("roleRef")
    if isinstance(role_ref, dict) and text(role_ref.get("name")) and role_ref.get("kind") in ("Role", "ClusterRole"):
        role_kind = role_ref["kind"]
        namespace = resource.namespace if role_kind == "Role" and resource.kind == "RoleBinding" else None
        if not (role_kind == "Role" and resource.kind == "ClusterRoleBinding"):  # invalid: schema rules' business
            yield Reference(resource, ("roleRef", "name"), role_kind, role_ref["name"], namespace,
                            group="rbac.authorization.k8s.io", via="roleRef",
                            effect="the binding grants nothing")
    for index, subject in enumerate(_list(resource.data.get("subjects"))):
        if not isinstance(subject, dict) or subject.get("kind") != "ServiceAccount" or not text(subject.get("name")):
            continue
        namespace = text(subject.get("namespace")) or resource.namespace
        # a ServiceAccount of a namespace the input does not touch belongs to someone else
        if namespace is None or namespace not in graph.namespaces_used:
            continue
        yield Reference(resource, ("subjects", index, "name"), "ServiceAccount", subject["name"], namespace,
                        via="subject", severity=Severity.WARNING,
                        effect="the binding grants nothing until the ServiceAccount exists")


def _hpa(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    target = k8s.get(resource.data, ("spec", "scaleTargetRef"))
    if isinstance(target, dict) and text(target.get("kind")) and text(target.get("name")):
        yield Reference(resource, ("spec", "scaleTargetRef", "name"), target["kind"], target["name"],
                        resource.namespace, group=canonical_group(group_of(target.get("apiVersion")), target["kind"]),
                        via="scaleTargetRef", effect="the autoscaler cannot scale anything (FailedGetScale)")


def _service_ref(resource: Resource, graph: ObjectIndex, path: Path, via: str, effect: str) -> Iterator[Reference]:
    service = k8s.get(resource.data, path)
    if not isinstance(service, dict) or not text(service.get("name")) or not text(service.get("namespace")):
        return
    if service["namespace"] not in graph.namespaces_used:
        return   # a Service of a namespace the input does not touch is someone else's
    port = integer(service.get("port"))
    yield Reference(resource, path + ("name",), "Service", service["name"], service["namespace"], via=via,
                    effect=effect, port=443 if port is None else port,
                    port_path=path + ("port",) if port is not None else None)


# --- the operators' objects ------------------------------------------------------------------------

GATEWAY_GROUP = "gateway.networking.k8s.io"
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")
CERT_MANAGER = "cert-manager.io"
#: the Kubernetes service registry's domain in Istio (pilot's meta.Domain, the cluster domain)
CLUSTER_DOMAIN = "svc.cluster.local"


def _in_reach(graph: ObjectIndex, namespace: str, own: str | None) -> bool:
    """Whether a reference into another namespace is judged: a namespace the input does not touch
    belongs to someone else (as for the RBAC subjects and webhook Services)."""
    return namespace == own or namespace in graph.namespaces_used


def _route(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    """Gateway API routes (sigs.k8s.io/gateway-api/apis/v1 ParentReference, BackendRef): parentRefs
    default to a Gateway of gateway.networking.k8s.io in the route's namespace, backendRefs to a core
    Service there; a Service backend needs a port (CEL in the CRD), the Service's port, not a targetPort."""
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    ns = resource.namespace
    for index, parent in enumerate(_list(spec.get("parentRefs"))):
        if not isinstance(parent, dict) or not text(parent.get("name")):
            continue
        if (parent.get("group", GATEWAY_GROUP), parent.get("kind", "Gateway")) != (GATEWAY_GROUP, "Gateway"):
            continue   # a Service (GAMMA mesh routing) or an implementation's own parent kind
        namespace = text(parent.get("namespace")) or ns
        if namespace is None or not _in_reach(graph, namespace, ns):
            continue
        path: Path = ("spec", "parentRefs", index)
        section, port = text(parent.get("sectionName")), integer(parent.get("port"))
        # a missing Gateway is a warning (Gateways are often the platform's, deployed apart from the routes);
        # a listener or port the Gateway of the input lacks is an error (missing_listener)
        yield Reference(resource, path + ("name",), "Gateway", parent["name"], namespace, group=GATEWAY_GROUP,
                        via="parentRef", effect="the route is attached to no Gateway: its traffic is never served",
                        severity=Severity.WARNING,
                        section=section, section_path=path + ("sectionName",) if section else None,
                        port=port, port_path=path + ("port",) if port is not None else None, only_if_present=True)
    for rule_index, rule in enumerate(_list(spec.get("rules"))):
        if not isinstance(rule, dict):
            continue
        for index, backend in enumerate(_list(rule.get("backendRefs"))):
            yield from _backend(resource, graph, ("spec", "rules", rule_index, "backendRefs", index), backend)
        for index, item in enumerate(_list(rule.get("filters"))):
            mirror = k8s.get(item, ("requestMirror", "backendRef"))
            yield from _backend(resource, graph, ("spec", "rules", rule_index, "filters", index, "requestMirror",
                                                  "backendRef"), mirror, mirror=True)


def _backend(resource: Resource, graph: ObjectIndex, path: Path, backend: Any, mirror: bool = False) -> Iterator[Reference]:
    if not isinstance(backend, dict) or not text(backend.get("name")):
        return
    if (backend.get("group", ""), backend.get("kind", "Service")) != ("", "Service"):
        return
    namespace = text(backend.get("namespace")) or resource.namespace
    if namespace is None or not _in_reach(graph, namespace, resource.namespace):
        return
    port = integer(backend.get("port"))
    effect = ("the mirrored requests are dropped" if mirror else
              "requests sent to this backend fail with 500 (ResolvedRefs: BackendNotFound)")
    yield Reference(resource, path + ("name",), "Service", backend["name"], namespace, via="backendRef",
                    effect=effect, port=port, port_path=path + ("port",) if port is not None else None,
                    port_effect=None if mirror else "requests sent to this backend fail with 500 (it does not resolve)",
                    only_if_present=True)


def _gateway(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    """A Gateway's TLS certificates (listeners[].tls.certificateRefs: core Secrets by default)."""
    for index, listener in enumerate(_list(k8s.get(resource.data, ("spec", "listeners")))):
        refs = k8s.get(listener, ("tls", "certificateRefs"))
        for ref_index, ref in enumerate(_list(refs)):
            if not isinstance(ref, dict) or not text(ref.get("name")):
                continue
            if (ref.get("group", ""), ref.get("kind", "Secret")) != ("", "Secret"):
                continue
            namespace = text(ref.get("namespace")) or resource.namespace
            if namespace is None or not _in_reach(graph, namespace, resource.namespace):
                continue
            yield Reference(resource, ("spec", "listeners", index, "tls", "certificateRefs", ref_index, "name"),
                            "Secret", ref["name"], namespace, via=f'listener "{listener.get("name")}" certificateRef',
                            effect="the listener is not programmed: TLS on it fails (InvalidCertificateRef)")
    yield from _issuer_annotations(resource)


def istio_host(host: Any, namespace: str | None) -> tuple[str, str] | None:
    """The Kubernetes Service (name, namespace) an Istio host names, as pilot resolves it
    (ResolveShortnameToFQDN, pilot/pkg/model/config.go): a short name (no dot) is a Service of the
    rule's namespace, ``name.ns.svc.cluster.local`` one of ``ns``. Wildcards, IP addresses and other
    names (ServiceEntry hosts, external hosts) name no Service: None."""
    if not isinstance(host, str) or not host or "*" in host:
        return None
    if ":" in host:   # an IPv6 address
        return None
    if "." not in host:
        return (host, namespace) if namespace else None
    suffix = "." + CLUSTER_DOMAIN
    if host.endswith(suffix):
        parts = host[: -len(suffix)].split(".")
        if len(parts) == 2 and all(parts):
            return parts[0], parts[1]
    return None


def destinations(resource: Resource) -> Iterator[tuple[Path, dict]]:
    """Every destination of a VirtualService (networking.istio.io): its http, tcp and tls routes'
    and the http routes' mirrors."""
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    for protocol in ("http", "tcp", "tls"):
        for index, route in enumerate(_list(spec.get(protocol))):
            if not isinstance(route, dict):
                continue
            for item_index, item in enumerate(_list(route.get("route"))):
                if isinstance(item, dict) and isinstance(item.get("destination"), dict):
                    yield (("spec", protocol, index, "route", item_index, "destination"), item["destination"])
            if isinstance(route.get("mirror"), dict):
                yield ("spec", protocol, index, "mirror"), route["mirror"]
            for item_index, item in enumerate(_list(route.get("mirrors"))):
                if isinstance(item, dict) and isinstance(item.get("destination"), dict):
                    yield (("spec", protocol, index, "mirrors", item_index, "destination"), item["destination"])


def _virtual_service(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    for path, destination in destinations(resource):
        target = istio_host(destination.get("host"), resource.namespace)
        if target is None or not _in_reach(graph, target[1], resource.namespace):
            continue
        port = integer(k8s.get(destination, ("port", "number")))
        yield Reference(resource, path + ("host",), "Service", target[0], target[1], via="destination",
                        effect="Istio drops the traffic routed to it (no such host in the service registry)",
                        port=port, port_path=path + ("port", "number") if port is not None else None,
                        port_effect="Istio has no cluster for that port and answers 503 for the traffic routed to it",
                        only_if_present=True)


def _issuer_ref(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    """A cert-manager Certificate's or CertificateRequest's issuerRef: an Issuer of its namespace
    (the default kind) or a ClusterIssuer; issuers of other groups are external issuers, not checked."""
    ref = k8s.get(resource.data, ("spec", "issuerRef"))
    if not isinstance(ref, dict) or not text(ref.get("name")):
        return
    kind = ref.get("kind") or "Issuer"
    if (ref.get("group") or CERT_MANAGER) != CERT_MANAGER or kind not in ("Issuer", "ClusterIssuer"):
        return
    noun = "certificate" if resource.kind == "Certificate" else "request"
    yield Reference(resource, ("spec", "issuerRef", "name"), kind, ref["name"],
                    resource.namespace if kind == "Issuer" else None, group=CERT_MANAGER, via="issuerRef",
                    effect=f"the {noun} is never issued" + (": its Secret is not created" if noun == "certificate"
                                                            else ""), only_if_present=True)


def _issuer_annotations(resource: Resource) -> Iterator[Reference]:
    """cert-manager's ingress-shim and gateway-shim: an Ingress or Gateway annotated with an issuer gets
    Certificates from it (pkg/controller/certificate-shim)."""
    annotations = k8s.get(resource.data, ("metadata", "annotations"))
    if not isinstance(annotations, dict):
        return
    for annotation, kind in (("cert-manager.io/cluster-issuer", "ClusterIssuer"), ("cert-manager.io/issuer", "Issuer")):
        name = text(annotations.get(annotation))
        if name is None:
            continue
        if kind == "Issuer":
            kind = text(annotations.get("cert-manager.io/issuer-kind")) or "Issuer"
            if (text(annotations.get("cert-manager.io/issuer-group")) or CERT_MANAGER) != CERT_MANAGER or \
                    kind not in ("Issuer", "ClusterIssuer"):
                continue
        yield Reference(resource, ("metadata", "annotations", annotation), kind, name,
                        resource.namespace if kind == "Issuer" else None, group=CERT_MANAGER, via=annotation,
                        effect="no certificate is issued for its TLS hosts", only_if_present=True)


#: Argo Rollouts' strategies and the Services each names (v1alpha1 BlueGreenStrategy, CanaryStrategy, PingPongSpec)
ROLLOUT_SERVICES: tuple[tuple[Path, str], ...] = (
    (("spec", "strategy", "blueGreen"), "activeService"), (("spec", "strategy", "blueGreen"), "previewService"),
    (("spec", "strategy", "canary"), "stableService"), (("spec", "strategy", "canary"), "canaryService"),
    (("spec", "strategy", "canary", "trafficRouting", "albs"), "rootService"),
    (("spec", "strategy", "canary", "pingPong"), "pingService"),
    (("spec", "strategy", "canary", "pingPong"), "pongService"),
)


def rollout_services(resource: Resource) -> Iterator[tuple[Path, str]]:
    """(path, name) of every Service an Argo Rollout's strategy names."""
    for parent, field_name in ROLLOUT_SERVICES:
        name = text(k8s.get(resource.data, parent + (field_name,)))
        if name:
            yield parent + (field_name,), name


def _rollout(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    for path, name in rollout_services(resource):
        yield Reference(resource, path, "Service", name, resource.namespace, via=path[-1],
                        effect="Argo Rollouts marks the Rollout InvalidSpec: no update is rolled out",
                        only_if_present=True)
    ref = k8s.get(resource.data, ("spec", "workloadRef"))
    if isinstance(ref, dict) and text(ref.get("kind")) and text(ref.get("name")):
        yield Reference(resource, ("spec", "workloadRef", "name"), ref["kind"], ref["name"], resource.namespace,
                        group=canonical_group(group_of(ref.get("apiVersion")), ref["kind"]), via="workloadRef",
                        effect="the Rollout has no pod template to run: it creates no pods")


def _scaled_object(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    """KEDA's scaleTargetRef: a Deployment of apps/v1 unless it says otherwise (v1alpha1 ScaleTarget)."""
    target = k8s.get(resource.data, ("spec", "scaleTargetRef"))
    if not isinstance(target, dict) or not text(target.get("name")):
        return
    kind = text(target.get("kind")) or "Deployment"
    group = canonical_group(group_of(target.get("apiVersion") or "apps/v1"), kind)
    yield Reference(resource, ("spec", "scaleTargetRef", "name"), kind, target["name"], resource.namespace,
                    group=group, via="scaleTargetRef",
                    effect="KEDA cannot scale it: the ScaledObject is not Ready (ScaledObjectCheckFailed)")


STRIMZI_GROUP = "kafka.strimzi.io"
STRIMZI_CLUSTER = "strimzi.io/cluster"
#: Strimzi's custom resources that name their cluster by label, the cluster's kind, and what happens without it
STRIMZI_OPERANDS = {
    "KafkaTopic": ("Kafka", "the Topic Operator ignores it: the topic is never created"),
    "KafkaUser": ("Kafka", "the User Operator ignores it: the user and its Secret are never created"),
    "KafkaNodePool": ("Kafka", "its nodes are never created"),
    "KafkaRebalance": ("Kafka", "the rebalance never runs"),
    "KafkaConnector": ("KafkaConnect", "the connector never runs"),
}


def _strimzi(resource: Resource, graph: ObjectIndex) -> Iterator[Reference]:
    target, effect = STRIMZI_OPERANDS[resource.kind]
    name = text(k8s.get(resource.data, ("metadata", "labels", STRIMZI_CLUSTER)))
    if name:
        yield Reference(resource, ("metadata", "labels", STRIMZI_CLUSTER), target, name, resource.namespace,
                        group=STRIMZI_GROUP, via=f"label {STRIMZI_CLUSTER}", effect=effect, only_if_present=True)


HANDLERS = {
    ("apps", "StatefulSet"): _statefulset,
    ("", "PersistentVolumeClaim"): lambda resource, graph: _storage_class(
        resource, ("spec",), resource.data.get("spec"), "the claim stays Pending"),
    ("networking.k8s.io", "Ingress"): _ingress,
    ("", "ServiceAccount"): _service_account,
    ("rbac.authorization.k8s.io", "RoleBinding"): _binding,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): _binding,
    ("autoscaling", "HorizontalPodAutoscaler"): _hpa,
    ("apiregistration.k8s.io", "APIService"): lambda resource, graph: _service_ref(
        resource, graph, ("spec", "service"), "APIService", "requests to the API it serves fail (503)"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): _webhooks,
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): _webhooks,
    ("apiextensions.k8s.io", "CustomResourceDefinition"): lambda resource, graph: _service_ref(
        resource, graph, ("spec", "conversion", "webhook", "clientConfig", "service"), "conversion webhook",
        "reading the custom resources in other versions fails"),
    **{(GATEWAY_GROUP, kind): _route for kind in ROUTE_KINDS},
    (GATEWAY_GROUP, "Gateway"): _gateway,
    ("networking.istio.io", "VirtualService"): _virtual_service,
    (CERT_MANAGER, "Certificate"): _issuer_ref,
    (CERT_MANAGER, "CertificateRequest"): _issuer_ref,
    ("argoproj.io", "Rollout"): _rollout,
    ("keda.sh", "ScaledObject"): _scaled_object,
    **{(STRIMZI_GROUP, kind): _strimzi for kind in STRIMZI_OPERANDS},
}
