"""Container images: a tag that moves (``:latest`` or none), and pull policies that keep stale images.

An image reference is ``[registry[:port]/]repository[:tag][@digest]``
(github.com/distribution/reference); a digest pins the image whatever the tag. The kubelet
defaults imagePullPolicy to Always for ``:latest`` or untagged images and to IfNotPresent otherwise
(pkg/apis/core/v1/defaults.go), so only an explicit policy can go wrong.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Problem, Resource

PARAMS = {"check": ""}
KINDS = k8s.POD_SPEC_KINDS


def image_tag(image: str) -> tuple[str | None, bool]:
    """(tag or None, pinned by digest) of an image reference."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.rpartition(":")[2] if ":" in last else None
    return tag, bool(digest)


def _templated(image: str) -> bool:
    return "$" in image or "{{" in image


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    check = rule.params["check"]
    for container_path, container in k8s.containers(spec, path):
        image = container.get("image")
        if not isinstance(image, str) or not image or _templated(image):
            continue
        tag, pinned = image_tag(image)
        if pinned:
            continue
        moving = tag is None or tag == "latest"
        if not moving:
            continue
        who = f'container "{container.get("name")}"'
        shown = "has no tag (so :latest)" if tag is None else "uses the :latest tag"
        if check == "tag":
            yield Problem(container_path + ("image",),
                          f"{who}: image {image} {shown}: which version runs depends on when each node pulled it, "
                          "and a rollback cannot go back to the previous version",
                          hint="use a version tag (image:1.4.2) or a digest (image@sha256:...)")
        elif check == "pull-policy":
            policy = container.get("imagePullPolicy")
            if policy in ("IfNotPresent", "Never"):
                yield Problem(container_path + ("imagePullPolicy",),
                              f"{who}: imagePullPolicy {policy} with image {image}, which {shown}: "
                              "nodes keep running whichever :latest they pulled first",
                              hint="pin a version tag, or remove imagePullPolicy (Always is the default for :latest)")
