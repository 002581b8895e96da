"""The baseline: --write-baseline records today's findings, --baseline reports only new ones; entries
are keyed by rule, object and path, never by line (kubelint/findings/baseline.py)."""

from __future__ import annotations

import json
import shutil

from conftest import EXAMPLES, run_cli

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
"""


def findings(completed) -> list[tuple[str, str]]:
    return [(f["rule"], f["path"]) for f in json.loads(completed.stdout)["findings"]]


def test_adopting_an_old_repository_is_one_command(tmp_path):
    shutil.copy(EXAMPLES / "broken" / "shop.yaml", tmp_path / "shop.yaml")
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    before = run_cli("check", ".", cwd=tmp_path)
    assert before.returncode == 1
    written = run_cli("check", ".", "--write-baseline", ".kubelint-baseline.json", cwd=tmp_path)
    assert written.returncode == 0 and written.stdout.startswith("Wrote .kubelint-baseline.json: ")
    after = run_cli("check", ".", "--baseline", ".kubelint-baseline.json", cwd=tmp_path)
    assert after.returncode == 0, after.stdout
    assert "All checks passed" in after.stdout and "suppressed" in after.stdout


def test_baseline_file_is_sorted_json_with_one_entry_per_line(tmp_path):
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    run_cli("check", "deploy.yaml", "--write-baseline", "base.json", cwd=tmp_path)
    text = (tmp_path / "base.json").read_text()
    data = json.loads(text)
    assert data["version"] == 1 and data["findings"]
    entry_lines = [line for line in text.splitlines() if '"fingerprint"' in line]
    assert len(entry_lines) == len(data["findings"])
    entry = data["findings"][0]
    assert set(entry) == {"fingerprint", "rule", "resource", "path", "file", "count"}
    assert entry["file"] == "deploy.yaml"
    assert any(e["rule"] == "image-tag" and e["resource"] == "apps/Deployment/shop/web" and
               e["path"] == "spec.template.spec.containers[0].image" for e in data["findings"])
    again = run_cli("check", "deploy.yaml", "--write-baseline", "base.json", cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / "base.json").read_text() == text  # stable output


def test_moves_and_line_shifts_keep_matching_but_new_findings_are_reported(tmp_path):
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    run_cli("check", "deploy.yaml", "--write-baseline", "base.json", cwd=tmp_path)
    (tmp_path / "deploy.yaml").unlink()
    moved = "# moved here, with more lines above\n\n\n" + DEPLOYMENT
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "web.yaml").write_text(moved)
    same = run_cli("check", "apps/web.yaml", "--baseline", "base.json", "--format", "json", cwd=tmp_path)
    assert findings(same) == []
    worse = moved + "          securityContext: {privileged: true}\n"
    (tmp_path / "apps" / "web.yaml").write_text(worse)
    new = run_cli("check", "apps/web.yaml", "--baseline", "base.json", "--format", "json", cwd=tmp_path)
    assert findings(new) == [("pss-privileged", "spec.template.spec.containers[0].securityContext.privileged")]


def test_counts_accept_as_many_identical_findings_as_recorded(tmp_path):
    two = DEPLOYMENT + "        - name: sidecar\n          image: busybox\n"
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    run_cli("check", "deploy.yaml", "--write-baseline", "base.json", "--select", "resources-requests", cwd=tmp_path)
    data = json.loads((tmp_path / "base.json").read_text())
    assert [e["count"] for e in data["findings"]] == [2]  # cpu and memory, same object and path
    (tmp_path / "deploy.yaml").write_text(two)
    new = run_cli("check", "deploy.yaml", "--baseline", "base.json", "--select", "resources-requests",
                  "--format", "json", cwd=tmp_path)
    assert findings(new) == [("resources-requests", "spec.template.spec.containers[1].resources.requests")] * 2


def test_fixed_entries_are_reported_as_unused_for_checked_files_only(tmp_path):
    (tmp_path / "a.yaml").write_text(DEPLOYMENT)
    (tmp_path / "b.yaml").write_text(DEPLOYMENT.replace("name: web", "name: api"))
    run_cli("check", ".", "--write-baseline", "base.json", "--select", "image-tag", cwd=tmp_path)
    (tmp_path / "a.yaml").write_text(DEPLOYMENT.replace("image: nginx", "image: nginx:1.27.2"))
    completed = run_cli("check", "a.yaml", "--baseline", "base.json", "--select", "image-tag",
                        "--report-unused-suppressions", "--format", "json", cwd=tmp_path)
    report = json.loads(completed.stdout)["findings"]
    assert [(f["rule"], f["file"]) for f in report] == [("suppression-unused", "base.json")]
    assert "image-tag on apps/Deployment/shop/web" in report[0]["message"] and report[0]["line"] >= 5
    # without the flag, a fixed entry is simply not needed
    quiet = run_cli("check", "a.yaml", "--baseline", "base.json", "--select", "image-tag", cwd=tmp_path)
    assert quiet.returncode == 0 and "suppression-unused" not in quiet.stdout


def test_baseline_in_the_configuration_and_never_linted_itself(tmp_path):
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "web.yaml").write_text(DEPLOYMENT)
    run_cli("check", "deploy", "--write-baseline", "deploy/accepted.json", cwd=tmp_path)
    (tmp_path / ".kubelint.yaml").write_text("baseline: deploy/accepted.json\n")
    completed = run_cli("check", "deploy", cwd=tmp_path)  # walks deploy/, which holds the baseline
    assert completed.returncode == 0 and "All checks passed (1 file" in completed.stdout


def test_bad_baselines_are_usage_errors(tmp_path):
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    missing = run_cli("check", "deploy.yaml", "--baseline", "nope.json", cwd=tmp_path)
    assert missing.returncode == 2 and "no such file (create it with --write-baseline nope.json)" in missing.stderr
    (tmp_path / "bad.json").write_text("{not json")
    assert run_cli("check", "deploy.yaml", "--baseline", "bad.json", cwd=tmp_path).returncode == 2
    (tmp_path / "other.json").write_text('{"version": 7, "findings": []}')
    other = run_cli("check", "deploy.yaml", "--baseline", "other.json", cwd=tmp_path)
    assert other.returncode == 2 and "not a kubelint baseline" in other.stderr


def test_findings_without_an_object_are_keyed_by_file_and_path(tmp_path):
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n"
                                          "  a: 1\n  a: 2\n")
    run_cli("check", "broken.yaml", "--write-baseline", "base.json", cwd=tmp_path)
    (tmp_path / "broken.yaml").write_text("# shifted\n" + (tmp_path / "broken.yaml").read_text())
    completed = run_cli("check", "broken.yaml", "--baseline", "base.json", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout
