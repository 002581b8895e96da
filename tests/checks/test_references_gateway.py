"""Gateway API: gateway-route-ref (parentRefs and backendRefs, kubelint/crossref/references.py),
gateway-route-attachment and gateway-reference-grant (kubelint/checks/operators/gateway.py), and
Gateway certificateRefs through secret-ref."""

from __future__ import annotations

from reference_helpers import expect

REF, ATTACH, GRANT = "gateway-route-ref", "gateway-route-attachment", "gateway-reference-grant"


def gateway(namespace: str = "infra", listeners: str = "", annotations: str = "") -> str:
    listeners = listeners or "\n    - {name: http, protocol: HTTP, port: 80}\n    - {name: https, protocol: HTTPS, port: 443}"
    extra = f"\n  annotations: {{{annotations}}}" if annotations else ""
    return (f"apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: shared\n"
            f"  namespace: {namespace}{extra}\nspec:\n  gatewayClassName: envoy\n  listeners:{listeners}\n---\n")


def service(name: str = "storefront", namespace: str = "shop") -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {namespace}\nspec:\n"
            f"  selector: {{app: {name}}}\n  ports: [{{name: http, port: 80, targetPort: 8080}}]\n---\n")


def route(parent: str = "    - {name: shared, namespace: infra}", backends: str = "", kind: str = "HTTPRoute",
          namespace: str = "shop") -> str:
    backends = backends or "        - {name: storefront, port: 80}"
    return (f"apiVersion: gateway.networking.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: storefront\n"
            f"  namespace: {namespace}\nspec:\n  parentRefs:\n{parent}\n  rules:\n    - backendRefs:\n{backends}\n---\n")


ALL = "\n    - name: http\n      protocol: HTTP\n      port: 80\n      allowedRoutes: {namespaces: {from: All}}"


def test_parent_refs_name_a_gateway_and_one_of_its_listeners():
    expect(gateway(listeners=ALL) + service() + route("    - {name: shared, namespace: infra, sectionName: http}"),
           REF)
    findings = expect(gateway(listeners=ALL) + service() + route(
        f"    - name: shared\n      namespace: infra\n      sectionName: htp   # expect: {REF}"), REF)
    assert 'did you mean "http"?' in findings[0].message
    expect(gateway(listeners=ALL) + service() + route(
        f"    - name: shared\n      namespace: infra\n      port: 8080   # expect: {REF}"), REF)
    expect(gateway(listeners=ALL) + service() + route(f"    - name: sharde   # expect: {REF}[warning]\n"
                                                      "      namespace: infra"), REF)


def test_gateways_are_judged_only_where_the_input_defines_some():
    expect(service() + route("    - {name: public}"), REF)
    expect(gateway(namespace="other") + service() + route("    - {name: public}"), REF)
    # a namespace the input does not touch is someone else's
    expect(service() + route("    - {name: shared, namespace: platform}"), REF)


def test_backend_refs_name_a_service_and_one_of_its_ports():
    expect(service() + route(backends=f"        - name: storefront\n          port: 8080   # expect: {REF}"), REF)
    expect(service() + route(backends=f"        - name: storefrnt   # expect: {REF}\n          port: 80"), REF)
    # other kinds of backend are the implementation's business
    expect(service() + route(backends="        - {group: example.com, kind: Bucket, name: assets}"), REF)
    # and Services are judged only where the input defines some
    expect(route(backends="        - {name: storefront, port: 80}"), REF)


def test_a_request_mirror_backend_is_a_reference_too():
    text = service() + route() .replace("    - backendRefs:\n", "    - filters:\n        - type: RequestMirror\n"
                                        "          requestMirror:\n            backendRef:\n"
                                        f"              name: shadow   # expect: {REF}\n"
                                        "              port: 80\n      backendRefs:\n")
    expect(text, REF)


def test_listeners_take_routes_of_their_own_namespace_by_default():
    findings = expect(gateway() + service() + route(f"    - name: shared   # expect: {ATTACH}\n"
                                                    "      namespace: infra"), ATTACH)
    assert 'takes routes of its own namespace "infra" only' in findings[0].message
    expect(gateway(listeners=ALL) + service() + route(), ATTACH)
    expect(gateway(namespace="shop") + service() + route("    - {name: shared}"), ATTACH)


def test_a_namespace_selector_is_judged_with_the_namespaces_of_the_input():
    selector = ("\n    - name: http\n      protocol: HTTP\n      port: 80\n      allowedRoutes:\n"
                "        namespaces: {from: Selector, selector: {matchLabels: {gateway: shared}}}")
    labelled = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {gateway: shared}\n---\n"
    unlabelled = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n"
    expect(gateway(listeners=selector) + labelled + route(), ATTACH)
    expect(gateway(listeners=selector) + unlabelled + route(f"    - name: shared   # expect: {ATTACH}\n"
                                                            "      namespace: infra"), ATTACH)
    expect(gateway(listeners=selector) + route(), ATTACH)   # the namespace's labels are unknown


def test_a_listener_takes_the_route_kinds_of_its_protocol_or_its_allowed_kinds():
    tcp = "\n    - {name: db, protocol: TCP, port: 5432, allowedRoutes: {namespaces: {from: All}}}"
    expect(gateway(listeners=tcp) + route(f"    - name: shared   # expect: {ATTACH}\n      namespace: infra"), ATTACH)
    expect(gateway(listeners=tcp) + route(kind="TCPRoute").replace("apiVersion: gateway.networking.k8s.io/v1\nkind: TCP",
                                                                   "apiVersion: gateway.networking.k8s.io/v1alpha2\n"
                                                                   "kind: TCP"), ATTACH)
    grpc_only = ("\n    - name: http\n      protocol: HTTP\n      port: 80\n      allowedRoutes:\n"
                 "        namespaces: {from: All}\n        kinds: [{kind: GRPCRoute}]")
    expect(gateway(listeners=grpc_only) + route(f"    - name: shared   # expect: {ATTACH}\n      namespace: infra"),
           ATTACH)


def test_a_route_attached_to_one_accepting_listener_is_attached():
    mixed = ("\n    - {name: internal, protocol: HTTP, port: 8080}"
             "\n    - {name: public, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}")
    expect(gateway(listeners=mixed) + route(), ATTACH)
    expect(gateway(listeners=mixed) + route(f"    - name: shared   # expect: {ATTACH}\n      namespace: infra\n"
                                            "      sectionName: internal"), ATTACH)


GRANT_TEXT = """apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: shop-routes
  namespace: payments
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
  to: [{group: "", kind: Service%s}]
---
"""


def test_a_backend_in_another_namespace_needs_a_reference_grant():
    backends = f"        - name: payments\n          namespace: payments   # expect: {GRANT}\n          port: 80"
    expect(service("payments", "payments") + route(backends=backends), GRANT)
    expect(service("payments", "payments") + GRANT_TEXT % "" + route(backends=backends.replace(
        f"   # expect: {GRANT}", "")), GRANT)
    expect(service("payments", "payments") + GRANT_TEXT % ", name: payments" + route(backends=backends.replace(
        f"   # expect: {GRANT}", "")), GRANT)
    # a grant for another Service, or in another namespace, permits nothing here
    expect(service("payments", "payments") + GRANT_TEXT % ", name: ledger" + route(backends=backends), GRANT)
    expect(service("payments", "payments") + (GRANT_TEXT % "").replace("namespace: payments", "namespace: shop")
           + route(backends=backends), GRANT)


def test_a_gateway_certificate_of_another_namespace_needs_a_reference_grant():
    tls = ("\n    - name: https\n      protocol: HTTPS\n      port: 443\n      tls:\n        certificateRefs:\n"
           f"          - name: wildcard\n            namespace: certs   # expect: {GRANT}")
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: wildcard, namespace: certs}\ntype: kubernetes.io/tls\n" \
             "data: {tls.crt: '', tls.key: ''}\n---\n"
    expect(secret + gateway(listeners=tls), GRANT)
    grant = ("apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: certs}\n"
             "spec:\n  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]\n"
             "  to: [{group: '', kind: Secret}]\n---\n")
    expect(secret + grant + gateway(listeners=tls.replace(f"   # expect: {GRANT}", "")), GRANT)


def test_gateway_certificates_are_secret_references():
    tls = ("\n    - name: https\n      protocol: HTTPS\n      port: 443\n      tls:\n        certificateRefs:\n"
           "          - name: shop-tls   # expect: secret-ref")
    expect(gateway(listeners=tls), "secret-ref")
    certificate = ("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: shop, namespace: infra}\n"
                   "spec:\n  secretName: shop-tls\n  dnsNames: [shop.example.com]\n  issuerRef: {name: ca}\n---\n")
    expect(certificate + gateway(listeners=tls.replace("   # expect: secret-ref", "")), "secret-ref")
    # cert-manager's gateway-shim issues the certificates of an annotated Gateway
    expect(gateway(listeners=tls.replace("   # expect: secret-ref", ""),
                   annotations="cert-manager.io/cluster-issuer: letsencrypt"), "secret-ref")
