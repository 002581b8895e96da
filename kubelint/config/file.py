"""Configuration: ``.kubelint.yaml`` (or ``.kubelint.yml``, or ``[tool.kubelint]`` in
pyproject.toml) found upward from the working directory, or ``--config FILE``.

Every key is checked: an unknown key, rule id or value is a configuration error
(exit code 2) that names the key and the fix. Paths in the file are relative to it.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubelint.config.external import PatternError, parse
from kubelint.k8s.podsecurity import parse_setting
from kubelint.load.reader import read_documents
from kubelint.model import Severity, Source
from kubelint.rules.registry import load_rules

CONFIG_NAMES = (".kubelint.yaml", ".kubelint.yml")


class ConfigError(Exception):
    pass


@dataclass
class Config:
    path: Path | None = None
    kube_version: str | None = None
    namespace: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    crds: list[str] = field(default_factory=list)
    #: the bundled CRD catalog's projects to use (None: all of them; []: none)
    crd_catalog: list[str] | None = None
    crd_catalog_dirs: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    rules: dict[str, dict] = field(default_factory=dict)
    pod_security: dict[str, str] = field(default_factory=dict)
    baseline: str | None = None
    report_unused_suppressions: bool = False
    context: list[str] = field(default_factory=list)
    bundles: list[str] = field(default_factory=list)
    cache: bool = True
    kustomize: str = "offline"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


#: key -> (type description, attribute). Later issues extend this table.
KEYS: dict[str, str] = {
    "kube-version": "a Kubernetes version like 1.30",
    "namespace": "the namespace of objects that set none",
    "select": "a list of rule ids or prefixes to run (instead of the defaults)",
    "ignore": "a list of rule ids or prefixes to skip",
    "exclude": "a list of path globs, relative to the configuration file",
    "severity": "a mapping of rule id to error, warning or info",
    "crds": "a list of files or folders with CustomResourceDefinitions",
    "crd-catalog": "the projects of the bundled CRD catalog to use for custom resources whose CRD is not in the "
                   "input (`kubelint crds` lists them; a list like [cert-manager, gateway-api/experimental]), or "
                   "false for none (default: all)",
    "crd-catalog-dirs": "a list of folders, relative to the configuration file, of CRDs or kubeconform-style JSON "
                        "Schemas ({kind}_{version}.json), consulted before the bundled catalog",
    "external": "a list of objects that exist in the cluster, like Secret/*/tls-*",
    "rules": "a mapping of rule id to its parameters",
    "pod-security": "the Pod Security level enforced where no Namespace label says (privileged, baseline, "
                    "restricted), or a mapping of enforce, warn, audit (levels) and version",
    "baseline": "a baseline file written by --write-baseline, relative to the configuration file",
    "report-unused-suppressions": "true or false: report suppressions that silence nothing",
    "context": "a list of files or folders, relative to the configuration file, that references resolve "
               "against when files are named (default: the whole project)",
    "bundles": "a list of folder globs, relative to the configuration file, each one deployment unit "
               "(like envs/*): references and duplicates are checked within one, never across two",
    "cache": "true or false: keep the parse of the project's files in .kubelint_cache/ (default true)",
    "kustomize": "offline (read kustomizations without building them, the default) or render (build them "
                 "with kustomize or kubectl, as --render does)",
}
#: keys that later parts of kubelint read from ``Config.extra`` (scheduler, baseline ...)
EXTRA_KEYS: dict[str, str] = {
    "nodes": "a list of node inventory files or folders for the scheduling dry-run",
    "scheduler-config": "a KubeSchedulerConfiguration file for the scheduling dry-run",
}


def find_config(start: Path | None = None) -> Path | None:
    folder = (start or Path.cwd()).resolve()
    for candidate in [folder, *folder.parents]:
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _pyproject_section(pyproject) is not None:
            return pyproject
    return None


def _pyproject_section(path: Path) -> dict | None:
    try:  # start-up: about 10 ms, only when a pyproject.toml is found
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    section = data.get("tool", {}).get("kubelint")
    return section if isinstance(section, dict) else None


def load_config(explicit: str | None = None, start: Path | None = None) -> Config:
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"--config {explicit}: no such file")
    else:
        path = find_config(start)
        if path is None:
            return Config()
    if path.name == "pyproject.toml":
        raw = _pyproject_section(path) or {}
    else:
        raw = _read_yaml(path)
    return parse_config(raw, path)


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    parsed, _ = read_documents(Source(str(path), text))
    problems = [p for d in parsed for p in d.problems
                if p.rule in ("yaml-syntax", "yaml-duplicate-key", "yaml-alias-limit", "yaml-depth-limit")]
    if problems:
        first = problems[0]
        raise ConfigError(f"{path}:{first.line}:{first.column}: {first.message}")
    if not parsed:
        return {}
    data = parsed[0].document.data
    if data is None:
        return {}
    if not isinstance(data, dict) or len(parsed) > 1:
        raise ConfigError(f"{path}: the configuration must be one YAML mapping")
    return data


def _list(path: Path, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key} must be {KEYS.get(key) or EXTRA_KEYS.get(key)}")
    return list(value)


def parse_config(raw: dict, path: Path) -> Config:
    rules = load_rules()
    config = Config(path=path)
    for key, value in raw.items():
        if key not in KEYS and key not in EXTRA_KEYS:
            close = difflib.get_close_matches(str(key), list(KEYS) + list(EXTRA_KEYS), n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            raise ConfigError(f"{path}: unknown key {key!r}{hint}; known keys: {', '.join(sorted(KEYS))}")
        if key in EXTRA_KEYS:
            config.extra[key] = value
        elif key == "kube-version":
            config.kube_version = str(value)
        elif key == "namespace":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{path}: namespace must be {KEYS[key]}")
            config.namespace = value
        elif key in ("select", "ignore"):
            patterns = _list(path, key, value)
            for pattern in patterns:
                check_rule_pattern(pattern, rules, f"{path}: {key}")
            setattr(config, key, patterns)
        elif key == "exclude":
            config.exclude = _list(path, key, value)
        elif key == "crds":
            config.crds = [str((path.parent / p)) for p in _list(path, key, value)]
        elif key == "crd-catalog":
            if value is False:
                config.crd_catalog = []
            elif value is not True:
                config.crd_catalog = _list(path, key, value)
        elif key == "crd-catalog-dirs":
            config.crd_catalog_dirs = [str(path.parent / p) for p in _list(path, key, value)]
        elif key == "external":
            config.external = _list(path, key, value)
            check_external(f"{path}: external", config.external)
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: severity must be {KEYS[key]}")
            for rule_id, level in value.items():
                if rule_id not in rules:
                    raise ConfigError(f"{path}: severity: unknown rule {rule_id!r}")
                try:
                    config.severity[rule_id] = Severity.parse(str(level))
                except ValueError as exc:
                    raise ConfigError(f"{path}: severity.{rule_id}: {exc}") from None
        elif key == "rules":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: rules must be {KEYS[key]}")
            for rule_id, params in value.items():
                rule = rules.get(rule_id)
                if rule is None:
                    raise ConfigError(f"{path}: rules: unknown rule {rule_id!r}")
                if not isinstance(params, dict):
                    raise ConfigError(f"{path}: rules.{rule_id} must be a mapping of parameters")
                allowed = set(rule.params)
                unknown = sorted(set(params) - allowed)
                if unknown:
                    raise ConfigError(f"{path}: rules.{rule_id}: unknown parameter(s) {', '.join(unknown)}; "
                                      f"known: {', '.join(sorted(allowed)) or 'none'}")
                config.rules[rule_id] = dict(params)
        elif key == "pod-security":
            try:
                config.pod_security = parse_setting(value)
            except ValueError as exc:
                raise ConfigError(f"{path}: pod-security: {exc}") from None
        elif key == "baseline":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{path}: baseline must be {KEYS[key]}")
            config.baseline = str(path.parent / value)
        elif key == "report-unused-suppressions":
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: report-unused-suppressions must be true or false")
            config.report_unused_suppressions = value
        elif key == "context":
            config.context = [str(path.parent / p) for p in _list(path, key, value)]
        elif key == "bundles":
            config.bundles = _list(path, key, value)
        elif key == "kustomize":
            if value not in ("offline", "render"):
                raise ConfigError(f"{path}: kustomize must be {KEYS[key]}")
            config.kustomize = value
        elif key == "cache":
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: cache must be true or false")
            config.cache = value
    return config


def check_external(where: str, patterns: list[str]) -> None:
    """Raise ConfigError for the first malformed pattern of objects outside the input."""
    for pattern in patterns:
        try:
            parse(pattern)
        except PatternError as exc:
            raise ConfigError(f"{where}: {exc}") from None


def check_rule_pattern(pattern: str, rules: dict, where: str) -> None:
    if pattern in ("all", "ALL", "*"):
        return
    if not any(r == pattern or r.startswith(pattern.rstrip("-") + "-") for r in rules):
        raise ConfigError(f"{where}: unknown rule or prefix {pattern!r} (see `kubelint rules --all`)")


def relative_to_root(path: str, root: Path) -> str:
    try:
        return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return path
