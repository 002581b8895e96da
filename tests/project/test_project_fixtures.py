"""The project fixtures of issue 12 (tests/fixtures/projects/) are what their README says: the kustomize
overlays build with kustomize (or `kubectl kustomize`, the same code) and their builds check clean, the
broken kustomizations fail to build for the reason expected.txt gives, at the line it names, and the
plain-folder fixtures are complete deployments. These guard the fixtures; the project-aware run that
must give no false error on them is tested where it is built."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PROJECTS
from kubelint import Options, check
from kubelint.model import Severity

KUSTOMIZE = PROJECTS / "kustomize"
BROKEN = PROJECTS / "kustomize-broken"


def kustomize_build() -> list[str] | None:
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]  # kubectl embeds kustomize: the same build
    return None


needs_kustomize = pytest.mark.skipif(kustomize_build() is None, reason="neither kustomize nor kubectl is installed")


def build(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*kustomize_build(), str(folder)], capture_output=True, text=True, timeout=120)


def errors_and_warnings(findings):
    return [f"{f.file}:{f.line} {f.rule}: {f.message}" for f in findings if f.severity >= Severity.WARNING]


def identities(folder: Path) -> list[tuple[str, str, str]]:
    resources = check([str(folder)]).resources
    return sorted((r.kind, r.namespace or "", r.name) for r in resources)


def test_app_split_holds_the_objects_of_examples_app_one_per_file():
    split = PROJECTS / "app-split"
    files = sorted(split.rglob("*.yaml"))
    assert identities(split) == identities(PROJECTS.parents[2] / "examples" / "app")
    assert len(files) == len(identities(split)) == 15
    assert check([str(split)]).findings == []


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_plain_folder_environment_is_a_complete_deployment(environment):
    findings = check([str(PROJECTS / "envs" / "envs" / environment)]).findings
    assert errors_and_warnings(findings) == []


def test_the_environments_share_object_names_and_differ_in_configmap_keys():
    dev, prod = (PROJECTS / "envs" / "envs" / name for name in ("dev", "prod"))
    shared = set(identities(dev)) & set(identities(prod))
    assert ("Deployment", "orders", "orders-api") in shared and ("ConfigMap", "orders", "orders-api") in shared
    assert "PAYMENTS_URL:" in (prod / "configmap.yaml").read_text()
    assert "PAYMENTS_URL:" not in (dev / "configmap.yaml").read_text().replace("SANDBOX_PAYMENTS_URL:", "")


@needs_kustomize
@pytest.mark.parametrize("overlay", ["dev", "staging", "production", "qa"])
def test_each_kustomize_overlay_builds_and_its_build_checks_clean(overlay):
    built = build(KUSTOMIZE / "overlays" / overlay)
    assert built.returncode == 0, built.stderr
    result = check(text=built.stdout, name=f"{overlay}.yaml")
    assert errors_and_warnings(result.findings) == []
    kinds = {(r.kind, r.name) for r in result.resources}
    # the generated objects exist with the prefix and a content hash; the workloads were rewritten to them
    assert {kind for kind, name in kinds if re.fullmatch(r"acme-greeter-(config|env|secrets)-[a-z0-9]{10}", name)} \
        == {"ConfigMap", "Secret"}
    assert ("Deployment", "acme-greeter") in kinds
    assert all(r.namespace == f"greeter-{overlay}" for r in result.resources if r.kind != "Namespace")


def expected_findings() -> list[tuple[str, int, int, str, str]]:
    rows = []
    for line in (BROKEN / "expected.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            where, _severity, rule, token = line.split("--")[0].split()
            path, row, column = where.split(":")
            rows.append((path, int(row), int(column), rule, token))
    return rows


@pytest.mark.parametrize("path,row,column,rule,token", expected_findings(), ids=lambda v: str(v))
def test_each_expected_finding_of_the_broken_kustomizations_points_at_its_text(path, row, column, rule, token):
    text = (BROKEN / path).read_text().splitlines()[row - 1]
    assert text[column - 1:].startswith(token), (path, row, text)


@needs_kustomize
@pytest.mark.parametrize("folder,reason", [
    ("unknown-key", 'invalid Kustomization: json: unknown field "namePrefx"'),
    ("cycle/base", "cycle detected"),
    ("cycle/overlay", "cycle detected"),
    ("missing-file", "service.yaml: no such file or directory"),
])
def test_each_broken_kustomization_fails_to_build_for_its_reason(folder, reason):
    built = build(BROKEN / folder)
    message = built.stderr.replace('\\"', '"')  # kubectl quotes the error: \" for "
    assert built.returncode != 0 and reason in message, built.stderr


@needs_kustomize
def test_the_configmap_nothing_generates_builds_and_breaks_only_at_run_time():
    assert build(BROKEN / "base").returncode == 0
    built = build(BROKEN / "missing-configmap")
    assert built.returncode == 0, built.stderr
    findings = check(text=built.stdout, name="built.yaml").findings
    errors = [(f.rule, f.message.split(" (")[0]) for f in findings if f.severity is Severity.ERROR]
    assert errors == [("configmap-ref", 'ConfigMap "web-flags"')]


def test_the_chart_crd_is_a_plain_manifest_and_the_templates_are_templates():
    chart = PROJECTS / "helm" / "mychart"
    assert check([str(chart / "crds")], options=Options()).findings == []
    assert "apiVersion: v2" in (chart / "Chart.yaml").read_text()
    assert all("{{" in path.read_text() for path in (chart / "templates").rglob("*.yaml"))
