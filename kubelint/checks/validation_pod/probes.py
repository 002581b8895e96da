"""Probes and lifecycle hooks: exactly one handler, each well-formed, and the probe's timings.

Upstream: validateProbe, validateLifecycle, validateHandler (validateExecAction,
validateHTTPGetAction, validateTCPSocketAction, validateGRPCAction, validateSleepAction) in
pkg/apis/core/validation/validation.go.
"""

from __future__ import annotations

import re

from kubelint.k8s.apivalidation import Errors, as_dict, as_int, as_list, as_str, items, port_num_or_name, present
from kubelint.model import Path

PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
HTTP_HEADER_NAME = re.compile(r"[-A-Za-z0-9]+\Z")


def validate_probe(errors: Errors, path: Path, probe: dict, kind: str) -> None:
    """One probe; ``kind`` is its field (livenessProbe, readinessProbe, startupProbe)."""
    validate_handler(errors, path, probe, PROBE_HANDLERS)
    for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                  "failureThreshold"):
        errors.nonnegative(path + (field,), probe.get(field))
    success = as_int(probe.get("successThreshold"))
    if kind in ("livenessProbe", "startupProbe") and success is not None and success != 1:
        errors.invalid(path + ("successThreshold",), success, "must be 1",
                       hint=f"a {kind} succeeds on the first success; remove successThreshold or set it to 1")
    grace = probe.get("terminationGracePeriodSeconds")
    if present(probe, "terminationGracePeriodSeconds"):
        if kind == "readinessProbe":
            errors.invalid(path + ("terminationGracePeriodSeconds",), grace, "must not be set for readinessProbes",
                           hint="terminationGracePeriodSeconds applies to liveness and startup probes only")
        elif as_int(grace) is not None and grace <= 0:
            errors.invalid(path + ("terminationGracePeriodSeconds",), grace, "must be greater than 0")


def validate_handler(errors: Errors, path: Path, handler: dict, kinds: tuple[str, ...]) -> None:
    """validateHandler: exactly one handler type of ``kinds``, each well-formed."""
    set_kinds = [k for k in kinds if present(handler, k)]
    if not set_kinds:
        listed = ", ".join(kinds)
        errors.required(path, "must specify a handler type", hint=f"add one of: {listed}")
        return
    if len(set_kinds) > 1:
        errors.forbidden(path + (set_kinds[1],), "may not specify more than 1 handler type",
                         hint=f"keep one of {', '.join(set_kinds)}")
    for kind in set_kinds:
        value = as_dict(handler.get(kind))
        where = path + (kind,)
        if kind == "exec":
            if not as_list(value.get("command")):
                errors.required(where + ("command",), hint="give the command to run, as a list")
        elif kind in ("httpGet", "tcpSocket"):
            _port_action(errors, where, value)
        elif kind == "grpc":
            number = as_int(value.get("port"))
            if number is not None and not 1 <= number <= 65535:
                errors.invalid(where + ("port",), number, "must be between 1 and 65535, inclusive")
        elif kind == "sleep":
            seconds = as_int(value.get("seconds"))
            if seconds is not None and seconds < 0:
                errors.invalid(where + ("seconds",), seconds, "must be non-negative")


def _port_action(errors: Errors, path: Path, action: dict) -> None:
    """validateHTTPGetAction and validateTCPSocketAction: a port, and well-formed header names."""
    if "port" not in action or action.get("port") in (None, ""):
        errors.required(path + ("port",))
    port_num_or_name(errors, path + ("port",), action.get("port"))
    for header_index, header in items(action, "httpHeaders"):
        name = as_str(header.get("name"))
        if name is not None and not HTTP_HEADER_NAME.match(name):
            errors.invalid(path + ("httpHeaders", header_index, "name"), name,
                           "a valid HTTP header must consist of alphanumeric characters or '-' "
                           "(e.g. 'X-Header-Name')")
