"""The pod's volumes: one source each, and the files the secret, configMap, downwardAPI and
projected sources write.

Upstream: ValidateVolumes, validateVolumeSource, validateKeyToPath, validateDownwardAPIVolumeFile,
validateProjectedVolumeSource (validateProjectionSources), validateEmptyDirVolumeSource and
validateHostPathVolumeSource in pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

import re

from kubelint.k8s.apivalidation import (
    Errors,
    as_dict,
    as_int,
    as_str,
    file_mode,
    items,
    present,
    quantity,
    relative_path,
)
from kubelint.model import Path

# Every volume source of core/v1 Volume (the fields other than name).
VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
    "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
    "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
    "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
)
_SOURCE_ORDER = {name: index for index, name in enumerate(VOLUME_SOURCES)}
VOLUME_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.labels", "metadata.annotations",
                      "metadata.uid")
PROJECTIONS = ("secret", "configMap", "downwardAPI", "serviceAccountToken", "clusterTrustBundle", "podCertificate")


def validate_volumes(errors: Errors, path: Path, spec: dict) -> None:
    for index, volume in items(spec, "volumes"):
        where = path + ("volumes", index)
        sources = sorted((k for k, v in volume.items() if v is not None and k in _SOURCE_ORDER),
                         key=_SOURCE_ORDER.__getitem__)
        if not sources:
            continue   # SetDefaults_Volume: a volume without a source is an emptyDir
        if len(sources) > 1:
            errors.forbidden(where + (sources[1],), "may not specify more than 1 volume type",
                             hint=f"a volume has one source: keep one of {', '.join(sources)}")
        for source in sources:
            validate_volume_source(errors, where + (source,), source, as_dict(volume.get(source)))


def validate_volume_source(errors: Errors, path: Path, kind: str, source: dict) -> None:
    """The source ``kind`` (secret, configMap, ...) of one volume, at ``path``."""
    if kind in ("secret", "configMap", "downwardAPI", "projected"):
        file_mode(errors, path + ("defaultMode",), source.get("defaultMode"))
    if kind in ("secret", "configMap"):
        for index, item in items(source, "items"):
            validate_key_to_path(errors, path + ("items", index), item)
    elif kind == "downwardAPI":
        for index, item in items(source, "items"):
            validate_downward_api_file(errors, path + ("items", index), item)
    elif kind == "projected":
        for index, projection in items(source, "sources"):
            _projection(errors, path + ("sources", index), projection)
    elif kind == "emptyDir":
        size = quantity(source.get("sizeLimit"))
        if size is not None and size < 0:
            errors.invalid(path + ("sizeLimit",), source.get("sizeLimit"), "must be greater than or equal to 0")
    elif kind == "hostPath":
        host_path = as_str(source.get("path"))
        if host_path is not None and ".." in host_path.split("/"):
            errors.invalid(path + ("path",), host_path, "must not contain '..'")


def validate_key_to_path(errors: Errors, path: Path, item: dict) -> None:
    key = as_str(item.get("key"))
    if key is not None and not key:
        errors.required(path + ("key",))
    target = as_str(item.get("path"))
    if target is not None:
        if not target:
            errors.required(path + ("path",))
        relative_path(errors, path + ("path",), target)
    file_mode(errors, path + ("mode",), item.get("mode"))


def validate_downward_api_file(errors: Errors, path: Path, item: dict) -> None:
    relative_path(errors, path + ("path",), item.get("path"))
    file_mode(errors, path + ("mode",), item.get("mode"))
    refs = [r for r in ("fieldRef", "resourceFieldRef") if present(item, r)]
    if len(refs) > 1:
        errors.invalid(path, "", "fieldRef and resourceFieldRef can not be specified simultaneously")
    field_ref = as_dict(item.get("fieldRef"))
    field_path = as_str(field_ref.get("fieldPath"))
    if field_path is not None and not _volume_field_path_ok(field_path):
        errors.unsupported(path + ("fieldRef", "fieldPath"), field_path, list(VOLUME_FIELD_PATHS))


def _projection(errors: Errors, path: Path, projection: dict) -> None:
    """One source of a projected volume: a single kind, its files, a service account token's expiry."""
    kinds = [k for k in PROJECTIONS if present(projection, k)]
    if len(kinds) > 1:
        errors.forbidden(path + (kinds[1],), "may not specify more than 1 volume type per source")
    for sub in ("secret", "configMap"):
        for item_index, item in items(as_dict(projection.get(sub)), "items"):
            validate_key_to_path(errors, path + (sub, "items", item_index), item)
    for item_index, item in items(as_dict(projection.get("downwardAPI")), "items"):
        validate_downward_api_file(errors, path + ("downwardAPI", "items", item_index), item)
    token = as_dict(projection.get("serviceAccountToken"))
    expiry = as_int(token.get("expirationSeconds"))
    if expiry is not None and not 600 <= expiry <= 2**32:
        if expiry < 600:
            errors.invalid(path + ("serviceAccountToken", "expirationSeconds"), expiry,
                           "may not specify a duration less than 10 minutes")
        else:
            errors.invalid(path + ("serviceAccountToken", "expirationSeconds"), expiry,
                           "may not specify a duration larger than 2^32 seconds")
    if token and not as_str(token.get("path")):
        errors.required(path + ("serviceAccountToken", "path"))


def _volume_field_path_ok(path: str) -> bool:
    if path in VOLUME_FIELD_PATHS:
        return True
    return bool(re.fullmatch(r"metadata\.(labels|annotations)\['.*'\]", path))
