"""ingress-backend and service-ref: Services (and their ports) named by Ingresses, APIServices and webhooks."""

from __future__ import annotations

from reference_helpers import expect

INGRESS, SERVICE = "ingress-backend", "service-ref"

SERVICES = """apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: admin, port: 9000}
---
"""


def test_backends_by_name_and_port_number_or_name():
    findings = expect(SERVICES + f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  defaultBackend:
    service:
      name: web
      port: {{number: 80}}
  rules:
    - http:
        paths:
          - path: /admin
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  name: admn   # expect: {INGRESS}
          - path: /app
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 8080   # expect: {INGRESS}
          - path: /static
            pathType: Prefix
            backend:
              resource: {{apiGroup: storage.example.com, kind: Bucket, name: static}}
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: api   # expect: {INGRESS}
                port: {{number: 80}}
""", INGRESS)
    assert 'did you mean "admin"?' in findings[0].message
    assert "its ports: 80 (http), 9000 (admin)" in findings[1].message


def test_ingress_classes_only_when_some_are_given():
    ingress = SERVICES + """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  ingressClassName: nginx
  defaultBackend:
    service: {name: web, port: {name: http}}
"""
    expect(ingress, INGRESS)
    marked = ingress.replace("ingressClassName: nginx", f"ingressClassName: nginx   # expect: {INGRESS}")
    expect(marked, INGRESS, external=["IngressClass/traefik"])
    expect(ingress, INGRESS, external=["IngressClass/nginx"])


def test_webhook_and_api_service_services_and_ports():
    services = SERVICES.replace("9000}", "9000}\n    - {name: https, port: 443, targetPort: 8443}")
    expect(services + f"""apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: shop
webhooks:
  - name: a.shop.example.com
    admissionReviewVersions: [v1]
    sideEffects: None
    clientConfig:
      service: {{namespace: shop, name: web}}
  - name: b.shop.example.com
    admissionReviewVersions: [v1]
    sideEffects: None
    clientConfig:
      service:
        namespace: shop
        name: webhook   # expect: {SERVICE}
  - name: c.shop.example.com
    admissionReviewVersions: [v1]
    sideEffects: None
    clientConfig:
      service:
        namespace: cert-manager
        name: cert-manager-webhook
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.shop.example.com
spec:
  group: metrics.shop.example.com
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  service:
    namespace: shop
    name: web
    port: 8443   # expect: {SERVICE}
""", SERVICE)
