"""Istio: istio-destination-ref (kubelint/crossref/references.py, hosts resolved as pilot's
ResolveShortnameToFQDN does) and istio-subset (kubelint/checks/operators/istio.py)."""

from __future__ import annotations

from reference_helpers import deployment, expect

REF, SUBSET = "istio-destination-ref", "istio-subset"


def service(name: str = "reviews", namespace: str = "bookinfo", port: int = 9080) -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {namespace}\nspec:\n"
            f"  selector: {{app: {name}}}\n  ports: [{{name: http, port: {port}}}]\n---\n")


def virtual_service(destination: str, namespace: str = "bookinfo", protocol: str = "http") -> str:
    return f"""apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: {namespace}
spec:
  hosts: [reviews]
  {protocol}:
    - route:
        - destination:
{destination}
---
"""


def test_a_short_host_is_a_service_of_the_virtualservices_namespace():
    expect(service() + virtual_service("            host: reviews"), REF)
    findings = expect(service() + service(name="ratings", namespace="frontend")
                      + virtual_service(f"            host: reviews   # expect: {REF}", namespace="frontend"), REF)
    assert 'a Service "reviews" exists in namespace "bookinfo"' in findings[0].message


def test_a_cluster_local_fqdn_names_the_namespace():
    expect(service() + virtual_service("            host: reviews.bookinfo.svc.cluster.local", namespace="frontend"),
           REF)
    expect(service() + virtual_service(f"            host: reviewz.bookinfo.svc.cluster.local   # expect: {REF}",
                                       namespace="frontend"), REF)


def test_hosts_that_are_no_kubernetes_service_are_not_checked():
    for host in ("api.example.com", "reviews.bookinfo", "*.bookinfo.svc.cluster.local", "10.0.0.1", "*"):
        expect(service() + virtual_service(f"            host: {host}"), REF)


def test_the_port_is_one_of_the_services_ports():
    findings = expect(service() + virtual_service(f"            host: reviews\n            port: {{number: 9090}}"
                                                  f"   # expect: {REF}", protocol="tcp"), REF)
    assert "Istio has no cluster for that port" in findings[0].message


def test_namespaces_without_services_of_the_input_are_not_judged():
    expect(virtual_service("            host: reviews"), REF)
    expect(service(namespace="other") + virtual_service("            host: reviews.elsewhere.svc.cluster.local"), REF)


def destination_rule(host: str = "reviews", subsets: str = "[{name: v1, labels: {version: v1}}]",
                     namespace: str = "bookinfo", marker: str = "") -> str:
    return f"""apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: {namespace}
spec:
  host: {host}
  subsets: {subsets}{marker}
---
"""


def test_a_subset_must_be_defined_by_a_destination_rule_for_the_host():
    expect(destination_rule() + virtual_service("            host: reviews\n            subset: v1"), SUBSET)
    findings = expect(destination_rule() + virtual_service(f"            host: reviews\n            subset: v2"
                                                           f"   # expect: {SUBSET}"), SUBSET)
    assert "its subsets: v1" in findings[0].message


def test_the_destination_rules_host_is_resolved_in_its_own_namespace():
    # a DestinationRule for "reviews" in frontend is for reviews.frontend, not for reviews.bookinfo
    text = destination_rule(namespace="frontend") + virtual_service(
        f"            host: reviews.bookinfo.svc.cluster.local\n            subset: v1   # expect: {SUBSET}")
    findings = expect(text, SUBSET)
    assert "defined by no DestinationRule of the input" in findings[0].message
    expect(destination_rule(host="'*.bookinfo.svc.cluster.local'", namespace="frontend")
           + virtual_service("            host: reviews.bookinfo.svc.cluster.local\n            subset: v1"), SUBSET)


def test_subsets_are_not_judged_without_destination_rules_in_the_input():
    expect(virtual_service("            host: reviews\n            subset: v1"), SUBSET)


def test_a_subset_whose_labels_select_none_of_the_services_pods():
    pods = (deployment("reviews-v1", labels="app: reviews, version: v1", namespace="bookinfo") + "---\n"
            + deployment("reviews-v2", labels="app: reviews, version: v2", namespace="bookinfo") + "---\n")
    subsets = "\n    - {name: v1, labels: {version: v1}}\n    - name: v3\n      labels:   # expect: istio-subset[warning]" \
              "\n        version: v3"
    findings = expect(pods + service() + destination_rule(subsets=subsets), SUBSET)
    assert 'subset "v3" selects none of the pods of Service "reviews"' in findings[0].message
    expect(destination_rule(subsets=subsets.replace("   # expect: istio-subset[warning]", "")), SUBSET)
