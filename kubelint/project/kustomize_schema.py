"""The schema of kustomization files (Kustomization and Component), as kustomize decodes them.

Written from sigs.k8s.io/kustomize/api/types (kustomization.go and the types it uses: Patch,
Selector, Image, Replica, Label, ConfigMapArgs, SecretArgs, GeneratorArgs, KvPairSources,
GeneratorOptions, HelmChart, HelmGlobals, ReplacementField, Var, SortOptions). kustomize decodes
with ``json.Decoder.DisallowUnknownFields``, so an unknown field is an error
(``invalid Kustomization: json: unknown field "namePrefx"``); Go's encoding/json matches field
names case-insensitively, so ``Resources:`` is ``resources:`` (kubelint.project.kustomize
canonicalises keys before validating).
"""

from __future__ import annotations

from typing import Any

STRING: dict[str, Any] = {"type": "string"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
STRINGS: dict[str, Any] = {"type": "array", "items": STRING}
STRING_MAP: dict[str, Any] = {"type": "object", "additionalProperties": STRING}


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


FIELD_SPEC = _object({"group": STRING, "version": STRING, "kind": STRING, "path": STRING, "create": BOOLEAN})
SELECTOR = _object({"group": STRING, "version": STRING, "kind": STRING, "name": STRING, "namespace": STRING,
                    "labelSelector": STRING, "annotationSelector": STRING})
PATCH = _object({"path": STRING, "patch": STRING, "target": SELECTOR,
                 "options": _object({"allowNameChange": BOOLEAN, "allowKindChange": BOOLEAN})})
IMAGE = _object({"name": STRING, "newName": STRING, "newTag": STRING, "digest": STRING, "tagSuffix": STRING})
REPLICA = _object({"name": STRING, "count": {"type": "integer"}})
LABEL = _object({"pairs": STRING_MAP, "includeSelectors": BOOLEAN, "includeTemplates": BOOLEAN,
                 "includeVolumeClaimTemplates": BOOLEAN, "fields": {"type": "array", "items": FIELD_SPEC}})
GENERATOR_OPTIONS = _object({"labels": STRING_MAP, "annotations": STRING_MAP, "disableNameSuffixHash": BOOLEAN,
                             "immutable": BOOLEAN})
_GENERATOR_ARGS = {"name": STRING, "namespace": STRING, "behavior": STRING, "literals": STRINGS, "files": STRINGS,
                   "envs": STRINGS, "env": STRING, "options": GENERATOR_OPTIONS}
CONFIG_MAP_ARGS = _object(_GENERATOR_ARGS)
SECRET_ARGS = _object({**_GENERATOR_ARGS, "type": STRING})
OBJECT_REF = _object({"apiVersion": STRING, "group": STRING, "version": STRING, "kind": STRING, "name": STRING,
                      "namespace": STRING})
VAR = _object({"name": STRING, "objref": OBJECT_REF, "fieldref": _object({"fieldpath": STRING})})
_SOURCE_SELECTOR = _object({"group": STRING, "version": STRING, "kind": STRING, "name": STRING, "namespace": STRING,
                            "fieldPath": STRING, "options": {"type": "object"}})
REPLACEMENT = _object({"source": _SOURCE_SELECTOR, "targets": {"type": "array", "items": {"type": "object"}},
                       "sourceValue": STRING, "path": STRING})
HELM_CHART = _object({
    "name": STRING, "version": STRING, "repo": STRING, "releaseName": STRING, "namespace": STRING,
    "additionalValuesFiles": STRINGS, "valuesFile": STRING, "valuesInline": {"type": "object"},
    "valuesMerge": STRING, "includeCRDs": BOOLEAN, "skipHooks": BOOLEAN, "apiVersions": STRINGS,
    "kubeVersion": STRING, "nameTemplate": STRING, "skipTests": BOOLEAN, "debug": BOOLEAN, "devel": BOOLEAN})
HELM_CHART_ARGS = {"type": "object"}  # helmChartInflationGenerator (deprecated): converted by kustomize
#: transformers, generators and validators: file paths, folders, or inline YAML
PLUGINS: dict[str, Any] = {"type": "array", "items": STRING}

KUSTOMIZATION: dict[str, Any] = _object({
    "apiVersion": STRING,
    "kind": STRING,
    "metadata": _object({"name": STRING, "namespace": STRING, "labels": STRING_MAP, "annotations": STRING_MAP}),
    "openapi": STRING_MAP,
    "namePrefix": STRING,
    "nameSuffix": STRING,
    "namespace": STRING,
    "commonLabels": STRING_MAP,
    "labels": {"type": "array", "items": LABEL},
    "commonAnnotations": STRING_MAP,
    "patchesStrategicMerge": STRINGS,
    "patchesJson6902": {"type": "array", "items": PATCH},
    "patches": {"type": "array", "items": PATCH},
    "images": {"type": "array", "items": IMAGE},
    "imageTags": {"type": "array", "items": IMAGE},
    "replacements": {"type": "array", "items": REPLACEMENT},
    "replicas": {"type": "array", "items": REPLICA},
    "vars": {"type": "array", "items": VAR},
    "sortOptions": _object({"order": {"type": "string", "enum": ["legacy", "fifo"]},
                            "legacySortOptions": _object({"orderFirst": STRINGS, "orderLast": STRINGS})}),
    "resources": STRINGS,
    "components": STRINGS,
    "crds": STRINGS,
    "bases": STRINGS,
    "configMapGenerator": {"type": "array", "items": CONFIG_MAP_ARGS},
    "secretGenerator": {"type": "array", "items": SECRET_ARGS},
    "helmGlobals": _object({"chartHome": STRING, "configHome": STRING}),
    "helmCharts": {"type": "array", "items": HELM_CHART},
    "helmChartInflationGenerator": {"type": "array", "items": HELM_CHART_ARGS},
    "generatorOptions": GENERATOR_OPTIONS,
    "configurations": STRINGS,
    "generators": PLUGINS,
    "transformers": PLUGINS,
    "validators": PLUGINS,
    "buildMetadata": {"type": "array", "items": {"type": "string",
                                                   "enum": ["originAnnotations", "transformerAnnotations",
                                                            "managedByLabel"]}},
})

#: deprecated fields and what replaces them (kustomization.go CheckDeprecatedFields)
DEPRECATED = {"bases": "resources", "commonLabels": "labels", "imageTags": "images",
              "patchesJson6902": "patches", "patchesStrategicMerge": "patches", "vars": "replacements"}
