"""The scheduler as a whole: kube-scheduler's messages and counting, priorities and preemption,
DaemonSets, inventories (NodePool, `kubectl get nodes -o yaml`), effective requests, analyses."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kubelint import check
from kubelint.schedule import analysis, inventory
from kubelint.schedule import pods as pods_module
from kubelint.schedule.scheduler import fit_error, simulate
from kubelint.schedule.framework import Code, Status
from schedule_support import container, node, pod, resource

SMALL = {"cpu": "2", "memory": "4Gi", "pods": "110"}


def run(nodes, objects, **kwargs):
    return simulate([resource(o) for o in objects], [resource(n) for n in nodes], **kwargs)


def placements(sim):
    return {p.pod.name: (p.status, p.node) for p in sim.placements}


def deployment(name, replicas, requests, *, labels=None, priority_class=None, namespace="default", **spec_fields):
    labels = labels or {"app": name}
    spec = {"containers": [container(requests=requests)]}
    if priority_class:
        spec["priorityClassName"] = priority_class
    for key, value in spec_fields.items():
        parts = key.split("_")
        spec[parts[0] + "".join(p.title() for p in parts[1:])] = value
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": namespace},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": spec}}}


def priority_class(name, value, *, default=False, policy=None):
    out = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name}, "value": value,
           "globalDefault": default}
    if policy:
        out["preemptionPolicy"] = policy
    return out


# --- kube-scheduler's message and counting ------------------------------------------------------------


def test_fit_error_sorts_the_histogram_as_strings():
    # framework.FitError.Error(): "<count> <reason>" strings sorted with sort.Strings, so "10 ..." < "2 ...".
    statuses = {i: Status(Code.UNSCHEDULABLE, ("Insufficient cpu",)) for i in range(10)}
    statuses.update({10 + i: Status(Code.UNRESOLVABLE, ("node(s) had untolerated taint {dedicated: gpu}",))
                     for i in range(2)})
    assert fit_error(12, statuses) == ("0/12 nodes are available: 10 Insufficient cpu, "
                                       "2 node(s) had untolerated taint {dedicated: gpu}.")


def test_message_of_the_issue_in_kubernetes_1_33_wording():
    nodes = [node("node-a", allocatable={"cpu": "1", "memory": "1Gi", "pods": "110"}),
             node("node-b", taints=[("dedicated", "gpu", "NoSchedule")]),
             node("node-c", taints=[("dedicated", "gpu", "NoSchedule")])]
    sim = run(nodes, [pod("web", requests={"cpu": "2"})], kube_version="1.33")
    (placement,) = sim.placements
    assert placement.status == "unschedulable" and placement.node is None
    assert placement.reason == (
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")


def test_message_in_current_wording_and_a_node_that_preemption_could_free():
    nodes = [node("node-a", allocatable=SMALL), node("node-b", taints=[("dedicated", "gpu", "NoSchedule")])]
    sim = run(nodes, [pod("busy", node="node-a", requests={"cpu": "1500m"}), pod("web", requests={"cpu": "1"})])
    placement = next(p for p in sim.placements if p.pod.name == "web")
    assert placement.reason == (
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s). "
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
        "1 Preemption is not helpful for scheduling.")


def test_no_nodes():
    sim = run([node("only", unschedulable=True)], [pod("web")])
    assert sim.placements[0].reason.startswith("0/1 nodes are available: 1 node(s) were unschedulable.")


def test_ties_go_to_the_lowest_node_name():
    nodes = [node(name, allocatable=SMALL) for name in ("node-c", "node-a", "node-b")]
    sim = run(nodes, [pod("web", requests={"cpu": "100m"})])
    assert placements(sim) == {"web": ("scheduled", "node-a")}


def test_replicas_see_the_pods_placed_before_them_and_spread_by_least_allocated():
    nodes = [node(name, allocatable=SMALL) for name in ("node-a", "node-b", "node-c")]
    sim = run(nodes, [deployment("web", 4, {"cpu": "500m", "memory": "256Mi"})])
    assert [p.node for p in sim.placements] == ["node-a", "node-b", "node-c", "node-a"]
    assert [p.pod.name for p in sim.placements] == ["web-0", "web-1", "web-2", "web-3"]


def test_statefulset_ordinals_and_job_parallelism():
    statefulset = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "default"},
                   "spec": {"replicas": 2, "ordinals": {"start": 5}, "serviceName": "db",
                            "selector": {"matchLabels": {"app": "db"}},
                            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [container()]}}}}
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "etl", "namespace": "default"},
           "spec": {"parallelism": 4, "completions": 3, "template": {"spec": {"restartPolicy": "Never",
                                                                               "containers": [container()]}}}}
    cron = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly", "namespace": "default"},
            "spec": {"schedule": "0 0 * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "Never", "containers": [container()]}}}}}}
    sim = run([node("n", allocatable=SMALL)], [statefulset, job, cron])
    names = sorted(p.pod.name for p in sim.placements)
    assert names == ["db-5", "db-6", "etl-0", "etl-1", "etl-2", "nightly-0"]
    labels = {p.pod.name: p.pod.labels for p in sim.placements}
    assert labels["db-6"]["statefulset.kubernetes.io/pod-name"] == "db-6"
    assert labels["etl-0"]["batch.kubernetes.io/job-name"] == "etl"


def test_hpa_raises_replicas_to_min_replicas_and_reports_max():
    hpa = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "web", "namespace": "default"},
           "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                    "minReplicas": 3, "maxReplicas": 10}}
    sim = run([node("n", allocatable=SMALL)], [deployment("web", 1, {"cpu": "300m"}), hpa])
    assert len(sim.placements) == 3
    scaling = analysis.autoscaling(sim, sim.workloads[0])
    assert (scaling.placed, scaling.more_fit, scaling.fits) == (3, 3, False)   # 6 x 300m fit in 2 cpu


# --- priorities and preemption (defaultpreemption/default_preemption_test.go) -----------------------------


def test_queue_orders_by_priority_then_input_order():
    sim = run([node("n", allocatable={"cpu": "1", "memory": "1Gi", "pods": "110"})],
              [priority_class("high", 1000), pod("low", requests={"cpu": "600m"}),
               pod("high", requests={"cpu": "600m"}, priority_class_name="high")])
    assert placements(sim)["high"] == ("scheduled", "n")
    low = next(p for p in sim.placements if p.pod.name == "low")
    assert low.status == "unschedulable"
    assert low.reason == ("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
                          "1 No preemption victims found for incoming pod.")


def test_preemption_evicts_the_fewest_lowest_priority_pods():
    # "a pod that would fit if all lower priority pods are removed": only the lowest-priority victim goes.
    objects = [priority_class("low", 1), priority_class("mid", 100), priority_class("high", 1000),
               pod("p1", node="node1", requests={"cpu": "1"}, priority_class_name="low"),
               pod("p2", node="node1", requests={"cpu": "1"}, priority_class_name="mid"),
               pod("preemptor", requests={"cpu": "1"}, priority_class_name="high")]
    sim = run([node("node1", allocatable=SMALL)], objects)
    preemptor = next(p for p in sim.placements if p.pod.name == "preemptor")
    assert (preemptor.status, preemptor.node, [v.name for v in preemptor.preempted]) == ("scheduled", "node1", ["p1"])
    victim = next(p for p in sim.placements if p.pod.name == "p1")
    assert (victim.status, victim.preempted_by.name) == ("preempted", "preemptor")
    assert victim.reason == "preempted by default/preemptor on node node1"


def test_preemption_prefers_the_node_with_the_lowest_highest_victim_priority():
    objects = [priority_class("low", 10), priority_class("mid", 100), priority_class("high", 1000),
               pod("a", node="node1", requests={"cpu": "2"}, priority_class_name="mid"),
               pod("b", node="node2", requests={"cpu": "2"}, priority_class_name="low"),
               pod("preemptor", requests={"cpu": "2"}, priority_class_name="high")]
    sim = run([node("node1", allocatable=SMALL), node("node2", allocatable=SMALL)], objects)
    assert placements(sim)["preemptor"] == ("scheduled", "node2")


def test_preemption_respects_pod_disruption_budgets_where_possible():
    # pickOneNodeForPreemption: fewest PDB violations first.
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "keep", "namespace": "default"},
           "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "protected"}}}}
    objects = [priority_class("low", 1), priority_class("high", 1000), pdb,
               pod("guarded", node="node1", requests={"cpu": "2"}, labels={"app": "protected"},
                   priority_class_name="low"),
               pod("free", node="node2", requests={"cpu": "2"}, labels={"app": "other"}, priority_class_name="low"),
               pod("preemptor", requests={"cpu": "2"}, priority_class_name="high")]
    sim = run([node("node1", allocatable=SMALL), node("node2", allocatable=SMALL)], objects)
    assert placements(sim)["preemptor"] == ("scheduled", "node2")


def test_preemption_policy_never():
    objects = [priority_class("low", 1), priority_class("polite", 1000, policy="Never"),
               pod("p1", node="n", requests={"cpu": "2"}, priority_class_name="low"),
               pod("polite", requests={"cpu": "1"}, priority_class_name="polite")]
    sim = run([node("n", allocatable=SMALL)], objects)
    polite = next(p for p in sim.placements if p.pod.name == "polite")
    assert polite.reason == ("0/1 nodes are available: 1 Insufficient cpu. "
                             "preemption: not eligible due to preemptionPolicy=Never.")


def owned(data):
    data["metadata"]["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "batch-5d4f",
                                            "uid": "1", "controller": True}]
    return data


def test_preempted_controller_pods_are_recreated_and_scheduled_again():
    objects = [priority_class("high", 1000),
               owned(pod("batch-a", node="node1", requests={"cpu": "1500m"})),
               pod("bare", node="node1", requests={"cpu": "200m"}, labels={"keep": "no"}),
               pod("critical", requests={"cpu": "2"}, priority_class_name="high")]
    nodes = [node("node1", allocatable=SMALL), node("node2", allocatable={"cpu": "1500m", "memory": "4Gi", "pods": "9"})]
    sim = run(nodes, objects)
    statuses = [(p.pod.name, p.status, p.node) for p in sim.placements]
    assert ("critical", "scheduled", "node1") in statuses
    critical = next(p for p in sim.placements if p.pod.name == "critical")
    assert sorted(v.name for v in critical.preempted) == ["bare", "batch-a"]
    # the controller's pod is recreated and fits on node2; the bare pod is gone
    assert statuses.count(("batch-a", "preempted", None)) == 1 and ("batch-a", "scheduled", "node2") in statuses
    assert ("bare", "preempted", None) in statuses and [s for s in statuses if s[0] == "bare"] == [
        ("bare", "preempted", None)]


def test_global_default_priority_class_and_missing_priority_class():
    objects = [priority_class("everyone", 500, default=True), pod("plain"),
               pod("typo", priority_class_name="hgih")]
    sim = run([node("n", allocatable=SMALL)], objects)
    by_name = {p.pod.name: p for p in sim.placements}
    assert by_name["plain"].pod.priority == 500
    assert by_name["typo"].status == "unschedulable"
    assert by_name["typo"].reason == ("pod rejected by Priority admission: no PriorityClass with name hgih was found")


def test_system_priority_classes_are_built_in():
    sim = run([node("n", allocatable=SMALL)], [pod("dns", priority_class_name="system-cluster-critical")])
    assert sim.placements[0].pod.priority == 2000000000


# --- DaemonSets --------------------------------------------------------------------------------------------


def daemonset(name, requests=None, **spec_fields):
    spec = {"containers": [container(requests=requests)]}
    for key, value in spec_fields.items():
        parts = key.split("_")
        spec[parts[0] + "".join(p.title() for p in parts[1:])] = value
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name, "namespace": "kube-system"},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}}


def test_daemonset_one_pod_per_eligible_node_with_the_controllers_tolerations():
    nodes = [node("worker-1", allocatable=SMALL), node("cordoned", allocatable=SMALL, unschedulable=True),
             node("gpu", allocatable=SMALL, taints=[("dedicated", "gpu", "NoSchedule")]),
             node("pressure", allocatable=SMALL, taints=[("node.kubernetes.io/disk-pressure", "", "NoSchedule")])]
    sim = run(nodes, [daemonset("agent", {"cpu": "100m"})])
    # cordoned and disk-pressure are tolerated by the DaemonSet controller's tolerations; gpu is not
    assert placements(sim) == {"agent-cordoned": ("scheduled", "cordoned"),
                               "agent-pressure": ("scheduled", "pressure"),
                               "agent-worker-1": ("scheduled", "worker-1")}


def test_daemonset_node_selector_and_a_pod_that_does_not_fit_on_its_node():
    nodes = [node("a", {"role": "edge"}, allocatable=SMALL), node("b", {"role": "edge"}, allocatable=SMALL),
             node("c", allocatable=SMALL)]
    sim = run(nodes, [pod("hog", node="b", requests={"cpu": "1900m"}),
                      daemonset("proxy", {"cpu": "200m"}, node_selector={"role": "edge"})])
    result = {p.pod.name: p for p in sim.placements}
    assert set(result) == {"hog", "proxy-a", "proxy-b"}
    assert result["proxy-b"].reason == (
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. "
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
        "2 Preemption is not helpful for scheduling.")


# --- inventories --------------------------------------------------------------------------------------------

POOL = {"apiVersion": "kubelint.io/v1alpha1", "kind": "NodePool", "metadata": {"name": "general"},
        "spec": {"count": 3, "zones": ["eu-west-1a", "eu-west-1b"], "region": "eu-west-1",
                 "labels": {"node.kubernetes.io/instance-type": "m5.xlarge"},
                 "taints": [{"key": "pool", "value": "general", "effect": "PreferNoSchedule"}],
                 "allocatable": {"cpu": "4", "memory": "15Gi", "ephemeral-storage": "100Gi"}}}


def test_nodepool_expands_into_nodes_with_the_usual_labels():
    found = inventory.load([resource(POOL)])
    assert [n.name for n in found.nodes] == ["general-0", "general-1", "general-2"]
    first, second, third = found.nodes
    assert first.labels == {"kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                            "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64",
                            "node.kubernetes.io/instance-type": "m5.xlarge", "kubernetes.io/hostname": "general-0",
                            "topology.kubernetes.io/zone": "eu-west-1a", "topology.kubernetes.io/region": "eu-west-1"}
    assert [n.zone for n in found.nodes] == ["eu-west-1a", "eu-west-1b", "eu-west-1a"]
    assert first.allocatable == {"cpu": 4000, "memory": 15 * 2 ** 30, "ephemeral-storage": 100 * 2 ** 30, "pods": 110}
    assert str(third.taints[0]) == "pool=general:PreferNoSchedule"
    assert found.problems == []


def test_duplicate_node_names_are_reported():
    found = inventory.load([resource(POOL), resource(node("general-1"))])
    assert len(found.nodes) == 3
    (owner, problem), = found.problems
    assert problem.rule == "inventory-invalid" and 'node "general-1" is declared twice' in problem.message


KUBECTL_GET_NODES = """\
apiVersion: v1
items:
- apiVersion: v1
  kind: Node
  metadata:
    labels:
      kubernetes.io/hostname: kind-control-plane
      node-role.kubernetes.io/control-plane: ""
    name: kind-control-plane
  spec:
    podCIDR: 10.244.0.0/24
    providerID: kind://docker/kind/kind-control-plane
    taints:
    - effect: NoSchedule
      key: node-role.kubernetes.io/control-plane
  status:
    allocatable:
      cpu: "8"
      ephemeral-storage: 263174212Ki
      hugepages-1Gi: "0"
      hugepages-2Mi: "0"
      memory: 32827672Ki
      pods: "110"
    capacity:
      cpu: "8"
      memory: 32827672Ki
      pods: "110"
    conditions:
    - lastHeartbeatTime: "2024-05-01T10:00:00Z"
      lastTransitionTime: "2024-05-01T09:00:00Z"
      message: kubelet is posting ready status
      reason: KubeletReady
      status: "True"
      type: Ready
    nodeInfo:
      architecture: amd64
      bootID: 5d1f
      containerRuntimeVersion: containerd://1.7.1
      kernelVersion: 6.5.0
      kubeProxyVersion: v1.30.0
      kubeletVersion: v1.30.0
      machineID: 9a
      operatingSystem: linux
      osImage: Debian GNU/Linux 12 (bookworm)
      systemUUID: 1c
- apiVersion: v1
  kind: Node
  metadata:
    labels:
      kubernetes.io/hostname: kind-worker
    name: kind-worker
  spec: {}
  status:
    capacity:
      cpu: "4"
      memory: 16Gi
      pods: "110"
kind: List
metadata:
  resourceVersion: ""
"""


def test_kubectl_get_nodes_output_is_an_inventory():
    result = check(text=KUBECTL_GET_NODES, name="nodes.yaml")
    assert result.findings == []
    found = inventory.load(result.resources)
    control, worker = found.nodes
    assert control.name == "kind-control-plane" and str(control.taints[0]) == (
        "node-role.kubernetes.io/control-plane:NoSchedule")
    assert control.allocatable["memory"] == 32827672 * 1024 and control.allocatable["hugepages-2Mi"] == 0
    assert worker.allocatable == {"cpu": 4000, "memory": 16 * 2 ** 30, "pods": 110}   # capacity: the API default
    sim = simulate([resource(pod("web", requests={"cpu": "1"}))], result.resources)
    assert placements(sim) == {"web": ("scheduled", "kind-worker")}


def test_typed_node_list_items_inherit_their_kind():
    text = ("apiVersion: v1\nkind: NodeList\nitems:\n- metadata: {name: n1}\n  status:\n"
            "    allocatable: {cpu: '1', memory: 1Gi, pods: '10'}\n")
    result = check(text=text, name="nodes.yaml")
    assert [n.name for n in inventory.load(result.resources).nodes] == ["n1"]


def test_existing_pods_take_their_share_first():
    sim = run([node("n", allocatable={"cpu": "1", "memory": "1Gi", "pods": "110"})],
              [pod("new", requests={"cpu": "600m"}), pod("running", node="n", requests={"cpu": "600m"})])
    assert placements(sim)["running"] == ("bound", "n")
    assert placements(sim)["new"][0] == "unschedulable"


def test_pod_bound_to_an_unknown_node_is_left_out():
    sim = run([node("n", allocatable=SMALL)], [pod("ghost", node="elsewhere")])
    assert placements(sim) == {"ghost": ("skipped", None)}


# --- effective requests (component-helpers/resource PodRequests, KEP-753) ---------------------------------


def requests_of(spec, **kwargs):
    return pods_module.pod_requests(spec, **kwargs)


def test_sidecars_add_up_and_regular_init_containers_take_the_max():
    spec = {"initContainers": [container("sidecar1", {"cpu": "1"}, restart_policy="Always"),
                               container("init1", {"cpu": "2"}),
                               container("sidecar2", {"cpu": "3"}, restart_policy="Always")],
            "containers": [container("app", {"cpu": "1"})]}
    # containers + sidecars = 1 + 1 + 3 = 5; init1 runs with sidecar1: 2 + 1 = 3; max = 5
    assert requests_of(spec)["cpu"] == 5
    spec["initContainers"][1] = container("init1", {"cpu": "8"})
    assert requests_of(spec)["cpu"] == 9   # 8 + sidecar1's 1 > 5


def test_pod_level_resources_override_from_1_34():
    spec = {"resources": {"requests": {"cpu": "3"}}, "containers": [container("a", {"cpu": "1", "memory": "1Gi"})]}
    assert requests_of(spec)["cpu"] == 3 and requests_of(spec)["memory"] == 2 ** 30
    assert requests_of(spec, pod_level=False)["cpu"] == 1


def test_limit_range_default_requests():
    limit_range = {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults", "namespace": "team"},
                   "spec": {"limits": [{"type": "Container", "default": {"memory": "512Mi"},
                                        "defaultRequest": {"cpu": "250m"}}]}}
    sim = run([node("n", allocatable=SMALL)], [limit_range, pod("web", namespace="team")])
    assert sim.placements[0].pod.spec.requests == {"cpu": 250, "memory": 512 * 2 ** 20}


def test_non_zero_requests_for_scoring():
    admission = pods_module.Admission()
    spec = pods_module.parse_spec({"containers": [container("a"), container("b", {"cpu": "1"})]}, "default", admission)
    assert spec.requests == {"cpu": 1000}
    assert spec.nonzero == {"cpu": 1100, "memory": 2 * 200 * 2 ** 20}


def test_quantities_in_any_notation_reach_the_scheduler():
    sim = run([node("n", allocatable={"cpu": "1.5", "memory": "1.5Gi", "pods": "110"})],
              [pod("a", requests={"cpu": "0.5", "memory": "512Mi"}), pod("b", requests={"cpu": "500m", "memory": "0.5Gi"}),
               pod("c", requests={"cpu": "5e-1", "memory": "536870912"}), pod("d", requests={"cpu": "1m"})])
    assert [p.status for p in sim.placements] == ["scheduled", "scheduled", "scheduled", "unschedulable"]
    assert Fraction(sim.cluster.requested["cpu"][0]) == 1500


# --- analyses -----------------------------------------------------------------------------------------------


def test_rollout_stalls_when_no_surge_pod_fits():
    nodes = [node("n", allocatable={"cpu": "1", "memory": "1Gi", "pods": "110"})]
    web = deployment("web", 2, {"cpu": "500m"})
    web["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    sim = run(nodes, [web])
    result = analysis.rollout(sim, sim.workloads[0])
    assert (result.max_surge, result.fitting, result.stalls) == (1, 0, True)
    assert result.reason.startswith("0/1 nodes are available: 1 Insufficient cpu.")
    web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] = 1
    assert not analysis.rollout(run(nodes, [web]), run(nodes, [web]).workloads[0]).stalls


def test_default_rolling_update_surge_is_25_percent_rounded_up():
    sim = run([node("n", allocatable=SMALL)], [deployment("web", 5, {"cpu": "100m"})])
    result = analysis.rollout(sim, sim.workloads[0])
    assert (result.max_surge, result.max_unavailable, result.fitting) == (2, 1, 2)


def test_high_availability_one_node_and_one_zone():
    nodes = [node("a", {"topology.kubernetes.io/zone": "z1"}, allocatable=SMALL),
             node("b", {"topology.kubernetes.io/zone": "z1"}, allocatable=SMALL),
             node("c", {"topology.kubernetes.io/zone": "z2"}, allocatable={"cpu": "0", "memory": "0", "pods": "0"})]
    sim = run(nodes, [deployment("web", 2, {"cpu": "100m"})])
    result = analysis.availability(sim, sim.workloads[0])
    assert (result.single_node, result.single_zone, result.nodes) == (False, True, ["a", "b"])


def test_node_failure_reports_pods_that_would_not_fit_elsewhere():
    nodes = [node("a", allocatable={"cpu": "1", "memory": "1Gi", "pods": "110"}),
             node("b", allocatable={"cpu": "1", "memory": "1Gi", "pods": "110"})]
    sim = run(nodes, [deployment("web", 2, {"cpu": "600m"}), daemonset("agent", {"cpu": "100m"})])
    failures, analysed = analysis.node_failures(sim)
    assert analysed == 2
    by_node = {f.name: f for f in failures}
    assert by_node["a"].displaced == 1 and [p.name for p, _ in by_node["a"].unschedulable] == ["web-0"]
    assert by_node["a"].unschedulable[0][1].startswith("0/1 nodes are available: 1 Insufficient cpu.")
    # the analysis is rolled back: the cluster is as it was
    assert placements(sim) == {p.pod.name: (p.status, p.node) for p in sim.placements}
    assert sorted(int(x) for x in sim.cluster.pod_count) == [2, 2]


def test_headroom_counts_more_replicas_that_fit():
    sim = run([node("a", allocatable={"cpu": "2", "memory": "4Gi", "pods": "5"})], [deployment("web", 2, {"cpu": "300m"})])
    assert analysis.headroom(sim, sim.workloads[0]) == 3   # pods: 5 - 2
    anti = deployment("solo", 1, {"cpu": "100m"}, affinity={"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "solo"}}, "topologyKey": "kubernetes.io/hostname"}]}})
    nodes = [node(n, allocatable=SMALL, hostname=True) for n in ("a", "b", "c")]
    sim = run(nodes, [anti])
    assert analysis.headroom(sim, sim.workloads[0]) == 2


@pytest.mark.parametrize("kube_version", ["1.28", "1.36"])
def test_scheduling_gates_keep_pods_pending(kube_version):
    sim = run([node("n", allocatable=SMALL)], [pod("gated", scheduling_gates=[{"name": "example.com/wait"}])],
              kube_version=kube_version)
    assert sim.placements[0].status == "gated"
