"""The Pod Security Admission labels of Namespaces: levels and versions that admission rejects, and
keys that are not Pod Security labels at all (k8s.io/pod-security-admission/api/helpers.go)."""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import Context
from kubelint.k8s import objects as k8s
from kubelint.k8s.podsecurity import LABEL_PREFIX, parse_level, parse_version
from kubelint.model import Problem, Resource, Severity
from kubelint.rules.registry import Rule

KINDS = frozenset({"Namespace"})


def check_resource(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if resource.group == "":
        yield from namespace_labels(resource)


def namespace_labels(resource: Resource) -> Iterator[Problem]:
    """The Pod Security Admission labels of a Namespace: admission rejects a Namespace whose level or
    version label is invalid (api.PolicyToEvaluate errors); a misspelt key is silently ignored."""
    labels = k8s.get(resource.data, ("metadata", "labels"))
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if not isinstance(key, str) or not key.startswith(LABEL_PREFIX):
            continue
        path = ("metadata", "labels", key)
        name = key[len(LABEL_PREFIX):]
        mode = name[:-len("-version")] if name.endswith("-version") else name
        if mode not in ("enforce", "warn", "audit"):
            yield Problem(path, f'label {key} is not a Pod Security Admission label: it has no effect',
                          severity=Severity.WARNING, at_key=True,
                          hint=f"use {LABEL_PREFIX}enforce, warn or audit (and their -version labels)")
        elif name == mode and parse_level(value) is None:
            yield Problem(path, f'label {key}: "{value}" is not a Pod Security level: admission rejects the '
                          "Namespace", hint="use privileged, baseline or restricted")
        elif name != mode:
            try:
                parse_version(value)
            except ValueError:
                yield Problem(path, f'label {key}: "{value}" is not a policy version: admission rejects the '
                              "Namespace", hint='use "latest" or a release like "v1.30"')
