"""From parsed documents to Kubernetes resources: one per document, or one per List item."""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.load.scalars import describe
from kubelint.model import Document, Problem, Resource

LIST_KINDS = frozenset({"List"})


def extract(document: Document) -> tuple[list[Resource], list[Problem]]:
    """The resources in a document; problems carry paths inside the document."""
    data = document.data
    if data is None:
        return [], []
    if not isinstance(data, dict):
        return [], [Problem((), f"the document is {_article(describe(data))}, not a Kubernetes object "
                            "(a mapping with apiVersion, kind and metadata)", rule="manifest-invalid",
                            hint="remove the document, or check its indentation")]
    resources: list[Resource] = []
    problems: list[Problem] = []
    for path, item, inherited in _objects(data):
        resource, problem = _resource(document, path, item, inherited)
        if resource is not None:
            resources.append(resource)
        if problem is not None:
            problems.append(problem)
    return resources, problems


def _article(text: str) -> str:
    return ("an " if text[:1] in "aeiou" else "a ") + text


def is_list(data: dict) -> bool:
    """``kind: List`` (v1) or a typed list such as the NodeList ``kubectl get nodes -o yaml`` prints."""
    kind = data.get("kind")
    return (isinstance(kind, str) and (kind in LIST_KINDS or kind.endswith("List"))
            and isinstance(data.get("items"), list))


def _objects(data: dict) -> Iterator[tuple[tuple, Any, tuple[str, str] | None]]:
    if not is_list(data):
        yield (), data, None
        return
    api_version = data.get("apiVersion")
    kind = data["kind"]
    inherited = None
    if kind != "List" and isinstance(api_version, str):
        # Typed lists from the API server omit apiVersion and kind in their items.
        inherited = (api_version, kind[: -len("List")])
    for index, item in enumerate(data["items"]):
        yield ("items", index), item, inherited


def _resource(document: Document, path: tuple, data: Any,
              inherited: tuple[str, str] | None) -> tuple[Resource | None, Problem | None]:
    if not isinstance(data, dict):
        return None, Problem(path, f"list item is {_article(describe(data))}, not a Kubernetes object",
                             rule="manifest-invalid")
    if inherited is not None:
        data.setdefault("apiVersion", inherited[0])
        data.setdefault("kind", inherited[1])
    api_version, kind = data.get("apiVersion"), data.get("kind")
    for field, value in (("apiVersion", api_version), ("kind", kind)):
        if value is None or value == "":
            example = "apps/v1" if field == "apiVersion" else "Deployment"
            return None, Problem(path, f'missing "{field}": every Kubernetes object needs apiVersion and kind',
                                 rule="manifest-invalid", at_key=True, hint=f"add {field}, e.g. {field}: {example}")
        if not isinstance(value, str):
            return None, Problem(path + (field,), f"{field} must be a string, got {describe(value)}",
                                 rule="manifest-invalid")
    if api_version.count("/") > 1 or api_version.startswith("/") or api_version.endswith("/"):
        return None, Problem(path + ("apiVersion",), f'apiVersion "{api_version}" is not of the form '
                             '"<group>/<version>" or "<version>"', rule="manifest-invalid")
    metadata = data.get("metadata")
    name = namespace = None
    if isinstance(metadata, dict):
        name = metadata.get("name") if isinstance(metadata.get("name"), str) else None
        namespace = metadata.get("namespace") if isinstance(metadata.get("namespace"), str) else None
    return Resource(document, path, data, api_version, kind, name, namespace or None), None
