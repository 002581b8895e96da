"""`kubelint schedule` and `kubelint check --nodes` as users run them: exit codes, the JSON shape,
findings at the workload's line, the bundled examples, secrets kept out of every output."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES, ROOT, run_cli
from kubelint import Options, check
from kubelint.cli.main import main

APP = str(EXAMPLES / "app")
FITS = str(EXAMPLES / "nodes" / "fits.yaml")
TOO_SMALL = str(EXAMPLES / "nodes" / "too-small.yaml")


def test_examples_fit_on_the_fitting_inventory():
    completed = run_cli("schedule", APP, "--nodes", FITS)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "All pods fit: 7 pods, 7 placed" in completed.stdout
    assert "Utilisation (requested / allocatable)" in completed.stdout


def test_examples_do_not_fit_on_the_small_inventory_and_say_why():
    completed = run_cli("schedule", APP, "--nodes", TOO_SMALL)
    assert completed.returncode == 1
    assert ("0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) had untolerated "
            "taint(s). preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
            "1 Preemption is not helpful for scheduling.") in completed.stdout
    assert "shop/postgres-0  unschedulable" in completed.stdout


def in_process(capsys, *args: str) -> tuple[int, str]:
    """Run the command line in this process (faster than a subprocess) and return (exit code, stdout)."""
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().out


def test_json_report_has_the_documented_shape(capsys):
    code, out = in_process(capsys, "schedule", APP, "--nodes", TOO_SMALL, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"version", "tool", "kubernetesVersion", "profiles", "pods", "nodes", "workloads",
                           "findings", "notes", "notModelled", "summary"}
    assert report["summary"] == {"pods": 6, "scheduled": 5, "bound": 0, "unschedulable": 1, "preempted": 0,
                                 "gated": 0, "skipped": 0, "nodes": 2,
                                 "elapsedSeconds": report["summary"]["elapsedSeconds"]}
    postgres = next(p for p in report["pods"] if p["name"] == "postgres-0")
    assert postgres == {"name": "postgres-0", "namespace": "shop", "workload": "StatefulSet/shop/postgres",
                        "status": "unschedulable", "node": None, "reason": postgres["reason"],
                        "hint": "untolerated taints: node-role.kubernetes.io/control-plane:NoSchedule (1 node)",
                        "preempted": [],
                        "preemptedBy": None, "priority": 100000, "requests": {"cpu": "500m", "memory": "1Gi"}}
    assert postgres["reason"].startswith("0/2 nodes are available: 1 Insufficient cpu")
    worker = next(n for n in report["nodes"] if n["name"] == "worker-1")
    assert worker["allocatable"] == {"cpu": "950m", "memory": "1536Mi", "pods": "110"}
    assert worker["requested"] == {"cpu": "800m", "memory": "832Mi", "pods": "4"}
    frontend = next(w for w in report["workloads"] if w["workload"] == "Deployment/shop/frontend")
    assert frontend["hpa"] == {"minReplicas": 3, "maxReplicas": 12, "fits": False, "moreReplicasFit": 0}
    assert frontend["rollout"]["stalls"] is True and frontend["availability"] == {"singleNode": True,
                                                                                 "singleZone": False}


def test_explain_adds_every_nodes_verdict_and_every_plugins_score(capsys):
    report = json.loads(in_process(capsys, "schedule", APP, "--nodes", FITS, "--format", "json", "--explain")[1])
    frontend = next(p for p in report["pods"] if p["name"] == "frontend-1")
    rows = {row["node"]: row for row in frontend["explain"]["nodes"]}
    assert set(rows) == {"general-0", "general-1", "general-2"}
    chosen = rows[frontend["node"]]
    assert chosen["filter"] is None and chosen["total"] == max(r["total"] for r in rows.values())
    assert set(chosen["scores"]) == {"TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread",
                                     "InterPodAffinity", "NodeResourcesBalancedAllocation", "ImageLocality"}
    assert chosen["scores"]["TaintToleration"]["weight"] == 3
    text = in_process(capsys, "schedule", APP, "--nodes", TOO_SMALL, "--explain")[1]
    assert "Explain shop/postgres-0 -> no node" in text
    assert "control-plane-1  rejected by TaintToleration: node(s) had untolerated taint(s)" in text
    assert "worker-1  rejected by NodeResourcesFit: Insufficient cpu, Insufficient memory" in text


def test_what_if_node_failure(capsys):
    out = in_process(capsys, "schedule", APP, "--nodes", TOO_SMALL, "--what-if", "node-failure", "--format", "json")[1]
    failures = {f["name"]: f for f in json.loads(out)["whatIf"]["nodeFailure"]}
    assert failures["worker-1"]["displaced"] == 3
    assert [u["pod"] for u in failures["worker-1"]["unschedulable"]] == ["shop/frontend-0", "shop/frontend-1",
                                                                         "shop/frontend-2"]


def test_usage_errors_exit_2(tmp_path, capsys):
    # in-process (kubelint.cli.main.main) to keep the suite fast; test_json_report... runs the real command line
    assert main(["schedule", APP]) == 2                                           # no --nodes
    assert "needs a node inventory: --nodes FILE" in capsys.readouterr().err
    assert main(["schedule", "--nodes", FITS]) == 2                               # no manifests
    assert main(["schedule", APP, "--nodes", str(tmp_path / "none.yaml")]) == 2
    assert "none.yaml: no such file or folder" in capsys.readouterr().err
    empty = tmp_path / "empty.yaml"
    empty.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    assert main(["schedule", APP, "--nodes", str(empty)]) == 2
    assert "no Node, NodeList or NodePool" in capsys.readouterr().err
    bad = tmp_path / "scheduler.yaml"
    bad.write_text("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n"
                   "- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy: {type: Fastest}\n")
    assert main(["schedule", APP, "--nodes", FITS, "--scheduler-config", str(bad)]) == 2
    assert '"Fastest" is not one of LeastAllocated' in capsys.readouterr().err
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n"
                       "- plugins:\n    score:\n      enabled: [{name: MyPlugin}]\n")
    assert main(["check", APP, "--nodes", FITS, "--scheduler-config", str(unknown)]) == 2
    assert 'unknown plugin "MyPlugin"' in capsys.readouterr().err


def test_scheduler_config_changes_the_placement(tmp_path):
    nodes = tmp_path / "nodes.yaml"
    nodes.write_text("apiVersion: kubelint.io/v1alpha1\nkind: NodePool\nmetadata: {name: pool}\n"
                     "spec: {count: 2, allocatable: {cpu: '4', memory: 8Gi}}\n")
    app = tmp_path / "app.yaml"
    app.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: first}\nspec:\n  nodeName: pool-1\n  containers:\n"
                   "  - {name: c, image: x:1, resources: {requests: {cpu: '1', memory: 1Gi}}}\n---\n"
                   "apiVersion: v1\nkind: Pod\nmetadata: {name: second}\nspec:\n  containers:\n"
                   "  - {name: c, image: x:1, resources: {requests: {cpu: '1', memory: 1Gi}}}\n")
    config = tmp_path / "scheduler.yaml"
    config.write_text("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n"
                      "- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n"
                      "      scoringStrategy: {type: MostAllocated}\n  plugins:\n    score:\n"
                      "      disabled: [{name: NodeResourcesBalancedAllocation}]\n")
    least_out, most_out = tmp_path / "least.json", tmp_path / "most.json"
    assert main(["schedule", str(app), "--nodes", str(nodes), "--format", "json", "-o", str(least_out)]) == 0
    assert main(["schedule", str(app), "--nodes", str(nodes), "--format", "json", "-o", str(most_out),
                 "--scheduler-config", str(config)]) == 0
    least, most = json.loads(least_out.read_text()), json.loads(most_out.read_text())
    assert [p["node"] for p in least["pods"] if p["name"] == "second"] == ["pool-0"]   # the emptier node
    assert [p["node"] for p in most["pods"] if p["name"] == "second"] == ["pool-1"]    # bin packing


def test_check_with_nodes_reports_findings_at_the_workloads_line():
    result = check([APP], options=Options(nodes=[TOO_SMALL]))
    found = {(f.rule, f.file.rsplit("/", 1)[-1], f.line, f.severity.label) for f in result.findings}
    assert found == {("unschedulable", "20-postgres.yaml", 34, "error"),
                     ("schedule-rollout-stall", "10-frontend.yaml", 56, "warning"),
                     ("schedule-single-node", "10-frontend.yaml", 56, "warning"),
                     ("schedule-node-failure", "10-frontend.yaml", 56, "warning"),
                     ("schedule-hpa-max", "10-frontend.yaml", 221, "warning")}
    unschedulable = next(f for f in result.findings if f.rule == "unschedulable")
    assert unschedulable.message.startswith("pod postgres-0 cannot be scheduled: 0/2 nodes are available:")
    assert unschedulable.hint.startswith("untolerated taints: node-role.kubernetes.io/control-plane:NoSchedule (1 node)")


def test_check_without_nodes_does_not_schedule_and_examples_stay_clean():
    assert check([APP]).findings == []
    completed = run_cli("check", "examples/", cwd=ROOT)
    assert completed.returncode == 0 and "All checks passed" in completed.stdout
    completed = run_cli("check", "examples/", "--nodes", "examples/nodes/fits.yaml", cwd=ROOT)
    assert completed.returncode == 0, completed.stdout
    completed = run_cli("check", "examples/app/", "--nodes", "examples/nodes/too-small.yaml", cwd=ROOT)
    assert completed.returncode == 1 and "[unschedulable]" in completed.stdout


def test_invalid_inventory_gets_precise_findings(tmp_path):
    nodes = tmp_path / "nodes.yaml"
    nodes.write_text("apiVersion: kubelint.io/v1alpha1\nkind: NodePool\nmetadata: {name: general}\nspec:\n"
                     "  count: 2\n  zone: [a]\n  allocatable: {cpu: '4', memory: 8GB}\n---\n"
                     "apiVersion: v1\nkind: Node\nmetadata: {name: general-1}\n")
    app = tmp_path / "app.yaml"
    app.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x:1}]\n")
    result = check([str(app)], options=Options(nodes=[str(nodes)], select=["inventory", "schema"]))
    found = sorted((f.rule, f.line) for f in result.findings)
    assert found == [("inventory-invalid", 11), ("inventory-invalid", 11),   # declared twice; no allocatable
                     ("schema-format", 7),                                   # memory: 8GB is no quantity
                     ("schema-unknown-field", 6)]                            # spec.zone (did you mean zones?)
    messages = sorted(f.message for f in result.findings if f.rule == "inventory-invalid")
    assert 'node "general-1" declares neither status.allocatable nor status.capacity' in messages[0]
    assert messages[1].startswith('node "general-1" is declared twice (also by NodePool/general in this file)')


def test_nodepool_is_a_known_kind():
    text = ("apiVersion: kubelint.io/v1alpha1\nkind: NodePool\nmetadata: {name: general}\n"
            "spec: {count: 1, allocatable: {cpu: '4', memory: 8Gi}}\n")
    assert check(text=text).findings == []


SECRET_APP = """\
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: default}
stringData:
  password: canary-stringdata-71c3
data:
  token: Y2FuYXJ5LWRhdGEtOWQ0Yg==
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  annotations: {note: canary-annotation-55e1}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {secret-ish: canary-template-annotation-8a2f}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env: [{name: API_KEY, value: canary-env-value-3b9d}]
        resources: {requests: {cpu: '3', memory: 1Gi}}
"""

CANARIES = ("canary-stringdata-71c3", "canary-data-9d4b", "Y2FuYXJ5LWRhdGEtOWQ0Yg", "canary-annotation-55e1",
            "canary-template-annotation-8a2f", "canary-env-value-3b9d")


@pytest.mark.parametrize("arguments", [
    ("schedule", "--format", "json", "--explain", "--what-if", "node-failure"),
    ("schedule", "--explain", "--what-if", "node-failure"),
    ("check", "--format", "json"),
    ("check",),
])
def test_secret_values_never_appear_in_any_output(tmp_path, arguments):
    app = tmp_path / "app.yaml"
    app.write_text(SECRET_APP)
    nodes = tmp_path / "nodes.yaml"
    nodes.write_text("apiVersion: kubelint.io/v1alpha1\nkind: NodePool\nmetadata: {name: small}\n"
                     "spec: {count: 1, allocatable: {cpu: '4', memory: 8Gi}}\n")
    command, *rest = arguments
    completed = run_cli(command, str(app), "--nodes", str(nodes), *rest)
    assert completed.returncode == 1           # the second replica does not fit
    output = completed.stdout + completed.stderr
    assert "web-1" in output
    for canary in CANARIES:
        assert canary not in output


def test_nodes_and_scheduler_config_from_the_configuration_file(tmp_path):
    (tmp_path / "inventory").mkdir()
    (tmp_path / "inventory" / "pool.yaml").write_text(
        "apiVersion: kubelint.io/v1alpha1\nkind: NodePool\nmetadata: {name: tiny}\n"
        "spec: {count: 1, allocatable: {cpu: 100m, memory: 64Mi}}\n")
    (tmp_path / "scheduler.yaml").write_text("apiVersion: kubescheduler.config.k8s.io/v1\n"
                                             "kind: KubeSchedulerConfiguration\n")
    (tmp_path / ".kubelint.yaml").write_text("nodes: [inventory]\nscheduler-config: scheduler.yaml\n")
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n"
                                       "  - {name: c, image: x:1, resources: {requests: {cpu: '1'}}}\n")
    completed = run_cli("check", "app.yaml", cwd=tmp_path)
    assert completed.returncode == 1 and "[unschedulable]" in completed.stdout
    assert "pod big cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu." in completed.stdout
    (tmp_path / ".kubelint.yaml").write_text("nodes: 3\n")
    completed = run_cli("check", "app.yaml", cwd=tmp_path)
    assert completed.returncode == 2 and "nodes must be a list of files or folders" in completed.stderr


def test_terminal_report_draws_utilisation_bars():
    from kubelint.schedule import report
    from kubelint.schedule.inventory import inventory_resources
    from kubelint.schedule.scheduler import simulate

    result = check([APP, TOO_SMALL])
    sim = simulate(result.resources, inventory_resources(result.resources, [TOO_SMALL]))
    data = report.build(sim, what_if=True, explain=True)
    colored = report.render_text(data, color=True, width=120, explain=True)
    plain = report.render_text(data, color=False, width=120, explain=True)
    assert "█" in colored and "\x1b[" in colored
    assert "█" not in plain and "\x1b[" not in plain
    assert "worker-1         800m/950m  84%" in plain
