"""Objects outside the input: Kubernetes' built-ins and the `external` patterns (config and --external)."""

from __future__ import annotations

import json

import pytest

from conftest import lint, run_cli
from kubelint.config.external import ExternalObjects, PatternError, parse

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  serviceAccountName: default
  containers:
    - name: web
      image: nginx:1.27
      env:
        - name: PASSWORD
          valueFrom:
            secretKeyRef:
              name: tls-web
              key: password
"""


@pytest.mark.parametrize("text, group, kind, namespace, name, expected", [
    ("Secret/*/tls-*", "", "Secret", "shop", "tls-web", True),
    ("Secret/*/tls-*", "", "Secret", "shop", "web-tls", False),
    ("secret/tls-web", "", "Secret", "any", "tls-web", True),                # two parts: every namespace
    ("Secret/prod/tls-web", "", "Secret", "shop", "tls-web", False),
    ("StorageClass/*", "storage.k8s.io", "StorageClass", None, "fast", True),
    ("IngressClass.networking.k8s.io/nginx", "networking.k8s.io", "IngressClass", None, "nginx", True),
    ("IngressClass.example.com/nginx", "networking.k8s.io", "IngressClass", None, "nginx", False),
    ("ClusterRole/my-org:*", "rbac.authorization.k8s.io", "ClusterRole", None, "my-org:reader", True),
    ("ConfigMap/shop/shared-[ab]", "", "ConfigMap", "shop", "shared-b", True),
])
def test_pattern_matching(text, group, kind, namespace, name, expected):
    assert parse(text).matches(group, kind, namespace, name) is expected


def test_a_pattern_may_list_the_keys_of_a_configmap_or_secret():
    pattern = parse("Secret/prod/db:username,password")
    assert pattern.name == "db" and pattern.keys == {"username", "password"}
    assert parse("ClusterRole/system:controller:x").name == "system:controller:x"   # colons are RBAC names


@pytest.mark.parametrize("bad", ["Secret", "Secret/", "/x", "a/b/c/d", "Sec ret/x", "Secret/x:", ""])
def test_malformed_patterns_are_rejected(bad):
    with pytest.raises(PatternError):
        parse(bad)


@pytest.mark.parametrize("kind, namespace, name, group", [
    ("ServiceAccount", "any-namespace", "default", ""),
    ("ConfigMap", "any-namespace", "kube-root-ca.crt", ""),
    ("ClusterRole", None, "view", "rbac.authorization.k8s.io"),
    ("ClusterRole", None, "system:auth-delegator", "rbac.authorization.k8s.io"),
    ("Role", "kube-system", "extension-apiserver-authentication-reader", "rbac.authorization.k8s.io"),
    ("PriorityClass", None, "system-node-critical", "scheduling.k8s.io"),
    ("Namespace", None, "kube-system", ""),
    ("Service", "default", "kubernetes", ""),
])
def test_kubernetes_builtins_are_known(kind, namespace, name, group):
    found = ExternalObjects().find(group, kind, namespace, name)
    assert found is not None and found.builtin


def test_undeclared_objects_are_reported_with_the_declaration_to_add():
    findings = [f for f in lint(POD) if f.rule == "secret-ref"]
    assert [(f.line, f.severity.label) for f in findings] == [(15, "error")]
    assert 'external: ["Secret/shop/tls-web"]' in findings[0].hint


def test_declared_external_objects_are_not_reported():
    assert [f for f in lint(POD, external=["Secret/*/tls-*"]) if f.rule == "secret-ref"] == []


def test_declared_keys_are_checked():
    findings = [f for f in lint(POD, external=["Secret/shop/tls-web:tls.crt,tls.key"]) if f.rule == "secret-ref"]
    assert [(f.line, f.message) for f in findings] == [(16, 'Secret "tls-web" has no key "password": the container '
                                                            "cannot start (CreateContainerConfigError)")]


def test_kube_root_ca_exists_everywhere_with_its_one_key():
    text = POD.replace("secretKeyRef:\n              name: tls-web\n              key: password",
                       "configMapKeyRef:\n              name: kube-root-ca.crt\n              key: ca.cert")
    findings = [f for f in lint(text) if f.rule == "configmap-ref"]
    assert [(f.line, f.message) for f in findings] == [(16, 'ConfigMap "kube-root-ca.crt" has no key "ca.cert": the '
                                                            'container cannot start (CreateContainerConfigError); '
                                                            'did you mean "ca.crt"?')]


def test_configuration_and_command_line_declare_external_objects(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / ".kubelint.yaml").write_text("external:\n  - Secret/shop/tls-*\n")
    completed = run_cli("check", "pod.yaml", "--format", "json", "--select", "secret-ref", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout
    (tmp_path / ".kubelint.yaml").write_text("external: []\n")
    completed = run_cli("check", "pod.yaml", "--format", "json", "--select", "secret-ref", cwd=tmp_path)
    assert [f["line"] for f in json.loads(completed.stdout)["findings"]] == [15]
    completed = run_cli("check", "pod.yaml", "--select", "secret-ref", "--external", "Secret/*/tls-web", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout


def test_malformed_patterns_are_configuration_errors(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    completed = run_cli("check", "pod.yaml", "--external", "Secret", cwd=tmp_path)
    assert completed.returncode == 2
    assert "expected KIND/NAME or KIND/NAMESPACE/NAME" in completed.stderr
    (tmp_path / ".kubelint.yaml").write_text("external: [Secret/a/b/c]\n")
    completed = run_cli("check", "pod.yaml", cwd=tmp_path)
    assert completed.returncode == 2 and "external" in completed.stderr
