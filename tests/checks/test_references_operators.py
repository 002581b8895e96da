"""cert-manager, Argo Rollouts, KEDA, Strimzi, and the Secrets that operators make:
cert-manager-issuer-ref, rollout-service-ref, rollout-service-selector, rollout-service-ambiguous,
keda-scale-target, keda-hpa-conflict, strimzi-cluster-ref, strimzi-cluster-label, secret-ref."""

from __future__ import annotations

from reference_helpers import deployment, expect

ISSUER = "cert-manager-issuer-ref"


def certificate(issuer: str, namespace: str = "shop", marker: str = "") -> str:
    return (f"apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: {namespace}\n"
            f"spec:\n  secretName: web-tls\n  dnsNames: [web.example.com]\n  issuerRef:\n{issuer}{marker}\n---\n")


def issuer(kind: str = "Issuer", name: str = "ca", namespace: str = "shop") -> str:
    where = f"\n  namespace: {namespace}" if kind == "Issuer" else ""
    return f"apiVersion: cert-manager.io/v1\nkind: {kind}\nmetadata:\n  name: {name}{where}\nspec:\n  selfSigned: {{}}\n---\n"


def test_an_issuer_ref_names_an_issuer_of_the_namespace_by_default():
    expect(issuer() + certificate("    name: ca"), ISSUER)
    findings = expect(issuer(namespace="other") + issuer(name="internal") + certificate(
        "    name: ca", marker=f"   # expect: {ISSUER}"), ISSUER)
    assert 'an Issuer "ca" exists in namespace "other"' in findings[0].message


def test_a_cluster_issuer_ref_is_judged_when_the_input_defines_cluster_issuers():
    expect(certificate("    kind: ClusterIssuer\n    name: letsencrypt"), ISSUER)
    expect(issuer("ClusterIssuer", "letsencrypt") + certificate("    kind: ClusterIssuer\n    name: letsencrypt"),
           ISSUER)
    expect(issuer("ClusterIssuer", "letsencrypt") + certificate("    kind: ClusterIssuer\n    name: letsencrpyt",
                                                                marker=f"   # expect: {ISSUER}"), ISSUER)
    # an Issuer of the namespace does not make ClusterIssuer references judged, nor the other way round
    expect(issuer() + certificate("    kind: ClusterIssuer\n    name: letsencrypt"), ISSUER)


def test_external_issuers_and_declared_issuers_are_not_reported():
    expect(issuer() + certificate("    group: awspca.cert-manager.io\n    kind: AWSPCAClusterIssuer\n    name: pca"),
           ISSUER)
    expect(issuer() + certificate("    name: vault"), ISSUER, external=["Issuer/shop/vault"])


def test_annotated_ingresses_name_their_issuer():
    ingress = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    cert-manager.io/cluster-issuer: letsencrpyt   # expect: cert-manager-issuer-ref
spec:
  tls: [{hosts: [web.example.com], secretName: web-tls}]
  rules:
    - host: web.example.com
      http:
        paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
---
"""
    expect(issuer("ClusterIssuer", "letsencrypt") + ingress, ISSUER)


def test_secrets_made_by_a_certificate_count_for_an_ingress_tls_secret():
    ingress = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n"
               "  tls: [{hosts: [web.example.com], secretName: web-tls}]\n  defaultBackend:\n"
               "    service: {name: web, port: {number: 80}}\n---\n")
    expect(certificate("    name: ca") + ingress, "secret-ref")
    expect(ingress.replace("secretName: web-tls}]", "secretName: web-tls}]   # expect: secret-ref[warning]"),
           "secret-ref")


def test_external_secrets_and_sealed_secrets_make_secrets():
    pod = """apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop}
spec:
  containers:
    - name: api
      image: registry.example.com/api:1.0
      envFrom:
        - secretRef: {name: db-credentials}
        - secretRef: {name: api-keys}
---
"""
    external = ("apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: db, namespace: shop}\n"
                "spec:\n  secretStoreRef: {name: vault, kind: ClusterSecretStore}\n  target: {name: db-credentials}\n"
                "  data: [{secretKey: password, remoteRef: {key: prod/db}}]\n---\n")
    sealed = ("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: api-keys, namespace: shop}\n"
              "spec:\n  encryptedData: {token: AgBy3i4OJSWK}\n---\n")
    expect(external + sealed + pod, "secret-ref")
    # creationPolicy Merge writes into a Secret that must exist: it makes none
    merged = external.replace("target: {name: db-credentials}", "target: {name: db-credentials, creationPolicy: Merge}")
    expect(merged + sealed + pod.replace("{name: db-credentials}", "{name: db-credentials}   # expect: secret-ref"),
           "secret-ref")


ROLLOUT = """apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: checkout
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: checkout}
  template:
    metadata:
      labels: {app: checkout, tier: web}
    spec:
      containers: [{name: checkout, image: registry.example.com/checkout:2.4.1}]
  strategy:
%s
---
"""
BLUE_GREEN = "    blueGreen:\n      activeService: checkout-active\n      previewService: checkout-preview"
CANARY = "    canary:\n      stableService: checkout-stable\n      canaryService: checkout-canary"


def service(name: str, selector: str = "app: checkout") -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n"
            f"  selector: {{{selector}}}\n  ports: [{{port: 80, targetPort: 8080}}]\n---\n")


def test_a_rollouts_services_must_exist():
    expect(service("checkout-active") + service("checkout-preview") + ROLLOUT % BLUE_GREEN, "rollout-service-ref")
    text = service("checkout-active") + ROLLOUT % BLUE_GREEN.replace(
        "previewService: checkout-preview", "previewService: checkout-preview   # expect: rollout-service-ref")
    expect(text, "rollout-service-ref")
    expect(ROLLOUT % BLUE_GREEN, "rollout-service-ref")   # no Service in the namespace: not judged


def test_a_rollouts_workload_ref_must_exist():
    text = ROLLOUT.replace("""  template:
    metadata:
      labels: {app: checkout, tier: web}
    spec:
      containers: [{name: checkout, image: registry.example.com/checkout:2.4.1}]
""", """  workloadRef:
    apiVersion: apps/v1
    kind: Deployment
    name: checkout   # expect: rollout-service-ref
""") % CANARY.replace("stableService: checkout-stable\n      canaryService: checkout-canary", "steps: [{setWeight: 20}]")
    expect(text, "rollout-service-ref")
    expect(deployment("checkout", namespace="shop") + "---\n" + text.replace("   # expect: rollout-service-ref", ""),
           "rollout-service-ref")


def test_each_strategy_service_must_select_the_rollouts_pods():
    services = service("checkout-stable", "app: checkout, rollouts-pod-template-hash: 7d4b9c") + \
        service("checkout-canary", "app: checkout, version: v2")
    text = services + ROLLOUT % CANARY.replace("canaryService: checkout-canary",
                                               "canaryService: checkout-canary   # expect: rollout-service-selector")
    findings = expect(text, "rollout-service-selector")
    assert 'Service "checkout-canary" has unmatch label "version" in rollout' in findings[0].message


def test_one_service_for_both_roles_is_invalid():
    text = service("checkout-stable") + ROLLOUT % CANARY.replace(
        "canaryService: checkout-canary", "canaryService: checkout-stable   # expect: rollout-service-selector")
    findings = expect(text, "rollout-service-selector")
    assert "two different services are required" in findings[0].message


def test_a_third_service_selects_both_versions_of_a_blue_green_rollout():
    both = service("checkout", "app: checkout").replace("  selector:", "  selector:   # expect: rollout-service-ambiguous"
                                                         "\n   ").replace("{app: checkout}", "app: checkout")
    expect(both + service("checkout-active") + service("checkout-preview") + ROLLOUT % BLUE_GREEN,
           "rollout-service-ambiguous")
    # the strategy's own Services, a Service pinned to one ReplicaSet, or one of a canary Rollout, are not
    pinned = service("checkout", "app: checkout, rollouts-pod-template-hash: 7d4b9c")
    expect(pinned + service("checkout-active") + ROLLOUT % BLUE_GREEN, "rollout-service-ambiguous")
    expect(service("checkout") + ROLLOUT % CANARY, "rollout-service-ambiguous")


SCALED_OBJECT = """apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: %s
  namespace: queue
spec:
  scaleTargetRef:
%s
  triggers: [{type: cpu, metricType: Utilization, metadata: {value: "60"}}]
---
"""


def test_a_scale_target_is_an_apps_v1_deployment_unless_it_says_otherwise():
    worker = deployment("worker", namespace="queue") + "---\n"
    expect(worker + SCALED_OBJECT % ("worker", "    name: worker"), "keda-scale-target")
    expect(worker + SCALED_OBJECT % ("worker", ("    apiVersion: apps/v1\n    kind: StatefulSet\n    name: worker"
                                                "   # expect: keda-scale-target")), "keda-scale-target")
    expect(SCALED_OBJECT % ("worker", "    apiVersion: argoproj.io/v1alpha1\n    kind: Rollout\n    name: worker"),
           "keda-scale-target", external=["Rollout/queue/worker"])


HPA = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: worker
  namespace: queue
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
  maxReplicas: 5
---
"""


def test_a_workload_scaled_by_an_hpa_or_another_scaled_object_is_a_conflict():
    worker = deployment("worker", namespace="queue") + "---\n"
    expect(worker + HPA + SCALED_OBJECT % ("worker", "    name: worker   # expect: keda-hpa-conflict"),
           "keda-hpa-conflict")
    expect(worker + SCALED_OBJECT % ("worker", "    name: worker")
           + SCALED_OBJECT % ("worker-2", "    name: worker   # expect: keda-hpa-conflict"), "keda-hpa-conflict")
    expect(worker + HPA.replace("name: worker}", "name: other}") + SCALED_OBJECT % ("worker", "    name: worker"),
           "keda-hpa-conflict")


def test_a_scaled_object_may_take_an_hpa_over():
    taking = (SCALED_OBJECT % ("worker", "    name: worker")).replace(
        "  namespace: queue\n", "  namespace: queue\n  annotations: {scaledobject.keda.sh/transfer-hpa-ownership: 'true'}\n"
    ).replace("  triggers:", "  advanced: {horizontalPodAutoscalerConfig: {name: worker}}\n  triggers:")
    expect(deployment("worker", namespace="queue") + "---\n" + HPA + taking, "keda-hpa-conflict")


KAFKA = ("apiVersion: kafka.strimzi.io/v1\nkind: Kafka\nmetadata:\n  name: events\n  namespace: kafka\nspec:\n"
         "  kafka:\n    listeners: [{name: plain, port: 9092, type: internal, tls: false}]\n---\n")


def topic(labels: str = "") -> str:
    return (f"apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata:\n  name: orders\n  namespace: kafka\n"
            f"{labels}spec:\n  partitions: 3\n---\n")


def test_the_cluster_label_names_a_kafka_of_the_namespace():
    expect(KAFKA + topic("  labels: {strimzi.io/cluster: events}\n"), "strimzi-cluster-ref")
    expect(KAFKA + topic("  labels:\n    strimzi.io/cluster: event   # expect: strimzi-cluster-ref\n"),
           "strimzi-cluster-ref")
    expect(topic("  labels: {strimzi.io/cluster: event}\n"), "strimzi-cluster-ref")   # no Kafka here: not judged


def test_a_topic_without_the_cluster_label_is_ignored():
    expect(KAFKA + topic().replace("  name: orders\n", "  name: orders   # expect: strimzi-cluster-label\n"),
           "strimzi-cluster-label")
    expect(KAFKA + topic("  labels: {strimzi.io/cluster: events}\n"), "strimzi-cluster-label")
    expect(topic(), "strimzi-cluster-label")
