"""A PodDisruptionBudget that selects no pods, or that allows no eviction at all.

Upstream: the disruption controller (pkg/controller/disruption/disruption.go) counts the
pods the selector matches in the PDB's namespace (a null selector matches none, an empty one
all) and computes disruptionsAllowed; percentages of minAvailable and maxUnavailable are
rounded up (GetScaledValueFromIntOrPercent). With maxUnavailable 0, or minAvailable at
least the number of replicas, no pod may be evicted and `kubectl drain` waits forever.
Replicas count the minimum an HorizontalPodAutoscaler may scale down to.
"""

from __future__ import annotations

import math
from typing import Iterator

from kubelint.crossref.graph import graph
from kubelint.k8s import selector as selectors
from kubelint.model import Problem, Resource

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for pdb in g.of_kind("policy", "PodDisruptionBudget"):
        spec = pdb.data.get("spec")
        if not isinstance(spec, dict):
            continue
        if spec.get("maxUnavailable") in (0, "0%"):
            yield pdb, Problem(("spec", "maxUnavailable"), "maxUnavailable is 0: no pod may ever be evicted, so node "
                               "drains and cluster upgrades hang", hint="allow at least one disruption "
                                                                        "(maxUnavailable: 1)")
            continue
        if spec.get("minAvailable") == "100%":
            yield pdb, Problem(("spec", "minAvailable"), "minAvailable is 100%: no pod may ever be evicted, so node "
                               "drains and cluster upgrades hang", hint="use maxUnavailable: 1 instead")
            continue
        raw = spec.get("selector")
        if raw is None:
            continue   # selects nothing on purpose? the schema rules report a PDB without a selector
        try:
            selector = selectors.from_label_selector(raw)
        except selectors.SelectorError:
            continue
        if selector.everything:
            continue
        templates = g.select(pdb.namespace, selector)
        if not templates:
            if g.judges_namespace(pdb.namespace) and not g.maybe_made_by_operator(pdb.namespace, selector):
                yield pdb, Problem(("spec", "selector"), f'PodDisruptionBudget "{pdb.name}" selects no pods: no pod '
                                   f'template in namespace "{pdb.namespace}" has the labels {selector}, so it '
                                   "protects nothing", at_key=True,
                                   hint="make the selector equal the labels of the workload's pod template")
            continue
        problem = _blocks_eviction(g, spec, templates)
        if problem is not None:
            yield pdb, problem


def _blocks_eviction(g, spec: dict, templates) -> Problem | None:
    minimum = spec.get("minAvailable")
    if minimum is None:
        return None
    total = 0
    for template in templates:
        if template.owner.kind in ("Job", "CronJob"):
            return None
        low, _ = g.replica_range(template)
        if low is None:
            return None   # a DaemonSet: as many pods as nodes
        total += low
    if total == 0:
        return None
    if isinstance(minimum, int) and not isinstance(minimum, bool):
        needed = minimum
    elif isinstance(minimum, str) and minimum.endswith("%") and minimum[:-1].isdigit():
        needed = math.ceil(int(minimum[:-1]) * total / 100)
    else:
        return None
    if needed < total:
        return None
    names = ", ".join(t.describe() for t in templates[:3])
    return Problem(("spec", "minAvailable"), f"minAvailable {minimum} leaves no pod to evict: the selected pods "
                   f"number {total} ({names}), so node drains and cluster upgrades hang",
                   hint=f"lower minAvailable below {total}, use maxUnavailable: 1, or run more replicas")
