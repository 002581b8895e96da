"""Pod Security Admission's policy model: levels, modes, versions, and the policy of a namespace.

Upstream: k8s.io/pod-security-admission/api (helpers.go: namespace labels, levels, versions;
attributes.go) and policy/registry.go. The controls themselves are check templates
(kubelint/checks/pod_security/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kubelint.k8s import objects as k8s
from kubelint.model import Resource, Severity

LEVELS = ("privileged", "baseline", "restricted")
MODES = (("enforce", Severity.ERROR), ("warn", Severity.WARNING), ("audit", Severity.INFO))
#: Without labels or configuration: nothing is enforced (as in a cluster without defaults), the
#: baseline profile (known privilege escalations) warns and the restricted profile is audited.
DEFAULT_POLICY = {"enforce": "privileged", "warn": "baseline", "audit": "restricted"}
LABEL_PREFIX = "pod-security.kubernetes.io/"
#: The newest policy version the checks change at (a label "latest" means this, or the target
#: release when that is older): policy/registry.go clamps to the highest MinimumVersion.
NEWEST_POLICY = 35
_VERSION = re.compile(r"v1\.(0|[1-9][0-9]*)\Z")


def parse_level(value) -> str | None:
    return value if value in LEVELS else None


def parse_version(value) -> int | None:
    """"latest" -> None (resolved later), "v1.NN" -> NN; raises ValueError otherwise."""
    if value == "latest":
        return None
    match = _VERSION.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError('must be "latest" or "v1.x"')
    return int(match.group(1))


@dataclass(frozen=True)
class ModePolicy:
    mode: str
    level: str
    version: int          # the policy version to evaluate (latest already resolved)
    source: str           # where the level comes from, for messages


@dataclass(frozen=True)
class NamespacePolicy:
    namespace: str | None
    modes: tuple[ModePolicy, ...]   # enforce, warn, audit (only those above privileged)
    #: how to evaluate a control once per policy version rather than once per mode: (version,
    #: strictest level of the modes at that version, those modes strictest first with their severity)
    plan: tuple = ()


def _plan(modes: tuple[ModePolicy, ...]) -> tuple:
    severities = dict(MODES)
    by_version: dict[int, list[tuple[ModePolicy, Severity]]] = {}
    for mode_policy in modes:
        by_version.setdefault(mode_policy.version, []).append((mode_policy, severities[mode_policy.mode]))
    return tuple((version, max((m.level for m, _ in group), key=LEVELS.index), tuple(group))
                 for version, group in by_version.items())


class PolicyIndex:
    """The policy of every namespace of a run, resolved once per namespace.

    ``configured`` is the ``pod-security`` setting (the cluster's defaults), ``kube_version`` the
    target release, and the Namespaces among ``resources`` give their labels.
    """

    def __init__(self, configured: dict[str, Any], kube_version: str, resources: list[Resource]):
        self.defaults = {mode: configured.get(mode, DEFAULT_POLICY[mode]) for mode, _ in MODES}
        self.configured = {mode for mode, _ in MODES if mode in configured}
        self.default_version = configured.get("version", "latest")
        self.target = target_minor(kube_version)
        self.labels = k8s.namespace_labels(resources)
        self.cache: dict[str | None, NamespacePolicy] = {}

    def resolve(self, version: int | None) -> int:
        newest = min(self.target, NEWEST_POLICY)
        return newest if version is None else min(version, newest)

    def policy(self, namespace: str | None) -> NamespacePolicy:
        found = self.cache.get(namespace)
        if found is not None:
            return found
        labels = self.labels.get(namespace or "", {})
        modes = []
        for mode, _severity in MODES:
            level = self.defaults[mode]
            source = "configuration pod-security" if mode in self.configured else "kubelint's default"
            label = labels.get(LABEL_PREFIX + mode)
            if label is not None:
                # An invalid level label enforces restricted (api.PolicyToEvaluate); warn and audit fail open.
                level = parse_level(label) or ("restricted" if mode == "enforce" else "privileged")
                source = f'namespace "{namespace}"'
            raw_version = labels.get(LABEL_PREFIX + mode + "-version", self.default_version)
            try:
                version = parse_version(raw_version)
            except ValueError:
                version = None
            if level != "privileged":
                modes.append(ModePolicy(mode, level, self.resolve(version), source))
        found = NamespacePolicy(namespace, tuple(modes), _plan(tuple(modes)))
        self.cache[namespace] = found
        return found


def target_minor(kube_version: str) -> int:
    match = re.match(r"v?1\.(\d+)", str(kube_version or ""))
    return int(match.group(1)) if match else NEWEST_POLICY


def parse_setting(value) -> dict:
    """The ``pod-security`` setting (configuration or --pod-security): a level, which is enforced, or
    a mapping of ``enforce``, ``warn``, ``audit`` (levels) and ``version`` ("latest" or "v1.NN").
    Raises ValueError with what is wrong."""
    if isinstance(value, str):
        value = {"enforce": value}
    if not isinstance(value, dict):
        raise ValueError("must be a level (privileged, baseline, restricted) or a mapping of enforce, warn, "
                         "audit and version")
    out = {}
    for key, item in value.items():
        if key in ("enforce", "warn", "audit"):
            if parse_level(item) is None:
                raise ValueError(f"{key}: {item!r} is not a level: use privileged, baseline or restricted")
            out[key] = item
        elif key == "version":
            try:
                parse_version(item)
            except ValueError:
                raise ValueError(f'version: {item!r} must be "latest" or "v1.x" (a release like v1.30)') from None
            out[key] = item
        else:
            raise ValueError(f"unknown key {key!r}: use enforce, warn, audit or version")
    return out
