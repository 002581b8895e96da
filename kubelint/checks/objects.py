"""Object-level hygiene: the default namespace, exposed Services, Ingress TLS, recommended labels,
pods no NetworkPolicy selects.

A rule's ``check`` names one of: ``default-namespace`` and ``recommended-labels`` (any object),
``service-exposed`` (Services of the ``types`` given), ``ingress-tls`` (Ingresses) and
``networkpolicy-missing`` (workloads).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator

from kubelint.checks import CheckSet, Context
from kubelint.k8s import objects as k8s
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": "", "types": ["NodePort"], "labels": ["app.kubernetes.io/name", "app.kubernetes.io/instance"]}
CHECKS = CheckSet()

#: Kinds that hold no workload or configuration of their own: labels on them help no one.
_UNLABELLED = frozenset({"Namespace", "List", "CustomResourceDefinition"})


@CHECKS("default-namespace")
def default_namespace(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if k8s.get(resource.data, ("metadata", "namespace")) == "default":
        yield Problem(("metadata", "namespace"), f"{resource.kind} is placed in the default namespace, which "
                      "every user and tool of the cluster shares (no separate RBAC, quotas or network "
                      "policies)", hint="create a namespace for the application and use it")


@CHECKS("service-exposed", kinds={"Service"})
def service_exposed(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if resource.group != "":
        return
    kind = k8s.get(resource.data, ("spec", "type"))
    if kind not in rule.params["types"]:
        return
    where = "every node's IP address" if kind == "NodePort" else "a load balancer, usually on the internet"
    ranges = k8s.get(resource.data, ("spec", "loadBalancerSourceRanges"))
    if kind == "LoadBalancer" and ranges:
        return
    yield Problem(("spec", "type"), f"Service of type {kind} is reachable from outside the cluster through "
                  f"{where}", hint="use ClusterIP behind an Ingress or Gateway, or restrict it "
                                   "(loadBalancerSourceRanges, an internal load balancer annotation)")


@CHECKS("ingress-tls", kinds={"Ingress"})
def ingress_tls(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if resource.group == "networking.k8s.io" and not k8s.get(resource.data, ("spec", "tls")):
        yield Problem(("spec",), "the Ingress has no tls section: its hosts are served over plain HTTP",
                      at_key=True, hint="add spec.tls with the hosts and a certificate Secret")


@CHECKS("recommended-labels")
def recommended_labels(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if resource.kind in _UNLABELLED:
        return
    labels = k8s.get(resource.data, ("metadata", "labels"))
    labels = labels if isinstance(labels, dict) else {}
    missing = [key for key in rule.params["labels"] if key not in labels]
    if missing:
        yield Problem(("metadata", "labels"), f"missing recommended label(s) {', '.join(missing)}",
                      at_key=True, hint="label every object of an application with the app.kubernetes.io/ "
                                        "labels, so tools can group and select them")


@CHECKS("networkpolicy-missing", kinds=k8s.WORKLOAD_KINDS)
def networkpolicy_missing(resource: Resource, rule: Rule, ctx: Context) -> Iterator[Problem]:
    if not k8s.is_workload(resource) or resource.kind == "Pod" and _owned(resource):
        return
    policies = _policies(ctx).get(resource.namespace, [])
    labels = k8s.pod_template_labels(resource)
    if not any(k8s.label_selector_matches(p, labels) for p in policies):
        yield Problem(("metadata", "name"),
                      f"no NetworkPolicy in the input selects the pods of {resource.kind} {resource.name}: "
                      "they accept traffic from every pod of the cluster",
                      hint="add a NetworkPolicy for the namespace (a default-deny policy with podSelector: {}, "
                           "and policies that allow the expected traffic)")


def _owned(resource: Resource) -> bool:
    return bool(k8s.get(resource.data, ("metadata", "ownerReferences")))


def _policies(ctx: Context) -> dict[str | None, list[Any]]:
    """The pod selectors of the input's NetworkPolicies, by namespace (built once per run)."""
    found = ctx.cache.get("network-policies")
    if found is None:
        found = defaultdict(list)
        for resource in ctx.resources:
            if resource.kind == "NetworkPolicy" and resource.group == "networking.k8s.io":
                selector = k8s.get(resource.data, ("spec", "podSelector"))
                found[resource.namespace].append(selector)
        ctx.cache["network-policies"] = found
    return found
