"""The cross-resource rules on real-world release bundles: what the projects apply as it is gives no
finding, and the deliberate defects of the peers' test fixtures are found."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, needs_shared, run_cli
from reference_helpers import REFERENCE_RULES


def findings(path: str) -> list[dict]:
    completed = run_cli("check", str(CORPUS / path), "--format", "json", "--select", ",".join(REFERENCE_RULES))
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)["findings"]


@needs_shared(CORPUS)
@pytest.mark.parametrize("path", [
    "GoogleCloudPlatform__microservices-demo/release/kubernetes-manifests.yaml",
    "GoogleCloudPlatform__microservices-demo/kubernetes-manifests",
    # the admission webhook's Secret is made by a Job whose Role may create Secrets
    "kubernetes__ingress-nginx/deploy/static/provider/cloud/deploy.yaml",
    "kubernetes__ingress-nginx/deploy/static/provider/baremetal/deploy.yaml",
    "kubernetes__examples/databases/cassandra",
])
def test_release_bundles_have_no_reference_findings(path):
    assert findings(path) == []


@needs_shared(CORPUS)
def test_argo_cd_install_resolves_everything_but_its_missing_governing_service():
    # argocd-redis is created by the redis Deployment's init container (its Role names it in
    # resourceNames and may create Secrets); the application controller's serviceName has no Service.
    got = [(f["rule"], f["severity"]) for f in findings("argoproj__argo-cd/manifests/install.yaml")]
    assert got == [("statefulset-service", "warning")]


@needs_shared(CORPUS)
@pytest.mark.parametrize("path, rule", [
    ("stackrox__kube-linter/tests/checks/dangling-hpa.yml", "hpa-target"),
    ("stackrox__kube-linter/tests/checks/dangling-ingress.yml", "ingress-backend"),
    ("stackrox__kube-linter/tests/checks/non-existent-service-account.yml", "serviceaccount-ref"),
    ("stackrox__kube-linter/tests/checks/mismatching-selector.yml", "workload-selector-mismatch"),
    ("stackrox__kube-linter/tests/checks/env-var-value-from.yml", "configmap-ref"),
    ("zegl__kube-score/score/testdata/service-not-target-pod.yaml", "service-no-pods"),
    ("zegl__kube-score/score/testdata/networkpolicy-targets-pod-not-matching.yaml", "networkpolicy-selector"),
    ("yannh__kubeconform/fixtures/duplicates.yaml", "duplicate-resource"),
])
def test_deliberate_defects_of_peer_fixtures_are_found(path, rule):
    assert rule in {f["rule"] for f in findings(path)}
