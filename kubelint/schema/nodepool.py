"""The kubelint.io/v1alpha1 NodePool kind, kubelint's compact node inventory for the scheduling dry-run.

Defined as a CustomResourceDefinition, which the engine registers in every run, so that NodePools
are validated like any custom resource (kubelint/schedule/inventory.py reads them).
"""

from __future__ import annotations

from typing import Any

from kubelint.model import Document, Resource, Source

NODEPOOL_GROUP = "kubelint.io"
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


_QUANTITY = {"x-kubernetes-int-or-string": True,
             "pattern": r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?$"}

NODEPOOL_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "nodepools.kubelint.io"},
    "spec": {
        "group": NODEPOOL_GROUP,
        "scope": "Cluster",
        "names": {"kind": "NodePool", "listKind": "NodePoolList", "plural": "nodepools", "singular": "nodepool"},
        "versions": [{
            "name": "v1alpha1", "served": True, "storage": True,
            "schema": {"openAPIV3Schema": {
                "type": "object",
                "required": ["spec"],
                "properties": {
                    "spec": {
                        "type": "object",
                        "required": ["count", "allocatable"],
                        "properties": {
                            "count": {"type": "integer", "minimum": 0, "maximum": 100000},
                            "zones": {"type": "array", "items": {"type": "string", "maxLength": 63}},
                            "region": {"type": "string", "maxLength": 63},
                            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                            "taints": {"type": "array", "items": {
                                "type": "object", "required": ["key", "effect"],
                                "properties": {"key": {"type": "string"}, "value": {"type": "string"},
                                               "effect": {"type": "string",
                                                          "enum": list(TAINT_EFFECTS)}}}},
                            "unschedulable": {"type": "boolean"},
                            "allocatable": {"type": "object", "minProperties": 1,
                                            "additionalProperties": dict(_QUANTITY)},
                        },
                    },
                },
            }},
        }],
    },
}


def nodepool_crd() -> Resource:
    """The NodePool CustomResourceDefinition, so that pools are validated like any custom resource."""
    source = Source("<kubelint:nodepool-crd>", "")
    document = Document(source, 0, 0, "", NODEPOOL_CRD)
    return Resource(document, (), NODEPOOL_CRD, "apiextensions.k8s.io/v1", "CustomResourceDefinition",
                    "nodepools.kubelint.io", None)
