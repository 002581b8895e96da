"""Real-world manifests: kubelint never crashes, and what it reports is real."""

from __future__ import annotations

import json

from conftest import CORPUS, needs_shared, run_cli


@needs_shared(CORPUS)
def test_whole_corpus_runs_without_internal_error():
    completed = run_cli("check", str(CORPUS), "--format", "json")
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr and completed.stderr == ""
    report = json.loads(completed.stdout)
    assert report["summary"]["files"] > 1000
    assert report["summary"]["documents"] > 1900


@needs_shared(CORPUS)
def test_valid_real_world_bundles_check_clean():
    # Release manifests that the projects apply as they are: no false positives allowed. (Kustomize
    # bases such as metrics-server's are not: their selectors come from commonLabels.)
    clean = ["GoogleCloudPlatform__microservices-demo/release/kubernetes-manifests.yaml",
             "kubernetes__ingress-nginx/deploy/static/provider/cloud/deploy.yaml",
             "kubernetes__ingress-nginx/deploy/static/provider/baremetal/deploy.yaml",
             "argoproj__argo-cd/manifests/install.yaml"]
    for path in clean:
        completed = run_cli("check", str(CORPUS / path), "--format", "json", "--select", "yaml,manifest,schema,api,name,label,annotation,unknown-kind")
        report = json.loads(completed.stdout)
        assert report["findings"] == [], (path, report["findings"][:3])


@needs_shared(CORPUS)
def test_prometheus_operator_crds_and_their_resources():
    folder = CORPUS / "prometheus-operator__prometheus-operator" / "example"
    completed = run_cli("check", str(folder), "--format", "json")
    report = json.loads(completed.stdout)
    rules = {f["rule"] for f in report["findings"]}
    # The alertmanagerconfigs CRD has plain "=" scalars that PyYAML rejects: no syntax errors here.
    assert "yaml-syntax" not in rules
    assert report["summary"]["resources"] > 80


@needs_shared(CORPUS)
def test_deliberately_invalid_kubeconform_fixtures_are_reported():
    folder = CORPUS / "yannh__kubeconform" / "fixtures"
    expectations = {"invalid.yaml": "schema-type", "missing_apiversion.yaml": "manifest-invalid",
                    "extra_property.yaml": "schema-unknown-field", "duplicate_property.yaml": "yaml-duplicate-key"}
    for name, rule in expectations.items():
        report = json.loads(run_cli("check", str(folder / name), "--format", "json").stdout)
        assert rule in {f["rule"] for f in report["findings"]}, (name, report["findings"])
