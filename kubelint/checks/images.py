"""Container images: a tag that moves (``:latest`` or none), and pull policies that keep stale images.

An image reference is ``[registry[:port]/]repository[:tag][@digest]``
(github.com/distribution/reference); a digest pins the image whatever the tag. The kubelet
defaults imagePullPolicy to Always for ``:latest`` or untagged images and to IfNotPresent otherwise
(pkg/apis/core/v1/defaults.go), so only an explicit policy can go wrong.

A rule's ``check`` names one of: ``tag`` (a moving tag) and ``pull-policy`` (a moving tag that an
explicit imagePullPolicy keeps stale).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from kubelint.checks import CheckSet, Context
from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Path, Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": ""}
CHECKS = CheckSet()


@dataclass(frozen=True)
class MovingImage:
    """A container whose image is not pinned: untagged or ``:latest``, without a digest."""

    path: Path
    container: dict
    image: str
    who: str    #: 'container "name"'
    shown: str  #: how the tag moves, as the messages say it


@CHECKS("tag", kinds=k8s.POD_SPEC_KINDS)
def moving_tag(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    for moving in _moving_images(resource, ctx):
        yield Problem(moving.path + ("image",),
                      f"{moving.who}: image {moving.image} {moving.shown}: which version runs depends on when each "
                      "node pulled it, and a rollback cannot go back to the previous version",
                      hint="use a version tag (image:1.4.2) or a digest (image@sha256:...)")


@CHECKS("pull-policy", kinds=k8s.POD_SPEC_KINDS)
def pull_policy(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    for moving in _moving_images(resource, ctx):
        policy = moving.container.get("imagePullPolicy")
        if policy in ("IfNotPresent", "Never"):
            yield Problem(moving.path + ("imagePullPolicy",),
                          f"{moving.who}: imagePullPolicy {policy} with image {moving.image}, which {moving.shown}: "
                          "nodes keep running whichever :latest they pulled first",
                          hint="pin a version tag, or remove imagePullPolicy (Always is the default for :latest)")


def image_tag(image: str) -> tuple[str | None, bool]:
    """(tag or None, pinned by digest) of an image reference."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.rpartition(":")[2] if ":" in last else None
    return tag, bool(digest)


def _templated(image: str) -> bool:
    return "$" in image or "{{" in image


def _moving_images(resource: Resource, ctx: Context) -> Iterator[MovingImage]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    for container_path, container in k8s.containers(spec, path):
        image = container.get("image")
        if not isinstance(image, str) or not image or _templated(image):
            continue
        tag, pinned = image_tag(image)
        if pinned or not (tag is None or tag == "latest"):
            continue
        shown = "has no tag (so :latest)" if tag is None else "uses the :latest tag"
        yield MovingImage(container_path, container, image, f'container "{container.get("name")}"', shown)
