"""The per-version schema bundles in ``schemas/`` (built by scripts/build_schemas.py)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from kubelint._paths import data_dir


class UnknownVersion(ValueError):
    """A --kube-version that has no bundle."""


@dataclass(frozen=True, slots=True)
class KindInfo:
    api_version: str
    kind: str
    definition: str  # name under $defs, e.g. io.k8s.api.apps.v1.Deployment
    namespaced: bool


@cache
def index() -> dict[str, Any]:
    with open(data_dir("schemas") / "index.json", encoding="utf-8") as handle:
        return json.load(handle)


def available_versions() -> list[str]:
    return list(index()["versions"])


def default_version() -> str:
    return index()["default"]


def normalise_version(text: str | None) -> str:
    """Accept ``1.30``, ``v1.30`` or ``1.30.2``; raise UnknownVersion listing what is bundled."""
    if not text:
        return default_version()
    version = text.strip().lstrip("v")
    parts = version.split(".")
    if len(parts) >= 2:
        version = ".".join(parts[:2])
    if version not in available_versions():
        raise UnknownVersion(
            f"Kubernetes version {text!r} is not bundled; available: {', '.join(available_versions())}")
    return version


class Bundle:
    """One Kubernetes version's definitions, kinds and (lazily compiled) validators."""

    def __init__(self, version: str, raw: dict[str, Any]):
        self.version = version
        self.defs: dict[str, Any] = raw["$defs"]
        self._kinds: dict[str, dict[str, list]] = raw["kinds"]
        self._validators: dict[tuple[str, str], Any] = {}

    def kind(self, api_version: str, kind: str) -> KindInfo | None:
        entry = self._kinds.get(api_version, {}).get(kind)
        if entry is None:
            return None
        return KindInfo(api_version, kind, entry[0], bool(entry[1]))

    def kinds(self) -> list[KindInfo]:
        return [KindInfo(av, k, e[0], bool(e[1])) for av, ks in self._kinds.items() for k, e in ks.items()]

    def kinds_named(self, kind: str) -> list[KindInfo]:
        return [info for info in self.kinds() if info.kind == kind]

    @property
    def uri(self) -> str:
        """Where validators find the definitions: ``{uri}#/$defs/<name>``."""
        return f"urn:kubelint:kubernetes:{self.version}"

    def ref(self, definition: str) -> str:
        return f"{self.uri}#/$defs/{definition}"

    def root_schema(self, definition: str) -> dict[str, Any]:
        return {"$ref": self.ref(definition)}


@cache
def load_bundle(version: str) -> Bundle:
    path = data_dir("schemas") / f"v{version}.json.gz"
    with gzip.open(path, "rb") as handle:
        return Bundle(version, json.loads(handle.read()))
