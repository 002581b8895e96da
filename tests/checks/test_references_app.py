"""A realistic application where every reference resolves has no findings; breaking one reference
gives exactly one finding, of the right rule and severity, at the line of that reference."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from conftest import lint as lint_all
from kubelint.model import Severity
from reference_helpers import REFERENCE_RULES

APP = (FIXTURES / "references" / "bookstore.yaml").read_text()
E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
#: the cross-resource rules and the validation ones (so the app stays valid); best-practice rules
#: judge other things and are left out
RULES = list(REFERENCE_RULES) + [
    "yaml", "manifest", "schema", "api", "unknown-kind", "name", "label", "annotation"]


def lint(text: str):
    return lint_all(text, select=RULES)


def test_every_reference_of_the_app_resolves():
    assert [(f.rule, f.line, f.message) for f in lint(APP)] == []


def edit(old: str, new: str, nth: int = 1) -> str:
    """Replace the nth occurrence of old (which must exist) by new."""
    index = -1
    for _ in range(nth):
        index = APP.index(old, index + 1)
    return APP[:index] + new + APP[index + len(old):]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


# (id, old, new, nth occurrence, rule, severity, text at the expected line, its occurrence)
VARIANTS = [
    ("selector-typo", "      app.kubernetes.io/name: web\n  template",
     "      app.kubernetes.io/name: webb\n  template", 1,
     "workload-selector-mismatch", E, "app.kubernetes.io/name: webb", 1),
    ("service-selects-nothing", "    app.kubernetes.io/name: web\n  ports",
     "    app.kubernetes.io/name: wbe\n  ports", 1,
     "service-no-pods", W, "  selector:\n    app.kubernetes.io/name: wbe", 1),
    ("target-port-name", "      targetPort: http", "      targetPort: htp", 1, "service-target-port", E,
     "targetPort: htp", 1),
    ("target-port-number", "      targetPort: http", "      targetPort: 8081", 2, "service-target-port", I,
     "targetPort: 8081", 1),
    ("configmap-name", "                name: api-config\n", "                name: api-confg\n", 1, "configmap-ref", E,
     "name: api-confg", 1),
    ("configmap-key", "key: CATALOG_PAGE_SIZE", "key: CATALOG_PAGESIZE", 1, "configmap-ref", E,
     "key: CATALOG_PAGESIZE", 1),
    ("configmap-item-key", "- key: default.conf", "- key: nginx.conf", 1, "configmap-ref", E, "key: nginx.conf", 1),
    ("secret-key", "key: password\n            - name: PAGE_SIZE", "key: passwd\n            - name: PAGE_SIZE", 1,
     "secret-ref", E, "key: passwd", 1),
    ("projected-secret-item", "- key: password\n                      path: db-password",
     "- key: pass\n                      path: db-password", 1, "secret-ref", E, "key: pass\n", 1),
    ("pull-secret", "        - name: registry-credentials\n      containers",
     "        - name: registry-creds\n      containers", 1, "secret-ref", W, "name: registry-creds", 1),
    ("tls-secret", "secretName: bookstore-tls", "secretName: books-tls", 1, "secret-ref", W,
     "secretName: books-tls", 1),
    ("volume-undefined", "        - name: cache\n          emptyDir: {}\n", "", 1, "volume-mount", E,
     "- name: cache\n              mountPath", 1),
    ("volume-unused", "            - name: cache\n              mountPath: /var/cache/nginx\n", "", 1,
     "volume-mount", I,
     "- name: cache\n          emptyDir", 1),
    ("pvc-name", "claimName: reports", "claimName: report", 1, "pvc-ref", E, "claimName: report", 1),
        ("storage-class", "  storageClassName: fast-ssd\n  resources:\n    requests:\n      storage: 5Gi",
     "  storageClassName: fast-sd\n  resources:\n    requests:\n      storage: 5Gi", 1, "storageclass-ref", E,
     "storageClassName: fast-sd", 1),
    ("service-account", "serviceAccountName: reports", "serviceAccountName: report", 1, "serviceaccount-ref", E,
     "serviceAccountName: report", 1),
    ("ingress-service", "                name: web\n", "                name: webb\n", 1, "ingress-backend", E,
     "name: webb", 1),
    ("ingress-port", "number: 8080", "number: 80", 1, "ingress-backend", E, "number: 80", 1),
    ("ingress-class", "ingressClassName: nginx", "ingressClassName: nginx-internal", 1, "ingress-backend", E,
     "ingressClassName: nginx-internal", 1),
    ("hpa-target", "    kind: Deployment\n    name: api", "    kind: Deployment\n    name: apii", 1, "hpa-target", E,
     "name: apii", 1),
    ("hpa-requests", "              cpu: 200m\n", "", 1, "hpa-target", E, "name: cpu", 1),
    ("hpa-min-max", "  minReplicas: 2", "  minReplicas: 9", 1, "hpa-target", E, "minReplicas: 9", 1),
    ("pdb-selector", "      app.kubernetes.io/name: api\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db",
     "      app.kubernetes.io/name: apj\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db", 1,
     "pdb-selector", W, "  selector:\n    matchLabels:\n      app.kubernetes.io/name: apj", 1),
    ("pdb-blocks", "  minAvailable: 2", "  minAvailable: 3", 1, "pdb-selector", W, "minAvailable: 3", 1),
    ("netpol-peer", "              app.kubernetes.io/name: reports", "              app.kubernetes.io/name: report", 1,
     "networkpolicy-selector", W,
     "- podSelector:\n            matchLabels:\n              app.kubernetes.io/name: report",
     1),
    ("role-ref", "  name: config-reader\nsubjects", "  name: config-readers\nsubjects", 1, "rbac-ref", E,
     "name: config-readers", 1),
    ("rbac-subject", "    name: api\n---", "    name: apis\n---", 1, "rbac-ref", W, "name: apis", 1),
    ("statefulset-service", "  clusterIP: None\n", "", 1, "statefulset-service", W, "serviceName: db", 1),
    ("priority-class", "priorityClassName: bookstore-high", "priorityClassName: bookstore-hi", 2,
     "priorityclass-ref", E,
     "priorityClassName: bookstore-hi\n", 1),
    ("namespace", "  name: default-deny\n  namespace: bookstore", "  name: default-deny\n  namespace: bookstor", 1,
     "namespace-ref", W, "namespace: bookstor\n", 1),
    ("env-order", "            - name: PORT\n              value: \"8080\"\n", "", 1, "env-var-ref", W,
     'args: ["--listen', 1),
    ("service-link", "$(API_SERVICE_PORT_HTTP)", "$(API_SERVICE_PORT_WEB)", 1, "env-var-ref", W,
     "value: http://$(API_SERVICE_HOST)", 1),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v[0])
def test_one_broken_reference_gives_exactly_its_finding(variant):
    _, old, new, nth, rule, severity, at, at_nth = variant
    text = edit(old, new, nth)
    assert text != APP
    findings = lint(text)
    expected = [(rule, severity, line_of(text, at, at_nth))]   # the first line of `at`
    assert [(f.rule, f.severity, f.line) for f in findings] == expected, [f.message for f in findings]


def test_duplicate_object_is_reported_at_the_second_definition_naming_the_first():
    text = APP + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-nginx\n  namespace: bookstore\n"
    findings = lint(text)
    assert [(f.rule, f.severity, f.line) for f in findings] == [("duplicate-resource", E, text.count("\n") - 1)]
    first = line_of(APP, "  name: web-nginx")
    assert f"test.yaml:{first}" in findings[0].message


def test_a_second_deployment_behind_the_service_is_reported_naming_both():
    green = APP[APP.index("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"):]
    green = green[:green.index("---")].replace("name: web\n", "name: web-green\n", 1)
    text = APP + "---\n" + green
    findings = lint(text)
    assert [(f.rule, f.severity) for f in findings] == [("service-selects-several-workloads", W)]
    assert "Deployment/web and Deployment/web-green" in findings[0].message
    assert findings[0].line == line_of(text, "  selector:\n    app.kubernetes.io/name: web\n  ports")


def test_a_read_write_once_claim_of_two_workloads_is_reported_at_each_mount():
    text = edit("  accessModes: [ReadWriteMany]", "  accessModes: [ReadWriteOnce]")
    findings = lint(text)
    assert [(f.rule, f.severity, f.line) for f in findings] == [
        ("pvc-access-mode", W, line_of(text, "claimName: covers", 1)),
        ("pvc-access-mode", W, line_of(text, "claimName: covers", 2))]
    assert "Deployment/web runs up to 2 pods" in findings[0].message
    assert "Deployment/api runs up to 8 pods (with its HorizontalPodAutoscaler)" in findings[1].message
