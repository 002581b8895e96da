"""Object metadata the API server validates beside names, labels and annotations: finalizers and
owner references.

Upstream: ValidateObjectMetaAccessor, ValidateFinalizers and validateOwnerReference in
k8s.io/apimachinery/pkg/api/validation/objectmeta.go, and the stricter finalizer names of
built-in kinds (validateKubeFinalizerName in pkg/apis/core/validation/validation.go: a name
without a '/' must be a standard finalizer: kubernetes, orphan, foregroundDeletion).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_list, items
from kubelint.model import Problem, Resource

PARAMS: dict = {}
STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    metadata = resource.data.get("metadata")
    if not isinstance(metadata, dict) or ("finalizers" not in metadata and "ownerReferences" not in metadata):
        return
    errors = Errors()
    finalizers = as_list(metadata.get("finalizers"))
    builtin = bool(finalizers) and ctx.bundle.kind(resource.api_version, resource.kind) is not None
    for index, name in enumerate(finalizers):
        if not isinstance(name, str):
            continue
        where = ("metadata", "finalizers", index)
        messages = k8s.qualified_name_errors(name)
        for message in messages:
            errors.invalid(where, name, message)
        if not messages and builtin and "/" not in name and name not in STANDARD_FINALIZERS:
            errors.invalid(where, name, "name is neither a standard finalizer name nor is it fully qualified",
                           hint=f"qualify it with your domain (example.com/{name})")
    controllers = []
    for index, owner in items(metadata, "ownerReferences"):
        where = ("metadata", "ownerReferences", index)
        api_version = owner.get("apiVersion")
        if isinstance(api_version, str) and not api_version.rpartition("/")[2]:
            errors.invalid(where + ("apiVersion",), api_version, "version must not be empty")
        if owner.get("kind") == "":
            errors.invalid(where + ("kind",), "", "kind must not be empty")
        name = owner.get("name")
        if name == "":
            errors.invalid(where + ("name",), "", "name must not be empty")
        elif isinstance(name, str):
            for message in k8s.path_segment_errors(name):
                errors.invalid(where + ("name",), name, message)
        if owner.get("uid") == "":
            errors.invalid(where + ("uid",), "", "uid must not be empty",
                           hint="owner references point at a live object's uid: let the controller set them")
        if api_version == "v1" and owner.get("kind") == "Event":
            errors.invalid(where, "{...}", "/v1, Kind=Event is disallowed from being an owner")
        if owner.get("controller") is True:
            controllers.append(index)
    if len(controllers) > 1:
        errors.invalid(("metadata", "ownerReferences", controllers[1], "controller"), True,
                       "Only one reference can have Controller set to true",
                       hint="mark only the managing controller as controller: true")
    yield from errors
