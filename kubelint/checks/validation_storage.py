"""PersistentVolumeClaims, PersistentVolumes, StorageClasses (and StatefulSet claim templates) as the
API server validates them.

Upstream: ValidatePersistentVolumeClaimSpec and ValidatePersistentVolumeSpec in
pkg/apis/core/validation/validation.go; ValidateStorageClass (validateProvisioner,
validateParameters) in pkg/apis/storage/validation/validation.go.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks.validation_pod.volumes import VOLUME_SOURCES
from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_dict, as_list, as_str, label_selector, present, quantity
from kubelint.model import Path, Problem, Resource

PARAMS: dict = {}
KINDS = frozenset({"PersistentVolumeClaim", "PersistentVolume", "StorageClass", "StatefulSet"})  # the engine only calls check_resource for these kinds

PV_SOURCES = tuple(s for s in VOLUME_SOURCES if s not in ("emptyDir", "gitRepo", "secret", "configMap",
                                                          "downwardAPI", "projected", "persistentVolumeClaim",
                                                          "ephemeral", "image")) + ("local",)


_KINDS = {("", "PersistentVolumeClaim"), ("", "PersistentVolume"), ("storage.k8s.io", "StorageClass"),
          ("apps", "StatefulSet")}


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if (resource.group, resource.kind) not in _KINDS:
        return
    errors = Errors()
    data = resource.data
    if resource.group == "" and resource.kind == "PersistentVolumeClaim":
        if isinstance(data.get("spec"), dict):
            claim_spec(errors, ("spec",), data["spec"])
    elif resource.group == "" and resource.kind == "PersistentVolume":
        if isinstance(data.get("spec"), dict):
            _volume(errors, data["spec"])
    elif resource.group == "storage.k8s.io" and resource.kind == "StorageClass":
        _storage_class(errors, data)
    elif resource.group == "apps" and resource.kind == "StatefulSet":
        for index, template in enumerate(as_list(k8s.get(data, ("spec", "volumeClaimTemplates")))):
            if isinstance(template, dict) and isinstance(template.get("spec"), dict):
                claim_spec(errors, ("spec", "volumeClaimTemplates", index, "spec"), template["spec"])
    yield from errors


def claim_spec(errors: Errors, path: Path, spec: dict) -> None:
    modes = as_list(spec.get("accessModes"))
    if not modes:
        errors.required(path + ("accessModes",), "at least 1 access mode is required",
                        hint="e.g. accessModes: [ReadWriteOnce]")
    elif "ReadWriteOncePod" in modes and len(modes) > 1:
        errors.forbidden(path + ("accessModes",), "may not use ReadWriteOncePod with other access modes")
    label_selector(errors, path + ("selector",), spec.get("selector"))
    requests = as_dict(as_dict(spec.get("resources")).get("requests"))
    if "storage" not in requests:
        errors.required(path + ("resources", "requests", "storage"), hint="request a size, e.g. storage: 10Gi")
    else:
        amount = quantity(requests["storage"])
        if amount is not None and amount <= 0:
            errors.invalid(path + ("resources", "requests", "storage"), requests["storage"],
                           "must be greater than zero")
    class_name = as_str(spec.get("storageClassName"))
    if class_name:
        for message in k8s.dns1123_subdomain_errors(class_name):
            errors.invalid(path + ("storageClassName",), class_name, message)


def _volume(errors: Errors, spec: dict) -> None:
    if not as_list(spec.get("accessModes")):
        errors.required(("spec", "accessModes"))
    capacity = spec.get("capacity")
    if not as_dict(capacity):
        errors.required(("spec", "capacity"), hint="e.g. capacity: {storage: 10Gi}")
    elif "storage" not in capacity or len(capacity) > 1:
        errors.unsupported(("spec", "capacity"), "{...}", ["storage"])
    else:
        amount = quantity(capacity["storage"])
        if amount is not None and amount <= 0:
            errors.invalid(("spec", "capacity", "storage"), capacity["storage"], "must be greater than zero")
    sources = [s for s in PV_SOURCES if present(spec, s)]
    if not sources:
        errors.required(("spec",), "must specify a volume type", hint="add the volume's source: csi, nfs, local ...")
    elif len(sources) > 1:
        errors.forbidden(("spec", sources[1]), "may not specify more than 1 volume type")
    if present(spec, "local") and not present(spec, "nodeAffinity"):
        errors.required(("spec", "nodeAffinity"), "Local volume requires node affinity")


def _storage_class(errors: Errors, data: dict) -> None:
    provisioner = data.get("provisioner")
    if provisioner == "":
        errors.required(("provisioner",))
    elif isinstance(provisioner, str):
        for message in k8s.qualified_name_errors(provisioner.lower()):
            errors.invalid(("provisioner",), provisioner, message)
    parameters = as_dict(data.get("parameters"))
    if len(parameters) > 512:
        errors.too_many(("parameters",), len(parameters), 512)
    total = sum(len(k) + len(v) for k, v in parameters.items() if isinstance(v, str))
    if total > 256 * 1024:
        errors.add(("parameters",), f"Too long: must have at most {256 * 1024} bytes")
    for key in parameters:
        if key == "":
            errors.invalid(("parameters",), "", "parameter names cannot be empty")
