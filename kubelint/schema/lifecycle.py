"""Which API versions the target Kubernetes release serves, removed and deprecated ones.

Derived from the bundled specs (an apiVersion/kind served by some bundled releases and
not by the target) plus the removals before the oldest bundled release, from the
official deprecation guide (scripts/build_schemas.py, HISTORICAL_REMOVALS).
"""

from __future__ import annotations

import re

from kubelint.model import Problem
from kubelint.schema.bundle import Bundle, KindInfo, index

_STABILITY = {"alpha": 0, "beta": 1}


def _version_rank(version: str) -> tuple[int, int, int]:
    """v1 > v1beta2 > v1beta1 > v1alpha1, and v2 > v1."""
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (0, 0, 0)
    major, stage, minor = match.groups()
    return (int(major), _STABILITY.get(stage, 2) if stage else 2, int(minor or 0))


def _minor(version: str) -> int:
    return int(version.split(".")[1])


def replacement(bundle: Bundle, api_version: str, kind: str) -> KindInfo | None:
    """The best apiVersion of the same kind that the target release serves."""
    group = api_version.rpartition("/")[0]
    candidates = [k for k in bundle.kinds_named(kind) if k.api_version != api_version]
    if not candidates:
        return None
    return max(candidates, key=lambda k: (k.api_version.rpartition("/")[0] == group,
                                          _version_rank(k.api_version.rpartition("/")[2])))


def check(bundle: Bundle, api_version: str, kind: str) -> Problem | None:
    """api-removed, api-unavailable or api-deprecated for one apiVersion/kind, or None."""
    data = index()
    target = bundle.version
    served = data["served"].get(f"{api_version} {kind}")
    if bundle.kind(api_version, kind) is not None:
        later = [v for v in data["versions"] if _minor(v) > _minor(target)]
        removed_in = next((v for v in later if v not in (served or [])), None)
        if removed_in is not None:
            better = replacement(bundle, api_version, kind)
            use = f"; use {better.api_version}" if better else ""
            return Problem(("apiVersion",), f"{api_version} {kind} is deprecated: it is removed in Kubernetes "
                           f"{removed_in}{use}", rule="api-deprecated",
                           hint=f"migrate to apiVersion: {better.api_version}" if better else None)
        for entry in data["deprecated"]:
            if entry["apiVersion"] == api_version and entry["kind"] == kind and _minor(entry["since"]) <= _minor(target):
                use = f"; use {entry['replacement']}" if entry["replacement"] else ""
                return Problem(("apiVersion",), f"{api_version} {kind} is deprecated since Kubernetes "
                               f"{entry['since']}{use}", rule="api-deprecated")
        return None
    if served:
        if _minor(served[-1]) < _minor(target):
            removed_in = f"1.{_minor(served[-1]) + 1}"
            return _removed(bundle, api_version, kind, removed_in)
        first = served[0]
        return Problem(("apiVersion",), f"{api_version} {kind} is not served by Kubernetes {target}: it first "
                       f"appears in {first}", rule="api-unavailable",
                       hint=f"target a newer release with --kube-version {first}, or use an apiVersion that {target} serves")
    for entry in data["removedBefore"]:
        if entry["apiVersion"] == api_version and entry["kind"] == kind:
            return _removed(bundle, api_version, kind, entry["removedIn"])
    return None


def _removed(bundle: Bundle, api_version: str, kind: str, removed_in: str) -> Problem:
    better = replacement(bundle, api_version, kind)
    if better is not None:
        message = (f"{api_version} {kind} was removed in Kubernetes {removed_in}; use {better.api_version} "
                   f"(the API server rejects the old version)")
        hint = f"change apiVersion to {better.api_version} and check the fields that changed"
    else:
        message = f"{api_version} {kind} was removed in Kubernetes {removed_in} and has no replacement"
        hint = None
    return Problem(("apiVersion",), message, rule="api-removed", hint=hint)
