"""Label keys and values, on objects, pod templates and label selectors.

Upstream: ValidateLabels / ValidateLabelName (k8s.io/apimachinery/pkg/apis/meta/v1/validation),
IsQualifiedName and IsValidLabelValue.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.model import Path, Problem, Resource

PARAMS: dict = {}


def label_maps(resource: Resource) -> Iterator[tuple[Path, dict]]:
    data = resource.data
    candidates: list[Path] = [("metadata", "labels")]
    template = k8s.pod_template_metadata_path(resource)
    if template is not None:
        candidates.append(template + ("labels",))
        spec_path = template[:-1]
        candidates.append(spec_path + ("selector", "matchLabels"))
    if resource.kind == "Service":
        candidates.append(("spec", "selector"))
    for path in candidates:
        labels = k8s.get(data, path)
        if isinstance(labels, dict):
            yield path, labels


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    for path, labels in label_maps(resource):
        for key, value in labels.items():
            for error in k8s.qualified_name_errors(key):
                yield Problem(path + (key,), f'label key "{key}": {error}', at_key=True)
            if isinstance(value, str):
                for error in k8s.label_value_errors(value):
                    shown = value if len(value) <= 80 else value[:77] + "..."
                    yield Problem(path + (key,), f'label "{key}": invalid value "{shown}": {error}')
