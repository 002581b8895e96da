"""Kustomizations read without rendering them: what each one includes, generates and sets.

kustomize (sigs.k8s.io/kustomize/api/internal/target/kusttarget.go) builds a kustomization from its
``resources`` (files, and folders holding a kustomization of their own), ``components``, generators
and patches, then applies its transformers. kubelint does not render it; it reads each
kustomization for what reference checks need:

- which files hold whole objects (``resources``), partial ones (strategic-merge patches), JSON 6902
  operations, transformer and generator configs, or data (generator sources, ``configurations``,
  ``crds``, ``openapi``): only the first are manifests;
- the ConfigMaps and Secrets that ``configMapGenerator`` and ``secretGenerator`` make, with their
  keys. Workloads name them by their plain name in source; kustomize adds prefixes, suffixes and a
  content hash and rewrites the references to match (its nameReference transformer), so resolving
  the written names against the written names is exactly what the build guarantees;
- the ``namespace`` it sets on everything it builds.

It also checks the kustomization itself as kustomize does: its fields (kustomize_schema.py), a
named file or folder that does not exist, and includes that lead back to the kustomization.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from kubelint.model import Document, Path, Problem
from kubelint.project.kustomize_schema import KUSTOMIZATION
from kubelint.schema.validate import SchemaView, engine, explain

FILE_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
GROUP = "kustomize.config.k8s.io"
API_VERSIONS = {"Kustomization": f"{GROUP}/v1beta1", "Component": f"{GROUP}/v1alpha1"}
#: the pseudo apiVersion of kustomize's builtin plugin configs (api/konfig/plugins.go)
BUILTIN_PLUGIN_API_VERSION = "builtin"
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)", re.IGNORECASE)
_SCHEMA_KEY = ("kustomize", "Kustomization")
_SCHEMA_URI = "urn:kubelint:kustomize"

INVALID, MISSING, CYCLE, REMOTE = ("kustomization-invalid", "kustomization-missing", "kustomization-cycle",
                                   "kustomization-remote")


def is_kustomization_file(path: str) -> bool:
    return os.path.basename(path) in FILE_NAMES


def is_kustomization_data(data: Any) -> bool:
    """A Kustomization or Component by its apiVersion and kind (as in a file of another name)."""
    return (isinstance(data, dict) and isinstance(data.get("kind"), str) and data["kind"] in API_VERSIONS
            and isinstance(data.get("apiVersion"), str) and data["apiVersion"].startswith(GROUP + "/"))


def is_plugin_config(data: Any) -> bool:
    """A config of one of kustomize's builtin transformers or generators (``apiVersion: builtin``)."""
    return isinstance(data, dict) and data.get("apiVersion") == BUILTIN_PLUGIN_API_VERSION


def is_remote(entry: str) -> bool:
    return bool(_REMOTE.match(entry))


@dataclass(frozen=True)
class Entry:
    """A file or folder a kustomization names, where it names it, and what it is for."""

    value: str
    path: Path           # inside the kustomization document
    target: str          # normalised path of the file or folder
    role: str            # resource, folder, component, patch, json-patch, plugin, config, data


@dataclass
class Generated:
    """A ConfigMap or Secret that a generator of a kustomization makes."""

    kind: str
    name: str
    namespace: str | None
    keys: frozenset[str]
    behavior: str
    path: Path


@dataclass
class Kustomization:
    """One kustomization file: what it names, makes and sets, and what is wrong with it."""

    file: str
    folder: str
    document: Document | None
    kind: str = "Kustomization"
    namespace: str | None = None
    entries: list[Entry] = field(default_factory=list)
    generated: list[Generated] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: inline strategic-merge patches, by their path in the document
    inline_patches: list[tuple[Path, str]] = field(default_factory=list)
    #: the file could not be read as a mapping (a syntax error): what it names is unknown
    unreadable: bool = False

    def named(self, *roles: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.role in roles]

    def problem(self, path: Path, message: str, rule: str = INVALID, hint: str | None = None,
                at_key: bool = False) -> None:
        self.problems.append(Problem(path, message, rule=rule, hint=hint, at_key=at_key))


def read(file: str, document: Document | None, data: Any, exists: Any = os.path.exists,
         isdir: Any = os.path.isdir) -> Kustomization:
    """A kustomization from its parsed ``data`` (None: it could not be read as YAML).

    ``exists`` and ``isdir`` look at the file system (replaceable for tests).
    """
    folder = os.path.dirname(os.path.normpath(file)) or "."
    kustomization = Kustomization(os.path.normpath(file), folder, document)
    if data is None:
        kustomization.unreadable = True
        return kustomization
    if not isinstance(data, dict):
        kustomization.unreadable = True
        kustomization.problem((), f"a kustomization must be a mapping of fields, not {type(data).__name__}")
        return kustomization
    data = canonical(data, KUSTOMIZATION)
    _check_fields(kustomization, data)
    kind = data.get("kind", "Kustomization")
    kustomization.kind = kind if kind in API_VERSIONS else "Kustomization"
    if isinstance(data.get("namespace"), str) and data["namespace"]:
        kustomization.namespace = data["namespace"]
    reader = _Reader(kustomization, exists, isdir)
    reader.read(data)
    return kustomization


def canonical(data: Any, schema: dict[str, Any]) -> Any:
    """``data`` with its keys spelt as the schema spells them where they differ only in case: Go's
    encoding/json, which kustomize decodes with, matches field names case-insensitively."""
    if isinstance(data, list):
        items = schema.get("items")
        return [canonical(item, items) for item in data] if isinstance(items, dict) else data
    if not isinstance(data, dict):
        return data
    properties = schema.get("properties") or {}
    lowered = {name.lower(): name for name in properties}
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = key if key in properties or not isinstance(key, str) else lowered.get(key.lower(), key)
        sub = properties.get(name) if isinstance(name, str) else None
        if sub is None and isinstance(schema.get("additionalProperties"), dict):
            sub = schema["additionalProperties"]
        out[name] = canonical(value, sub) if isinstance(sub, dict) else value
    return out


def _check_fields(kustomization: Kustomization, data: dict[str, Any]) -> None:
    errors = engine().errors(_SCHEMA_KEY, lambda: KUSTOMIZATION, data, _SCHEMA_URI, {})
    for problem in explain(SchemaView({}), KUSTOMIZATION, data, errors):
        message = problem.message
        if problem.rule == "schema-unknown-field":
            message = f"{message}: kustomize rejects the kustomization (invalid Kustomization: json: unknown field)"
        kustomization.problems.append(Problem(problem.path, message, rule=INVALID, hint=problem.hint,
                                              at_key=problem.at_key))
    kind, api_version = data.get("kind"), data.get("apiVersion")
    if kind is not None and kind not in API_VERSIONS:
        kustomization.problem(("kind",), f'kind should be Kustomization or Component, not "{kind}"')
    elif api_version is not None and isinstance(kind or "Kustomization", str):
        expected = API_VERSIONS.get(kind or "Kustomization")
        if expected and api_version != expected:
            kustomization.problem(("apiVersion",), f"apiVersion for {kind or 'Kustomization'} should be {expected}",
                                  hint=f"set apiVersion: {expected}")


class _Reader:
    """Walks the fields of one kustomization that name files, folders and generated objects."""

    def __init__(self, kustomization: Kustomization, exists: Any, isdir: Any):
        self.k = kustomization
        self.exists = exists
        self.isdir = isdir

    def read(self, data: dict[str, Any]) -> None:
        for field_name in ("resources", "bases"):
            for index, value in self.strings(data, field_name):
                self.resource((field_name, index), value)
        for index, value in self.strings(data, "components"):
            self.folder(("components", index), value, "component")
        for index, value in self.strings(data, "patchesStrategicMerge"):
            if "\n" in value or not self.looks_like_path(value):
                self.k.inline_patches.append((("patchesStrategicMerge", index), value))
            else:
                self.file(("patchesStrategicMerge", index), value, "patch")
        for field_name in ("patches", "patchesJson6902"):
            for index, patch in self.mappings(data, field_name):
                if isinstance(patch.get("path"), str):
                    self.file((field_name, index, "path"), patch["path"], "patch")
                elif isinstance(patch.get("patch"), str):
                    self.k.inline_patches.append(((field_name, index, "patch"), patch["patch"]))
        for field_name in ("transformers", "generators", "validators"):
            for index, value in self.strings(data, field_name):
                if "\n" in value or not self.looks_like_path(value):
                    continue  # an inline plugin config
                self.plugin((field_name, index), value)
        for field_name in ("configurations", "crds"):
            for index, value in self.strings(data, field_name):
                self.file((field_name, index), value, "config")
        openapi = data.get("openapi")
        if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
            self.file(("openapi", "path"), openapi["path"], "config")
        for field_name, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
            for index, args in self.mappings(data, field_name):
                self.generator((field_name, index), kind, args)
        for index, _chart in self.mappings(data, "helmCharts"):
            self.k.problem(("helmCharts", index), "helmCharts are inflated by `kustomize build --enable-helm` "
                           "with helm: the chart was not checked", rule=REMOTE,
                           hint="check the rendered output: kubectl kustomize --enable-helm DIR | kubelint check -")

    @staticmethod
    def strings(data: dict[str, Any], name: str) -> Iterator[tuple[int, str]]:
        values = data.get(name)
        for index, value in enumerate(values if isinstance(values, list) else []):
            if isinstance(value, str) and value.strip():
                yield index, value.strip()

    @staticmethod
    def mappings(data: dict[str, Any], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        values = data.get(name)
        for index, value in enumerate(values if isinstance(values, list) else []):
            if isinstance(value, dict):
                yield index, value

    @staticmethod
    def looks_like_path(value: str) -> bool:
        return ":" not in value or is_remote(value)

    def target(self, value: str) -> str:
        return os.path.normpath(os.path.join(self.k.folder, value))

    def inside(self, path: Path, value: str, target: str) -> bool:
        """Files must be in or below the kustomization's folder (kustomize's LoadRestrictionsRootOnly)."""
        folder = os.path.abspath(self.k.folder)
        if os.path.commonpath([folder, os.path.abspath(target)]) != folder:
            self.k.problem(path, f"security; file '{value}' is not in or below '{self.k.folder}': kustomize "
                           "refuses to read it", hint="move the file below the kustomization, or make its folder "
                           "a kustomization of its own and list that folder")
            return False
        return True

    def resource(self, path: Path, value: str) -> None:
        if is_remote(value):
            self.remote(path, value)
            return
        target = self.target(value)
        if self.isdir(target):
            self.folder(path, value, "folder")
        elif self.exists(target):
            if self.inside(path, value, target):
                self.k.entries.append(Entry(value, path, target, "resource"))
        else:
            self.missing(path, value, "file or folder")

    def folder(self, path: Path, value: str, role: str) -> None:
        if is_remote(value):
            self.remote(path, value)
            return
        target = self.target(value)
        if not self.isdir(target):
            self.missing(path, value, "folder" if role == "component" else "file or folder")
            return
        if find_file(target, self.exists) is None:
            self.k.problem(path, f"'{value}' holds no kustomization: kustomize finds none of "
                           f"{', '.join(FILE_NAMES)} in it", rule=MISSING)
            return
        self.k.entries.append(Entry(value, path, target, role))

    def file(self, path: Path, value: str, role: str) -> None:
        target = self.target(value)
        if not self.exists(target) or self.isdir(target):
            self.missing(path, value, "file")
        elif self.inside(path, value, target):
            self.k.entries.append(Entry(value, path, target, role))

    def plugin(self, path: Path, value: str) -> None:
        target = self.target(value)
        if self.isdir(target):
            self.folder(path, value, "plugin-folder")
        elif self.exists(target):
            self.k.entries.append(Entry(value, path, target, "plugin"))
        else:
            self.missing(path, value, "file or folder")

    def remote(self, path: Path, value: str) -> None:
        self.k.problem(path, f"remote resource {value} was not read: kubelint works offline, so objects it "
                       "defines are unknown to this run", rule=REMOTE,
                       hint="vendor it into the repository, or check the rendered output: "
                            "kubectl kustomize DIR | kubelint check -")

    def missing(self, path: Path, value: str, what: str) -> None:
        self.k.problem(path, f"{what} '{value}' does not exist (relative to {self.k.folder}): kustomize cannot "
                       "build this kustomization", rule=MISSING, hint="fix the path, or add the file")

    def generator(self, path: Path, kind: str, args: dict[str, Any]) -> None:
        name = args.get("name")
        if not isinstance(name, str) or not name:
            self.k.problem(path, f"a {kind.lower()} generator needs a name: kustomize fails "
                           f'("a {kind.lower()} must have a name")', hint="add name:")
            return
        keys: list[str] = []
        for index, value in self.strings(args, "literals"):
            key, equals, _ = value.partition("=")
            if not equals or not key:
                self.k.problem(path + ("literals", index), f"invalid literal source {value}, expected key=value "
                               "(kustomize fails)")
                continue
            keys.append(key)
        env_files = [(("envs", index), value) for index, value in self.strings(args, "envs")]
        if isinstance(args.get("env"), str) and args["env"]:
            env_files.append((("env",), args["env"]))
        for where, value in env_files:
            target = self.target(value)
            if not self.exists(target):
                self.missing(path + where, value, "file")
            elif self.inside(path + where, value, target):
                self.k.entries.append(Entry(value, path + where, target, "data"))
                keys.extend(env_file_keys(target))
        for index, value in self.strings(args, "files"):
            key, equals, source = value.partition("=")
            source = source if equals else value
            target = self.target(source)
            if not self.exists(target):
                self.missing(path + ("files", index), source, "file")
            elif self.inside(path + ("files", index), source, target):
                self.k.entries.append(Entry(source, path + ("files", index), target, "data"))
                keys.append(key if equals else os.path.basename(source))
        namespace = args.get("namespace") if isinstance(args.get("namespace"), str) else None
        behavior = args.get("behavior") if args.get("behavior") in ("create", "merge", "replace") else "create"
        self.k.generated.append(Generated(kind, name, namespace, frozenset(keys), behavior, path))


def env_file_keys(path: str) -> list[str]:
    """The keys of an env file as kustomize reads them (api/kv/kv.go): a ``KEY=value`` a line, blank
    lines and ``#`` comments skipped, a line without ``=`` a key with an empty value. Values are not read
    into memory beyond the line: a secrets.env file's values never leave this function."""
    keys = []
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            for line in handle:
                line = line.strip()
                if line and not line.startswith("#"):
                    keys.append(line.partition("=")[0].strip())
    except OSError:
        return []
    return [key for key in keys if key]


def find_file(folder: str, exists: Any = os.path.exists) -> str | None:
    """The kustomization file of a folder, as kustomize looks for it (api/konfig/general.go)."""
    for name in FILE_NAMES:
        candidate = os.path.join(folder, name)
        if exists(candidate):
            return candidate
    return None
