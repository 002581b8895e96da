"""Suppressions: the kubelint.io/ignore annotation, # kubelint: ignore comments, ignore-file,
invalid and unused suppressions (kubelint/findings/suppress.py)."""

from __future__ import annotations

import json

from conftest import lint, run_cli
from kubelint import Options, check
from kubelint.model import Severity

POD = """apiVersion: v1
kind: Pod
metadata:
  name: agent
{annotations}spec:
  containers:
    - name: agent
      image: busybox{comment}
  volumes:
    - name: logs
      hostPath: {{path: /var/log}}
"""


def pod(annotations: str = "", comment: str = "") -> str:
    return POD.format(annotations=annotations, comment=comment)


def rules(text: str, **options) -> list[str]:
    return sorted(f.rule for f in lint(text, select=["pss-host-path", "image-tag", "suppression"], **options))


def test_without_suppression_both_findings_are_reported():
    assert rules(pod()) == ["image-tag", "pss-host-path"]


def test_annotation_silences_the_listed_rules_for_the_object():
    text = pod("  annotations:\n    kubelint.io/ignore: pss-host-path, image-tag\n"
               "    kubelint.io/ignore-reason: reads the node's logs\n")
    assert rules(text) == []


def test_annotation_accepts_prefixes_and_all():
    assert rules(pod("  annotations:\n    kubelint.io/ignore: pss\n")) == ["image-tag"]
    assert rules(pod("  annotations:\n    kubelint.io/ignore: all\n")) == []


def test_annotation_on_a_pod_template_covers_the_workload():
    deployment = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata:
      labels: {app: agent}
      annotations:
        kubelint.io/ignore: "pss-host-path"
    spec:
      containers: [{name: agent, image: "busybox:1.36"}]
      volumes: [{name: logs, hostPath: {path: /var/log}}]
"""
    assert rules(deployment) == []


def test_annotation_applies_to_its_own_object_only():
    other = pod().replace("name: agent\n", "name: other\n", 1)
    text = pod("  annotations:\n    kubelint.io/ignore: pss-host-path\n") + "---\n" + other
    assert rules(text) == ["image-tag", "image-tag", "pss-host-path"]


def test_comment_on_the_line_of_the_finding():
    assert rules(pod(comment="   # kubelint: ignore[image-tag] pinned by the registry's policy")) == ["pss-host-path"]


def test_comment_on_its_own_line_covers_the_next_line():
    text = pod().replace("    - name: logs\n      hostPath:",
                         "    - name: logs\n      # kubelint: ignore[pss-host-path]\n      # a second comment line\n"
                         "      hostPath:")
    assert rules(text) == ["image-tag"]


def test_trailing_comment_does_not_cover_the_next_line():
    text = pod().replace("    - name: logs\n", "    - name: logs   # kubelint: ignore[pss-host-path]\n")
    assert rules(text, report_unused_suppressions=True) == ["image-tag", "pss-host-path", "suppression-unused"]


def test_bare_comment_silences_every_rule_of_its_line():
    assert rules(pod(comment="  # kubelint: ignore")) == ["pss-host-path"]


def test_ignore_file_with_and_without_rules():
    assert rules("# kubelint: ignore-file\n" + pod()) == []
    assert rules("# kubelint: ignore-file[image-tag]\n" + pod()) == ["pss-host-path"]


def test_comment_inside_a_value_is_not_a_suppression():
    text = pod().replace("name: agent\n", "name: agent\n  labels: {note: 'x#kubelint: ignore-file'}\n", 1)
    assert rules(text) == ["image-tag", "pss-host-path"]


def test_unknown_rules_in_suppressions_are_reported_with_a_suggestion():
    text = pod("  annotations:\n    kubelint.io/ignore: pss-hostpath\n", comment="  # kubelint: ignore[]")
    found = lint(text, select=["pss-host-path", "image-tag", "suppression"])
    invalid = [f for f in found if f.rule == "suppression-invalid"]
    assert [(f.line, f.severity) for f in invalid] == [(6, Severity.WARNING), (10, Severity.WARNING)]
    assert "did you mean pss-host-path?" in invalid[0].hint
    assert 'names "pss-hostpath"' in invalid[0].message  # not redacted: kubelint's own annotations are not secret


def test_unused_suppressions_are_reported_only_when_asked_and_only_for_rules_that_ran():
    text = pod("  annotations:\n    kubelint.io/ignore: pss-host-path, probe-port\n")
    assert rules(text) == ["image-tag"]
    found = lint(text, select=["pss-host-path", "image-tag", "suppression"], report_unused_suppressions=True)
    # probe-port did not run (not selected), so its suppression cannot be judged
    assert [f.rule for f in found if f.rule.startswith("suppression")] == []
    found = lint(text, report_unused_suppressions=True)
    unused = [f for f in found if f.rule == "suppression-unused"]
    assert len(unused) == 1 and "probe-port" in unused[0].message and unused[0].line == 6


def test_suppressed_findings_are_counted(tmp_path):
    (tmp_path / "pod.yaml").write_text(pod("  annotations:\n    kubelint.io/ignore: pss-host-path\n"))
    report = json.loads(run_cli("check", "pod.yaml", "--format", "json", "--select", "pss-host-path,image-tag",
                                cwd=tmp_path).stdout)
    assert report["summary"]["suppressed"] == 1
    assert [f["rule"] for f in report["findings"]] == ["image-tag"]
    text = run_cli("check", "pod.yaml", "--select", "pss-host-path,image-tag", cwd=tmp_path).stdout
    assert "1 suppressed" in text


def test_report_unused_suppressions_flag_and_configuration(tmp_path):
    (tmp_path / "pod.yaml").write_text(pod(comment="   # kubelint: ignore[image-pull-policy]"))
    assert "suppression-unused" not in run_cli("check", "pod.yaml", cwd=tmp_path).stdout
    assert "suppression-unused" in run_cli("check", "pod.yaml", "--report-unused-suppressions", cwd=tmp_path).stdout
    (tmp_path / ".kubelint.yaml").write_text("report-unused-suppressions: true\n")
    assert "suppression-unused" in run_cli("check", "pod.yaml", cwd=tmp_path).stdout
    (tmp_path / ".kubelint.yaml").write_text("report-unused-suppressions: yes please\n")
    assert run_cli("check", "pod.yaml", cwd=tmp_path).returncode == 2


def test_suppressions_of_the_library_api():
    result = check(text=pod("  annotations:\n    kubelint.io/ignore: pss\n"), name="pod.yaml",
                   options=Options(select=["pss-host-path"]))
    assert result.findings == [] and result.suppressed == 1


def test_the_documented_unused_suppression_example():
    from kubelint.rules.registry import load_rules

    note = load_rules()["suppression-unused"].example_note
    example = "\n".join(line[4:] for line in note.splitlines() if line.startswith("    ")).replace(
        "   # <- suppression-unused", "")
    found = [f for f in lint(example, report_unused_suppressions=True) if f.rule == "suppression-unused"]
    assert [f.line for f in found] == [6]
