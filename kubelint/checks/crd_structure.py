"""CustomResourceDefinitions as the API server validates them: names, versions, structural schemas.

Upstream: staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go
(ValidateCustomResourceDefinitionSpec, ValidateCustomResourceDefinitionNames,
ValidateCustomResourceDefinitionOpenAPISchema, validateListSetsAndMaps) and
pkg/apiserver/schema/validation.go (ValidateStructural: every node typed, items for arrays,
properties beside additionalProperties forbidden, metadata at the root limited to name and
generateName, $ref and uniqueItems forbidden).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_dict, as_list, as_str, items, present
from kubelint.model import Path, Problem, Resource

PARAMS: dict = {}
KINDS = frozenset({"CustomResourceDefinition"})  # the engine only calls check_resource for these kinds


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if resource.kind != "CustomResourceDefinition" or resource.api_version != "apiextensions.k8s.io/v1":
        return
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    errors = Errors()
    group = as_str(spec.get("group"))
    if group:
        for message in k8s.dns1123_subdomain_errors(group):
            errors.invalid(("spec", "group"), group, message)
        if "." not in group:
            errors.invalid(("spec", "group"), group, "should be a domain with at least one dot",
                           hint=f"use your domain, e.g. {group}.example.com")
    scope = spec.get("scope")
    if isinstance(scope, str) and scope not in ("Namespaced", "Cluster"):
        errors.unsupported(("spec", "scope"), scope, ["Cluster", "Namespaced"])
    _names(errors, as_dict(spec.get("names")))
    if spec.get("preserveUnknownFields") is True:
        errors.invalid(("spec", "preserveUnknownFields"), True, "must be false in order to use defaults in the schema",
                       hint="set x-kubernetes-preserve-unknown-fields: true in the schema instead")
    versions = as_list(spec.get("versions"))
    if not versions:
        errors.required(("spec", "versions"), "must have exactly one version marked as storage version")
    seen: set[str] = set()
    storage = []
    for index, version in items(spec, "versions"):
        where = ("spec", "versions", index)
        name = as_str(version.get("name"))
        if name:
            for message in k8s.dns1035_label_errors(name):
                errors.invalid(where + ("name",), name, message)
            if name in seen:
                errors.duplicate(where + ("name",), name, hint="version names must be unique")
            seen.add(name)
        if version.get("storage") is True:
            storage.append(index)
        schema = k8s.get(version, ("schema", "openAPIV3Schema"))
        if schema is None:
            errors.required(where + ("schema", "openAPIV3Schema"), "schemas are required",
                            hint="give the version an openAPIV3Schema (type: object, with "
                                 "x-kubernetes-preserve-unknown-fields: true if anything goes)")
        elif isinstance(schema, dict):
            _root(errors, where + ("schema", "openAPIV3Schema"), schema)
    if versions and len(storage) != 1:
        errors.invalid(("spec", "versions"), "[...]", "must have exactly one version marked as storage version",
                       hint="set storage: true on exactly one version")
    yield from errors


def _names(errors: Errors, names: dict) -> None:
    for field in ("plural", "singular"):
        value = as_str(names.get(field))
        if value:
            for message in k8s.dns1035_label_errors(value):
                errors.invalid(("spec", "names", field), value, message)
    for field in ("kind", "listKind"):
        value = as_str(names.get(field))
        if value:
            for message in k8s.dns1035_label_errors(value.lower()):
                errors.invalid(("spec", "names", field), value, message)
    if names.get("kind") and names.get("kind") == names.get("listKind"):
        errors.invalid(("spec", "names", "listKind"), names["listKind"], "kind and listKind may not be the same")
    for index, short in enumerate(as_list(names.get("shortNames"))):
        if isinstance(short, str):
            for message in k8s.dns1035_label_errors(short):
                errors.invalid(("spec", "names", "shortNames", index), short, message)


def _root(errors: Errors, path: Path, schema: dict) -> None:
    if schema.get("type") != "object":
        errors.invalid(path + ("type",), schema.get("type") or "", "must be object at the root")
    metadata = as_dict(as_dict(schema.get("properties")).get("metadata"))
    if metadata:
        extra = sorted(set(as_dict(metadata.get("properties"))) - {"name", "generateName"})
        if extra or any(k in metadata for k in ("required", "additionalProperties", "x-kubernetes-validations")):
            errors.forbidden(path + ("properties", "metadata"), "must not specify anything other than name and "
                             "generateName, but metadata is implicitly specified",
                             hint="remove the metadata schema (Kubernetes validates ObjectMeta itself)")
        if metadata.get("type") not in (None, "object"):
            errors.invalid(path + ("properties", "metadata", "type"), metadata.get("type"), "must be object")
    _node(errors, path, schema, structural=True, where="root")


def _node(errors: Errors, path: Path, schema: dict, structural: bool, where: str) -> None:
    if "$ref" in schema:
        errors.forbidden(path + ("$ref",), "$ref is not supported")
    if schema.get("uniqueItems") is True:
        errors.forbidden(path + ("uniqueItems",), "uniqueItems cannot be set to true since the runtime complexity "
                         "becomes quadratic", hint="use x-kubernetes-list-type: set")
    if schema.get("x-kubernetes-preserve-unknown-fields") is False:
        errors.invalid(path + ("x-kubernetes-preserve-unknown-fields",), False, "must be true or undefined")
    kind = schema.get("type")
    untyped_ok = bool(schema.get("x-kubernetes-int-or-string") or schema.get("x-kubernetes-preserve-unknown-fields"))
    if structural and where != "root" and not kind and not untyped_ok:
        message = ("must not be empty for specified array items" if where == "items"
                   else "must not be empty for specified object fields")
        errors.required(path + ("type",), message,
                        hint="give the field a type (string, integer, object ...), or mark it "
                             "x-kubernetes-preserve-unknown-fields: true / x-kubernetes-int-or-string: true")
    properties = schema.get("properties")
    extra = schema.get("additionalProperties")
    if isinstance(properties, dict) and properties and isinstance(extra, dict):
        errors.forbidden(path + ("additionalProperties",), "additionalProperties and properties are mutual "
                         "exclusive", hint="use properties for known fields or additionalProperties for a map")
    if kind == "array" and structural and not isinstance(schema.get("items"), dict):
        errors.required(path + ("items",), "must be specified", hint="say what the list holds: items: {type: ...}")
    _lists(errors, path, schema)
    if isinstance(properties, dict):
        for name, sub in properties.items():
            if isinstance(sub, dict):
                _node(errors, path + ("properties", name), sub, structural, "property")
    if isinstance(schema.get("items"), dict):
        _node(errors, path + ("items",), schema["items"], structural, "items")
    if isinstance(extra, dict):
        _node(errors, path + ("additionalProperties",), extra, structural, "property")
    for combinator in ("allOf", "anyOf", "oneOf"):
        for index, option in enumerate(as_list(schema.get(combinator))):
            if isinstance(option, dict):
                _node(errors, path + (combinator, index), option, False, "value")


def _lists(errors: Errors, path: Path, schema: dict) -> None:
    list_type = schema.get("x-kubernetes-list-type")
    keys = as_list(schema.get("x-kubernetes-list-map-keys"))
    if keys and list_type != "map":
        errors.invalid(path + ("x-kubernetes-list-type",), list_type or "", "must be map if "
                       "x-kubernetes-list-map-keys is non-empty")
    if list_type is not None and schema.get("type") not in (None, "array"):
        errors.invalid(path + ("x-kubernetes-list-type",), list_type, "must only be used on arrays")
    if list_type != "map":
        return
    item = schema.get("items")
    if not keys:
        errors.required(path + ("x-kubernetes-list-map-keys",), "must not be empty if x-kubernetes-list-type is map")
    if not isinstance(item, dict):
        errors.required(path + ("items",), "must have an items schema if x-kubernetes-list-type is map")
        return
    if item.get("type") != "object":
        errors.invalid(path + ("items", "type"), item.get("type") or "", "must be object if parent array's "
                       "x-kubernetes-list-type is map")
        return
    properties = as_dict(item.get("properties"))
    required = set(as_list(item.get("required")))
    for index, key in enumerate(keys):
        if not isinstance(key, str):
            continue
        if key not in properties:
            errors.invalid(path + ("x-kubernetes-list-map-keys", index), key, "entries must all be names of item "
                           "properties")
            continue
        field = as_dict(properties[key])
        if field.get("type") not in ("string", "integer", "number", "boolean") and not field.get(
                "x-kubernetes-int-or-string"):
            errors.invalid(path + ("items", "properties", key, "type"), field.get("type") or "",
                           "must be a scalar type if parent array's x-kubernetes-list-type is map")
        if key not in required and not present(field, "default"):
            errors.required(path + ("items", "required"), f"all map keys must be required or have a default value "
                            f"({key})", hint=f'add "{key}" to the items\' required list, or give it a default')
