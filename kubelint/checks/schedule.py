"""The scheduling dry-run as findings (``kubelint check ... --nodes NODES``).

The dry-run (kubelint/schedule) runs once per check run and only when node inventories are
given; each rule bound to this template reports one aspect of its result (kubelint/schedule/aspects.py)
at the line of the workload (its metadata.name) or of the inventory entry. A rule's ``check``
names one of:

- ``inventory``: node inventories that cannot be used as they are;
- ``unschedulable``: pods kube-scheduler would leave Pending, with its own message;
- ``preemption``: pods that only fit by evicting lower-priority pods;
- ``rollout``: a Deployment or DaemonSet whose surge pods do not fit (the rollout stalls);
- ``single-node`` / ``single-zone``: all replicas of a workload on one node, or in one zone;
- ``node-failure``: pods that would not fit elsewhere if their node or zone failed;
- ``hpa-max``: an HPA's maxReplicas that would not fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from kubelint.checks import CheckSet, Context
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

if TYPE_CHECKING:
    from kubelint.schedule.aspects import DryRun

PARAMS = {"check": "unschedulable"}
CHECKS = CheckSet()
Found = Iterator[tuple[Resource, Problem]]


def dry_run(ctx: Context) -> DryRun | None:
    """The dry-run of this check run (None without --nodes), computed once."""
    if "schedule" not in ctx.cache:
        nodes = list(ctx.options.nodes or [])
        ctx.cache["schedule"] = _run(ctx, nodes) if nodes else None
    return ctx.cache["schedule"]


def _run(ctx: Context, nodes: list[str]) -> DryRun:
    # Start-up: the dry-run imports numpy (about 80 ms), which runs without --nodes never need;
    from kubelint.schedule.aspects import DryRun

    return DryRun.run(ctx.resources, nodes, ctx.bundle.version, ctx.options.scheduler_config)


@CHECKS.run("inventory")
def inventory(rule: Rule, ctx: Context) -> Found:
    run = dry_run(ctx)
    if run is not None:
        yield from run.inventory()


@CHECKS.run("unschedulable")
def unschedulable(rule: Rule, ctx: Context) -> Found:
    run = dry_run(ctx)
    if run is not None:
        yield from run.unschedulable()


@CHECKS.run("preemption")
def preemption(rule: Rule, ctx: Context) -> Found:
    run = dry_run(ctx)
    if run is not None:
        yield from run.preemption()


@CHECKS.run("rollout")
def rollout(rule: Rule, ctx: Context) -> Found:
    run = dry_run(ctx)
    if run is not None:
        yield from run.rollout()


@CHECKS.run("single-node")
def single_node(rule: Rule, ctx: Context) -> Found:
    run = dry_run(ctx)
    if run is not None:
        yield from run.single_node()


@CHECKS.run("single-zone")
def single_zone(rule: Rule, ctx: Context) -> Found:
    run = dry_run(ctx)
    if run is not None:
        yield from run.single_zone()


@CHECKS.run("node-failure")
def node_failure(rule: Rule, ctx: Context) -> Found:
    run = dry_run(ctx)
    if run is not None:
        yield from run.node_failure()


@CHECKS.run("hpa-max")
def hpa_max(rule: Rule, ctx: Context) -> Found:
    run = dry_run(ctx)
    if run is not None:
        yield from run.hpa_max()
