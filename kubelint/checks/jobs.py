"""CronJobs and Jobs: overlapping runs, missed schedules, finished Jobs that are never cleaned up.

The CronJob controller (pkg/controller/cronjob/utils.go, mostRecentScheduleTime) gives up on a
CronJob that missed more than 100 schedules when startingDeadlineSeconds is unset; the default
concurrencyPolicy Allow starts a run while the previous one is still going. A Job's
ttlSecondsAfterFinished lets the TTL controller delete it once finished; CronJobs clean up their
Jobs through successfulJobsHistoryLimit and failedJobsHistoryLimit instead.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.model import Problem, Resource

PARAMS = {"check": ""}


def KINDS(rule) -> frozenset[str]:  # noqa: N802
    return frozenset({"Job"}) if rule.params["check"] == "ttl" else frozenset({"CronJob"})

#: Annotations of tools that delete the Jobs they run (Helm and Argo CD hooks).
SELF_CLEANING = ("helm.sh/hook-delete-policy", "argocd.argoproj.io/hook-delete-policy")


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if resource.group != "batch":
        return
    check = rule.params["check"]
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    if resource.kind == "CronJob" and check == "concurrency-policy":
        if spec.get("concurrencyPolicy") is None:
            yield Problem(("spec",), "concurrencyPolicy is not set, so it is Allow: a run that takes longer than "
                          "the schedule's interval overlaps with the next one", at_key=True,
                          hint="set concurrencyPolicy: Forbid (skip a run while one is active) or Replace; "
                               "write Allow explicitly if runs may overlap")
    elif resource.kind == "CronJob" and check == "starting-deadline":
        if spec.get("startingDeadlineSeconds") is None:
            yield Problem(("spec",), "startingDeadlineSeconds is not set: after the controller misses more than "
                          "100 schedules (controller down, CronJob suspended) it stops scheduling this CronJob",
                          at_key=True, hint="set startingDeadlineSeconds (for example 300): a run that could not "
                                            "start within it is skipped")
    elif resource.kind == "Job" and check == "ttl":
        annotations = k8s.get(resource.data, ("metadata", "annotations"))
        if isinstance(annotations, dict) and any(key in annotations for key in SELF_CLEANING):
            return
        if spec.get("ttlSecondsAfterFinished") is None:
            yield Problem(("spec",), "ttlSecondsAfterFinished is not set: the finished Job and its pods stay in the "
                          "cluster until deleted by hand", at_key=True,
                          hint="set ttlSecondsAfterFinished (for example 86400 for one day)")
