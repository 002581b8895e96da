"""A workload whose selector does not select its own pod template: the API server rejects it.

Upstream: ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateDaemonSetSpec,
ValidateStatefulSetSpec (pkg/apis/apps/validation: "empty selector is invalid",
"`selector` does not match template `labels`"), ValidateJobSpec (pkg/apis/batch/validation:
the labels the Job controller generates count as present) and
ValidateReplicationControllerSpec (pkg/apis/core/validation: a map selector, defaulted from
the template's labels when empty). An Argo Rollout is checked as Argo Rollouts' ValidateRolloutSpec
checks it (pkg/apis/rollouts/validation/validation.go: the same two rules, InvalidSpec).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import GENERATED_LABELS, graph
from kubelint.k8s import objects as k8s
from kubelint.k8s import selector as selectors
from kubelint.model import Problem, Resource, format_path

PARAMS: dict = {}

APPS_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for group, kind in [("apps", k) for k in APPS_KINDS] + [("batch", "Job"), ("", "ReplicationController"),
                                                             ("argoproj.io", "Rollout")]:
        for resource in g.of_kind(group, kind):
            if resource.group == group:   # not an alias (an extensions/v1beta1 Deployment defaulted its selector)
                for problem in _check(resource, kind):
                    yield resource, problem


def _check(resource: Resource, kind: str) -> Iterator[Problem]:
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    raw = spec.get("selector")
    labels = k8s.get(spec, ("template", "metadata", "labels"))
    labels = labels if isinstance(labels, dict) else {}
    match_labels = raw.get("matchLabels") if isinstance(raw, dict) else None
    if kind != "ReplicationController" and isinstance(raw, dict) and len(raw) == 1 and match_labels \
            and isinstance(match_labels, dict) \
            and all(labels.get(k) == v for k, v in match_labels.items()):
        return   # the common case, decided without building a selector
    try:
        if kind == "ReplicationController":
            if not raw:
                return   # defaulted from the template's labels
            selector = selectors.from_map(raw)
        else:
            if raw is None:
                return   # required (apps) or generated (Job): the schema rules' business
            selector = selectors.from_label_selector(raw)
    except selectors.SelectorError:
        return           # reported by the schema and label rules
    if selector.everything and (kind in APPS_KINDS or kind == "Rollout"):
        verdict = ("Argo Rollouts marks a Rollout whose selector selects every pod InvalidSpec" if kind == "Rollout"
                   else f"the API server rejects a {kind} whose selector selects every pod")
        yield Problem(("spec", "selector"), f"spec.selector is empty: {verdict} (empty selector is invalid)",
                      hint="select the pod template's identifying labels, e.g. matchLabels: "
                           "{app.kubernetes.io/name: <name>}", at_key=True)
        return
    wildcard = GENERATED_LABELS["Job"] if kind == "Job" else frozenset()
    for index, requirement in enumerate(selector.requirements):
        if requirement.matches(labels, wildcard):
            continue
        path = _requirement_path(raw, kind, requirement, index)
        shown = ", ".join(f"{k}={v}" for k, v in labels.items()) or "none"
        have = labels.get(requirement.key)
        detail = (f'the template has {requirement.key}={have}' if have is not None
                  else f'the template has no label "{requirement.key}"')
        yield Problem(path, f"spec.selector ({requirement}) does not match the pod template's labels: {detail} "
                      f"(its labels: {shown}); {_verdict(kind)} (`selector` does not match "
                      "template `labels`)",
                      hint=f"make {format_path(('spec', 'template', 'metadata', 'labels'))} carry every label "
                           "the selector requires (the selector cannot change after creation)")
        return


def _verdict(kind: str) -> str:
    """Who turns the workload down: the API server, or for a Rollout the Argo Rollouts controller
    (ValidateRolloutSpec in pkg/apis/rollouts/validation/validation.go: the Rollout is InvalidSpec)."""
    if kind == "Rollout":
        return "Argo Rollouts marks the Rollout InvalidSpec and runs no pods for it"
    return f"the API server rejects the {kind}"


def _requirement_path(raw, kind: str, requirement, index: int):
    if kind == "ReplicationController":
        return ("spec", "selector", requirement.key)
    match_labels = raw.get("matchLabels") if isinstance(raw.get("matchLabels"), dict) else {}
    if requirement.key in match_labels and index < len(match_labels):
        return ("spec", "selector", "matchLabels", requirement.key)
    return ("spec", "selector", "matchExpressions", index - len(match_labels))
