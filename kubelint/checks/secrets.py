"""Secrets written in plain text where they do not belong: container env values and ConfigMaps.

A value is reported when its name says it is a credential (``DB_PASSWORD``, ``GITHUB_TOKEN``,
``STRIPE_API_KEY``: the name ends with such a word) and it is a literal (not a file path, a
``$(VAR)`` reference or a boolean), or when the value itself has the shape of a well-known token
(private key block, AWS, GitHub, GitLab, Slack, Stripe, Google keys, JWTs, URLs with a password),
whatever its name. Values are never printed: messages name the variable or key only.

A rule's ``check`` names one of: ``env`` (a container's env value) and ``configmap`` (a ConfigMap's
data).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import CheckSet, Context
from kubelint.findings.secretlike import literal_secret, secret_name, token_shape
from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": ""}
CHECKS = CheckSet()


@CHECKS("env", kinds=k8s.POD_SPEC_KINDS)
def env(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    found = workloads.pod_spec(resource, ctx)
    if found is None:
        return
    path, spec = found
    for container_path, container in k8s.containers(spec, path):
        variables = container.get("env")
        for index, item in enumerate(variables if isinstance(variables, list) else []):
            if not isinstance(item, dict) or not isinstance(item.get("value"), str):
                continue
            name, value = str(item.get("name")), item["value"]
            what = _what(name, value)
            if what is None:
                continue
            yield Problem(container_path + ("env", index, "value"),
                          f'container "{container.get("name")}": env {name} {what}, written in plain text in '
                          "the manifest (anyone who can read it, or the pod spec, can read the secret)",
                          hint="move it to a Secret and use valueFrom.secretKeyRef (or a mounted file)")


@CHECKS("configmap", kinds={"ConfigMap"})
def configmap(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if resource.group != "":
        return
    data = resource.data.get("data")
    for key, value in (data.items() if isinstance(data, dict) else ()):
        if not isinstance(value, str):
            continue
        what = _what(str(key), value)
        if what is None:
            continue
        yield Problem(("data", key), f"ConfigMap key {key} {what}: ConfigMaps are not meant for secrets (no "
                      "encryption at rest, readable by anyone who may read ConfigMaps)",
                      hint="move it to a Secret")


def _what(name: str, value: str) -> str | None:
    """How a value gives itself away as a secret (a token's shape, or a credential's name), or None."""
    shape = token_shape(value)
    if shape is None and not (secret_name(name) and literal_secret(value)):
        return None
    return f"holds {shape}" if shape else "looks like a credential"
