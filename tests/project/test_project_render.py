"""--render (kubelint/project/render.py): kustomizations built by kustomize (here `kubectl kustomize`,
the same code) and charts by `helm template`, findings placed in the files the objects came from.
Nothing is executed without --render. helm is not installable here: a stand-in script on PATH prints
what `helm template` prints (documents headed by `# Source: CHART/templates/FILE`)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from project_helpers import findings, repository, summary

needs_kustomize = pytest.mark.skipif(shutil.which("kustomize") is None and shutil.which("kubectl") is None,
                                     reason="neither kustomize nor kubectl is installed")

HELM_OUTPUT = """\
---
# Source: mychart/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: release-name-mychart
spec:
  selector: {app: mychart}
  ports:
    - port: 80
      targetPort: http
---
# Source: mychart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-name-mychart
spec:
  replicas: "2"
  selector: {matchLabels: {app: mychart}}
  template:
    metadata: {labels: {app: mychart}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0
          ports: [{name: http, containerPort: 8080}]
"""


def fake_helm(folder: Path, output: str, code: int = 0) -> dict:
    """A `helm` on PATH that records being run and prints ``output``."""
    folder.mkdir()
    script = folder / "helm"
    (folder / "output.yaml").write_text(output)
    redirect = " >&2" if code else ""
    script.write_text(f"#!/bin/sh\ntouch {folder}/ran\ncat {folder}/output.yaml{redirect}\nexit {code}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


@needs_kustomize
def test_rendered_overlays_check_clean(tmp_path):
    repo = repository(tmp_path, "kustomize")
    code, found = findings(repo, "--render", ".")
    assert code == 0 and summary(found) == [] and summary(found, "warning") == []


@needs_kustomize
def test_a_finding_on_a_rendered_object_is_placed_in_the_file_it_came_from(tmp_path):
    repo = repository(tmp_path, "kustomize")
    base = repo / "base" / "deployment.yaml"
    base.write_text(base.read_text().replace("name: greeter-env", "name: greeter-environment", 1))
    code, found = findings(repo, "--render", "base/deployment.yaml")
    refs = [f for f in found if f["rule"] == "configmap-ref"]
    assert code == 1 and refs
    assert {f["file"] for f in refs} == {"base/deployment.yaml"}
    assert {f["resource"]["name"] for f in refs} == {"acme-greeter"}  # the name kustomize gave it
    assert {f["line"] for f in refs} == {54}


def test_a_chart_is_rendered_with_helm_and_findings_are_placed_in_its_templates(tmp_path):
    repo = repository(tmp_path, "helm")
    env = fake_helm(tmp_path / "bin", HELM_OUTPUT)
    code, found = findings(repo, "--render", ".", env=env)
    assert code == 1
    assert [(f["file"], f["rule"]) for f in found if f["severity"] == "error"] == \
        [("mychart/templates/deployment.yaml", "schema-type")]
    assert not any(f["rule"] == "helm-chart" for f in found)


def test_without_render_nothing_is_executed(tmp_path):
    repo = repository(tmp_path, "helm")
    env = fake_helm(tmp_path / "bin", HELM_OUTPUT)
    code, found = findings(repo, ".", env=env)
    assert code == 0 and not (tmp_path / "bin" / "ran").exists()
    assert [f["rule"] for f in found] == ["helm-chart"]
    assert "--render" in found[0]["hint"]


def test_a_chart_that_helm_cannot_render_is_noted_with_helms_error(tmp_path):
    repo = repository(tmp_path, "helm")
    env = fake_helm(tmp_path / "bin", "Error: template: mychart/templates/x.yaml:3: unexpected EOF\n", code=1)
    code, found = findings(repo, "--render", ".", env=env)
    assert code == 0 and [f["rule"] for f in found] == ["helm-chart"]
    assert "helm template failed" in found[0]["message"] and "unexpected EOF" in found[0]["message"]
