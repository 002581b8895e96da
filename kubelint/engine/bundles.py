"""The objects of each bundle, as the cross-resource rules see them.

A run's resources are read once; each bundle of the project (kubelint/project/bundles.py) then sees
its own: the objects of its files, with the namespace its kustomizations set, the ConfigMaps and
Secrets its generators make, and its kustomize patches apart (their references count, but they
define nothing). A run without kustomizations or declared bundles has one bundle: every resource,
as it was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from kubelint.engine.scope import Scope
from kubelint.k8s.objects import canonical_group
from kubelint.model import Document, Resource, Source
from kubelint.project.bundles import ROOT_BUNDLE, Bundle, key


@dataclass
class BundleView:
    """One bundle's objects (its resources, placed in its namespaces, and what it generates) and patches."""

    name: str
    objects: list[Resource] = field(default_factory=list)
    partial: list[Resource] = field(default_factory=list)
    bundle: Bundle | None = None


def bundle_views(scope: Scope, resources: list[Resource], default_namespace: str,
                 rendered: dict[str, list[Resource]] | None = None) -> list[BundleView]:
    """Each bundle's objects; a bundle in ``rendered`` (--render) is what kustomize built of it."""
    project = scope.project
    rendered = rendered or {}
    if len(project.bundles) <= 1 and not rendered and not any(b.namespaces or b.generated for b in project.bundles):
        objects = [r for r in resources if r.role != "patch"]
        return [BundleView(project.bundles[0].name if project.bundles else ROOT_BUNDLE, objects,
                           [r for r in resources if r.role == "patch"],
                           project.bundles[0] if project.bundles else None)]
    views = {bundle.name: BundleView(bundle.name, bundle=bundle) for bundle in project.bundles}
    loose = BundleView(ROOT_BUNDLE)
    for resource in resources:
        bundles = project.bundles_of(resource.file)
        if not bundles:
            (views[ROOT_BUNDLE] if ROOT_BUNDLE in views else loose).objects.append(resource)
            continue
        for bundle in bundles:
            view = views[bundle.name]
            placed = _placed(resource, bundle)
            (view.partial if resource.role == "patch" else view.objects).append(placed)
    for view in views.values():
        if view.name in rendered:
            view.objects, view.partial = list(rendered[view.name]), []
        elif view.bundle is not None:
            view.objects.extend(_generated(view.bundle, default_namespace))
    out = list(views.values())
    if loose.objects:
        out.append(loose)
    for name, objects in rendered.items():  # rendered charts: bundles of their own
        if name not in views:
            out.append(BundleView(name, list(objects)))
    return out


def _placed(resource: Resource, bundle: Bundle) -> Resource:
    """The resource in the namespace the bundle's kustomizations give it (namespaced kinds only)."""
    namespace = bundle.namespaces.get(key(resource.file))
    if namespace is None or resource.namespace is None or resource.namespace == namespace:
        return resource
    return replace(resource, namespace=namespace)


def _generated(bundle: Bundle, default_namespace: str) -> list[Resource]:
    """The ConfigMaps and Secrets of the bundle's generators: later generators of the same object
    merge their keys into it (``behavior: merge``) or replace them (``replace``)."""
    made: dict[tuple[str, str, str], Resource] = {}
    for kustomization, generated, namespace in bundle.generated:
        document = kustomization.document
        if document is None:
            document = Document(Source(kustomization.file, ""), 0, 0, "", None)
        identity = (generated.kind, namespace or default_namespace, generated.name)
        keys = set(generated.keys)
        earlier = made.get(identity)
        if earlier is not None and generated.behavior == "merge":
            keys |= set(earlier.data.get("data") or {})
        data = {"apiVersion": "v1", "kind": generated.kind,
                "metadata": {"name": generated.name, "namespace": identity[1]},
                "data": {name: "" for name in sorted(keys)}}
        resource = Resource(document, generated.path, data, "v1", generated.kind, generated.name, identity[1],
                            role="generated")
        made[identity] = resource
    return list(made.values())


class Elsewhere:
    """Which bundle defines an object that another bundle lacks, for the hint of a missing reference:
    suggesting ``external:`` for an object that is in the repository would hide a real breakage."""

    def __init__(self, views: list[BundleView]):
        self.where: dict[tuple[str, str, str], list[tuple[str, str | None, str]]] = {}  # -> (file, ns, bundle)
        for view in views:
            for resource in view.objects:
                if resource.name:
                    identity = (canonical_group(resource.group, resource.kind), resource.kind, resource.name)
                    self.where.setdefault(identity, []).append((resource.file, resource.namespace, view.name))

    def finder(self, view: BundleView) -> Callable[[str, str, str | None, str], str | None]:
        def find(group: str, kind: str, namespace: str | None, name: str) -> str | None:
            found = [(file, bundle) for file, _, bundle in
                     self.where.get((canonical_group(group, kind), kind, name), ()) if bundle != view.name]
            if not found:
                return None
            file, bundle = found[0]
            return (f'{kind} "{name}" is defined in {file}, which belongs to the bundle {bundle}, not to '
                    f"{view.name} that this object is checked in: references do not cross bundles; define it in "
                    "this bundle too (or in a base it includes)")
        return find
