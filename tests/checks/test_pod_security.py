"""The Pod Security Standards rules (pss-*): which profile applies, severities, and controls whose
behaviour depends on the policy version, as k8s.io/pod-security-admission/policy/check_*.go."""

from __future__ import annotations

import pytest

from conftest import lint, run_cli
from kubelint.model import Severity


def namespace(name: str = "apps", **labels: str) -> str:
    lines = "".join(f"    pod-security.kubernetes.io/{key.replace('_', '-')}: {value}\n" for key, value in labels.items())
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n" + (f"  labels:\n{lines}" if lines else "") + "---\n"


def pod(spec: str, ns: str = "apps", annotations: str = "") -> str:
    meta = f"  annotations:\n{annotations}" if annotations else ""
    return f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: {ns}\n{meta}spec:\n{spec}"


PRIVILEGED = pod("  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n")
BARE = pod("  containers:\n    - name: c\n      image: nginx:1.27\n")
RESTRICTED = pod("  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {type: RuntimeDefault}\n"
                 "  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n"
                 "        allowPrivilegeEscalation: false\n        capabilities: {drop: [ALL]}\n")


def pss(text: str, **options):
    return [(f.rule, f.severity, f.line) for f in lint(text, select=["pss"], **options)]


# --- which profile, which severity ------------------------------------------------------------


def test_without_labels_baseline_warns_and_restricted_is_audited():
    assert [f for f in pss(PRIVILEGED) if f[1] != Severity.INFO] == [("pss-privileged", Severity.WARNING, 11)]
    assert sorted(rule for rule, severity, _ in pss(BARE) if severity == Severity.INFO) == [
        "pss-capabilities", "pss-privilege-escalation", "pss-run-as-non-root", "pss-seccomp"]
    assert pss(RESTRICTED) == []


def test_enforce_label_of_the_namespace_makes_violations_errors():
    findings = lint(namespace(enforce="baseline") + PRIVILEGED, select=["pss"], pod_security={"audit": "privileged"})
    assert [(f.rule, f.severity) for f in findings] == [("pss-privileged", Severity.ERROR)]
    assert 'enforced (namespace "apps"): admission rejects the pod' in findings[0].message


def test_a_violation_is_reported_once_at_the_strictest_mode():
    text = namespace(enforce="restricted", warn="restricted", audit="restricted") + BARE
    severities = {severity for _, severity, _ in pss(text)}
    assert severities == {Severity.ERROR} and len(pss(text)) == 4


def test_enforced_baseline_leaves_restricted_controls_to_the_other_modes():
    text = namespace(enforce="baseline", warn="restricted") + BARE
    assert {severity for _, severity, _ in pss(text)} == {Severity.WARNING}


def test_labels_of_other_namespaces_do_not_apply():
    text = namespace("other", enforce="restricted") + BARE
    assert {severity for _, severity, _ in pss(text)} == {Severity.INFO}


def test_privileged_level_reports_nothing():
    text = namespace(enforce="privileged", warn="privileged", audit="privileged") + PRIVILEGED + "---\n" + BARE
    assert pss(text) == []


def test_invalid_enforce_label_enforces_restricted_and_invalid_warn_fails_open():
    # api.PolicyToEvaluate: an unparsable enforce level means restricted; warn and audit fail open
    text = namespace(enforce="strict") + BARE
    assert {severity for _, severity, _ in pss(text, ignore=["pss-namespace-labels"])} == {Severity.ERROR}
    text = namespace(warn="loud", audit="privileged") + BARE
    assert pss(text, ignore=["pss-namespace-labels"]) == []


def test_configuration_sets_the_levels_of_namespaces_without_labels():
    assert {s for _, s, _ in pss(BARE, pod_security={"enforce": "restricted"})} == {Severity.ERROR}
    assert pss(BARE, pod_security={"audit": "privileged"}) == []
    # a namespace label wins over the configuration
    text = namespace(enforce="privileged") + BARE
    assert {s for _, s, _ in pss(text, pod_security={"enforce": "restricted"})} == {Severity.INFO}


def test_workload_templates_are_checked_at_their_pod_spec():
    cronjob = ("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: j\nspec:\n  schedule: '@daily'\n"
               "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
               "          hostPID: true\n          containers:\n            - name: c\n              image: a:1\n")
    assert [(r, line) for r, _, line in pss(cronjob) if r == "pss-host-namespaces"] == [("pss-host-namespaces", 12)]


def test_init_and_ephemeral_containers_are_checked():
    text = pod("  initContainers:\n    - name: init\n      image: a:1\n      securityContext: {privileged: true}\n"
               "  containers:\n    - name: c\n      image: a:1\n"
               "  ephemeralContainers:\n    - name: debug\n      image: a:1\n      securityContext: {privileged: true}\n")
    assert [line for rule, _, line in pss(text) if rule == "pss-privileged"] == [10, 17]


# --- controls -----------------------------------------------------------------------------------


def test_capabilities_baseline_allows_the_runtime_default_set_restricted_only_net_bind_service():
    text = pod("  containers:\n    - name: c\n      image: a:1\n      securityContext:\n        capabilities:\n"
               "          drop: [ALL]\n          add: [NET_BIND_SERVICE, CHOWN, NET_RAW]\n")
    found = lint(text, select=["pss-capabilities"])
    assert sorted((f.severity, f.path) for f in found) == [
        (Severity.INFO, "spec.containers[0].securityContext.capabilities.add[1]"),
        (Severity.WARNING, "spec.containers[0].securityContext.capabilities.add[2]")]


def test_windows_pods_are_exempt_from_linux_only_restricted_controls():
    text = pod("  os: {name: windows}\n  securityContext: {runAsNonRoot: true}\n"
               "  containers:\n    - name: c\n      image: a:1\n")
    assert pss(text) == []


def test_seccomp_on_every_container_is_enough_without_pod_level():
    text = pod("  securityContext: {runAsNonRoot: true}\n  containers:\n"
               "    - name: a\n      image: a:1\n      securityContext:\n        allowPrivilegeEscalation: false\n"
               "        capabilities: {drop: [ALL]}\n        seccompProfile: {type: Localhost, localhostProfile: p.json}\n")
    assert pss(text) == []
    unconfined = text.replace("type: Localhost, localhostProfile: p.json", "type: Unconfined")
    assert [(r, s) for r, s, _ in pss(unconfined)] == [("pss-seccomp", Severity.WARNING)]


def test_run_as_non_root_container_false_overrides_pod_true():
    text = RESTRICTED.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n"
                                                                   "        runAsNonRoot: false")
    assert [r for r, _, _ in pss(text)] == ["pss-run-as-non-root"]


def test_volume_without_source_is_an_empty_dir_and_image_volumes_are_allowed():
    text = RESTRICTED + "  volumes:\n    - name: scratch\n    - name: tools\n      image: {reference: 'tools:1'}\n"
    assert pss(text) == []
    nfs = RESTRICTED + "  volumes:\n    - name: share\n      nfs: {server: s, path: /x}\n"
    assert [r for r, _, _ in pss(nfs)] == ["pss-volume-types"]


def test_host_path_is_reported_once_at_restricted_too():
    text = namespace(enforce="restricted") + RESTRICTED + "  volumes:\n    - name: logs\n      hostPath: {path: /var/log}\n"
    assert [(r, s) for r, s, _ in pss(text)] == [("pss-host-path", Severity.ERROR)]


def test_apparmor_annotation_and_field():
    annotated = pod("  containers:\n    - name: c\n      image: a:1\n", annotations=(
        "    container.apparmor.security.beta.kubernetes.io/c: unconfined\n"
        "    container.apparmor.security.beta.kubernetes.io/d: localhost/k8s-nginx\n"))
    assert [(r, line) for r, _, line in pss(annotated) if r == "pss-apparmor"] == [("pss-apparmor", 7)]


def test_sysctls_follow_the_policy_version_of_the_namespace():
    text = pod("  securityContext:\n    sysctls:\n      - {name: net.ipv4.tcp_rmem, value: '4096 87380 6291456'}\n"
               "  containers:\n    - name: c\n      image: a:1\n")
    assert [r for r, _, _ in pss(text) if r == "pss-sysctls"] == []  # safe from policy 1.32
    pinned = namespace(warn="baseline", warn_version="v1.31") + text
    assert [r for r, _, _ in pss(pinned) if r == "pss-sysctls"] == ["pss-sysctls"]
    # "latest" means the target release's policy
    assert [r for r, _, _ in pss(text, kube_version="1.31") if r == "pss-sysctls"] == ["pss-sysctls"]


def test_selinux_container_engine_t_from_1_31():
    text = pod("  securityContext:\n    seLinuxOptions: {type: container_engine_t}\n"
               "  containers:\n    - name: c\n      image: a:1\n")
    assert [r for r, _, _ in pss(text, kube_version="1.31") if r == "pss-selinux"] == []
    assert [r for r, _, _ in pss(text, kube_version="1.30") if r == "pss-selinux"] == ["pss-selinux"]
    user = text.replace("{type: container_engine_t}", "{user: system_u}")
    assert [r for r, _, _ in pss(user) if r == "pss-selinux"] == ["pss-selinux"]


def test_probe_host_from_policy_1_34():
    text = pod("  containers:\n    - name: c\n      image: a:1\n      readinessProbe:\n"
               "        tcpSocket: {host: 10.0.0.1, port: 80}\n")
    assert [r for r, _, _ in pss(text) if r == "pss-probe-host"] == ["pss-probe-host"]
    assert [r for r, _, _ in pss(text, kube_version="1.33") if r == "pss-probe-host"] == []


def test_user_namespaces_relax_run_as_non_root_and_baseline_proc_mount_from_1_35():
    text = pod("  hostUsers: false\n  securityContext:\n    runAsUser: 0\n    seccompProfile: {type: RuntimeDefault}\n"
               "  containers:\n    - name: c\n      image: a:1\n      securityContext:\n"
               "        allowPrivilegeEscalation: false\n        capabilities: {drop: [ALL]}\n"
               "        procMount: Unmasked\n")
    # 1.35+: runAsNonRoot/runAsUser skipped; procMount allowed by baseline, still forbidden by restricted
    assert [(r, s) for r, s, _ in pss(text)] == [("pss-proc-mount", Severity.INFO)]
    assert sorted(r for r, _, _ in pss(text, kube_version="1.34")) == [
        "pss-proc-mount", "pss-run-as-non-root", "pss-run-as-user"]
    assert {s for r, s, _ in pss(text, kube_version="1.34") if r == "pss-proc-mount"} == {Severity.WARNING}


def test_namespace_labels_are_validated():
    text = namespace(enforce="restricted", enforce_version="1.30", audit="baseline", warnn="restricted")
    found = [(f.severity, f.line) for f in lint(text, select=["pss-namespace-labels"])]
    assert found == [(Severity.ERROR, 7), (Severity.WARNING, 9)]


def test_messages_name_the_container_and_the_profile():
    finding = lint(PRIVILEGED, select=["pss-privileged"])[0]
    assert finding.message.startswith('container "c" is privileged')
    assert "[baseline Pod Security Standard]" in finding.message
    assert finding.path == "spec.containers[0].securityContext.privileged"


def test_pod_security_option_and_configuration(tmp_path):
    (tmp_path / "pod.yaml").write_text(BARE)
    completed = run_cli("check", "pod.yaml", "--select", "pss", "--pod-security", "restricted", cwd=tmp_path)
    assert completed.returncode == 1 and "error" in completed.stdout
    (tmp_path / ".kubelint.yaml").write_text("pod-security: {enforce: restricted, version: v1.30}\n")
    assert run_cli("check", "pod.yaml", "--select", "pss", cwd=tmp_path).returncode == 1
    (tmp_path / ".kubelint.yaml").write_text("pod-security: {enforce: strict}\n")
    bad = run_cli("check", "pod.yaml", cwd=tmp_path)
    assert bad.returncode == 2 and "pod-security: enforce: 'strict' is not a level" in bad.stderr
    (tmp_path / ".kubelint.yaml").write_text("pod-security: {enforced: restricted}\n")
    assert "unknown key 'enforced'" in run_cli("check", "pod.yaml", cwd=tmp_path).stderr


@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_the_example_app_passes_the_profile_its_namespace_enforces(level):
    from conftest import EXAMPLES
    from kubelint import Options, check

    result = check([str(EXAMPLES / "app")], options=Options(select=["pss"], pod_security={"warn": level}))
    assert result.findings == []
