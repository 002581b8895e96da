"""Schema validation of built-in kinds and custom resources, with Kubernetes' own types."""

from __future__ import annotations

import pytest

from conftest import by_rule, crd
from conftest import lint_core as lint
from kubelint.model import Severity

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
{extra}"""


def pod(extra: str) -> str:
    return POD.format(extra=extra)


# Kubernetes' quantity grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go).
@pytest.mark.parametrize("value,valid", [
    ("500m", True), ("0.5", True), ("1", True), ("1Gi", True), ("128Mi", True), ("1e3", True), ("1E3", True),
    ("2.5e-3", True), ("+1", True), ("1.", True), (".5", True), ("100n", True), ("3u", True), ("1k", True),
    ("1Ei", True), ("'1.5.0'", False), ("10 GB", False), ("512MB", False), ("1Gb", False), ("1gi", False),
    ("''", False), ("1e", False), ("abc", False), ("'1_000'", False),
])
def test_quantity_grammar(value, valid):
    text = pod(f"      resources:\n        requests:\n          memory: {value}\n")
    findings = by_rule(lint(text), "schema-format")
    assert (findings == []) is valid, findings


def test_quantities_may_be_numbers():
    assert lint(pod("      resources:\n        limits:\n          cpu: 2\n          memory: 1e9\n")) == []


def test_int_or_string_accepts_both_and_rejects_booleans():
    assert lint(pod("      ports:\n        - containerPort: 80\n      readinessProbe:\n        httpGet:\n"
                    "          port: http\n          path: /\n")) == []
    findings = lint(pod("      readinessProbe:\n        httpGet:\n          port: true\n          path: /\n"))
    assert [(f.rule, f.line) for f in findings] == [("schema-type", 11)]
    assert "expected integer or string, got boolean true" in findings[0].message


def test_integral_floats_are_integers_as_in_json():
    # 1e1 is a float in YAML; JSON carries 10 and the API server accepts it for an int32.
    assert lint(pod("      ports:\n        - containerPort: 8e1\n")) == []
    findings = lint(pod("      ports:\n        - containerPort: 80.5\n"))
    assert [f.rule for f in findings] == ["schema-type"]


def test_int32_range():
    findings = lint(pod("      ports:\n        - containerPort: 2147483648\n"))
    assert [(f.rule, f.line) for f in findings] == [("schema-range", 10)]
    assert "does not fit in a 32-bit integer" in findings[0].message


def test_unknown_field_suggests_the_closest_name_and_points_at_the_key():
    findings = lint(pod("      imagePullPolcy: Always\n"))
    assert [(f.rule, f.line, f.column) for f in findings] == [("schema-unknown-field", 9, 7)]
    assert findings[0].message == 'spec.containers[0]: unknown field "imagePullPolcy" (did you mean "imagePullPolicy"?)'


def test_unknown_field_that_belongs_one_level_up():
    findings = lint(pod("      nodeSelector:\n        disk: ssd\n"))
    assert [f.rule for f in findings] == ["schema-unknown-field"]
    assert "one level up" in findings[0].hint


def test_enum_is_case_sensitive_and_suggests():
    findings = lint(pod("      imagePullPolicy: ifnotpresent\n"))
    assert [f.rule for f in findings] == ["schema-enum"]
    assert findings[0].hint == 'did you mean "IfNotPresent"?'


def test_missing_required_field_points_at_the_parent():
    findings = lint("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - image: nginx\n")
    assert [(f.rule, f.line, f.column) for f in findings] == [("schema-required", 7, 7)]
    assert findings[0].message == 'spec.containers[0]: missing required field "name"'


def test_secret_data_must_be_base64_and_is_never_quoted():
    text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  token: hunter2-is-not-base64\n"
    findings = lint(text)
    assert [(f.rule, f.line) for f in findings] == [("schema-format", 6)]
    assert "hunter2" not in findings[0].message
    assert "hunter2" not in (findings[0].snippet or "")
    assert lint(text.replace("hunter2-is-not-base64", "aHVudGVyMg==")) == []
    assert lint(text.replace("hunter2-is-not-base64", "aHVu\n    dGVyMg==").replace("token: ", "token: |\n    ")) == []


def test_duplicate_containers_are_errors_duplicate_env_a_warning():
    text = pod("    - name: web\n      image: nginx:1.27\n")
    assert [(f.rule, f.severity) for f in lint(text)] == [("schema-duplicate-key", Severity.ERROR)]
    env = pod("      env:\n        - {name: A, value: x}\n        - {name: A, value: z}\n")
    assert [(f.rule, f.severity) for f in lint(env)] == [("schema-duplicate-entry", Severity.WARNING)]


def test_duplicate_ports_count_the_default_protocol():
    text = pod("      ports:\n        - containerPort: 80\n        - containerPort: 80\n          protocol: TCP\n")
    assert [f.rule for f in lint(text)] == ["schema-duplicate-entry"]


def test_every_bundled_kind_is_known():
    from kubelint.schema.bundle import load_bundle, normalise_version

    bundle = load_bundle(normalise_version(None))
    kinds = {(k.api_version, k.kind): k.namespaced for k in bundle.kinds()}
    assert kinds[("apps/v1", "Deployment")] is True
    assert kinds[("v1", "Namespace")] is False
    assert kinds[("rbac.authorization.k8s.io/v1", "ClusterRole")] is False
    assert len(kinds) > 90


def test_cluster_scoped_objects_have_no_namespace():
    from kubelint import check

    result = check(text="apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n")
    assert [r.namespace for r in result.resources] == [None]


CRD = crd("Backup", """\
required: [schedule]
properties:
  schedule: {type: string, pattern: '^[0-9*/ ,-]+$'}
  retention: {type: integer, minimum: 1, maximum: 90}
  target: {x-kubernetes-int-or-string: true}
  mode: {type: string, enum: [full, incremental]}
  note: {type: string, nullable: true}
  labels:
    type: object
    additionalProperties: {type: string}
  extra:
    type: object
    x-kubernetes-preserve-unknown-fields: true
  volumes:
    type: array
    x-kubernetes-list-type: map
    x-kubernetes-list-map-keys: [name]
    items:
      type: object
      required: [name]
      properties:
        name: {type: string}
""") + "---\n"


def backup(spec: str) -> str:
    return CRD + "apiVersion: example.com/v1\nkind: Backup\nmetadata:\n  name: nightly\nspec:\n" + spec


def test_custom_resource_validated_against_its_crd():
    good = backup("  schedule: '0 3 * * *'\n  retention: 30\n  target: 5\n  mode: full\n  note: null\n"
                  "  labels: {a: b}\n  extra: {anything: [1, 2]}\n  volumes: [{name: a}, {name: b}]\n")
    assert lint(good) == []


@pytest.mark.parametrize("spec,rule", [
    ("  retention: 30\n", "schema-required"),
    ("  schedule: 'daily'\n", "schema-format"),
    ("  schedule: '1 * * * *'\n  retention: 91\n", "schema-range"),
    ("  schedule: '1 * * * *'\n  mode: partial\n", "schema-enum"),
    ("  schedule: '1 * * * *'\n  target: true\n", "schema-type"),
    ("  schedule: '1 * * * *'\n  schedul: x\n", "schema-unknown-field"),
    ("  schedule: '1 * * * *'\n  labels: {a: 1}\n", "schema-type"),
    ("  schedule: '1 * * * *'\n  volumes: [{name: a}, {name: a}]\n", "schema-duplicate-key"),
])
def test_custom_resource_errors(spec, rule):
    assert [f.rule for f in lint(backup(spec))] == [rule]


def test_custom_resource_without_its_crd_is_an_unknown_kind_warning():
    findings = lint("apiVersion: example.com/v1\nkind: Backup\nmetadata:\n  name: nightly\n")
    assert [(f.rule, f.severity) for f in findings] == [("unknown-kind", Severity.WARNING)]
    assert "--crds" in findings[0].hint


def test_crds_from_a_separate_path(tmp_path):
    from kubelint import Options, check

    (tmp_path / "crd.yaml").write_text(CRD)
    text = "apiVersion: example.com/v1\nkind: Backup\nmetadata:\n  name: nightly\nspec:\n  retention: 3\n"
    findings = check(text=text, options=Options(crd_paths=[str(tmp_path)])).findings
    assert [f.rule for f in findings] == ["schema-required"]


def test_crd_name_must_be_plural_dot_group():
    findings = lint(CRD.replace("name: backups.example.com", "name: backup.example.com"))
    assert [f.rule for f in findings] == ["name-invalid"]


def test_removed_and_deprecated_apis_depend_on_the_target_version():
    flow = ("apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: f\n"
            "spec:\n  priorityLevelConfiguration: {name: p}\n")
    assert [f.rule for f in lint(flow, kube_version="1.31")] == ["api-deprecated"]
    removed = lint(flow, kube_version="1.32")
    assert [f.rule for f in removed] == ["api-removed"]
    assert "removed in Kubernetes 1.32; use flowcontrol.apiserver.k8s.io/v1" in removed[0].message


def test_api_not_yet_served_by_an_older_target():
    text = ("apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata:\n  name: extra\n"
            "spec:\n  cidrs: [10.96.0.0/16]\n")
    assert lint(text, kube_version="1.33") == []
    assert [f.rule for f in lint(text, kube_version="1.32")] == ["api-unavailable"]


def test_names_per_kind():
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  ports: [{port: 80}]\n"
    assert [f.rule for f in lint(service)] == ["name-invalid"]  # DNS-1035: must start with a letter
    configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 1web.example\n"
    assert lint(configmap) == []  # DNS-1123 subdomain
    role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: system:Reader\n"
    assert lint(role) == []  # a path segment
    cronjob = ("apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: " + "a" * 53 + "\nspec:\n  schedule: '@daily'\n"
               "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
               "          containers: [{name: c, image: busybox:1.36}]\n")
    assert [f.rule for f in lint(cronjob)] == ["name-invalid"]


def test_port_names_are_iana_service_names():
    findings = lint(pod("      ports:\n        - name: http-metrics-port\n          containerPort: 9090\n"))
    assert [f.rule for f in findings] == ["name-invalid"]
    assert "15 characters" in findings[0].message


def test_labels_and_annotations():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    example.com/Team_A: x\n"
            "    bad key: yy\n  annotations:\n    note: " + "x" * 300_000 + "\n")
    findings = lint(text)
    assert [(f.rule, f.line) for f in findings] == [("label-invalid", 7), ("annotation-invalid", 8)]


def test_reference_and_fast_schema_engines_agree_on_a_sample():
    text = pod("      imagePullPolicy: sometimes\n      ports:\n        - containerPort: '80'\n"
               "      resources:\n        requests:\n          cpu: 1.5.0\n")
    assert lint(text, schema_engine="fast") == lint(text, schema_engine="reference")
    assert len(lint(text, schema_engine="fast")) == 3
