"""Choosing rules for the pack: --select/--ignore by id or prefix, severity overrides and unknown keys
in the configuration (kubelint/config/file.py)."""

from __future__ import annotations

import json

from conftest import run_cli

POD = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n"
       "    - name: c\n      image: nginx\n")


def rules(completed) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["severity"]) for f in json.loads(completed.stdout)["findings"])


def test_select_and_ignore_by_prefix_on_the_command_line(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    selected = run_cli("check", "pod.yaml", "-f", "json", "--select", "pss", "--ignore", "pss-seccomp,pss-run",
                       cwd=tmp_path)
    assert {rule for rule, _ in rules(selected)} == {"pss-host-namespaces", "pss-capabilities",
                                                      "pss-privilege-escalation"}
    assert run_cli("check", "pod.yaml", "--select", "pss-typo", cwd=tmp_path).returncode == 2


def test_configuration_selects_ignores_and_overrides_severities(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / ".kubelint.yaml").write_text(
        "select: [pss, image]\nignore: [pss-seccomp]\nseverity: {image-tag: error, pss-run-as-non-root: warning}\n")
    found = rules(run_cli("check", "pod.yaml", "-f", "json", cwd=tmp_path))
    assert ("image-tag", "error") in found and ("pss-run-as-non-root", "warning") in found
    assert ("pss-host-namespaces", "warning") in found
    assert not any(rule == "pss-seccomp" for rule, _ in found)


def test_off_by_default_rules_are_enabled_by_selecting_them(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    assert "priority-class" not in run_cli("check", "pod.yaml", cwd=tmp_path).stdout
    assert "priority-class" in run_cli("check", "pod.yaml", "--select", "priority-class", cwd=tmp_path).stdout


def test_unknown_keys_and_rule_ids_are_configuration_errors(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    for text, message in [
        ("pod-securty: restricted\n", 'unknown key \'pod-securty\' (did you mean "pod-security"?)'),
        ("severity: {pss-privileged-containers: error}\n", "severity: unknown rule 'pss-privileged-containers'"),
        ("rules: {service-exposed: {type: [NodePort]}}\n", "unknown parameter(s) type; known: check, types"),
        ("baseline: 3\n", "baseline must be"),
    ]:
        (tmp_path / ".kubelint.yaml").write_text(text)
        completed = run_cli("check", "pod.yaml", cwd=tmp_path)
        assert completed.returncode == 2 and message in completed.stderr, completed.stderr


def test_rule_parameters_from_the_configuration(tmp_path):
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n"
                                      "    app.kubernetes.io/name: c\n")
    (tmp_path / ".kubelint.yaml").write_text(
        "select: [recommended-labels]\nrules: {recommended-labels: {labels: [app.kubernetes.io/name]}}\n")
    assert run_cli("check", "cm.yaml", cwd=tmp_path).returncode == 0
    (tmp_path / ".kubelint.yaml").write_text("select: [recommended-labels]\n")
    assert "app.kubernetes.io/instance" in run_cli("check", "cm.yaml", cwd=tmp_path).stdout
