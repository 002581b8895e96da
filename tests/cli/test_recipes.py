"""The README's CI recipes, tried for real where they can be offline: their kubelint commands run in a
shell exactly as the CI job would run them, and the reports they leave are read back as GitHub and
GitLab read them. (The pre-commit recipe runs under the real pre-commit in test_precommit.py.)"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import BROKEN_DEPLOYMENT as BROKEN, ROOT, SARIF_SCHEMA, sarif_validator

README = (ROOT / "README.md").read_text(encoding="utf-8")


def recipe(name: str) -> str:
    match = re.search(rf"<!-- recipe: {name} -->\n```\w+\n(.*?)\n```", README, re.DOTALL)
    assert match, f"README has no recipe {name}"
    return match.group(1) + "\n"


def shell(command: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run a recipe's command line as a CI runner would: bash, with this kubelint on the PATH."""
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    environment.pop("NO_COLOR", None)
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, capture_output=True, text=True,
                          env=environment, input=stdin, timeout=300)


def project(tmp_path: Path, manifest: str = BROKEN) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "web.yaml").write_text(manifest)
    return tmp_path


def test_github_actions_recipe(tmp_path):
    workflow = YAML(typ="safe").load(recipe("github-actions"))
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["kubelint"]["steps"]
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["if"] == "always()"
    commands = [step for step in steps if step.get("run", "").startswith("kubelint ")]
    assert len(commands) == 2
    repo = project(tmp_path)

    annotations = shell(commands[0]["run"], repo)
    assert annotations.returncode == 1  # the step fails the job on errors
    assert annotations.stdout.startswith("::error file=deploy/web.yaml,line=6,col=13,title=kubelint schema-type::")

    assert commands[1]["if"] == "always()"
    sarif = shell(commands[1]["run"], repo)
    assert sarif.returncode == 0 and sarif.stdout == "" and sarif.stderr == ""
    log = json.loads((repo / upload["with"]["sarif_file"]).read_text())
    result = log["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deploy/web.yaml"
    if SARIF_SCHEMA.exists():
        assert list(sarif_validator().iter_errors(log)) == []


def test_gitlab_ci_recipe(tmp_path):
    job = YAML(typ="safe").load(recipe("gitlab-ci"))["kubelint"]
    assert job["artifacts"]["when"] == "always"  # uploaded when the job fails too
    report = job["artifacts"]["reports"]["junit"]
    repo = project(tmp_path)
    codes = []
    for line in job["script"]:
        if line.startswith("pip install"):
            continue  # this kubelint is installed already
        completed = shell(line, repo)
        codes.append(completed.returncode)
        if completed.returncode:
            assert '6:13  error    spec.replicas: expected integer, got string "3"' in completed.stdout
            break  # GitLab stops the script at the first failing line
    assert codes == [0, 1]
    suite = ElementTree.parse(repo / report).getroot().find("testsuite")
    assert suite.get("name") == "deploy/web.yaml"
    case = suite.find("testcase")
    assert case.get("name") == "Deployment/default/web" and case.get("file") == "deploy/web.yaml"
    assert "line 6, column 13: error: spec.replicas" in case.find("failure").text


def kustomize_command() -> str | None:
    if shutil.which("kustomize"):
        return "kustomize build"
    if shutil.which("kubectl"):
        return "kubectl kustomize"  # kubectl embeds kustomize: the same build
    return None


@pytest.mark.skipif(kustomize_command() is None, reason="neither kustomize nor kubectl is installed")
def test_kustomize_recipe(tmp_path):
    line = next(line for line in recipe("rendered").splitlines() if line.startswith("kustomize build"))
    command = line.split("#")[0].strip().replace("kustomize build", kustomize_command(), 1)
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "web.yaml").write_text(BROKEN.replace('replicas: "3"', "replicas: 1"))
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [web.yaml]\n")
    prod = tmp_path / "overlays" / "prod"
    prod.mkdir(parents=True)
    (prod / "kustomization.yaml").write_text(
        "resources: [../../base]\nnamespace: shop\npatches:\n  - patch: |-\n      apiVersion: apps/v1\n"
        "      kind: Deployment\n      metadata: {name: web}\n      spec: {replicas: \"3\"}\n")
    completed = shell(command, tmp_path)
    assert completed.returncode == 1, completed.stderr
    assert "<stdin>" in completed.stdout
    assert re.search(r'\d+:13  error    spec.replicas: expected integer, got string "3"', completed.stdout)
    assert "in Deployment/shop/web" in completed.stdout  # the namespace kustomize set
    (prod / "kustomization.yaml").write_text("resources: [../../base]\nnamespace: shop\nreplicas:\n"
                                             "  - name: web\n    count: 3\n")
    assert shell(command, tmp_path).returncode == 0


@pytest.mark.skipif(shutil.which("helm") is None, reason="helm is not installed")
def test_helm_recipe(tmp_path):
    line = next(line for line in recipe("rendered").splitlines() if line.startswith("helm template my-release"))
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("replicas: 1\n")
    (tmp_path / "values-prod.yaml").write_text("replicas: '3'\n")
    (chart / "templates" / "web.yaml").write_text(BROKEN.replace('replicas: "3"', "replicas: {{ .Values.replicas | quote }}"))
    completed = shell(line, tmp_path)
    assert completed.returncode == 1 and "spec.replicas: expected integer" in completed.stdout


def test_library_recipe(tmp_path, monkeypatch):
    code = recipe("library")
    repo = project(tmp_path)
    monkeypatch.chdir(repo)
    with pytest.raises(SystemExit) as exited:
        exec(compile(code, "README.md (library recipe)", "exec"), {})
    assert exited.value.code == 1
    log = json.loads((repo / "kubelint.sarif").read_text())
    assert log["runs"][0]["results"][0]["ruleId"] == "schema-type"
    (repo / "deploy" / "web.yaml").write_text(BROKEN.replace('replicas: "3"', "replicas: 3"))
    with pytest.raises(SystemExit) as exited:
        exec(compile(code, "README.md (library recipe)", "exec"), {})
    assert exited.value.code == 0
