"""Workload specs as the API server validates them: Deployments, ReplicaSets, ReplicationControllers,
StatefulSets, DaemonSets, Jobs and CronJobs (everything but their pod spec, which validation_pod checks).

Upstream: pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec, ValidateDeploymentStrategy,
ValidateRollingUpdateDeployment, ValidateReplicaSetSpec, ValidateStatefulSetSpec,
validateRollingUpdateStatefulSet, ValidateDaemonSetSpec, ValidateRollingUpdateDaemonSet,
ValidatePositiveIntOrPercent, IsNotMoreThan100Percent), pkg/apis/core/validation
(ValidateReplicationControllerSpec) and pkg/apis/batch/validation/validation.go (validateJobSpec,
ValidateGeneratedSelector, validateCronJobSpec, validateScheduleFormat, validateTimeZone).
Defaults are applied first, as the API server does (pkg/apis/apps/v1/defaults.go): a Deployment's
maxSurge and maxUnavailable default to 25%, a DaemonSet's maxUnavailable to 1 and maxSurge to 0.
The selector against template labels is the workload-selector-mismatch rule's business.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.k8s.apivalidation import (
    Errors,
    as_dict,
    as_int,
    int_or_percent,
    label_selector,
    present,
    selector_empty,
    show,
)
from kubelint.model import Path, Problem, Resource

PARAMS: dict = {}
KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController"})

_SELECTOR_KINDS = {"Deployment": "deployment", "ReplicaSet": "deployment", "StatefulSet": "statefulset",
                   "DaemonSet": "daemonset"}


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    kind, group = resource.kind, resource.group
    if group not in ("apps", "batch", "") or (group == "" and kind != "ReplicationController"):
        return
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    errors = Errors()
    if group == "apps" and kind in _SELECTOR_KINDS:
        _replicated(errors, resource, spec)
        if kind == "Deployment":
            _deployment(errors, spec)
        elif kind == "StatefulSet":
            _statefulset(errors, spec)
        elif kind == "DaemonSet":
            _daemonset(errors, spec)
    elif group == "" and kind == "ReplicationController":
        errors.nonnegative(("spec", "replicas"), spec.get("replicas"))
        errors.nonnegative(("spec", "minReadySeconds"), spec.get("minReadySeconds"))
        selector = spec.get("selector")
        if isinstance(selector, dict) and not selector and not as_dict(k8s.get(spec, ("template", "metadata",
                                                                                       "labels"))):
            errors.required(("spec", "selector"), hint="set spec.selector (or template labels it defaults from)")
    elif group == "batch" and kind == "Job":
        job(errors, ("spec",), spec, name=resource.name, standalone=True)
    elif group == "batch" and kind == "CronJob":
        _cronjob(errors, spec)
    yield from errors


def _replicated(errors: Errors, resource: Resource, spec: dict) -> None:
    errors.nonnegative(("spec", "replicas"), spec.get("replicas"))
    errors.nonnegative(("spec", "minReadySeconds"), spec.get("minReadySeconds"))
    errors.nonnegative(("spec", "revisionHistoryLimit"), spec.get("revisionHistoryLimit"))
    selector = spec.get("selector")
    if isinstance(selector, dict):
        label_selector(errors, ("spec", "selector"), selector)
        if selector_empty(selector):
            kind = _SELECTOR_KINDS[resource.kind]
            errors.invalid(("spec", "selector"), "{}", f"empty selector is invalid for {kind}",
                           hint="select the pods by their labels: selector.matchLabels with the template's labels")


def _deployment(errors: Errors, spec: dict) -> None:
    strategy = spec.get("strategy")
    if isinstance(strategy, dict):
        kind = strategy.get("type") or "RollingUpdate"
        rolling = strategy.get("rollingUpdate")
        if kind == "Recreate" and present(strategy, "rollingUpdate"):
            errors.forbidden(("spec", "strategy", "rollingUpdate"),
                             "may not be specified when strategy `type` is 'Recreate'",
                             hint="remove rollingUpdate, or use type: RollingUpdate")
        elif kind == "RollingUpdate" and isinstance(rolling, dict):
            path = ("spec", "strategy", "rollingUpdate")
            surge = rolling.get("maxSurge", "25%") if rolling.get("maxSurge") is not None else "25%"
            unavailable = rolling.get("maxUnavailable") if rolling.get("maxUnavailable") is not None else "25%"
            _int_or_percent(errors, path + ("maxSurge",), surge)
            _int_or_percent(errors, path + ("maxUnavailable",), unavailable)
            if _value(unavailable) == 0 and _value(surge) == 0:
                errors.invalid(path + ("maxUnavailable",), unavailable, "may not be 0 when `maxSurge` is 0",
                               hint="a rollout must either add a pod or remove one: raise maxSurge or "
                                    "maxUnavailable")
            _at_most_100(errors, path + ("maxUnavailable",), unavailable)
    progress = as_int(spec.get("progressDeadlineSeconds"))
    if progress is not None:
        errors.nonnegative(("spec", "progressDeadlineSeconds"), progress)
        ready = as_int(spec.get("minReadySeconds")) or 0
        if progress <= ready:
            errors.invalid(("spec", "progressDeadlineSeconds"), progress, "must be greater than minReadySeconds",
                           hint=f"raise progressDeadlineSeconds above {ready}")


def _statefulset(errors: Errors, spec: dict) -> None:
    strategy = spec.get("updateStrategy")
    if isinstance(strategy, dict):
        kind = strategy.get("type") or "RollingUpdate"
        rolling = strategy.get("rollingUpdate")
        path = ("spec", "updateStrategy", "rollingUpdate")
        if kind == "OnDelete" and present(strategy, "rollingUpdate"):
            errors.invalid(path, "{...}", "only allowed for updateStrategy 'RollingUpdate'",
                           hint="remove rollingUpdate, or use type: RollingUpdate")
        elif kind == "RollingUpdate" and isinstance(rolling, dict):
            errors.nonnegative(path + ("partition",), rolling.get("partition"))
            unavailable = rolling.get("maxUnavailable")
            if unavailable is not None:
                _int_or_percent(errors, path + ("maxUnavailable",), unavailable)
                if _value(unavailable) == 0:
                    errors.invalid(path + ("maxUnavailable",), unavailable, "cannot be 0")
                _at_most_100(errors, path + ("maxUnavailable",), unavailable)
    ordinals = spec.get("ordinals")
    if isinstance(ordinals, dict):
        errors.nonnegative(("spec", "ordinals", "start"), ordinals.get("start"))
    for index, template in enumerate(spec.get("volumeClaimTemplates") or []):
        if not isinstance(template, dict):
            continue
        name = k8s.get(template, ("metadata", "name"))
        if not name:
            errors.required(("spec", "volumeClaimTemplates", index, "metadata", "name"),
                            hint="name the claim template: pods mount it by this name")


def _daemonset(errors: Errors, spec: dict) -> None:
    strategy = spec.get("updateStrategy")
    if not isinstance(strategy, dict):
        return
    kind = strategy.get("type") or "RollingUpdate"
    rolling = strategy.get("rollingUpdate")
    if kind != "RollingUpdate" or not isinstance(rolling, dict):
        return
    path = ("spec", "updateStrategy", "rollingUpdate")
    unavailable = rolling.get("maxUnavailable") if rolling.get("maxUnavailable") is not None else 1
    surge = rolling.get("maxSurge") if rolling.get("maxSurge") is not None else 0
    for field, value in (("maxUnavailable", unavailable), ("maxSurge", surge)):
        _int_or_percent(errors, path + (field,), value)
        _at_most_100(errors, path + (field,), value)
    has_unavailable, has_surge = _value(unavailable) != 0, _value(surge) != 0
    if has_unavailable and has_surge:
        defaulted = rolling.get("maxUnavailable") is None
        errors.invalid(path + ("maxSurge",), surge, "may not be set when maxUnavailable is non-zero",
                       hint="set maxUnavailable: 0 to surge" + (" (it defaults to 1)" if defaulted else ""))
    elif not has_unavailable and not has_surge:
        errors.required(path + ("maxUnavailable",), "cannot be 0 when maxSurge is 0",
                        hint="set maxUnavailable to 1 or more, or maxSurge instead")


# --- batch ----------------------------------------------------------------------------------------


def job(errors: Errors, path: Path, spec: dict, name: str | None, standalone: bool) -> None:
    """validateJobSpec (+ the selector rules that apply to a Job created directly)."""
    for field in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"):
        errors.nonnegative(path + (field,), spec.get(field))
    mode = spec.get("completionMode") or "NonIndexed"
    completions = as_int(spec.get("completions"))
    if mode == "Indexed":
        if not present(spec, "completions"):
            errors.required(path + ("completions",), "when completion mode is Indexed",
                            hint="an Indexed Job runs completions pods numbered 0 to completions-1")
        elif completions is not None and completions > 10**5:
            errors.invalid(path + ("completions",), completions, "must be less than or equal to 100000 when "
                           "completion mode is Indexed")
        parallelism = as_int(spec.get("parallelism"))
        if parallelism is not None and parallelism > 10**5:
            errors.invalid(path + ("parallelism",), parallelism, "must be less than or equal to 100000 when "
                           "completion mode is Indexed")
        if standalone and isinstance(name, str) and completions:
            hostname = f"{name}-{completions - 1}"
            if k8s.dns1123_label_errors(hostname):
                errors.invalid(("metadata", "name"), name, f"will not able to create pod with invalid DNS label: "
                               f"{hostname}", hint="shorten the name: pod hostnames are <name>-<index>, at most "
                                                   "63 characters")
    else:
        for field in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if present(spec, field):
                errors.invalid(path + (field,), spec.get(field), "requires indexed completion mode",
                               hint="set completionMode: Indexed")
        if present(spec, "successPolicy"):
            errors.invalid(path + ("successPolicy",), "{...}", "requires indexed completion mode",
                           hint="set completionMode: Indexed")
    if present(spec, "maxFailedIndexes") and not present(spec, "backoffLimitPerIndex"):
        errors.required(path + ("backoffLimitPerIndex",), "when maxFailedIndexes is specified")
    restart = k8s.get(spec, ("template", "spec", "restartPolicy"))
    if present(spec, "podFailurePolicy") and restart not in ("Never",) and isinstance(restart, (str, type(None))):
        errors.invalid(path + ("template", "spec", "restartPolicy"), restart or "Always",
                       "only \"Never\" is supported when podFailurePolicy is specified",
                       hint="set restartPolicy: Never")
    selector = spec.get("selector")
    if isinstance(selector, dict):
        label_selector(errors, path + ("selector",), selector)
        if standalone and spec.get("manualSelector") is not True:
            errors.invalid(path + ("selector",), "{...}", "`selector` not auto-generated",
                           hint="remove spec.selector (the API server generates it), or set manualSelector: true "
                                "if you really manage it")


def _cronjob(errors: Errors, spec: dict) -> None:
    for field in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        errors.nonnegative(("spec", field), spec.get(field))
    schedule = spec.get("schedule")
    zone = spec.get("timeZone")
    if isinstance(schedule, str):
        if not schedule:
            errors.required(("spec", "schedule"))
        else:
            problem = cron_schedule_error(schedule)
            if problem:
                errors.invalid(("spec", "schedule"), schedule, problem,
                               hint="five fields: minute hour day-of-month month day-of-week, e.g. \"*/5 * * * *\"")
            if "TZ" in schedule and zone is not None:
                errors.invalid(("spec", "schedule"), schedule, "cannot use both timeZone field and TZ or CRON_TZ in "
                               "schedule", hint="remove the TZ= prefix and keep timeZone")
    if isinstance(zone, str):
        message = time_zone_error(zone)
        if message:
            errors.invalid(("spec", "timeZone"), zone, message, hint="an IANA name such as Etc/UTC or Europe/Paris")
    template = as_dict(spec.get("jobTemplate"))
    if isinstance(template.get("spec"), dict):
        job(errors, ("spec", "jobTemplate", "spec"), template["spec"], name=None, standalone=False)


# --- helpers ---------------------------------------------------------------------------------------


def _int_or_percent(errors: Errors, path: Path, value) -> None:
    """ValidatePositiveIntOrPercent."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        errors.nonnegative(path, value)
    elif isinstance(value, str):
        number, percent = int_or_percent(value)
        if not percent:
            errors.invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' "
                           "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                           hint=f"write {value.strip()}%" if value.strip().isdigit() else None)


def _value(value) -> int | None:
    number, _ = int_or_percent(value)
    return number


def _at_most_100(errors: Errors, path: Path, value) -> None:
    number, percent = int_or_percent(value)
    if percent and number is not None and number > 100:
        errors.invalid(path, value, "must not be greater than 100%")


# --- cron ------------------------------------------------------------------------------------------

_DESCRIPTORS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_BOUNDS = ((0, 59, None), (0, 23, None), (1, 31, None),
           (1, 12, {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}),
           (0, 6, {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}))
_GO_DURATION = re.compile(r"([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+\Z")


def cron_schedule_error(schedule: str) -> str | None:
    """The error robfig/cron v3's ParseStandard gives for a schedule, or None (the parser Kubernetes uses)."""
    text = schedule.strip()
    if text.startswith("TZ=") or text.startswith("CRON_TZ="):
        zone, _, text = text.partition(" ")
        message = time_zone_error(zone.split("=", 1)[1])
        if message:
            return f"provided bad location {zone.split('=', 1)[1]}: {message}"
        text = text.strip()
    if text.startswith("@"):
        if text.startswith("@every "):
            duration = text[len("@every "):].strip()
            if not _GO_DURATION.match(duration) or duration in ("", "."):
                return f"failed to parse duration {text}: time: invalid duration \"{duration}\""
            return None
        if text in _DESCRIPTORS:
            return None
        return f"unrecognized descriptor: {text}"
    fields = text.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]"
    for field, (low, high, names) in zip(fields, _BOUNDS):
        for part in field.split(","):
            message = _cron_range(part, low, high, names)
            if message:
                return message
    return None


def _cron_range(expr: str, low: int, high: int, names: dict | None) -> str | None:
    range_and_step = expr.split("/")
    if len(range_and_step) > 2:
        return f"too many slashes: {expr}"
    bounds = range_and_step[0].split("-")
    if bounds[0] in ("*", "?"):
        start, end = low, high
        if len(bounds) > 1:
            return f"too many hyphens: {expr}"
    else:
        if len(bounds) > 2:
            return f"too many hyphens: {expr}"
        values = []
        for item in bounds:
            value = _cron_value(item, names)
            if isinstance(value, str):
                return value
            values.append(value)
        start = values[0]
        end = values[1] if len(values) == 2 else start
    if len(range_and_step) == 2:
        step_text = range_and_step[1]
        if not step_text.isdigit():
            return f"failed to parse int from {step_text}: strconv.Atoi: parsing \"{step_text}\": invalid syntax"
        step = int(step_text)
        if step == 0:
            return f"step of range should be a positive number: {expr}"
        if len(bounds) == 1 and bounds[0] not in ("*", "?"):
            end = high
    if start < low:
        return f"beginning of range ({start}) below minimum ({low}): {expr}"
    if end > high:
        return f"end of range ({end}) above maximum ({high}): {expr}"
    if start > end:
        return f"beginning of range ({start}) beyond end of range ({end}): {expr}"
    return None


def _cron_value(text: str, names: dict | None) -> int | str:
    if names and text.lower() in names:
        return names[text.lower()]
    if not re.fullmatch(r"[0-9]+", text):
        return f"failed to parse int from {text}: strconv.Atoi: parsing {show(text)}: invalid syntax"
    return int(text)


def time_zone_error(zone: str) -> str | None:
    """validateTimeZone: an explicit IANA time zone that Go's time.LoadLocation knows."""
    if zone.lower() == "local":
        return "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
    known = _zones()
    if known is None:
        return None   # no time zone database here: cannot tell
    if zone in known or zone == "UTC" or zone == "":
        return None
    return f"unknown time zone {zone}"


def _zones() -> set[str] | None:
    try:
        zones = zoneinfo.available_timezones()
    except Exception:   # pragma: no cover - depends on the platform
        return None
    return zones or None

