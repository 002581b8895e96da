"""Secrets written in plain text where they do not belong: container env values and ConfigMaps.

A value is reported when its name says it is a credential (``DB_PASSWORD``, ``GITHUB_TOKEN``,
``STRIPE_API_KEY``: the name ends with such a word) and it is a literal (not a file path, a
``$(VAR)`` reference or a boolean), or when the value itself has the shape of a well-known token
(private key block, AWS, GitHub, GitLab, Slack, Stripe, Google keys, JWTs, URLs with a password),
whatever its name. Values are never printed: messages name the variable or key only.
"""

from __future__ import annotations

import re
from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s import workloads
from kubelint.model import Problem, Resource

PARAMS = {"check": ""}


def KINDS(rule) -> frozenset[str]:  # noqa: N802
    return frozenset({"ConfigMap"}) if rule.params["check"] == "configmap" else k8s.POD_SPEC_KINDS

SECRET_NAME = re.compile(
    r"(?:^|[_.-])(?:PASSWORD|PASSWD|PASS|PWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|"
    r"SECRET_?KEY|CLIENT_?SECRET|CREDENTIALS?|AUTH_?TOKEN|BEARER)$", re.IGNORECASE)
TOKEN_SHAPES = (
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe secret key", re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}\b")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a URL with a password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:(?!\$\()[^/\s@]+@", re.IGNORECASE)),
)
_NOT_A_SECRET = frozenset({"", "true", "false", "yes", "no", "on", "off", "null", "none", "enabled", "disabled"})


def secret_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


_ANY_SHAPE = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in TOKEN_SHAPES), re.IGNORECASE)


def token_shape(value: str) -> str | None:
    """What well-known credential the value looks like, or None."""
    if not _ANY_SHAPE.search(value):  # one pass over the value for the common case: nothing
        return None
    for description, pattern in TOKEN_SHAPES:
        if pattern.search(value):
            return description
    return None


def literal_secret(value) -> bool:
    """A value that can be a credential: not empty, a boolean word, a path or a reference."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if text.lower() in _NOT_A_SECRET or len(text) < 4:
        return False
    if text.startswith(("/", "./", "$(", "${", "file://", "vault:", "ref+", "arn:")):
        return False
    return True


def sensitive_configmap_values(resource: Resource) -> list[str]:
    """The values of a ConfigMap that this rule would report, for the engine to mask in output."""
    out = []
    data = resource.data.get("data") if resource.kind == "ConfigMap" and resource.group == "" else None
    for key, value in (data.items() if isinstance(data, dict) else ()):
        if isinstance(value, str) and ((secret_name(str(key)) and literal_secret(value)) or token_shape(value)):
            out.append(value)
    return out


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    check = rule.params["check"]
    if check == "env":
        found = workloads.pod_spec(resource, ctx)
        if found is None:
            return
        path, spec = found
        for container_path, container in k8s.containers(spec, path):
            env = container.get("env")
            for index, item in enumerate(env if isinstance(env, list) else []):
                if not isinstance(item, dict) or not isinstance(item.get("value"), str):
                    continue
                name, value = str(item.get("name")), item["value"]
                shape = token_shape(value)
                if shape is None and not (secret_name(name) and literal_secret(value)):
                    continue
                what = f"holds {shape}" if shape else "looks like a credential"
                yield Problem(container_path + ("env", index, "value"),
                              f'container "{container.get("name")}": env {name} {what}, written in plain text in '
                              "the manifest (anyone who can read it, or the pod spec, can read the secret)",
                              hint="move it to a Secret and use valueFrom.secretKeyRef (or a mounted file)")
    elif check == "configmap" and resource.kind == "ConfigMap" and resource.group == "":
        data = resource.data.get("data")
        for key, value in (data.items() if isinstance(data, dict) else ()):
            if not isinstance(value, str):
                continue
            shape = token_shape(value)
            if shape is None and not (secret_name(str(key)) and literal_secret(value)):
                continue
            what = f"holds {shape}" if shape else "looks like a credential"
            yield Problem(("data", key), f"ConfigMap key {key} {what}: ConfigMaps are not meant for secrets (no "
                          "encryption at rest, readable by anyone who may read ConfigMaps)",
                          hint="move it to a Secret")
