"""Object-level hygiene: the default namespace, exposed Services, Ingress TLS, recommended labels,
pods no NetworkPolicy selects. One mechanism per ``check``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from kubelint.k8s import objects as k8s
from kubelint.model import Problem, Resource

PARAMS = {"check": "", "types": ["NodePort"], "labels": ["app.kubernetes.io/name", "app.kubernetes.io/instance"]}



def KINDS(rule) -> frozenset[str] | None:  # noqa: N802
    return {"service-exposed": frozenset({"Service"}), "ingress-tls": frozenset({"Ingress"}),
            "networkpolicy-missing": k8s.POD_SPEC_KINDS}.get(rule.params["check"])


#: Kinds that hold no workload or configuration of their own: labels on them help no one.
_UNLABELLED = frozenset({"Namespace", "List", "CustomResourceDefinition"})


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    check = rule.params["check"]
    if check == "default-namespace":
        if k8s.get(resource.data, ("metadata", "namespace")) == "default":
            yield Problem(("metadata", "namespace"), f"{resource.kind} is placed in the default namespace, which "
                          "every user and tool of the cluster shares (no separate RBAC, quotas or network "
                          "policies)", hint="create a namespace for the application and use it")
    elif check == "service-exposed":
        if resource.kind != "Service" or resource.group != "":
            return
        kind = k8s.get(resource.data, ("spec", "type"))
        if kind in rule.params["types"]:
            where = ("every node's IP address" if kind == "NodePort"
                     else "a load balancer, usually on the internet")
            ranges = k8s.get(resource.data, ("spec", "loadBalancerSourceRanges"))
            if kind == "LoadBalancer" and ranges:
                return
            yield Problem(("spec", "type"), f"Service of type {kind} is reachable from outside the cluster through "
                          f"{where}", hint="use ClusterIP behind an Ingress or Gateway, or restrict it "
                                           "(loadBalancerSourceRanges, an internal load balancer annotation)")
    elif check == "ingress-tls":
        if resource.kind == "Ingress" and resource.group == "networking.k8s.io" and \
                not k8s.get(resource.data, ("spec", "tls")):
            yield Problem(("spec",), "the Ingress has no tls section: its hosts are served over plain HTTP",
                          at_key=True, hint="add spec.tls with the hosts and a certificate Secret")
    elif check == "recommended-labels":
        if resource.kind in _UNLABELLED:
            return
        labels = k8s.get(resource.data, ("metadata", "labels"))
        labels = labels if isinstance(labels, dict) else {}
        missing = [key for key in rule.params["labels"] if key not in labels]
        if missing:
            yield Problem(("metadata", "labels"), f"missing recommended label(s) {', '.join(missing)}",
                          at_key=True, hint="label every object of an application with the app.kubernetes.io/ "
                                            "labels, so tools can group and select them")
    elif check == "networkpolicy-missing":
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


def _policies(ctx) -> dict:
    found = ctx.cache.get("network-policies")
    if found is None:
        found = defaultdict(list)
        for resource in ctx.resources:
            if resource.kind == "NetworkPolicy" and resource.group == "networking.k8s.io":
                selector = k8s.get(resource.data, ("spec", "podSelector"))
                found[resource.namespace].append(selector)
        ctx.cache["network-policies"] = found
    return found
