"""Custom resources: CustomResourceDefinitions from the input define kinds and their schemas.

The CRD's ``openAPIV3Schema`` is a structural schema; it is turned into JSON Schema
the way the API server applies it: unknown fields are rejected (pruning, reported
by strict field validation) unless ``x-kubernetes-preserve-unknown-fields``;
``nullable``, ``x-kubernetes-int-or-string``, ``x-kubernetes-embedded-resource``
and list types are honoured.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kubelint.model import Resource
from kubelint.schema.cel import apply_defaults

_VALUE_KEYWORDS = ("enum", "pattern", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems",
                   "minProperties", "maxProperties", "multipleOf", "minimum", "maximum")


@dataclass
class CustomKind:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    served: bool
    deprecated: bool
    deprecation_warning: str | None
    schema: dict[str, Any] | None
    definition: Resource
    #: the version's place in the CRD's ``spec.versions``
    index: int
    #: ``subresources.status`` is set: the API server drops ``status`` on create and keeps the old one
    #: on update (PrepareForCreate and PrepareForUpdate in apiextensions-apiserver/pkg/registry/
    #: customresource/strategy.go), so a manifest's status is never validated
    status_subresource: bool = False

    @property
    def key(self) -> tuple[str, int, int, int]:
        """What the validators compiled from this schema are cached under, for the whole process.

        The content of the schema, not the CRD object: a CRD read in a later run may be allocated
        where a freed one was, and must not be validated with that one's schema. The digest is
        kept on the CRD (``definition.memo``), so the catalog's CRDs, which are the same objects in
        every run, are hashed once per process.
        """
        memo_key = f"crd-schema-key-{self.index}"
        found = self.definition.memo.get(memo_key)
        if found is None:
            text = json.dumps(self.schema, sort_keys=True, separators=(",", ":"), default=str)
            found = self.definition.memo[memo_key] = ("crd", len(text), hash(text), self.index)
        return found

    def json_schema(self, object_meta_ref: str) -> dict[str, Any]:
        """The converted schema, computed once per CRD object (per run for a CRD of the input,
        once per process for the catalog's)."""
        memo_key = f"crd-json-schema-{self.index}-{object_meta_ref}"
        found = self.definition.memo.get(memo_key)
        if found is None:
            found = self.definition.memo[memo_key] = to_json_schema(self.schema or {}, object_meta_ref)
        return found

    def as_validated(self, data: dict[str, Any]) -> dict[str, Any]:
        """The object as the API server validates it on create: without ``status`` when the status
        subresource is on (strategy.go, above), with the schema's defaults applied and nulls of
        fields that are not nullable pruned first (structural defaulting, KEP-575: the decoder
        defaults before validation, so a required field with a default may be left out).
        ``metadata`` is left as it is. A new object; ``data`` is not changed."""
        body = {k: v for k, v in data.items() if k != "metadata" and not (k == "status" and self.status_subresource)}
        defaulted = apply_defaults(self.schema, body) if isinstance(self.schema, dict) else body
        if "metadata" in data:
            defaulted["metadata"] = data["metadata"]
        return defaulted

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"


class CRDRegistry:
    """The custom kinds known in this run."""

    def __init__(self) -> None:
        self._kinds: dict[tuple[str, str], CustomKind] = {}
        self._groups: dict[tuple[str, str], list[CustomKind]] = {}

    def add(self, crd: Resource) -> None:
        spec = crd.data.get("spec")
        if not isinstance(spec, dict):
            return
        group, names, versions = spec.get("group"), spec.get("names"), spec.get("versions")
        if not isinstance(group, str) or not isinstance(names, dict) or not isinstance(versions, list):
            return
        kind = names.get("kind")
        if not isinstance(kind, str):
            return
        namespaced = spec.get("scope", "Namespaced") != "Cluster"
        shared_schema = (spec.get("validation") or {}).get("openAPIV3Schema") if isinstance(spec.get("validation"), dict) else None
        shared_subresources = spec.get("subresources")  # apiextensions.k8s.io/v1beta1: one for all versions
        for index, version in enumerate(versions):
            if not isinstance(version, dict) or not isinstance(version.get("name"), str):
                continue
            schema = version.get("schema")
            raw = schema.get("openAPIV3Schema") if isinstance(schema, dict) else shared_schema
            subresources = version.get("subresources") if "subresources" in version else shared_subresources
            custom = CustomKind(
                group=group, version=version["name"], kind=kind, plural=str(names.get("plural", "")),
                namespaced=namespaced, served=bool(version.get("served", True)),
                deprecated=bool(version.get("deprecated", False)),
                deprecation_warning=version.get("deprecationWarning"),
                schema=raw if isinstance(raw, dict) else None, definition=crd, index=index,
                status_subresource=isinstance(subresources, dict) and isinstance(subresources.get("status"), dict))
            self._kinds[(custom.api_version, kind)] = custom
            self._groups.setdefault((group, kind), []).append(custom)

    def lookup(self, api_version: str, kind: str) -> CustomKind | None:
        return self._kinds.get((api_version, kind))

    def versions_of(self, group: str, kind: str) -> list[CustomKind]:
        return self._groups.get((group, kind), [])

    def kinds(self) -> list[CustomKind]:
        return list(self._kinds.values())

    def __len__(self) -> int:
        return len(self._kinds)


def to_json_schema(schema: dict[str, Any], object_meta_ref: str, root: bool = True) -> dict[str, Any]:
    """A CRD structural schema as JSON Schema 2020-12; metadata refers to ``object_meta_ref``."""
    out = _convert(schema, structural=True)
    if root:
        properties = out.setdefault("properties", {})
        properties["apiVersion"] = {"type": "string"}
        properties["kind"] = {"type": "string"}
        properties["metadata"] = {"$ref": object_meta_ref}
        out.setdefault("type", "object")
    return out


def _convert(schema: Any, structural: bool) -> dict[str, Any]:
    if not isinstance(schema, dict):
        return {}
    out: dict[str, Any] = {}
    kind = schema.get("type")
    if schema.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
    elif isinstance(kind, str) and kind:
        out["type"] = kind
    if schema.get("nullable") and "type" in out:
        kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = kinds + ["null"]
    for keyword in _VALUE_KEYWORDS:
        if keyword in schema:
            out[keyword] = schema[keyword]
    if isinstance(schema.get("enum"), list) and schema.get("nullable"):
        out["enum"] = list(schema["enum"]) + [None]
    if schema.get("exclusiveMinimum") is True and "minimum" in schema:
        out["exclusiveMinimum"] = out.pop("minimum")
    if schema.get("exclusiveMaximum") is True and "maximum" in schema:
        out["exclusiveMaximum"] = out.pop("maximum")
    properties = schema.get("properties")
    if isinstance(properties, dict):
        out["properties"] = {name: _convert(sub, structural) for name, sub in properties.items()}
    if isinstance(schema.get("items"), dict):
        out["items"] = _convert(schema["items"], structural)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        out["additionalProperties"] = _convert(extra, structural)
    elif extra is False:
        out["additionalProperties"] = False
    if isinstance(schema.get("required"), list):
        out["required"] = list(schema["required"])
    for combinator in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(combinator), list):
            out[combinator] = [_convert(option, structural=False) for option in schema[combinator]]
    if isinstance(schema.get("not"), dict):
        out["not"] = _convert(schema["not"], structural=False)
    if structural and kind == "object" or (structural and isinstance(properties, dict)):
        embedded = schema.get("x-kubernetes-embedded-resource")
        if embedded:
            props = out.setdefault("properties", {})
            props.setdefault("apiVersion", {"type": "string"})
            props.setdefault("kind", {"type": "string"})
            props.setdefault("metadata", {"type": "object"})
        if not schema.get("x-kubernetes-preserve-unknown-fields") and "additionalProperties" not in out:
            out["additionalProperties"] = False
    list_type = schema.get("x-kubernetes-list-type")
    if list_type == "map" and isinstance(schema.get("x-kubernetes-list-map-keys"), list):
        out["x-kubernetes-list-map-keys"] = list(schema["x-kubernetes-list-map-keys"])
    elif list_type == "set":
        out["uniqueItems"] = True
    return out
