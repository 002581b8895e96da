"""Volume mounts against the volumes of their pod spec.

Upstream: ValidateVolumeMounts and ValidateVolumeDevices (pkg/apis/core/validation): a
mount must name a volume of the pod spec ("Not found") and a container's mountPaths must
be unique ("must be unique"). The API server rejects such pods and pod templates; for a
StatefulSet it does not look, and the controller then fails to create the pods. A
StatefulSet's volumeClaimTemplates are volumes of its pods. A volume nothing mounts is
harmless dead configuration (info).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import closest, graph
from kubelint.k8s import objects as k8s
from kubelint.k8s.objects import items
from kubelint.model import Problem, Resource, Severity, format_path

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    schema_keys = _schema_list_keys(ctx.bundle)
    for resource in graph(ctx).with_pod_spec():
        for problem in _check(resource, schema_keys):
            yield resource, problem


def _schema_list_keys(bundle) -> set[str]:
    """The container lists whose duplicate paths the schema rules already report (list-map keys).

    Kubernetes 1.30 and later declare volumeMounts keyed by mountPath and volumeDevices by
    devicePath; schema-duplicate-key reports those, so this rule reports only what they cannot
    see: duplicates in older releases and a devicePath that is also a mountPath.
    """
    try:
        properties = bundle.defs["io.k8s.api.core.v1.Container"]["properties"]
    except (AttributeError, KeyError, TypeError):
        return set()
    return {field_name for field_name in ("volumeMounts", "volumeDevices")
            if properties.get(field_name, {}).get("x-kubernetes-list-map-keys")}


def _check(resource: Resource, schema_keys: set[str]) -> Iterator[Problem]:
    found = k8s.pod_spec(resource)
    if found is None:
        return
    spec_path, spec = found
    volumes = spec.get("volumes") if isinstance(spec.get("volumes"), list) else []
    names = {v["name"]: i for i, v in enumerate(volumes) if isinstance(v, dict) and isinstance(v.get("name"), str)}
    claims: set[str] = set()
    if resource.kind == "StatefulSet":
        for claim in items(k8s.get(resource.data, ("spec", "volumeClaimTemplates"))):
            name = k8s.get(claim, ("metadata", "name"))
            if isinstance(name, str):
                claims.add(name)
    effect = ("the StatefulSet controller cannot create its pods" if resource.kind == "StatefulSet"
              else f"the API server rejects the {resource.kind}")
    used: set[str] = set()
    for path, container in k8s.containers(spec, spec_path):
        seen_paths: dict[str, str] = {}
        for field_name in ("volumeMounts", "volumeDevices"):
            mounts = container.get(field_name)
            for index, mount in enumerate(mounts if isinstance(mounts, list) else []):
                if not isinstance(mount, dict) or not isinstance(mount.get("name"), str):
                    continue
                name = mount["name"]
                used.add(name)
                if name not in names and name not in claims:
                    known = sorted(set(names) | claims)
                    suggestion = closest(name, known)
                    listing = ", ".join(f'"{n}"' for n in known) or "none"
                    message = (f'{field_name}[{index}] names volume "{name}", which the pod spec does not define '
                               f"(its volumes: {listing}): {effect}")
                    if suggestion:
                        message += f'; did you mean "{suggestion}"?'
                    yield Problem(path + (field_name, index, "name"), message,
                                  hint=f'add a volume named "{name}" to {_volumes_path(spec_path)}'
                                       + (" or spec.volumeClaimTemplates" if resource.kind == "StatefulSet" else ""))
                key = "mountPath" if field_name == "volumeMounts" else "devicePath"
                target = mount.get(key)
                if isinstance(target, str) and target:
                    normal = target   # compared as written, as ValidateVolumeMounts does
                    earlier = seen_paths.get(normal, "")
                    if earlier and (field_name not in schema_keys or not earlier.startswith(field_name)):
                        yield Problem(path + (field_name, index, key), f'{key} "{target}" is used twice in container '
                                      f'"{container.get("name")}" (also by {earlier}): '
                                      f"{effect} (must be unique)", hint="mount each path once, or use subPath to "
                                                                         "combine files of several volumes")
                    elif not earlier:
                        seen_paths[normal] = f"{field_name}[{index}]"
    for name, index in names.items():
        if name not in used:
            yield Problem(spec_path + ("volumes", index, "name"), f'volume "{name}" is not mounted by any container',
                          severity=Severity.INFO, hint="remove the volume, or mount it where it is needed")


def _volumes_path(spec_path) -> str:
    return format_path(spec_path + ("volumes",))
