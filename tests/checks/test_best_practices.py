"""Edge cases of the reliability, security-hygiene and metadata rules, beyond their rules/ examples,
and the promise that well-configured manifests get no finding from the default rule set."""

from __future__ import annotations

import pytest

from conftest import CORPUS, EXAMPLES, FIXTURES, lint, needs_shared, run_cli
from kubelint import Options, check
from kubelint.k8s import objects as k8s
from kubelint.model import Severity
from kubelint.rules.registry import load_rules


def rules_of(text: str, *rules: str, **options):
    return [(f.rule, f.line) for f in lint(text, select=list(rules), **options)]


def deployment(replicas="3", pod="", labels="{app: web}", name="web", extra_spec=""):
    replicas_line = f"  replicas: {replicas}\n" if replicas is not None else ""
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n{replicas_line}{extra_spec}"
            f"  selector:\n    matchLabels: {labels}\n  template:\n    metadata:\n      labels: {labels}\n"
            f"    spec:\n{pod}      containers:\n        - name: web\n          image: registry.example.com/web:1.0.0\n")


# --- clean manifests ----------------------------------------------------------------------------


def test_well_configured_fixture_has_no_finding_with_the_default_rules():
    result = check([str(FIXTURES / "well-configured.yaml")])
    assert result.findings == []
    assert len(result.resources) == 20


def test_well_configured_fixture_triggers_only_rules_that_are_off_by_default():
    rules = load_rules()
    result = check([str(FIXTURES / "well-configured.yaml")], options=Options(select=["all"]))
    assert result.findings and all(not rules[f.rule].enabled for f in result.findings)


def test_example_app_is_clean_with_every_default_rule():
    assert check([str(EXAMPLES / "app")]).findings == []


# --- selectors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("selector, labels, expected", [
    ({}, {"a": "1"}, True),
    (None, {"a": "1"}, False),
    ({"matchLabels": {"a": "1"}}, {"a": "1", "b": "2"}, True),
    ({"matchLabels": {"a": "1"}}, {"a": "2"}, False),
    ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]}, {"a": "2"}, True),
    ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {}, True),
    ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {"a": "1"}, False),
    ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {"a": ""}, True),
    ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {"a": ""}, False),
    ({"matchExpressions": [{"key": "a", "operator": "Bogus"}]}, {"a": "1"}, False),
])
def test_label_selector_semantics_follow_apimachinery(selector, labels, expected):
    assert k8s.label_selector_matches(selector, labels) is expected


def test_map_selector_needs_at_least_one_pair():
    assert k8s.map_selector_matches({"app": "web"}, {"app": "web", "tier": "x"})
    assert not k8s.map_selector_matches({}, {"app": "web"})


# --- resources ----------------------------------------------------------------------------------


def test_limit_implies_request_and_limitrange_defaults_count():
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\nspec:\n  containers:\n"
           "    - name: c\n      image: a:1\n      resources:\n        limits: {cpu: '1', memory: 1Gi}\n")
    assert rules_of(pod, "resources-requests", "resources-memory-limit") == []
    bare = pod.replace("      resources:\n        limits: {cpu: '1', memory: 1Gi}\n", "")
    assert len(rules_of(bare, "resources-requests")) == 2
    limitrange = ("apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: d\n  namespace: ns\nspec:\n  limits:\n"
                  "    - type: Container\n      default: {memory: 512Mi}\n      defaultRequest: {cpu: 100m}\n---\n")
    assert rules_of(limitrange + bare, "resources-requests", "resources-memory-limit") == []
    other_namespace = limitrange.replace("namespace: ns", "namespace: other")
    assert len(rules_of(other_namespace + bare, "resources-requests", "resources-memory-limit")) == 3


# --- probes -------------------------------------------------------------------------------------


SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n---\n"


def test_readiness_is_required_only_behind_a_service_of_the_same_namespace():
    assert rules_of(deployment(), "probe-readiness-missing") == []
    assert rules_of(SERVICE + deployment(), "probe-readiness-missing") == [("probe-readiness-missing", 21)]
    elsewhere = SERVICE.replace("name: web\n", "name: web\n  namespace: other\n")
    assert rules_of(elsewhere + deployment(), "probe-readiness-missing") == []
    job = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    metadata:\n"
           "      labels: {app: web}\n    spec:\n      restartPolicy: Never\n      containers:\n"
           "        - {name: c, image: 'a:1'}\n")
    assert rules_of(SERVICE + job, "probe-readiness-missing") == []


def test_identical_probes_that_fail_later_for_liveness_are_fine():
    base = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: a:1\n"
            "      readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 10}\n"
            "      livenessProbe: {tcpSocket: {port: 80}, periodSeconds: %s}\n")
    assert rules_of(base % 10, "probe-identical") == [("probe-identical", 10)]
    assert rules_of(base % 30, "probe-identical") == []
    different = base.replace("livenessProbe: {tcpSocket: {port: 80}", "livenessProbe: {tcpSocket: {port: 81}") % 10
    assert rules_of(different, "probe-identical") == []


def test_probe_port_names_are_resolved_against_the_container_only():
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
           "    - name: a\n      image: a:1\n      ports: [{name: http, containerPort: 80}]\n"
           "    - name: b\n      image: b:1\n      livenessProbe: {httpGet: {path: /, port: http}}\n"
           "      lifecycle: {preStop: {httpGet: {path: /stop, port: 8080}}}\n")
    found = lint(pod, select=["probe-port"])
    assert [(f.line, f.severity, f.path) for f in found] == [
        (12, Severity.ERROR, "spec.containers[1].livenessProbe.httpGet.port")]


# --- images -------------------------------------------------------------------------------------


@pytest.mark.parametrize("image, flagged", [
    ("nginx", True), ("nginx:latest", True), ("registry:5000/team/app", True), ("registry:5000/team/app:2.1", False),
    ("nginx@sha256:" + "a" * 64, False), ("nginx:latest@sha256:" + "a" * 64, False), ("${IMAGE}", False),
])
def test_image_tags(image, flagged):
    pod = f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: '{image}'\n"
    assert bool(rules_of(pod, "image-tag")) is flagged


def test_pull_policy_only_matters_for_moving_tags():
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n"
           "      image: %s\n      imagePullPolicy: %s\n")
    assert rules_of(pod % ("a", "Never"), "image-pull-policy") == [("image-pull-policy", 9)]
    assert rules_of(pod % ("a", "Always"), "image-pull-policy") == []
    assert rules_of(pod % ("a:1.0", "IfNotPresent"), "image-pull-policy") == []


# --- replicas, spreading, budgets ---------------------------------------------------------------


def hpa(minimum="2", maximum="5", name="web"):
    return (f"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\nspec:\n"
            f"  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}\n"
            f"  minReplicas: {minimum}\n  maxReplicas: {maximum}\n")


def test_single_replica_unless_autoscaled_or_recreate():
    assert rules_of(deployment(replicas=None), "replicas-single") == [("replicas-single", 5)]
    assert rules_of(deployment(replicas="0"), "replicas-single") == []
    assert rules_of(deployment(replicas=None) + hpa(minimum="1"), "replicas-single") == []
    assert rules_of(deployment(replicas=None) + hpa("1", "1"), "replicas-single") == [("replicas-single", 4)]
    recreate = deployment(replicas="1", extra_spec="  strategy: {type: Recreate}\n")
    assert rules_of(recreate, "replicas-single") == []


def test_anti_affinity_must_select_the_workloads_own_pods():
    spread = ("      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n"
              "          whenUnsatisfiable: DoNotSchedule\n          labelSelector: {matchLabels: %s}\n")
    assert rules_of(deployment(pod=spread % "{app: web}"), "anti-affinity") == []
    wrong = lint(deployment(pod=spread % "{app: api}"), select=["anti-affinity"])
    assert len(wrong) == 1 and "selects its own pods" in wrong[0].message
    assert rules_of(deployment(replicas="1"), "anti-affinity") == []
    assert rules_of(deployment(replicas="1") + hpa(), "anti-affinity") == [("anti-affinity", 12)]


def pdb(selector="matchLabels: {app: web}", policy="maxUnavailable: 1", api="policy/v1"):
    return f"---\napiVersion: {api}\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  {policy}\n  selector: {{{selector}}}\n"


def test_pdb_missing_uses_selector_semantics():
    assert rules_of(deployment(), "pdb-missing") == [("pdb-missing", 4)]
    assert rules_of(deployment() + pdb(), "pdb-missing") == []
    expression = "matchExpressions: [{key: app, operator: In, values: [web, api]}]"
    assert rules_of(deployment() + pdb(expression), "pdb-missing") == []
    assert rules_of(deployment() + pdb("matchLabels: {app: api}"), "pdb-missing") == [("pdb-missing", 4)]
    assert rules_of(deployment() + pdb(""), "pdb-missing") == []  # policy/v1: {} selects every pod
    assert rules_of(deployment(replicas="1"), "pdb-missing") == []


@pytest.mark.parametrize("policy, replicas, blocked", [
    ("maxUnavailable: 0", "3", True), ("maxUnavailable: 0%", "3", True), ("maxUnavailable: 1%", "3", False),
    ("minAvailable: 100%", "3", True), ("minAvailable: 67%", "3", True), ("minAvailable: 66%", "3", False),
    ("minAvailable: 3", "3", True), ("minAvailable: 2", "3", False), ("minAvailable: 1", "1", True),
])
def test_pdb_blocks_eviction_rounds_like_the_disruption_controller(policy, replicas, blocked):
    text = deployment(replicas=replicas) + pdb(policy=policy)
    assert bool(rules_of(text, "pdb-blocks-eviction")) is blocked


def test_pdb_min_available_against_autoscaler_minimum():
    text = deployment(replicas=None) + hpa("2", "10") + pdb(policy="minAvailable: 2")
    assert rules_of(text, "pdb-blocks-eviction") == [("pdb-blocks-eviction", 30)]


def test_rolling_update_unavailable():
    rolling = "  strategy:\n    rollingUpdate: {maxUnavailable: %s}\n"
    assert rules_of(deployment(extra_spec=rolling % "3"), "rolling-update-unavailable") != []
    assert rules_of(deployment(extra_spec=rolling % "2"), "rolling-update-unavailable") == []
    assert rules_of(deployment(replicas="1", extra_spec=rolling % "1"), "rolling-update-unavailable") == []
    assert rules_of(deployment(replicas="1", extra_spec=rolling % "100%"), "rolling-update-unavailable") != []
    daemonset = ("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: d\nspec:\n  updateStrategy:\n"
                 "    rollingUpdate: {maxUnavailable: %s}\n  selector: {matchLabels: {a: b}}\n  template:\n"
                 "    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: 'a:1'}]}\n")
    assert rules_of(daemonset % "'100%'", "rolling-update-unavailable") == [("rolling-update-unavailable", 7)]
    assert rules_of(daemonset % "5", "rolling-update-unavailable") == []


# --- jobs ---------------------------------------------------------------------------------------


def test_job_ttl_skips_hook_jobs_deleted_by_their_tool():
    job = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n%sspec:\n  template:\n    spec:\n"
           "      restartPolicy: Never\n      containers: [{name: c, image: 'a:1'}]\n")
    assert rules_of(job % "", "job-ttl") == [("job-ttl", 5)]
    hook = "  annotations:\n    helm.sh/hook: pre-upgrade\n    helm.sh/hook-delete-policy: hook-succeeded\n"
    assert rules_of(job % hook, "job-ttl") == []


# --- security hygiene ---------------------------------------------------------------------------


def test_automount_token_is_fine_when_the_default_account_is_bound_or_opts_out():
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\nspec:\n  containers: [{name: c, image: 'a:1'}]\n"
    assert rules_of(pod, "automount-service-account-token") == [("automount-service-account-token", 6)]
    account = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: ns\n" \
              "automountServiceAccountToken: false\n---\n"
    assert rules_of(account + pod, "automount-service-account-token") == []
    binding = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\n  namespace: ns\n"
               "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\n"
               "subjects: [{kind: ServiceAccount, name: default, namespace: ns}]\n---\n")
    assert rules_of(binding + pod, "automount-service-account-token") == []
    dedicated = pod.replace("spec:\n", "spec:\n  serviceAccountName: app\n")
    assert rules_of(dedicated, "automount-service-account-token") == []


@pytest.mark.parametrize("name, value, flagged", [
    ("DB_PASSWORD", "s3cret-value", True), ("GITHUB_TOKEN", "x" * 10, True), ("JWT_SECRET", "abcdefgh", True),
    ("DB_PASSWORD_FILE", "/run/secrets/pw", False), ("SECRET_NAME", "db-credentials", False),
    ("PASSWORD", "", False), ("API_TOKEN", "$(TOKEN_FROM_SECRET)", False), ("ENABLE_AUTH_TOKEN", "true", False),
    ("TOKEN_AUDIENCE", "api", False), ("BYPASS", "always-on", False),
    ("CONFIG", "-----BEGIN RSA PRIVATE KEY-----\nMIIE", True), ("AWS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", True),
    ("UPSTREAM", "https://user:pa55word@example.com/", True), ("UPSTREAM", "https://example.com/a:b@c", False),
])
def test_env_secret_literal_by_name_or_shape(name, value, flagged):
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: a:1\n"
           f"      env:\n        - name: {name}\n          value: {value!r}\n")
    pod = pod.replace("\\n", "\\n")
    assert bool(rules_of(pod, "env-secret-literal")) is flagged


def test_secret_values_never_appear_in_the_report(tmp_path):
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  db.password: sup3r-s3cret-pw\n---\n"
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: a:1\n"
            "      env:\n        - name: API_TOKEN\n          value: t0k3n-t0k3n-t0k3n\n")
    (tmp_path / "app.yaml").write_text(text)
    for fmt in ("text", "json"):
        completed = run_cli("check", "app.yaml", "--format", fmt, "--select", "configmap-secret,env-secret-literal",
                            cwd=tmp_path)
        assert completed.returncode == 0  # warnings
        assert "configmap-secret" in completed.stdout and "env-secret-literal" in completed.stdout
        assert "sup3r-s3cret-pw" not in completed.stdout and "t0k3n-t0k3n" not in completed.stdout


def test_rbac_rules_skip_aggregated_cluster_roles():
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n%s"
            "rules:\n  - apiGroups: ['']\n    resources: ['*']\n    verbs: ['*']\n")
    assert len(rules_of(role % "", "rbac-wildcard")) == 2
    aggregated = "aggregationRule:\n  clusterRoleSelectors: [{matchLabels: {agg: 'true'}}]\n"
    assert rules_of(role % aggregated, "rbac-wildcard") == []


def test_namespace_default_only_when_explicit():
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n%s"
    assert rules_of(config % "", "namespace-default") == []
    assert rules_of(config % "  namespace: default\n", "namespace-default") == [("namespace-default", 5)]


def test_service_exposed_types_are_a_parameter():
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n"
    assert rules_of(service, "service-exposed") == []
    params = {"service-exposed": {"types": ["NodePort", "LoadBalancer"]}}
    assert rules_of(service, "service-exposed", rule_params=params) == [("service-exposed", 6)]
    restricted = service + "  loadBalancerSourceRanges: [10.0.0.0/8]\n"
    assert rules_of(restricted, "service-exposed", rule_params=params) == []


# --- the pack as a whole ------------------------------------------------------------------------


def test_rules_lists_the_pack_with_severities_and_defaults():
    listing = run_cli("rules").stdout
    assert "pss-privileged" in listing and "resources-requests" in listing
    assert "recommended-labels" not in listing  # off by default
    everything = run_cli("rules", "--all").stdout
    assert "recommended-labels" in everything and "(off by default)" in everything
    import json

    table = {r["id"]: r for r in json.loads(run_cli("rules", "--format", "json").stdout)}
    assert table["pss-privileged"]["severity"] == "warning" and table["pss-privileged"]["enabled"]
    assert table["recommended-labels"]["enabled"] is False


PACK = ("pod-security", "reliability", "security", "metadata", "suppression")


@pytest.mark.parametrize("rule_id", sorted(r.id for r in load_rules().values() if r.category in PACK))
def test_explain_reads_like_documentation(rule_id):
    from kubelint.rules.docs import explain_rule

    rule = load_rules()[rule_id]
    text = explain_rule(rule)
    for heading in ("What it does", "Why it matters", "How to fix"):
        assert heading in text
    assert ("Example" in text and "Use instead" in text) or rule.example_note
    assert len(rule.rationale) > 80 and len(rule.description) > 60, rule_id
    assert rule.references or rule.category == "suppression", rule_id


@needs_shared(CORPUS)
def test_corpus_findings_stay_plausible():
    """No rule of the pack floods real-world manifests: each default rule fires on at most a share
    of the workloads it applies to, and none crashes (see the closing report for the counts)."""
    result = check([str(CORPUS)])
    workloads = sum(1 for r in result.resources if k8s.is_workload(r))
    per_rule: dict[str, int] = {}
    for finding in result.findings:
        per_rule[finding.rule] = per_rule.get(finding.rule, 0) + 1
    assert workloads > 500
    for rule in ("pss-privileged", "pss-host-path", "probe-port", "termination-grace-zero", "rbac-cluster-admin"):
        assert per_rule.get(rule, 0) < workloads / 10, rule
