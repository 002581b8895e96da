"""The command line, run as users run it: exit codes, stdin, formats, bad arguments."""

from __future__ import annotations

import json

from conftest import EXAMPLES, run_cli

VALID = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: b\n"
INVALID = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"3\"\n"
           "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
           "    spec: {containers: [{name: web, image: nginx:1.27}]}\n")
WARNING_ONLY = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  a: 1:20\n"


def test_clean_input_exits_0_with_a_summary(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(VALID)
    completed = run_cli("check", str(path))
    assert completed.returncode == 0
    assert completed.stdout.startswith("All checks passed (1 file, 1 resource")
    assert completed.stderr == ""


def test_findings_exit_1_and_show_file_line_and_source(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(INVALID)
    completed = run_cli("check", str(path))
    assert completed.returncode == 1
    assert f"{path}\n" in completed.stdout
    assert '6:13  error    spec.replicas: expected integer, got string "3"  [schema-type]' in completed.stdout
    assert '  replicas: "3"' in completed.stdout
    assert "\x1b[" not in completed.stdout  # no colour in a pipe


def test_stdin_is_read_with_dash():
    completed = run_cli("check", "-", stdin=INVALID)
    assert completed.returncode == 1
    assert "<stdin>" in completed.stdout


def test_json_format_has_the_documented_shape():
    completed = run_cli("check", "-", "--format", "json", stdin=INVALID)
    assert completed.returncode == 1
    report = json.loads(completed.stdout)
    assert set(report) == {"version", "tool", "kubernetesVersion", "findings", "summary"}
    assert report["version"] == 1
    finding = report["findings"][0]
    assert set(finding) == {"rule", "severity", "message", "file", "line", "column", "resource", "path", "hint"}
    assert (finding["rule"], finding["severity"], finding["line"], finding["column"]) == ("schema-type", "error", 6, 13)
    assert finding["resource"] == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "default", "name": "web"}
    assert report["summary"]["errors"] == 1 and report["summary"]["files"] == 1


def test_fail_on_levels():
    assert run_cli("check", "-", stdin=WARNING_ONLY).returncode == 0
    assert run_cli("check", "-", "--fail-on", "warning", stdin=WARNING_ONLY).returncode == 1
    assert run_cli("check", "-", "--fail-on", "never", stdin=INVALID).returncode == 0


def test_output_file_is_written_and_stdout_stays_empty(tmp_path):
    target = tmp_path / "report.json"
    completed = run_cli("check", "-", "--format", "json", "--output", str(target), stdin=INVALID)
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert json.loads(target.read_text())["summary"]["errors"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_missing_path_is_a_usage_error():
    completed = run_cli("check", "does-not-exist.yaml")
    assert completed.returncode == 2
    assert "does-not-exist.yaml: no such file or folder" in completed.stderr


def test_unknown_kube_version_lists_the_bundled_ones():
    completed = run_cli("check", "-", "--kube-version", "1.12", stdin=VALID)
    assert completed.returncode == 2
    assert "available: 1.28" in completed.stderr and "1.36" in completed.stderr


def test_kube_version_changes_what_is_served():
    flowcontrol = ("apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: PriorityLevelConfiguration\n"
                   "metadata:\n  name: p\nspec:\n  type: Exempt\n")
    assert run_cli("check", "-", "--kube-version", "1.31", stdin=flowcontrol).returncode == 0
    newer = run_cli("check", "-", "--kube-version", "1.32", stdin=flowcontrol)
    assert newer.returncode == 1 and "api-removed" in newer.stdout


def test_bad_arguments_exit_2():
    assert run_cli("check", "-", "--format", "xml", stdin=VALID).returncode == 2
    assert run_cli("check", "-", "--select", "no-such-rule", stdin=VALID).returncode == 2
    assert run_cli("check").returncode == 2
    assert run_cli().returncode == 2


def test_select_and_ignore():
    assert run_cli("check", "-", "--ignore", "schema-type", stdin=INVALID).returncode == 0
    assert run_cli("check", "-", "--select", "yaml", stdin=INVALID).returncode == 0
    assert run_cli("check", "-", "--select", "schema", stdin=INVALID).returncode == 1


def test_rules_and_explain():
    listing = run_cli("rules")
    assert listing.returncode == 0 and "schema-unknown-field" in listing.stdout
    explained = run_cli("explain", "schema-type")
    assert explained.returncode == 0
    for heading in ("What it does", "Why it matters", "Example", "Use instead", "How to fix"):
        assert heading in explained.stdout
    unknown = run_cli("explain", "schema-typo")
    assert unknown.returncode == 2 and "did you mean schema-type" in unknown.stderr


def test_folders_are_walked_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.yml").write_text(INVALID)
    (tmp_path / "a" / "top.json").write_text(json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                                                         "metadata": {"name": "x"}}))
    (tmp_path / "a" / "notes.txt").write_text("not yaml: [")
    completed = run_cli("check", str(tmp_path), "--format", "json", "--select", "yaml,schema")
    report = json.loads(completed.stdout)
    assert report["summary"]["files"] == 2
    assert [f["rule"] for f in report["findings"]] == ["schema-type"]


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "1-broken.yaml").write_text("a: [unclosed\n")
    (tmp_path / "2-invalid.yaml").write_text(INVALID)
    report = json.loads(run_cli("check", str(tmp_path), "--format", "json", "--select", "yaml,schema").stdout)
    assert [f["rule"] for f in report["findings"]] == ["yaml-syntax", "schema-type"]


def test_examples_run_from_readme():
    completed = run_cli("check", str(EXAMPLES / "app"))
    assert completed.returncode == 0


def test_the_quick_exit_keeps_the_exit_code_and_flushes_a_large_report():
    """kubelint.cli.main.run ends the process with os._exit after main(): the whole report must still
    reach the pipe, and the exit code must be main()'s."""
    completed = run_cli("check", str(EXAMPLES / "broken"), "--format", "json", "--fail-on", "info")
    assert completed.returncode == 1
    report = json.loads(completed.stdout)
    assert len(report["findings"]) > 50 and len(completed.stdout) > 30_000
    clean = run_cli("check", str(EXAMPLES / "app"))
    assert clean.returncode == 0 and clean.stdout.startswith("All checks passed")
