"""`kubelint crds` (what is bundled, from which release or commit), the configuration's crd-catalog
and crd-catalog-dirs, and --crd-catalog DIR (kubelint/cli/crds.py, kubelint/cli/common.py)."""

from __future__ import annotations

import json

from conftest import run_cli
from kubelint.schema.catalog import default_catalog

CERTIFICATE = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: c\nspec: {}\n"


def test_crds_lists_every_bundled_project_with_its_release_or_commit(tmp_path):
    text = run_cli("crds", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    for project in default_catalog().projects():
        assert f"  {project.name} " in text.stdout
        for origin in project.origins:
            assert f"github.com/{origin.repository} at commit {origin.commit}" in text.stdout
    assert "prometheus-operator  0.93.0" in text.stdout
    assert "bundles: gateway-api/standard (preferred), gateway-api/experimental" in text.stdout
    listed = json.loads(run_cli("crds", "--format", "json", cwd=tmp_path).stdout)
    assert [p["name"] for p in listed] == [p.name for p in default_catalog().projects()]
    cert_manager = next(p for p in listed if p["name"] == "cert-manager")
    assert cert_manager["selected"] and {"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer",
                                         "bundle": "cert-manager", "namespaced": False, "served": True,
                                         "deprecated": False} in cert_manager["kinds"]


def test_the_configuration_selects_projects_or_turns_the_catalog_off(tmp_path):
    (tmp_path / "certificate.yaml").write_text(CERTIFICATE)
    (tmp_path / ".kubelint.yaml").write_text("crd-catalog: [istio, gateway-api/experimental]\n")
    listed = run_cli("crds", "--kinds", cwd=tmp_path).stdout
    assert "cert-manager         commit" in listed and "(off: not in the configuration's crd-catalog)" in listed
    assert "gateway-api/standard (preferred) (off), gateway-api/experimental" in listed
    assert "cert-manager.io/v1 ClusterIssuer  (cluster-scoped)" in listed
    found = json.loads(run_cli("check", "certificate.yaml", "-f", "json", cwd=tmp_path).stdout)["findings"]
    assert [f["rule"] for f in found] == ["unknown-kind"]
    (tmp_path / ".kubelint.yaml").write_text("crd-catalog: false\n")
    found = json.loads(run_cli("check", "certificate.yaml", "-f", "json", cwd=tmp_path).stdout)["findings"]
    assert [f["rule"] for f in found] == ["unknown-kind"]
    (tmp_path / ".kubelint.yaml").write_text("crd-catalog: [cert-manager]\n")
    found = json.loads(run_cli("check", "certificate.yaml", "-f", "json", cwd=tmp_path).stdout)["findings"]
    assert [f["rule"] for f in found] == ["schema-required", "schema-required"]


def test_an_unknown_project_or_a_missing_folder_is_a_usage_error(tmp_path):
    (tmp_path / "certificate.yaml").write_text(CERTIFICATE)
    (tmp_path / ".kubelint.yaml").write_text("crd-catalog: [certmanager]\n")
    completed = run_cli("check", "certificate.yaml", cwd=tmp_path)
    assert completed.returncode == 2
    assert 'no bundled project "certmanager" (did you mean "cert-manager"?)' in completed.stderr
    (tmp_path / ".kubelint.yaml").write_text("crd-catalog-dirs: [schemas]\n")
    completed = run_cli("check", "certificate.yaml", cwd=tmp_path)
    assert completed.returncode == 2 and "crd-catalog-dirs" in completed.stderr and "no such folder" in completed.stderr
    (tmp_path / ".kubelint.yaml").unlink()
    completed = run_cli("check", "certificate.yaml", "--crd-catalog", "nowhere", cwd=tmp_path)
    assert completed.returncode == 2 and "--crd-catalog nowhere: no such folder" in completed.stderr
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "certificate_v1.json").write_text("{")
    completed = run_cli("check", "certificate.yaml", "--crd-catalog", "schemas", cwd=tmp_path)
    assert completed.returncode == 2 and "certificate_v1.json: not valid JSON" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_catalog_folders_from_the_configuration_and_the_command_line(tmp_path):
    (tmp_path / "certificate.yaml").write_text(CERTIFICATE.replace("spec: {}", "spec: {size: 1}"))
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "certificate_v1.json").write_text(json.dumps(
        {"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}))
    (tmp_path / ".kubelint.yaml").write_text("crd-catalog-dirs: [team]\n")
    assert run_cli("check", "certificate.yaml", cwd=tmp_path).returncode == 0
    (tmp_path / ".kubelint.yaml").unlink()
    assert run_cli("check", "certificate.yaml", cwd=tmp_path).returncode == 1
    assert run_cli("check", "certificate.yaml", "--crd-catalog", "team", cwd=tmp_path).returncode == 0
