"""Every reference by name from one object to another, with the path of the field that names it.

The fields follow the API types (k8s.io/api/core/v1 PodSpec, Volume, EnvVarSource,
EnvFromSource; networking/v1 IngressSpec; rbac/v1 RoleBinding; autoscaling/v2
CrossVersionObjectReference; admissionregistration/v1 ServiceReference ...). Namespaced
targets live in the referring object's namespace: no reference crosses namespaces except
the RBAC subjects and the webhook Services that name one explicitly.
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
    key_only: bool = False        # another reference reports the missing object (volume items)


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
}
