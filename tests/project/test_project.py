"""Project-aware runs (kubelint/project, kubelint/engine/scope.py): a run on some files of a repository
resolves references against the whole project and reports on those files only; kustomize trees,
Helm charts and environments in one repository give no false error.

Each test copies a fixture of tests/fixtures/projects into a fresh git repository, as a user's
repository would be, and runs the command line in it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from conftest import PROJECTS, run_cli
from project_helpers import findings, repository, summary

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="the project tests need git")


# --- scenario 1: one staged file of a repository -------------------------------------------------


def test_one_file_of_a_split_app_resolves_its_references_in_the_rest_of_the_repository(tmp_path):
    repo = repository(tmp_path, "app-split")
    code, found = findings(repo, "frontend/deployment.yaml")
    assert code == 0
    assert summary(found) == [] and summary(found, "warning") == []
    assert {f["file"] for f in found} <= {"frontend/deployment.yaml"}


def test_without_the_project_the_same_file_reports_what_it_cannot_see(tmp_path):
    repo = repository(tmp_path, "app-split")
    code, found = findings(repo, "--no-context", "frontend/deployment.yaml")
    assert code == 1
    assert "frontend/deployment.yaml:30:26 priorityclass-ref" in summary(found)
    assert "frontend/deployment.yaml:28:27 serviceaccount-ref" in summary(found)


def test_a_reference_missing_from_the_whole_project_is_still_an_error_in_the_named_file(tmp_path):
    repo = repository(tmp_path, "app-split")
    deployment = repo / "frontend" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace("priorityClassName: shop-critical",
                                                         "priorityClassName: shop-criticl"))
    code, found = findings(repo, "frontend/deployment.yaml")
    assert code == 1
    assert summary(found) == ["frontend/deployment.yaml:30:26 priorityclass-ref"]
    assert 'did you mean "shop-critical"?' in found[0]["message"]


def test_the_hint_points_at_the_other_bundle_instead_of_suggesting_external(tmp_path):
    repo = repository(tmp_path, "envs")
    configmap = repo / "envs" / "dev" / "configmap.yaml"
    configmap.unlink()
    code, found = findings(repo, "envs/dev/deployment.yaml")
    errors = [f for f in found if f["rule"] == "configmap-ref"]
    assert code == 1 and errors
    assert "envs/prod/configmap.yaml" in errors[0]["hint"] and "bundle" in errors[0]["hint"]
    assert "external" not in errors[0]["hint"]


def test_findings_do_not_depend_on_how_the_files_are_batched(tmp_path):
    # pre-commit splits the file list into batches, one kubelint process each: whatever the split,
    # the findings are those of one run over every file, restricted to the files of the batch
    repo = repository(tmp_path, "app-split")
    deployment = repo / "frontend" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace("secretName: frontend-secrets", "secretName: frontend-secret"))
    files = sorted(str(p.relative_to(repo)) for p in repo.rglob("*.yaml") if ".git" not in p.parts)
    whole = findings(repo, ".")[1]
    assert summary(whole, "warning") + summary(whole), "the broken reference must be found"
    for batches in (1, 2, 16):
        collected: list[dict] = []
        for number in range(batches):
            part = files[number::batches]
            if part:
                collected += findings(repo, *part)[1]
        assert sorted(json.dumps(f, sort_keys=True) for f in collected) == \
            sorted(json.dumps(f, sort_keys=True) for f in whole), f"{batches} batches"


def test_the_parse_cache_is_used_and_follows_changes_to_the_context(tmp_path):
    repo = repository(tmp_path, "app-split")
    assert findings(repo, "frontend/deployment.yaml")[0] == 0
    cache = repo / ".kubelint_cache"
    assert (cache / ".gitignore").read_text().strip().endswith("*") and (cache / "CACHEDIR.TAG").is_file()
    assert findings(repo, "frontend/deployment.yaml")[0] == 0  # from the cache
    priority = repo / "cluster" / "priorityclass.yaml"
    priority.write_text(priority.read_text().replace("name: shop-critical", "name: shop-important"))
    code, found = findings(repo, "frontend/deployment.yaml")
    assert code == 1 and "frontend/deployment.yaml:30:26 priorityclass-ref" in summary(found)
    (cache / next(p.name for p in cache.iterdir() if p.is_dir()) / "documents.json").write_text("{not json")
    assert findings(repo, "frontend/deployment.yaml")[0] == 1  # a broken cache is no error
    code, found = findings(repo, "--no-cache", "frontend/deployment.yaml")
    assert code == 1


def test_a_file_never_added_to_git_is_not_part_of_the_project(tmp_path):
    # pre-commit checks what the commit holds: a Secret that was never `git add`ed would make the
    # hook pass and CI fail
    repo = repository(tmp_path, "app-split")
    secret = repo / "postgres" / "secret.yaml"
    subprocess.run(["git", "rm", "-q", "--cached", str(secret.relative_to(repo))], cwd=repo, check=True)
    code, found = findings(repo, "frontend/deployment.yaml")
    assert code == 1 and any(f["rule"] == "secret-ref" and "postgres-credentials" in f["message"] for f in found)


def test_named_folders_are_checked_as_a_whole(tmp_path):
    repo = repository(tmp_path, "app-split")
    code, found = findings(repo, "frontend")  # the rest of the project is not read
    assert code == 1 and "frontend/deployment.yaml:30:26 priorityclass-ref" in summary(found)


# --- kustomize ----------------------------------------------------------------------------------


def test_a_kustomize_base_with_overlays_and_components_gives_no_false_error(tmp_path):
    repo = repository(tmp_path, "kustomize")
    code, found = findings(repo, ".")
    assert summary(found) == [] and summary(found, "warning") == []
    assert code == 0


@pytest.mark.parametrize("staged", ["base/deployment.yaml", "overlays/dev/deployment-env.yaml",
                                    "overlays/production/kustomization.yaml", "overlays/qa/Kustomization",
                                    "overlays/dev/labels.yaml", "overlays/production/patches/deployment-spread.yaml"])
def test_any_one_file_of_the_kustomize_tree_checks_clean(tmp_path, staged):
    repo = repository(tmp_path, "kustomize")
    code, found = findings(repo, staged)
    assert summary(found) == [] and summary(found, "warning") == [], found
    assert code == 0


def test_objects_of_an_overlay_get_its_namespace(tmp_path):
    repo = repository(tmp_path, "kustomize")
    completed = run_cli("check", "--format", "json", "--select", "replicas-single", "base/deployment.yaml", cwd=repo)
    resources = json.loads(completed.stdout)
    assert completed.returncode == 0, resources
    base = repo / "base" / "deployment.yaml"
    base.write_text(base.read_text().replace("name: greeter-env", "name: greeter-environment", 1))
    code, found = findings(repo, "base/deployment.yaml")
    namespaces = sorted(f["resource"]["namespace"] for f in found if f["rule"] == "configmap-ref")
    assert code == 1 and namespaces == ["greeter-dev", "greeter-production", "greeter-qa", "greeter-staging"]


def test_broken_kustomizations_are_reported_at_their_lines(tmp_path):
    repo = repository(tmp_path, "kustomize-broken")
    expected = []
    for line in (PROJECTS / "kustomize-broken" / "expected.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            where, severity, rule = line.split()[:3]
            expected.append(f"{where} {rule}")
    code, found = findings(repo, ".")
    assert code == 1
    assert summary(found) == sorted(expected)


def test_a_kustomization_that_is_not_valid_yaml_is_reported_and_the_rest_is_checked(tmp_path):
    repo = repository(tmp_path, "kustomize")
    (repo / "overlays" / "dev" / "kustomization.yaml").write_text("resources: [../../base\n")
    code, found = findings(repo, ".")
    assert code == 1
    assert [f["rule"] for f in found if f["severity"] == "error"] == ["yaml-syntax"]
    assert found[0]["file"] == "overlays/dev/kustomization.yaml"


# --- Helm charts and environments ------------------------------------------------------------------


def test_a_helm_chart_is_noted_once_and_its_templates_are_not_parsed(tmp_path):
    repo = repository(tmp_path, "helm")
    code, found = findings(repo, ".")
    assert code == 0
    assert [(f["rule"], f["severity"], f["file"], f["line"]) for f in found] == \
        [("helm-chart", "info", "mychart/Chart.yaml", 1)]
    assert "helm template" in found[0]["hint"]


def test_environments_declared_as_bundles_are_checked_apart(tmp_path):
    repo = repository(tmp_path, "envs")
    code, found = findings(repo, ".")
    assert code == 0 and summary(found) == []
    (repo / ".kubelint.yaml").unlink()
    code, found = findings(repo, ".")
    assert code == 1 and {f["rule"] for f in found if f["severity"] == "error"} >= {"duplicate-resource"}


def test_the_bundles_key_is_checked(tmp_path):
    repo = repository(tmp_path, "envs")
    (repo / ".kubelint.yaml").write_text("bundles: {envs: 1}\n")
    completed = run_cli("check", ".", cwd=repo)
    assert completed.returncode == 2 and "bundles must be" in completed.stderr


def test_outside_a_repository_a_named_file_is_checked_alone(tmp_path):
    folder = tmp_path / "loose"
    shutil.copytree(PROJECTS / "app-split", folder)
    code, found = findings(folder, "frontend/deployment.yaml")
    assert code == 1 and not (folder / ".kubelint_cache").exists()
    assert os.listdir(folder) == os.listdir(PROJECTS / "app-split")


def test_context_paths_from_the_command_line_or_the_configuration(tmp_path):
    folder = tmp_path / "loose"
    shutil.copytree(PROJECTS / "app-split", folder)
    code, found = findings(folder, "--context", ".", "frontend/deployment.yaml")
    assert code == 0 and summary(found) == []
    (folder / ".kubelint.yaml").write_text("context: [cluster, postgres]\n")
    code, found = findings(folder, "frontend/deployment.yaml")
    # the PriorityClass is in cluster/, the database Secret in postgres/; the rest of frontend/ is not read
    rules = {f["rule"] for f in found if f["severity"] == "error"}
    assert code == 1 and "priorityclass-ref" not in rules and "configmap-ref" in rules
    assert not any("postgres-credentials" in f["message"] for f in found)
