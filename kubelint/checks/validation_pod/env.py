"""Environment variables of a container: names, valueFrom sources, envFrom.

Upstream: validateEnv, validateEnvVarValueFrom, validateObjectFieldSelector,
validateContainerResourceFieldSelector, validateEnvFrom in pkg/apis/core/validation/validation.go;
IsEnvVarName in k8s.io/apimachinery/pkg/util/validation and IsRelaxedEnvVarName (feature gate
RelaxedEnvironmentVariableValidation).
"""

from __future__ import annotations

import re

from kubelint.checks.validation_pod.options import PodOptions
from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import Errors, as_str, config_map_key_errors, items, present
from kubelint.model import Path

ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef")
# validateObjectFieldSelector: the fields the downward API exposes to env (validEnvDownwardAPIFieldPathExpressions).
ENV_FIELD_PATHS = ("metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
                   "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs")
ENV_RESOURCES = ("limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory",
                 "requests.ephemeral-storage")
ENV_VAR_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")


def validate_env(errors: Errors, path: Path, container: dict, options: PodOptions) -> None:
    relaxed = _relaxed(options)
    for index, item in items(container, "env"):
        where = path + ("env", index)
        name = as_str(item.get("name"))
        if name is not None:
            for message in env_var_name_errors(name, relaxed):
                errors.invalid(where + ("name",), name, message)
        source = item.get("valueFrom")
        if isinstance(source, dict):
            set_sources = [s for s in ENV_SOURCES if present(source, s)]
            if item.get("value"):
                errors.invalid(where + ("valueFrom",), "{...}", "may not be specified when `value` is not empty",
                               hint="keep either value or valueFrom")
            if len(set_sources) > 1:
                errors.invalid(where + ("valueFrom",), "{...}",
                               "may not have more than one field specified at a time")
            elif not set_sources:
                errors.invalid(where + ("valueFrom",), "{...}", "must specify one of: `fieldRef`, "
                               "`resourceFieldRef`, "
                               "`configMapKeyRef` or `secretKeyRef`")
            validate_env_var_value_from(errors, where + ("valueFrom",), source)


def validate_env_from(errors: Errors, path: Path, container: dict, options: PodOptions) -> None:
    relaxed = _relaxed(options)
    for index, item in items(container, "envFrom"):
        where = path + ("envFrom", index)
        refs = [r for r in ("configMapRef", "secretRef") if present(item, r)]
        if len(refs) > 1:
            errors.invalid(where, "{...}", "may not have more than one field specified at a time",
                           hint="split it into two envFrom entries")
        elif not refs:
            errors.invalid(where, "{...}", "must specify one of: `configMapRef` or `secretRef`")
        prefix = as_str(item.get("prefix"))
        if prefix:
            for message in env_var_name_errors(prefix, relaxed):
                errors.invalid(where + ("prefix",), prefix, message)


def validate_env_var_value_from(errors: Errors, path: Path, source: dict) -> None:
    field_ref = source.get("fieldRef")
    if isinstance(field_ref, dict):
        field_path = as_str(field_ref.get("fieldPath"))
        version = field_ref.get("apiVersion")
        if isinstance(version, str) and version not in ("", "v1"):
            errors.unsupported(path + ("fieldRef", "apiVersion"), version, ["v1"])
        if field_path is not None and not _env_field_path_ok(field_path):
            errors.unsupported(path + ("fieldRef", "fieldPath"), field_path,
                               list(ENV_FIELD_PATHS) + ["metadata.labels['<key>']",
                                                        "metadata.annotations['<key>']"])
    resource_ref = source.get("resourceFieldRef")
    if isinstance(resource_ref, dict):
        name = as_str(resource_ref.get("resource"))
        if name is not None and name not in ENV_RESOURCES and not re.fullmatch(r"(limits|requests)\.hugepages-.+",
                                                                              name):
            errors.unsupported(path + ("resourceFieldRef", "resource"), name, list(ENV_RESOURCES))
    for ref in ("configMapKeyRef", "secretKeyRef"):
        value = source.get(ref)
        if isinstance(value, dict):
            key = as_str(value.get("key"))
            if key is not None:
                if not key:
                    errors.required(path + (ref, "key"))
                else:
                    for message in config_map_key_errors(key):
                        errors.invalid(path + (ref, "key"), key, message)


def env_var_name_errors(name: str, relaxed: bool) -> list[str]:
    """IsEnvVarName, or IsRelaxedEnvVarName where RelaxedEnvironmentVariableValidation is on."""
    if not name:
        return ["a valid environment variable name must not be empty"]
    if relaxed:
        if all(32 <= ord(c) <= 126 and c != "=" for c in name):
            return []
        return ["a valid environment variable name must consist only of printable ASCII characters other than '='"]
    if ENV_VAR_NAME.match(name):
        return []
    return ["a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
            "and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
            "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"]


def _relaxed(options: PodOptions) -> bool:
    return options.minor >= 32   # RelaxedEnvironmentVariableValidation: beta (on) in 1.32, GA in 1.34


def _env_field_path_ok(path: str) -> bool:
    if path in ENV_FIELD_PATHS:
        return True
    match = re.fullmatch(r"metadata\.(labels|annotations)\['(.*)'\]", path)
    return bool(match) and not k8s.qualified_name_errors(match.group(2).lower() if match.group(1) == "annotations"
                                                         else match.group(2))
