"""CronJobs and Jobs: overlapping runs, missed schedules, finished Jobs that are never cleaned up.

The CronJob controller (pkg/controller/cronjob/utils.go, mostRecentScheduleTime) gives up on a
CronJob that missed more than 100 schedules when startingDeadlineSeconds is unset; the default
concurrencyPolicy Allow starts a run while the previous one is still going. A Job's
ttlSecondsAfterFinished lets the TTL controller delete it once finished; CronJobs clean up their
Jobs through successfulJobsHistoryLimit and failedJobsHistoryLimit instead.

A rule's ``check`` names one of: ``concurrency-policy`` and ``starting-deadline`` (CronJobs),
``ttl`` (Jobs).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import CheckSet, Context
from kubelint.k8s import objects as k8s
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": ""}
CHECKS = CheckSet()

#: Annotations of tools that delete the Jobs they run (Helm and Argo CD hooks).
SELF_CLEANING = ("helm.sh/hook-delete-policy", "argocd.argoproj.io/hook-delete-policy")


@CHECKS("concurrency-policy", kinds={"CronJob"})
def concurrency_policy(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    spec = _spec(resource)
    if spec is not None and spec.get("concurrencyPolicy") is None:
        yield Problem(("spec",), "concurrencyPolicy is not set, so it is Allow: a run that takes longer than "
                      "the schedule's interval overlaps with the next one", at_key=True,
                      hint="set concurrencyPolicy: Forbid (skip a run while one is active) or Replace; "
                           "write Allow explicitly if runs may overlap")


@CHECKS("starting-deadline", kinds={"CronJob"})
def starting_deadline(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    spec = _spec(resource)
    if spec is not None and spec.get("startingDeadlineSeconds") is None:
        yield Problem(("spec",), "startingDeadlineSeconds is not set: after the controller misses more than "
                      "100 schedules (controller down, CronJob suspended) it stops scheduling this CronJob",
                      at_key=True, hint="set startingDeadlineSeconds (for example 300): a run that could not "
                                        "start within it is skipped")


@CHECKS("ttl", kinds={"Job"})
def ttl(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    spec = _spec(resource)
    if spec is None:
        return
    annotations = k8s.get(resource.data, ("metadata", "annotations"))
    if isinstance(annotations, dict) and any(key in annotations for key in SELF_CLEANING):
        return
    if spec.get("ttlSecondsAfterFinished") is None:
        yield Problem(("spec",), "ttlSecondsAfterFinished is not set: the finished Job and its pods stay in the "
                      "cluster until deleted by hand", at_key=True,
                      hint="set ttlSecondsAfterFinished (for example 86400 for one day)")


def _spec(resource: Resource) -> dict | None:
    """The spec of a batch/v1 Job or CronJob (None for another group's kind of that name)."""
    spec = resource.data.get("spec")
    return spec if resource.group == "batch" and isinstance(spec, dict) else None
