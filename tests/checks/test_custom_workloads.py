"""Workload-like custom resources get the pod rules as the built-in workloads do: an Argo Rollout
(ReplicaSets from its template, as a Deployment) and a KEDA ScaledJob (Jobs from its jobTargetRef)
(kubelint/k8s/objects.py CUSTOM_WORKLOADS). Their CRDs come from the bundled catalog."""

from __future__ import annotations

from conftest import lint
from kubelint.model import Severity
from reference_helpers import expect

ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
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
      labels: {app: checkout}
    spec:
      serviceAccountName: checkout   # expect: serviceaccount-ref
      containers:
        - name: checkout
          image: registry.example.com/checkout:2.4.1
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: db, key: password}   # expect: secret-ref
  strategy:
    canary:
      steps: [{setWeight: 20}, {pause: {duration: 10m}}]
"""


def test_a_rollouts_pods_have_their_references_checked():
    expect(ROLLOUT, "serviceaccount-ref", "secret-ref")


def test_references_of_a_rollout_that_exist_pass():
    defined = ("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: checkout, namespace: shop}\n---\n"
               "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData: {password: x}\n---\n")
    expect(defined + ROLLOUT.replace("   # expect: serviceaccount-ref", "").replace("   # expect: secret-ref", ""),
           "serviceaccount-ref", "secret-ref")


def test_a_rollout_gets_the_best_practices_of_a_deployment():
    found = {f.rule for f in lint(ROLLOUT, select=["pdb-missing", "anti-affinity", "image-tag",
                                                    "resources-requests", "pss-run-as-non-root"])}
    assert found == {"pdb-missing", "anti-affinity", "resources-requests", "pss-run-as-non-root"}
    budget = ("---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: checkout, namespace: shop}\n"
              "spec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: checkout}}\n")
    assert [f.rule for f in lint(ROLLOUT + budget, select=["pdb-missing"])] == []


def test_a_rollouts_selector_must_select_its_template():
    text = ROLLOUT.replace("    matchLabels: {app: checkout}", "    matchLabels: {app: checkout-v2}   "
                                                                 "# expect: workload-selector-mismatch")
    findings = expect(text, "workload-selector-mismatch")
    assert "Argo Rollouts marks the Rollout InvalidSpec" in findings[0].message


def test_a_rollouts_pod_template_is_validated_as_its_replicasets_are():
    text = ROLLOUT.replace("      serviceAccountName: checkout   # expect: serviceaccount-ref\n",
                           "      restartPolicy: Never   # expect: pod-invalid\n")
    expect(text, "pod-invalid")


def test_a_service_selecting_a_rollouts_pods_has_pods():
    service = ("apiVersion: v1\nkind: Service\nmetadata: {name: checkout, namespace: shop}\nspec:\n"
               "  selector: {app: checkout}\n  ports: [{port: 80}]\n---\n")
    expect(service + ROLLOUT, "service-no-pods")


def test_a_scaledjobs_template_is_a_jobs():
    text = """\
apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata:
  name: worker
  namespace: queue
spec:
  jobTargetRef:
    template:
      spec:
        restartPolicy: Always   # expect: pod-invalid
        containers:
          - name: worker
            image: registry.example.com/worker:1.0
            envFrom:
              - configMapRef: {name: worker-settings}   # expect: configmap-ref
  triggers:
    - type: rabbitmq
      metadata: {queueName: jobs, mode: QueueLength, value: "5", hostFromEnv: AMQP_URL}
"""
    expect(text, "pod-invalid", "configmap-ref")


def test_a_rollouts_pods_are_placed_by_the_dry_run(tmp_path):
    nodes = tmp_path / "nodes.yaml"
    nodes.write_text("apiVersion: kubelint.io/v1alpha1\nkind: NodePool\nmetadata: {name: small}\nspec:\n"
                     "  count: 2\n  allocatable: {cpu: '2', memory: 4Gi, pods: '110'}\n")
    big = ROLLOUT.replace("          image: registry.example.com/checkout:2.4.1\n",
                          "          image: registry.example.com/checkout:2.4.1\n"
                          "          resources: {requests: {cpu: '1500m', memory: 1Gi}}\n")
    found = [f for f in lint(big, select=["unschedulable"], nodes=[str(nodes)]) if f.rule == "unschedulable"]
    assert [(f.line, f.severity) for f in found] == [(4, Severity.ERROR)]
    assert "1 of 3 pods of Rollout checkout cannot be scheduled" in found[0].message


def test_a_kind_named_rollout_of_another_group_is_no_workload():
    text = ROLLOUT.replace("argoproj.io/v1alpha1", "example.com/v1")
    assert [f.rule for f in lint(text, select=["serviceaccount-ref", "secret-ref", "pdb-missing", "pod-invalid"])] \
        == []
