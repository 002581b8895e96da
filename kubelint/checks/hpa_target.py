"""A HorizontalPodAutoscaler that cannot work: its target is missing, a Utilization metric
needs a request its target's containers lack, or minReplicas exceeds maxReplicas.

Upstream: the replica calculator (pkg/controller/podautoscaler/replica_calculator.go,
calculatePodRequests) fails with "missing request for cpu" when a container of the target's
pods (regular containers and sidecar init containers; one named container for a
ContainerResource metric) has no request for the resource, and the autoscaler then does not
scale. A request defaults to the limit, and LimitRanger sets defaults. An autoscaling/v1
HPA, or a v2 one without metrics, targets 80% CPU utilization. ValidateHorizontalPodAutoscalerSpec
(pkg/apis/autoscaling/validation) rejects minReplicas > maxReplicas.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import graph
from kubelint.k8s import objects as k8s
from kubelint.k8s.objects import integer, text
from kubelint.model import Path, Problem, Resource, format_path

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for hpa in g.of_kind("autoscaling", "HorizontalPodAutoscaler"):
        spec = hpa.data.get("spec")
        if not isinstance(spec, dict):
            continue
        minimum, maximum = integer(spec.get("minReplicas")), integer(spec.get("maxReplicas"))
        if minimum is not None and maximum is not None and minimum > maximum:
            yield hpa, Problem(("spec", "minReplicas"), f"minReplicas ({minimum}) is greater than maxReplicas "
                               f"({maximum}): the API server rejects the HorizontalPodAutoscaler",
                               hint="set minReplicas <= maxReplicas")
    for ref in g.references_from("HorizontalPodAutoscaler"):
        problems = list(g.check_reference(ref))
        for problem in problems:
            yield ref.source, problem
        if problems:
            continue
        known = g.find(ref.group, ref.kind, ref.namespace, ref.name)
        template = g.template(known.resource) if known is not None and known.origin == "input" else None
        if template is not None:
            for path, resource_name, container, why in _utilization_metrics(ref.source):
                problem = _missing_request(g, template, path, resource_name, container, why)
                if problem is not None:
                    yield ref.source, problem


def _utilization_metrics(hpa: Resource) -> Iterator[tuple[Path, str, str | None, str]]:
    """(path, resource, container or None, how) of each metric that needs requests."""
    spec = hpa.data["spec"]
    if hpa.version == "v1":
        if spec.get("targetCPUUtilizationPercentage") is not None:
            yield ("spec", "targetCPUUtilizationPercentage"), "cpu", None, "targetCPUUtilizationPercentage"
        else:
            yield ("spec", "scaleTargetRef"), "cpu", None, "without a target, the autoscaler's default of 80% CPU " \
                                                           "utilization"
        return
    metrics = spec.get("metrics")
    if not metrics:
        yield (("spec", "scaleTargetRef"), "cpu", None,
               "without metrics, the autoscaler's default of 80% CPU utilization")
        return
    for index, metric in enumerate(metrics if isinstance(metrics, list) else []):
        if not isinstance(metric, dict):
            continue
        if metric.get("type") == "Resource" and isinstance(metric.get("resource"), dict):
            source, field_name, container = metric["resource"], "resource", None
        elif metric.get("type") == "ContainerResource" and isinstance(metric.get("containerResource"), dict):
            source, field_name = metric["containerResource"], "containerResource"
            container = text(source.get("container"))
        else:
            continue
        name = source.get("name")
        if name in ("cpu", "memory") and k8s.get(source, ("target", "type")) == "Utilization":
            yield ("spec", "metrics", index, field_name, "name"), name, container, f"the {name} Utilization metric"


def _missing_request(g, template, path, resource_name, container_name, why) -> Problem | None:
    if resource_name in g.default_requests(template.namespace):
        return None
    for container_path, container in k8s.containers(template.spec, template.spec_path,
                                                    ("initContainers", "containers")):
        if container_path[-2] == "initContainers" and container.get("restartPolicy") != "Always":
            continue
        if container_name is not None and container.get("name") != container_name:
            continue
        resources = container.get("resources") if isinstance(container.get("resources"), dict) else {}
        requests = resources.get("requests") if isinstance(resources.get("requests"), dict) else {}
        limits = resources.get("limits") if isinstance(resources.get("limits"), dict) else {}
        if resource_name in requests or resource_name in limits:
            continue
        return Problem(path, f'{why} needs a {resource_name} request in every container of '
                       f'{template.describe()}, but container "{container.get("name")}" '
                       f'({format_path(container_path[len(template.spec_path):])}) has none: the autoscaler '
                       f'cannot compute utilization and does not scale (missing request for {resource_name})',
                       hint=f"set resources.requests.{resource_name} on that container, or scale on an "
                            "AverageValue target instead", at_key=path[-1] == "scaleTargetRef")
    return None
