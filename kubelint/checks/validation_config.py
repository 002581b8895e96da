"""ConfigMaps and Secrets as the API server validates them.

Upstream: ValidateConfigMap and ValidateSecret in pkg/apis/core/validation/validation.go
(IsConfigMapKey keys, a key in both data and binaryData, the 1 MiB total, and the keys each
Secret type requires). stringData is merged into data before validation, as the API server's
conversion does. Secret values are never quoted.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_dict, config_map_key_errors
from kubelint.model import Problem, Resource

PARAMS: dict = {}
KINDS = frozenset({"ConfigMap", "Secret"})  # the engine only calls check_resource for these kinds
MAX_SIZE = 1024 * 1024   # corev1.MaxSecretSize and the ConfigMap limit

_REQUIRED_KEYS = {
    "kubernetes.io/dockercfg": [".dockercfg"],
    "kubernetes.io/dockerconfigjson": [".dockerconfigjson"],
    "kubernetes.io/ssh-auth": ["ssh-privatekey"],
    "kubernetes.io/tls": ["tls.crt", "tls.key"],
}


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if resource.group != "" or resource.kind not in ("ConfigMap", "Secret"):
        return
    errors = Errors()
    data = resource.data
    fields = ("data", "binaryData") if resource.kind == "ConfigMap" else ("data", "stringData")
    total = 0
    for field in fields:
        for key, value in as_dict(data.get(field)).items():
            for message in config_map_key_errors(key):
                errors.invalid((field, key), key, message)
            total += len(key) + _size(value, decode=resource.kind == "Secret" and field == "data")
    if resource.kind == "ConfigMap":
        for key in as_dict(data.get("binaryData")):
            if key in as_dict(data.get("data")):
                errors.invalid(("binaryData", key), key, "duplicate of key present in data")
    if total > MAX_SIZE:
        errors.add((fields[0],), f"Too long: must have at most {MAX_SIZE} bytes",
                   hint="split the data, or mount it from elsewhere (a volume, an image)")
    if resource.kind == "Secret":
        _secret_type(errors, resource)
    yield from errors


def _size(value, decode: bool) -> int:
    if not isinstance(value, str):
        return 0
    if decode:
        return len(value) * 3 // 4
    return len(value.encode("utf-8"))


def _secret_type(errors: Errors, resource: Resource) -> None:
    data = resource.data
    kind = data.get("type")
    if not isinstance(kind, str):  # the schema check reports a type that is not a string
        return
    keys = set(as_dict(data.get("data"))) | set(as_dict(data.get("stringData")))
    in_data = isinstance(data.get("data"), dict) or not isinstance(data.get("stringData"), dict)
    home = "data" if in_data else "stringData"
    if kind == "kubernetes.io/service-account-token":
        if not k8s.get(data, ("metadata", "annotations", "kubernetes.io/service-account.name")):
            errors.required(("metadata", "annotations", "kubernetes.io/service-account.name"),
                            hint="name the ServiceAccount the token is for")
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in keys and "password" not in keys:
            errors.required((home, "username"), hint="a basic-auth Secret holds username and/or password")
            errors.required((home, "password"))
    elif kind in _REQUIRED_KEYS:
        for key in _REQUIRED_KEYS[kind]:
            if key not in keys:
                errors.required((home, key), hint=f"a {kind} Secret must hold the key {key}")
        if kind in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
            key = _REQUIRED_KEYS[kind][0]
            raw = _value(data, key)
            if raw is not None:
                try:
                    json.loads(raw)
                except ValueError as exc:
                    field = "data" if key in as_dict(data.get("data")) else "stringData"
                    errors.invalid((field, key), "<secret contents redacted>",
                                   f"not valid JSON ({type(exc).__name__})",
                                   hint="the value must be a Docker config JSON document")


def _value(data: dict, key: str) -> str | None:
    plain = as_dict(data.get("stringData")).get(key)
    if isinstance(plain, str):
        return plain
    encoded = as_dict(data.get("data")).get(key)
    if not isinstance(encoded, str):
        return None
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None   # the schema stage reports data that is not base64
