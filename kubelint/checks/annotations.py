"""Annotation keys and the total annotation size.

Upstream: ValidateAnnotations (k8s.io/apimachinery/pkg/api/validation/objectmeta.go):
keys are qualified names (checked lower-cased), and all keys and values together
may not exceed TotalAnnotationSizeLimitB = 256 KiB.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.model import Problem, Resource

PARAMS: dict = {}
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    paths = [("metadata", "annotations")]
    template = k8s.pod_template_metadata_path(resource)
    if template is not None:
        paths.append(template + ("annotations",))
    for path in paths:
        annotations = k8s.get(resource.data, path)
        if not isinstance(annotations, dict):
            continue
        total = 0
        for key, value in annotations.items():
            for error in k8s.qualified_name_errors(key.lower()):
                yield Problem(path + (key,), f'annotation key "{key}": {error}', at_key=True)
            total += len(key) + (len(value) if isinstance(value, str) else 0)
        if total > TOTAL_ANNOTATION_SIZE_LIMIT:
            yield Problem(path, f"annotations total {total:,} bytes, more than the API server's limit of "
                          f"{TOTAL_ANNOTATION_SIZE_LIMIT:,} bytes (256 KiB)", at_key=True,
                          hint="move large data to a ConfigMap")
