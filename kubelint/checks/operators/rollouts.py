"""Argo Rollouts: the Services of a Rollout's strategy, and Services that select both versions.

Upstream (argoproj/argo-rollouts pkg/apis/rollouts/validation/validation.go): ValidateService
requires every label of each strategy Service's selector, but ``rollouts-pod-template-hash``
(which the controller adds to point it at one ReplicaSet), to be among the Rollout's template
labels (`Service "x" has unmatch label "app" in rollout`), and ValidateRolloutStrategyBlueGreen
and ...Canary require two different Services; otherwise the Rollout is InvalidSpec and nothing is
rolled out. During a blue-green update both the active (blue) and the preview (green) ReplicaSets
run: a Service other than the two that selects the Rollout's pods sends traffic to both versions.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import Context
from kubelint.checks.operators.common import named
from kubelint.crossref.graph import graph
from kubelint.crossref.references import rollout_services
from kubelint.k8s import objects as k8s
from kubelint.k8s.objects import text
from kubelint.model import Path, Problem, Resource
from kubelint.rules.registry import Rule

ROLLOUTS = "argoproj.io"
HASH_LABEL = "rollouts-pod-template-hash"   # v1alpha1.DefaultRolloutUniqueLabelKey
#: the strategies' Service pairs that must differ, and the validation's messages
DISTINCT = ((("spec", "strategy", "blueGreen"), "activeService", "previewService",
             ("This rollout uses the same service for the active and preview services, but two different services "
              "are required.")),
            (("spec", "strategy", "canary"), "stableService", "canaryService",
             ("This rollout uses the same service for the stable and canary services, but two different services "
              "are required.")))


def _template_labels(rollout: Resource) -> dict | None:
    labels = k8s.get(rollout.data, ("spec", "template", "metadata", "labels"))
    return labels if isinstance(labels, dict) else None


def service_selector(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for rollout in named(g.of_kind(ROLLOUTS, "Rollout")):
        if not ctx.reports(rollout):
            continue
        for parent, first, second, message in DISTINCT:
            one, other = text(k8s.get(rollout.data, parent + (first,))), text(k8s.get(rollout.data, parent + (second,)))
            if one is not None and one == other:
                yield rollout, Problem(parent + (second,), f"{parent[-1]}.{second} is {first}'s Service too: "
                                       f"{message} Argo Rollouts marks the Rollout InvalidSpec",
                                       hint=f"give the {second} a Service of its own")
        labels = _template_labels(rollout)
        if labels is None:
            continue   # a workloadRef Rollout: its template is the Deployment's
        seen: set[str] = set()
        for path, name in rollout_services(rollout):
            if name in seen:
                continue   # one Service in two roles: said above, and its selector once
            seen.add(name)
            found = g.get("", "Service", rollout.namespace, name)
            selector = k8s.get(found[0].data, ("spec", "selector")) if found else None
            if isinstance(selector, dict):
                problem = _unmatched(name, selector, labels, path)
                if problem is not None:
                    yield rollout, problem


def _unmatched(name: str, selector: dict, labels: dict, path: Path) -> Problem | None:
    for key, value in selector.items():
        if key == HASH_LABEL or labels.get(key) == value:
            continue
        have = f"the Rollout's pods have {key}={labels[key]}" if key in labels else \
            f'the Rollout\'s pods have no label "{key}"'
        return Problem(path, f'Service "{name}" has unmatch label "{key}" in rollout: its selector wants '
                       f"{key}={value} and {have}, so Argo Rollouts marks the Rollout InvalidSpec and rolls "
                       "nothing out", hint="make the Service's selector a subset of the Rollout's pod template labels")
    return None


def service_ambiguous(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for rollout in named(g.of_kind(ROLLOUTS, "Rollout")):
        strategy = k8s.get(rollout.data, ("spec", "strategy", "blueGreen"))
        labels = _template_labels(rollout)
        if not isinstance(strategy, dict) or labels is None:
            continue
        own = {text(strategy.get("activeService")), text(strategy.get("previewService"))}
        for service in g.of_kind("", "Service"):
            if service.namespace != rollout.namespace or service.name in own or not ctx.reports(service):
                continue
            selector = k8s.get(service.data, ("spec", "selector"))
            if not isinstance(selector, dict) or not selector or HASH_LABEL in selector or \
                    k8s.get(service.data, ("spec", "type")) == "ExternalName":
                continue
            if all(labels.get(key) == value for key, value in selector.items()):
                shown = ", ".join(f"{k}={v}" for k, v in selector.items())
                yield service, Problem(("spec", "selector"), f'Service "{service.name}" selects the pods of the '
                                       f'blue-green Rollout "{rollout.name}" ({shown}) but is neither its '
                                       "activeService nor its previewService: during an update it sends traffic "
                                       "to both the active (blue) and the preview (green) version", at_key=True,
                                       hint="reach the Rollout through its activeService (Argo Rollouts pins it to "
                                            "one version), or select a label only one version carries")
