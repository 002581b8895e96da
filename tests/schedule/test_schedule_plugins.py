"""Table tests for each filter and score plugin, mirroring upstream's plugin tests (the test
names are upstream's, from pkg/scheduler/framework/plugins/<plugin>/*_test.go)."""

from __future__ import annotations

import numpy as np
import pytest

from kubelint.schedule.framework import Code
from kubelint.schedule.plugins.noderesources import broken_linear
from schedule_support import EXISTS_BAR, EXISTS_FOO, World, container, node, pod, spread

# --- NodeUnschedulable (nodeunschedulable/node_unschedulable_test.go: TestNodeUnschedulable) -----------


@pytest.mark.parametrize("name, unschedulable, tolerations, fits", [
    ("Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)", True, None, False),
    ("Schedule pod to normal node", False, None, True),
    ("Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)", True,
     [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}], True),
])
def test_node_unschedulable(name, unschedulable, tolerations, fits):
    world = World([node("n", unschedulable=unschedulable)])
    status = world.filter("NodeUnschedulable", pod(tolerations=tolerations))["n"]
    assert status.ok is fits
    if not fits:
        assert (status.code, status.reasons) == (Code.UNRESOLVABLE, ("node(s) were unschedulable",))


# --- NodeName (nodename/node_name_test.go: TestNodeName) ----------------------------------------------


@pytest.mark.parametrize("name, wanted, fits", [
    ("no host specified", None, True), ("host matches", "foo", True), ("host doesn't match", "bar", False)])
def test_node_name(name, wanted, fits):
    world = World([node("foo")])
    status = world.filter("NodeName", pod(node_name=wanted) if wanted else pod())["foo"]
    assert status.ok is fits
    if not fits:
        assert status.reasons == ("node(s) didn't match the requested node name",)


# --- TaintToleration (tainttoleration/taint_toleration_test.go) ----------------------------------------

NO_SCHEDULE_USER1 = [("dedicated", "user1", "NoSchedule")]


@pytest.mark.parametrize("name, taints, tolerations, untolerated", [
    ("A pod having no tolerations can't be scheduled onto a node with nonempty taints",
     NO_SCHEDULE_USER1, None, "{dedicated: user1}"),
    ("A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule", NO_SCHEDULE_USER1,
     [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}], None),
    ("A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule", NO_SCHEDULE_USER1,
     [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}], "{dedicated: user1}"),
    ("A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the "
     "node", [("foo", "bar", "NoSchedule")], [{"key": "foo", "operator": "Exists", "effect": "NoSchedule"}], None),
    ("A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled "
     "onto the node", [("dedicated", "user2", "NoSchedule"), ("foo", "bar", "NoSchedule")],
     [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"},
      {"key": "foo", "operator": "Exists", "effect": "NoSchedule"}], None),
    ("A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't "
     "match, can't be scheduled onto the node", [("foo", "bar", "NoSchedule")],
     [{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}], "{foo: bar}"),
    ("The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, "
     "and the effect of taint is NoSchedule. Pod can be scheduled onto the node", [("foo", "bar", "NoSchedule")],
     [{"key": "foo", "operator": "Equal", "value": "bar"}], None),
    ("The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on "
     "node is PreferNoSchedule. Pod can be scheduled onto the node", [("dedicated", "user1", "PreferNoSchedule")],
     [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}], None),
    ("The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the "
     "node", [("dedicated", "user1", "PreferNoSchedule")], None, None),
    ("A NoExecute taint filters as NoSchedule does", [("dedicated", "user1", "NoExecute")], None, "{dedicated: user1}"),
    ("An empty key with operator Exists tolerates every taint", NO_SCHEDULE_USER1, [{"operator": "Exists"}], None),
])
def test_taint_toleration_filter(name, taints, tolerations, untolerated):
    for version, wording in (("1.33", f"node(s) had untolerated taint {untolerated}"),
                             ("1.36", "node(s) had untolerated taint(s)")):
        world = World([node("nodeA", taints=taints)], kube_version=version)
        status = world.filter("TaintToleration", pod(tolerations=tolerations))["nodeA"]
        if untolerated is None:
            assert status.ok, name
        else:
            assert (status.code, status.reasons) == (Code.UNRESOLVABLE, (wording,)), name


PREFER = "PreferNoSchedule"


@pytest.mark.parametrize("name, tolerations, nodes, expected", [
    ("node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
     [{"key": "foo", "operator": "Equal", "value": "bar", "effect": PREFER}],
     {"nodeA": [("foo", "bar", PREFER)], "nodeB": [("foo", "blah", PREFER)]}, {"nodeA": 100, "nodeB": 0}),
    ("the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable "
     "taints a node has", [{"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": PREFER},
                           {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": PREFER}],
     {"nodeA": [], "nodeB": [("cpu-type", "arm64", PREFER)],
      "nodeC": [("cpu-type", "arm64", PREFER), ("disk-type", "ssd", PREFER)]},
     {"nodeA": 100, "nodeB": 100, "nodeC": 100}),
    ("the more intolerable taints a node has, the lower score it gets.",
     [{"key": "foo", "operator": "Equal", "value": "bar", "effect": PREFER}],
     {"nodeA": [], "nodeB": [("cpu-type", "arm64", PREFER)],
      "nodeC": [("cpu-type", "arm64", PREFER), ("disk-type", "ssd", PREFER)]},
     {"nodeA": 100, "nodeB": 50, "nodeC": 0}),
    ("only taints and tolerations that have effect PreferNoSchedule are checked by prioritizing taints function",
     [{"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"},
      {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": "NoSchedule"}],
     {"nodeA": [], "nodeB": [("cpu-type", "arm64", "NoSchedule")],
      "nodeC": [("cpu-type", "arm64", PREFER), ("disk-type", "ssd", PREFER)]},
     {"nodeA": 100, "nodeB": 100, "nodeC": 0}),
    ("Default behaviour No taints and tolerations, lands on node with no taints", None,
     {"nodeA": [], "nodeB": [("cpu-type", "arm64", PREFER)]}, {"nodeA": 100, "nodeB": 0}),
])
def test_taint_toleration_score(name, tolerations, nodes, expected):
    world = World([node(n, taints=t) for n, t in nodes.items()])
    assert world.scores("TaintToleration", pod(tolerations=tolerations)) == expected


# --- NodeAffinity (nodeaffinity/node_affinity_test.go: TestNodeAffinity, TestNodeAffinityPriority) --------

FOO_BAR = {"foo": "bar"}


def required(*terms) -> dict:
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}


def expr(key, operator, *values) -> dict:
    out = {"key": key, "operator": operator}
    if values:
        out["values"] = list(values)
    return out


@pytest.mark.parametrize("name, spec, labels, fits", [
    ("missing labels", {"node_selector": FOO_BAR}, {}, False),
    ("same labels", {"node_selector": FOO_BAR}, FOO_BAR, True),
    ("node labels are superset", {"node_selector": FOO_BAR}, {"foo": "bar", "baz": "blah"}, True),
    ("node labels are subset", {"node_selector": {"foo": "bar", "baz": "blah"}}, FOO_BAR, False),
    ("Pod with matchExpressions using In operator that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("foo", "In", "bar", "value2")]})}, FOO_BAR, True),
    ("Pod with matchExpressions using Gt operator that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("kernel-version", "Gt", "0204")]})},
     {"kernel-version": "0206"}, True),
    ("Pod with matchExpressions using NotIn operator that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("mem-type", "NotIn", "DDR", "DDR2")]})},
     {"mem-type": "DDR3"}, True),
    ("Pod with matchExpressions using Exists operator that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("GPU", "Exists")]})}, {"GPU": "NVIDIA-GRID-K1"}, True),
    ("Pod with affinity that don't match node's labels won't schedule onto the node",
     {"affinity": required({"matchExpressions": [expr("foo", "In", "value1", "value2")]})}, FOO_BAR, False),
    ("Pod with a nil []NodeSelectorTerm in affinity, can't match the node's labels and won't schedule onto the node",
     {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": None}}}},
     FOO_BAR, False),
    ("Pod with an empty []NodeSelectorTerm in affinity, can't match the node's labels and won't schedule onto the node",
     {"affinity": required()}, FOO_BAR, False),
    ("Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
     {"affinity": required({"matchExpressions": []})}, FOO_BAR, False),
    ("Pod with no Affinity will schedule onto a node", {}, FOO_BAR, True),
    ("Pod with Affinity but nil NodeSelector will schedule onto a node", {"affinity": {"nodeAffinity": {}}},
     FOO_BAR, True),
    ("Pod with multiple matchExpressions ANDed that matches the existing node",
     {"affinity": required({"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "NotIn", "AMD", "INTER")]})},
     {"GPU": "NVIDIA-GRID-K1"}, True),
    ("Pod with multiple matchExpressions ANDed that doesn't match the existing node",
     {"affinity": required({"matchExpressions": [expr("GPU", "Exists"), expr("GPU", "In", "AMD", "INTER")]})},
     {"GPU": "NVIDIA-GRID-K1"}, False),
    ("Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
     {"affinity": required({"matchExpressions": [expr("foo", "In", "bar", "value2")]},
                           {"matchExpressions": [expr("diffkey", "In", "wrong", "value2")]})}, FOO_BAR, True),
    ("Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, "
     "will schedule onto the node", {"affinity": required({"matchExpressions": [expr("foo", "Exists")]}),
                                     "node_selector": FOO_BAR}, FOO_BAR, True),
    ("Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(the old thing that we are deprecating) "
     "is not satisfied, won't schedule onto the node", {"affinity": required({"matchExpressions": [
         expr("foo", "Exists")]}), "node_selector": FOO_BAR}, {"foo": "barrrrrr"}, False),
    ("Pod with matchFields using In operator that matches the existing node",
     {"affinity": required({"matchFields": [expr("metadata.name", "In", "node1")]})}, {}, True),
    ("Pod with matchFields using In operator that does not match the existing node",
     {"affinity": required({"matchFields": [expr("metadata.name", "In", "node2")]})}, {}, False),
    ("Pod with two terms: matchFields does not match, but matchExpressions matches",
     {"affinity": required({"matchFields": [expr("metadata.name", "In", "node2")]},
                           {"matchExpressions": [expr("foo", "In", "bar")]})}, FOO_BAR, True),
    ("Pod with one term: matchFields does not match, but matchExpressions matches",
     {"affinity": required({"matchFields": [expr("metadata.name", "In", "node2")],
                            "matchExpressions": [expr("foo", "In", "bar")]})}, FOO_BAR, False),
    ("Pod with one term: both matchFields and matchExpressions match",
     {"affinity": required({"matchFields": [expr("metadata.name", "In", "node1")],
                            "matchExpressions": [expr("foo", "In", "bar")]})}, FOO_BAR, True),
    ("Pod with two terms: both matchFields and matchExpressions do not match",
     {"affinity": required({"matchFields": [expr("metadata.name", "In", "node2")]},
                           {"matchExpressions": [expr("foo", "In", "not-match-to-bar")]})}, FOO_BAR, False),
    ("Pod with Lt operator on a value that is not an integer does not match", {"affinity": required(
        {"matchExpressions": [expr("kernel-version", "Lt", "x")]})}, {"kernel-version": "0206"}, False),
])
def test_node_affinity_filter(name, spec, labels, fits):
    world = World([node("node1", labels)])
    status = world.filter("NodeAffinity", pod(**spec))["node1"]
    assert status.ok is fits, name
    if not fits:
        assert (status.code, status.reasons) == (Code.UNRESOLVABLE, ("node(s) didn't match Pod's node affinity/selector",))


def test_node_affinity_prefilter_narrows_to_named_nodes_and_reports_the_others():
    # NodeAffinity's PreFilterResult (upstream TestNodeAffinity "Pod with matchFields ... PreFilterResult"):
    # nodes outside it are "node(s) didn't satisfy plugin(s) [NodeAffinity]".
    world = World([node("node1"), node("node2"), node("node3")], [pod("busy", node="node2", requests={"cpu": "50"})])
    attempt = world.schedule(pod(affinity=required({"matchFields": [expr("metadata.name", "In", "node2")]}),
                                 requests={"cpu": "60"}))
    assert attempt.message == ("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) "
                               "[NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found "
                               "for incoming pod, 2 Preemption is not helpful for scheduling.")


def test_node_affinity_conflicting_node_names():
    world = World([node("node1"), node("node2")])
    two_terms = required({"matchFields": [expr("metadata.name", "In", "node1"), expr("metadata.name", "In", "node2")]})
    assert world.schedule(pod(affinity=two_terms)).message == (
        "0/2 nodes are available: pod affinity terms conflict. preemption: 0/2 nodes are available: "
        "2 Preemption is not helpful for scheduling.")


def preferred(*weighted) -> dict:
    return {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": w, "preference": {"matchExpressions": exprs}} for w, exprs in weighted]}}


AFFINITY1 = preferred((2, [expr("foo", "In", "bar")]))
AFFINITY2 = preferred((2, [expr("foo", "In", "bar")]), (4, [expr("key", "In", "value")]),
                      (5, [expr("foo", "In", "bar"), expr("key", "In", "value"), expr("az", "In", "az1")]))
LABEL1, LABEL2, LABEL3 = {"foo": "bar"}, {"key": "value"}, {"az": "az1"}
LABEL5 = {"foo": "bar", "key": "value", "az": "az1"}


@pytest.mark.parametrize("name, affinity, nodes, expected", [
    ("all nodes are same priority as NodeAffinity is nil", None, {"node1": LABEL1, "node2": LABEL2, "node3": LABEL3},
     {"node1": 0, "node2": 0, "node3": 0}),
    ("no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero",
     AFFINITY1, {"node1": {"abc": "az11", "def": "az22"}, "node2": LABEL2, "node3": LABEL3},
     {"node1": 0, "node2": 0, "node3": 0}),
    ("only node1 matches the preferred scheduling requirements of pod", AFFINITY1,
     {"node1": LABEL1, "node2": LABEL2, "node3": LABEL3}, {"node1": 100, "node2": 0, "node3": 0}),
    ("all nodes matches the preferred scheduling requirements of pod but with different priorities", AFFINITY2,
     {"node1": LABEL1, "node5": LABEL5, "node2": LABEL2}, {"node1": 18, "node5": 100, "node2": 36}),
])
def test_node_affinity_score(name, affinity, nodes, expected):
    world = World([node(n, labels) for n, labels in nodes.items()])
    assert world.scores("NodeAffinity", pod(affinity=affinity) if affinity else pod()) == expected


# --- NodePorts (nodeports/node_ports_test.go: TestNodePorts) --------------------------------------------


def port(spec: str) -> dict:
    protocol, ip, number = spec.split("/")
    return {"containerPort": int(number), "hostPort": int(number), "protocol": protocol, "hostIP": ip}


def with_ports(*specs, name="p", node_name=None) -> dict:
    return pod(name, node=node_name, containers=[container(ports=[port(s) for s in specs])])


@pytest.mark.parametrize("name, wanted, existing, fits", [
    ("nothing running", ["TCP/127.0.0.1/8080"], [], True),
    ("other port", ["UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/9090"], True),
    ("same udp port", ["UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/8080"], False),
    ("same tcp port", ["TCP/127.0.0.1/8080"], ["TCP/127.0.0.1/8080"], False),
    ("different host ip", ["TCP/127.0.0.1/8080"], ["TCP/127.0.0.2/8080"], True),
    ("different protocol", ["UDP/127.0.0.1/8080"], ["TCP/127.0.0.1/8080"], True),
    ("second udp port conflict", ["UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"], ["UDP/127.0.0.1/8080"], False),
    ("first tcp port conflict", ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"],
     ["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"], False),
    ("first tcp port conflict due to 0.0.0.0 hostIP", ["TCP/0.0.0.0/8001"], ["TCP/127.0.0.1/8001"], False),
    ("TCP hostPort conflict due to 0.0.0.0 hostIP", ["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"],
     ["TCP/0.0.0.0/8001"], False),
    ("second tcp port conflict to 0.0.0.0 hostIP", ["TCP/127.0.0.1/8001"], ["TCP/0.0.0.0/8001"], False),
    ("second different protocol", ["UDP/127.0.0.1/8001"], ["TCP/0.0.0.0/8001"], True),
    ("UDP hostPort conflict due to 0.0.0.0 hostIP", ["UDP/0.0.0.0/8001"],
     ["TCP/0.0.0.0/8001", "UDP/127.0.0.1/8001"], False),
])
def test_node_ports(name, wanted, existing, fits):
    world = World([node("n")], [with_ports(*existing, name="existing", node_name="n")] if existing else [])
    status = world.filter("NodePorts", with_ports(*wanted))["n"]
    assert status.ok is fits, name
    if not fits:
        assert (status.code, status.reasons) == (Code.UNSCHEDULABLE,
                                                 ("node(s) didn't have free ports for the requested pod ports",))


def test_host_network_defaults_host_ports_to_container_ports():
    # SetDefaults_PodSpec: under hostNetwork, hostPort defaults to containerPort.
    existing = pod("existing", node="n", host_network=True, containers=[container(ports=[{"containerPort": 53}])])
    world = World([node("n")], [existing])
    incoming = pod(host_network=True, containers=[container(ports=[{"containerPort": 53}])])
    assert not world.filter("NodePorts", incoming)["n"].ok


# --- NodeResourcesFit (noderesources/fit_test.go: TestEnoughRequests) -------------------------------------

NODE_RESOURCES = {"cpu": "10m", "memory": "20", "pods": "32", "example.com/aaa": "5", "ephemeral-storage": "20",
                  "hugepages-2Mi": "5"}


def usage(cpu: str, memory: str, **extra) -> dict:
    return {"cpu": cpu, "memory": memory, **extra}


@pytest.mark.parametrize("name, incoming, existing, reasons", [
    ("no resources requested always fits", pod(), usage("10m", "20"), ()),
    ("too many resources fails", pod(requests=usage("1m", "1")), usage("10m", "20"),
     ("Insufficient cpu", "Insufficient memory")),
    ("too many resources fails due to init container cpu",
     pod(requests=usage("1m", "1"), init_containers=[container("i", usage("3m", "1"))]), usage("8m", "19"),
     ("Insufficient cpu",)),
    ("too many resources fails due to highest init container cpu",
     pod(requests=usage("1m", "1"), init_containers=[container("i", usage("3m", "1")), container("j", usage("2m", "1"))]),
     usage("8m", "19"), ("Insufficient cpu",)),
    ("too many resources fails due to init container memory",
     pod(requests=usage("1m", "1"), init_containers=[container("i", usage("1m", "3"))]), usage("9m", "19"),
     ("Insufficient memory",)),
    ("init container fits because it's the max, not sum, of containers and init containers",
     pod(requests=usage("1m", "1"), init_containers=[container("i", usage("1m", "1"))]), usage("9m", "19"), ()),
    ("multiple init containers fit because it's the max, not sum, of containers and init containers",
     pod(requests=usage("1m", "1"), init_containers=[container("i", usage("1m", "1")), container("j", usage("1m", "1"))]),
     usage("9m", "19"), ()),
    ("both resources fit", pod(requests=usage("1m", "1")), usage("5m", "5"), ()),
    ("one resource memory fits", pod(requests=usage("2m", "1")), usage("9m", "5"), ("Insufficient cpu",)),
    ("one resource cpu fits", pod(requests=usage("1m", "2")), usage("5m", "19"), ("Insufficient memory",)),
    ("equal edge case", pod(requests=usage("5m", "1")), usage("5m", "19"), ()),
    ("equal edge case for init container",
     pod(requests=usage("4m", "1"), init_containers=[container("i", usage("5m", "1"))]), usage("5m", "19"), ()),
    ("extended resource fits", pod(requests={"example.com/aaa": "1"}), usage("0", "0"), ()),
    ("extended resource capacity enforced", pod(requests={"example.com/aaa": "10"}), usage("0", "0"),
     ("Insufficient example.com/aaa",)),
    ("extended resource allocatable enforced", pod(requests={"example.com/aaa": "1"}),
     usage("0", "0", **{"example.com/aaa": "5"}), ("Insufficient example.com/aaa",)),
    ("extended resource allocatable enforced for unknown resource", pod(requests={"example.com/bbb": "1"}),
     usage("0", "0"), ("Insufficient example.com/bbb",)),
    ("extended resource allocatable admits multiple init containers",
     pod(requests={"example.com/aaa": "3"}, init_containers=[container("i", {"example.com/aaa": "3"}),
                                                            container("j", {"example.com/aaa": "2"})]),
     usage("0", "0", **{"example.com/aaa": "2"}), ()),
    ("hugepages resource capacity enforced", pod(requests={"hugepages-2Mi": "10"}), usage("0", "0"),
     ("Insufficient hugepages-2Mi",)),
    ("ephemeral storage resource fits", pod(requests={"ephemeral-storage": "10"}),
     usage("0", "0", **{"ephemeral-storage": "10"}), ()),
    ("ephemeral storage resource does not fit", pod(requests={"ephemeral-storage": "25"}),
     usage("0", "0", **{"ephemeral-storage": "2"}), ("Insufficient ephemeral-storage",)),
    ("skip checking resource request with quantity zero", pod(requests={"example.com/bbb": "0"}), usage("0", "0"), ()),
    ("limits without requests default the requests", pod(limits=usage("1m", "1")), usage("10m", "20"),
     ("Insufficient cpu", "Insufficient memory")),
])
def test_fit_filter(name, incoming, existing, reasons):
    world = World([node("n", allocatable=NODE_RESOURCES)], [pod("existing", node="n", requests=existing)])
    status = world.filter("NodeResourcesFit", incoming)["n"]
    assert status.reasons == reasons, name
    assert status.ok is (not reasons)


def test_fit_filter_too_many_pods():
    world = World([node("n", allocatable={**NODE_RESOURCES, "pods": "1"})], [pod("existing", node="n")])
    assert world.filter("NodeResourcesFit", pod())["n"].reasons == ("Too many pods",)


def test_fit_request_beyond_allocatable_is_unresolvable():
    # fitsRequest: Unresolvable when the request exceeds the node's allocatable (preemption cannot help)
    world = World([node("n", allocatable=NODE_RESOURCES)], [pod("existing", node="n", requests=usage("5m", "0"))])
    assert world.filter("NodeResourcesFit", pod(requests=usage("20m", "0")))["n"].code == Code.UNRESOLVABLE
    assert world.filter("NodeResourcesFit", pod(requests=usage("6m", "0")))["n"].code == Code.UNSCHEDULABLE


def test_fit_pod_overhead_from_runtime_class():
    # "resources + pod overhead fits" and "requests + overhead does not fit for memory"
    runtime = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "kata"},
               "handler": "kata", "overhead": {"podFixed": {"cpu": "3m", "memory": "13"}}}
    heavy = {**runtime, "metadata": {"name": "heavy"}, "overhead": {"podFixed": {"cpu": "1m", "memory": "15"}}}
    world = World([node("n", allocatable=NODE_RESOURCES)], [pod("existing", node="n", requests=usage("5m", "5"))],
                  [runtime, heavy])
    assert world.filter("NodeResourcesFit", pod(requests=usage("1m", "1"), runtime_class_name="kata"))["n"].ok
    assert world.filter("NodeResourcesFit", pod(requests=usage("1m", "1"),
                                                runtime_class_name="heavy"))["n"].reasons == ("Insufficient memory",)


def test_fit_ignored_resources_from_the_scheduler_configuration():
    config = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
              "profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {
                  "ignoredResources": ["example.com/bbb"], "ignoredResourceGroups": ["example.org"]}}]}]}
    world = World([node("n", allocatable=NODE_RESOURCES)], config=config)
    assert world.filter("NodeResourcesFit", pod(requests={"example.com/bbb": "2", "example.org/ccc": "1"}))["n"].ok
    assert not world.filter("NodeResourcesFit", pod(requests={"example.com/ddd": "1"}))["n"].ok


# --- NodeResourcesFit scoring strategies and BalancedAllocation -----------------------------------------

CPU_AND_MEMORY = [container("a", {"cpu": "1000m", "memory": "2000"}), container("b", {"cpu": "2000m", "memory": "3000"})]
SIZED = [node("node1", allocatable={"cpu": "4000m", "memory": "10000", "pods": "110"}),
         node("node2", allocatable={"cpu": "6000m", "memory": "10000", "pods": "110"})]


def strategy(kind: str, **extra) -> dict:
    return {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
            "profiles": [{"pluginConfig": [{"name": "NodeResourcesFit",
                                            "args": {"scoringStrategy": {"type": kind, **extra}}}]}]}


def test_least_allocated_nothing_scheduled_resources_requested_differently_sized_nodes():
    # least_allocated_test.go: CPU (4000-3000)*100/4000 = 25, memory 50 -> 37; node2 50 and 50 -> 50
    world = World(SIZED)
    assert world.scores("NodeResourcesFit", pod(containers=CPU_AND_MEMORY)) == {"node1": 37, "node2": 50}


def test_most_allocated_nothing_scheduled_resources_requested_differently_sized_nodes():
    # most_allocated_test.go: CPU 3000*100/4000 = 75, memory 50 -> 62; node2 -> 50
    world = World(SIZED, config=strategy("MostAllocated"))
    assert world.scores("NodeResourcesFit", pod(containers=CPU_AND_MEMORY)) == {"node1": 62, "node2": 50}


def test_requested_to_capacity_ratio_bin_packing_rounds_half_away_from_zero():
    # shape 0->0, 100->10: node1 cpu 75 and memory 50, (75+50)/2 = 62.5 -> 63 (math.Round); node2 50
    config = strategy("RequestedToCapacityRatio", resources=[{"name": "cpu", "weight": 1},
                                                             {"name": "memory", "weight": 1}],
                      requestedToCapacityRatio={"shape": [{"utilization": 0, "score": 0},
                                                          {"utilization": 100, "score": 10}]})
    world = World(SIZED, config=config)
    assert world.scores("NodeResourcesFit", pod(containers=CPU_AND_MEMORY)) == {"node1": 63, "node2": 50}


def test_resource_weights_change_the_mean():
    config = strategy("LeastAllocated", resources=[{"name": "cpu", "weight": 3}, {"name": "memory", "weight": 1}])
    world = World(SIZED, config=config)
    # node1: (25*3 + 50) / 4 = 31; node2: 50
    assert world.scores("NodeResourcesFit", pod(containers=CPU_AND_MEMORY)) == {"node1": 31, "node2": 50}


def test_scorers_use_non_zero_defaults_for_containers_without_requests():
    # 100m and 200Mi per container (pkg/scheduler/util): node1 cpu (4000-100)*100/4000 = 97, memory
    # 1Gi-200Mi -> 80; node2 cpu 98, memory 80
    nodes = [node("node1", allocatable={"cpu": "4", "memory": "1Gi", "pods": "110"}),
             node("node2", allocatable={"cpu": "6", "memory": "1Gi", "pods": "110"})]
    world = World(nodes)
    assert world.scores("NodeResourcesFit", pod()) == {"node1": 88, "node2": 89}


@pytest.mark.parametrize("points, cases", [
    # helper/shape_score_test.go: TestBrokenLinearFunction
    (((10, 1), (90, 9)), [(-10, 1), (0, 1), (9, 1), (10, 1), (15, 1), (19, 1), (20, 2), (89, 8), (90, 9), (99, 9),
                          (100, 9), (110, 9)]),
    (((0, 2), (40, 10), (100, 0)), [(-10, 2), (0, 2), (20, 6), (30, 8), (40, 10), (70, 5), (100, 0), (110, 0)]),
])
def test_broken_linear_function(points, cases):
    values = broken_linear(points, np.array([p for p, _ in cases]))
    assert values.tolist() == [expected for _, expected in cases]


def test_balanced_allocation_nothing_scheduled_resources_requested_differently_sized_nodes():
    # balanced_allocation_test.go: node1 fractions 0.75/0.5 -> std 0.125 -> 87; node2 0.5/0.5 -> 100
    world = World(SIZED)
    assert world.scores("NodeResourcesBalancedAllocation", pod(containers=CPU_AND_MEMORY)) == {"node1": 87, "node2": 100}


def test_balanced_allocation_with_three_resources():
    config = {"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "KubeSchedulerConfiguration",
              "profiles": [{"pluginConfig": [{"name": "NodeResourcesBalancedAllocation", "args": {"resources": [
                  {"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": "nvidia.com/gpu",
                                                                                   "weight": 1}]}}]}]}
    nodes = [node("node1", allocatable={"cpu": "4000m", "memory": "10000", "pods": "110", "nvidia.com/gpu": "4"})]
    world = World(nodes, config=config)
    # fractions 0.75, 0.5, 0.25: mean 0.5, std sqrt((0.0625+0+0.0625)/3) = 0.2041 -> 79
    incoming = pod(containers=[container("a", {"cpu": "3000m", "memory": "5000", "nvidia.com/gpu": "1"})])
    assert world.scores("NodeResourcesBalancedAllocation", incoming) == {"node1": 79}


def test_balanced_allocation_skips_pods_that_request_nothing():
    world = World(SIZED)
    assert world.scores("NodeResourcesBalancedAllocation", pod()) == {"node1": 0, "node2": 0}


def test_scalar_and_vector_scores_agree():
    # The per-node refresh (plain integers) and the full computation (numpy) must give the same scores.
    rng = np.random.default_rng(7)
    nodes = [node(f"n{i}", allocatable={"cpu": f"{int(rng.integers(1, 64000))}m",
                                        "memory": str(int(rng.integers(1, 2 ** 36))), "pods": "110"})
             for i in range(40)]
    existing = [pod(f"e{i}", node=f"n{i % 40}", requests={"cpu": f"{int(rng.integers(0, 3000))}m",
                                                          "memory": str(int(rng.integers(0, 2 ** 33)))})
                for i in range(80)]
    for kind in ("LeastAllocated", "MostAllocated"):
        world = World(nodes, existing, config=strategy(kind))
        cycle = world.cycle(pod(requests={"cpu": "250m", "memory": "1Gi"}))
        for name in ("NodeResourcesFit", "NodeResourcesBalancedAllocation"):
            plugin = cycle.profile.plugin(name)
            requests = (tuple(cycle.pod.spec.nonzero.get(r, 0) for r, _ in plugin.resources)
                        if name == "NodeResourcesFit" else tuple(plugin._pod_requests(cycle)))
            vector = plugin._score(world.cluster, slice(None), requests)
            scalar = [plugin.score_node(world.cluster, i, requests) for i in range(world.cluster.n)]
            assert vector.tolist() == scalar, (kind, name)


# --- PodTopologySpread (podtopologyspread/filtering_test.go TestSingleConstraint, scoring_test.go) ---------

ZONED = [node("node-a", {"zone": "zone1", "node": "node-a"}), node("node-b", {"zone": "zone1", "node": "node-b"}),
         node("node-x", {"zone": "zone2", "node": "node-x"}), node("node-y", {"zone": "zone2", "node": "node-y"})]


def foo_pods(*placements, namespace="default") -> list[dict]:
    return [pod(f"p-{n}{i}", node=f"node-{n}", labels={"foo": ""}, namespace=namespace)
            for n, count in placements for i in range(count)]


SPREAD_2103 = foo_pods(("a", 2), ("b", 1), ("y", 3))


@pytest.mark.parametrize("name, incoming, nodes, existing, expected", [
    ("no existing pods", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "zone", "DoNotSchedule", EXISTS_FOO)]), ZONED, [],
     {"node-a": Code.SUCCESS, "node-b": Code.SUCCESS, "node-x": Code.SUCCESS, "node-y": Code.SUCCESS}),
    ("no existing pods, incoming pod doesn't match itself", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "zone", "DoNotSchedule", EXISTS_BAR)]), ZONED, [],
     {"node-a": Code.SUCCESS, "node-b": Code.SUCCESS, "node-x": Code.SUCCESS, "node-y": Code.SUCCESS}),
    ("existing pods in a different namespace do not count", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "zone", "DoNotSchedule", EXISTS_FOO)]), ZONED,
     foo_pods(("a", 1), namespace="ns1") + [pod("p-b1", node="node-a", namespace="ns2", labels={"foo": ""})]
     + foo_pods(("x", 1), ("y", 1)),
     {"node-a": Code.SUCCESS, "node-b": Code.SUCCESS, "node-x": Code.UNSCHEDULABLE, "node-y": Code.UNSCHEDULABLE}),
    ("pods spread across zones as 3/3, all nodes fit", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "zone", "DoNotSchedule", EXISTS_FOO)]), ZONED, SPREAD_2103,
     {"node-a": Code.SUCCESS, "node-b": Code.SUCCESS, "node-x": Code.SUCCESS, "node-y": Code.SUCCESS}),
    ("pods spread across zones as 1/2 due to absence of label 'zone' on node-b", pod(
        labels={"foo": ""}, topology_spread_constraints=[spread(1, "zone", "DoNotSchedule", EXISTS_FOO)]),
     [ZONED[0], node("node-b", {"zon": "zone1", "node": "node-b"}), ZONED[2], ZONED[3]],
     foo_pods(("a", 1), ("b", 1), ("x", 1), ("y", 1)),
     {"node-a": Code.SUCCESS, "node-b": Code.UNRESOLVABLE, "node-x": Code.UNSCHEDULABLE,
      "node-y": Code.UNSCHEDULABLE}),
    ("pod cannot be scheduled as all nodes don't have label 'rack'", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "rack", "DoNotSchedule", EXISTS_FOO)]), [ZONED[0], ZONED[2]], [],
     {"node-a": Code.UNRESOLVABLE, "node-x": Code.UNRESOLVABLE}),
    ("pods spread across nodes as 2/1/0/3, only node-x fits", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "node", "DoNotSchedule", EXISTS_FOO)]), ZONED, SPREAD_2103,
     {"node-a": Code.UNSCHEDULABLE, "node-b": Code.UNSCHEDULABLE, "node-x": Code.SUCCESS,
      "node-y": Code.UNSCHEDULABLE}),
    ("pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit", pod(
        labels={"foo": ""}, topology_spread_constraints=[spread(2, "node", "DoNotSchedule", EXISTS_FOO)]), ZONED,
     SPREAD_2103, {"node-a": Code.UNSCHEDULABLE, "node-b": Code.SUCCESS, "node-x": Code.SUCCESS,
                   "node-y": Code.UNSCHEDULABLE}),
    ("pods spread across nodes as 2/1/0/3, but pod doesn't match itself", pod(
        labels={"bar": ""}, topology_spread_constraints=[spread(1, "node", "DoNotSchedule", EXISTS_FOO)]), ZONED,
     SPREAD_2103, {"node-a": Code.UNSCHEDULABLE, "node-b": Code.SUCCESS, "node-x": Code.SUCCESS,
                   "node-y": Code.UNSCHEDULABLE}),
    ("incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits", pod(
        labels={"foo": ""}, affinity=required({"matchExpressions": [expr("node", "In", "node-a", "node-y")]}),
        topology_spread_constraints=[spread(1, "node", "DoNotSchedule", EXISTS_FOO)]), ZONED, SPREAD_2103,
     {"node-a": Code.SUCCESS, "node-b": Code.SUCCESS, "node-x": Code.SUCCESS, "node-y": Code.UNSCHEDULABLE}),
])
def test_pod_topology_spread_single_constraint(name, incoming, nodes, existing, expected):
    world = World(nodes, existing)
    statuses = world.filter("PodTopologySpread", incoming)
    assert {n: s.code for n, s in statuses.items()} == expected, name


def test_pod_topology_spread_terminating_pods_are_excluded():
    terminating = pod("p-a", node="node-a", labels={"foo": ""})
    terminating["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"
    world = World([node("node-a", {"node": "node-a"}), node("node-b", {"node": "node-b"})],
                  [terminating, pod("p-b", node="node-b", labels={"foo": ""})])
    statuses = world.filter("PodTopologySpread", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "node", "DoNotSchedule", EXISTS_FOO)]))
    assert {n: s.code for n, s in statuses.items()} == {"node-a": Code.SUCCESS, "node-b": Code.UNSCHEDULABLE}


def test_pod_topology_spread_messages():
    world = World([ZONED[0], node("node-b", {"zon": "zone1", "node": "node-b"})], foo_pods(("a", 2)))
    statuses = world.filter("PodTopologySpread", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "zone", "DoNotSchedule", EXISTS_FOO)]))
    assert statuses["node-b"].reasons == ("node(s) didn't match pod topology spread constraints (missing required label)",)


def test_pod_topology_spread_min_domains():
    # filtering_test.go "pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains,
    # then the third node fits": with fewer domains than minDomains the global minimum is 0.
    nodes = [node("node-a", {"zone": "zone1"}), node("node-b", {"zone": "zone2"})]
    existing = foo_pods(("a", 2), ("b", 1))
    constraint = spread(2, "zone", "DoNotSchedule", EXISTS_FOO, minDomains=3)
    statuses = World(nodes, existing).filter("PodTopologySpread", pod(labels={"foo": ""},
                                                                     topology_spread_constraints=[constraint]))
    assert {n: s.code for n, s in statuses.items()} == {"node-a": Code.UNSCHEDULABLE, "node-b": Code.SUCCESS}
    relaxed = spread(2, "zone", "DoNotSchedule", EXISTS_FOO)
    statuses = World(nodes, existing).filter("PodTopologySpread", pod(labels={"foo": ""},
                                                                     topology_spread_constraints=[relaxed]))
    assert {n: s.code for n, s in statuses.items()} == {"node-a": Code.SUCCESS, "node-b": Code.SUCCESS}


def test_pod_topology_spread_node_taints_policy_honor():
    # nodeTaintsPolicy Honor leaves tainted nodes out of the domains (here the empty zone3).
    nodes = [node("node-a", {"zone": "zone1"}), node("node-b", {"zone": "zone2"}),
             node("node-c", {"zone": "zone3"}, taints=[("dedicated", "x", "NoSchedule")])]
    existing = foo_pods(("a", 1), ("b", 1))
    ignore = spread(1, "zone", "DoNotSchedule", EXISTS_FOO)
    honor = spread(1, "zone", "DoNotSchedule", EXISTS_FOO, nodeTaintsPolicy="Honor")
    assert not World(nodes, existing).filter("PodTopologySpread", pod(
        labels={"foo": ""}, topology_spread_constraints=[ignore]))["node-a"].ok
    assert World(nodes, existing).filter("PodTopologySpread", pod(
        labels={"foo": ""}, topology_spread_constraints=[honor]))["node-a"].ok


HOSTNAMED = [node(f"node-{n}", hostname=True) for n in "abcd"]


@pytest.mark.parametrize("name, incoming, nodes, existing, feasible, objects, expected", [
    ("one constraint on node, no existing pods", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "kubernetes.io/hostname", "ScheduleAnyway", EXISTS_FOO)]), HOSTNAMED[:2], [], None, [],
     {"node-a": 100, "node-b": 100}),
    ("one constraint on node, only one node is candidate", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "kubernetes.io/hostname", "ScheduleAnyway", EXISTS_FOO)]), HOSTNAMED[:2],
     foo_pods(("a", 2), ("b", 1)), ["node-a"], [], {"node-a": 100}),
    ("one constraint on node, all 4 nodes are candidates", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "kubernetes.io/hostname", "ScheduleAnyway", EXISTS_FOO)]), HOSTNAMED,
     foo_pods(("a", 2), ("b", 1), ("d", 3)), None, [], {"node-a": 20, "node-b": 60, "node-c": 100, "node-d": 0}),
    ("one constraint on node, null selector", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "kubernetes.io/hostname", "ScheduleAnyway", None)]), HOSTNAMED,
     foo_pods(("a", 2), ("b", 1), ("d", 3)), None, [], {"node-a": 100, "node-b": 100, "node-c": 100, "node-d": 100}),
    ("one constraint on node, all 4 nodes are candidates, maxSkew=2", pod(labels={"foo": ""},
                                                                         topology_spread_constraints=[
        spread(2, "kubernetes.io/hostname", "ScheduleAnyway", EXISTS_FOO)]), HOSTNAMED,
     foo_pods(("a", 2), ("b", 1), ("d", 3)), None, [], {"node-a": 33, "node-b": 66, "node-c": 100, "node-d": 16}),
    ("one constraint on node, all 4 nodes are candidates, maxSkew=3", pod(labels={"foo": ""},
                                                                         topology_spread_constraints=[
        spread(3, "kubernetes.io/hostname", "ScheduleAnyway", EXISTS_FOO)]), HOSTNAMED,
     foo_pods(("a", 4), ("b", 3), ("c", 2), ("d", 1)), None, [],
     {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100}),
    ("system defaulting, nodes don't have zone, pods match service", pod(labels={"foo": ""}), HOSTNAMED,
     foo_pods(("a", 4), ("b", 3), ("c", 2), ("d", 1)), None,
     [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "default"},
       "spec": {"selector": {"foo": ""}, "ports": [{"port": 80}]}}],
     {"node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100}),
    ("one constraint on node, 3 out of 4 nodes are candidates", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "kubernetes.io/hostname", "ScheduleAnyway", EXISTS_FOO)]),
     [node(f"node-{n}", hostname=True) for n in ("a", "b", "x", "y")],
     foo_pods(("a", 4), ("b", 2), ("x", 1), ("y", 3)), ["node-a", "node-b", "node-x"], [],
     {"node-a": 33, "node-b": 83, "node-x": 100}),
    ("one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key", pod(
        labels={"foo": ""}, topology_spread_constraints=[
            spread(1, "kubernetes.io/hostname", "ScheduleAnyway", EXISTS_FOO)]),
     [node("node-a", hostname=True), node("node-b", {"n": "node-b"}), node("node-x", hostname=True),
      node("node-y", hostname=True)],
     foo_pods(("a", 4), ("b", 2), ("x", 1), ("y", 3)), ["node-a", "node-b", "node-x"], [],
     {"node-a": 16, "node-b": 0, "node-x": 100}),
    ("one constraint on zone, 3 out of 4 nodes are candidates", pod(labels={"foo": ""}, topology_spread_constraints=[
        spread(1, "zone", "ScheduleAnyway", EXISTS_FOO)]),
     [node("node-a", {"zone": "zone1"}, hostname=True), node("node-b", {"zone": "zone1"}, hostname=True),
      node("node-x", {"zone": "zone2"}, hostname=True), node("node-y", {"zone": "zone2"}, hostname=True)],
     foo_pods(("a", 4), ("b", 2), ("x", 1), ("y", 3)), ["node-a", "node-b", "node-x"], [],
     {"node-a": 75, "node-b": 75, "node-x": 100}),
    ("two Constraints on zone and node, 2 out of 4 nodes are candidates", pod(
        labels={"foo": ""}, topology_spread_constraints=[
            spread(1, "zone", "ScheduleAnyway", EXISTS_FOO),
            spread(1, "kubernetes.io/hostname", "ScheduleAnyway", EXISTS_FOO)]),
     [node("node-a", {"zone": "zone1"}, hostname=True), node("node-b", {"zone": "zone1"}, hostname=True),
      node("node-x", {"zone": "zone2"}, hostname=True), node("node-y", {"zone": "zone2"}, hostname=True)],
     foo_pods(("a", 2), ("b", 1), ("x", 2), ("y", 4)), ["node-a", "node-x"], [], {"node-a": 100, "node-x": 63}),
    ("two Constraints on zone and node, with different labelSelectors", pod(
        labels={"foo": "", "bar": ""}, topology_spread_constraints=[
            spread(1, "zone", "ScheduleAnyway", EXISTS_FOO),
            spread(1, "kubernetes.io/hostname", "ScheduleAnyway", EXISTS_BAR)]),
     [node("node-a", {"zone": "zone1"}, hostname=True), node("node-b", {"zone": "zone1"}, hostname=True),
      node("node-x", {"zone": "zone2"}, hostname=True), node("node-y", {"zone": "zone2"}, hostname=True)],
     [pod("p-a1", node="node-a", labels={"foo": ""}), pod("p-b1", node="node-b", labels={"foo": "", "bar": ""}),
      pod("p-y1", node="node-y", labels={"foo": ""}), pod("p-y2", node="node-y", labels={"bar": ""})], None, [],
     {"node-a": 60, "node-b": 20, "node-x": 100, "node-y": 60}),
])
def test_pod_topology_spread_score(name, incoming, nodes, existing, feasible, objects, expected):
    world = World(nodes, existing, objects)
    assert world.scores("PodTopologySpread", incoming, feasible) == expected, name


# --- InterPodAffinity (interpodaffinity/filtering_test.go, scoring_test.go) -----------------------------

SECURITY_S1 = {"matchExpressions": [expr("security", "In", "securityscan", "value2")]}
ZONE_NODE = [node("machine1", {"zone": "us-central1-a", "region": "r1", "kubernetes.io/hostname": "machine1"})]


def pod_affinity(required_terms=None, anti_terms=None, preferred_terms=None, preferred_anti=None) -> dict:
    out: dict = {}
    if required_terms or preferred_terms:
        out["podAffinity"] = {}
        if required_terms:
            out["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = required_terms
        if preferred_terms:
            out["podAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = preferred_terms
    if anti_terms or preferred_anti:
        out["podAntiAffinity"] = {}
        if anti_terms:
            out["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = anti_terms
        if preferred_anti:
            out["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = preferred_anti
    return out


def term(selector: dict, key: str = "region", **extra) -> dict:
    return {"labelSelector": selector, "topologyKey": key, **extra}


@pytest.mark.parametrize("name, incoming, existing, reason", [
    ("A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods",
     pod(), [], None),
    ("satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches "
     "the existing pod", pod(affinity=pod_affinity([term(SECURITY_S1)])),
     [pod("existing", node="machine1", labels={"security": "securityscan"})], None),
    ("satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in "
     "labelSelector that matches the existing pod", pod(affinity=pod_affinity([term(
         {"matchExpressions": [expr("security", "NotIn", "securityscan3", "value3")]})])),
     [pod("existing", node="machine1", labels={"security": "securityscan"})], None),
    ("Does not satisfy the PodAffinity with labelSelector because of diff Namespace", pod(affinity=pod_affinity([term(
        SECURITY_S1, namespaces=["DiffNameSpace"])])),
     [pod("existing", node="machine1", labels={"security": "securityscan"})],
     "node(s) didn't match pod affinity rules"),
    ("Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
     pod(affinity=pod_affinity([term({"matchExpressions": [expr("security", "In", "antivirusscan", "value2")]})])),
     [pod("existing", node="machine1", labels={"security": "securityscan"})],
     "node(s) didn't match pod affinity rules"),
    ("satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
     pod(affinity=pod_affinity([term(SECURITY_S1)], [term(SECURITY_S1, "zone")])),
     [pod("existing", node="machine1", labels={"security": "securityscan"})],
     "node(s) didn't match pod anti-affinity rules"),
    ("satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
     pod(labels={"security": "securityscan"}, affinity=pod_affinity([term(SECURITY_S1)])),
     [pod("existing", node="machine1", labels={"security": "securityscan"},
          affinity=pod_affinity(anti_terms=[term(SECURITY_S1, "zone")]))],
     "node(s) didn't satisfy existing pods anti-affinity rules"),
    ("pod matches its own Label in PodAffinity and that matches the existing pod Labels",
     pod(labels={"security": "securityscan"}, affinity=pod_affinity([term(SECURITY_S1)])), [], None),
    ("verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't "
     "satisfy PodAntiAffinity symmetry with the existing pod", pod(labels={"security": "securityscan"}),
     [pod("existing", node="machine1", labels={"security": "securityscan"},
          affinity=pod_affinity(anti_terms=[term(SECURITY_S1, "zone")]))],
     "node(s) didn't satisfy existing pods anti-affinity rules"),
    ("verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy "
     "PodAntiAffinity symmetry with the existing pod", pod(labels={"security": "securityscan"}),
     [pod("existing", node="machine1", labels={"security": "securityscan"},
          affinity=pod_affinity(anti_terms=[term({"matchExpressions": [expr("security", "NotIn",
                                                                          "securityscan")]}, "zone")]))], None),
    ("PodAffinity fails, namespace selector doesn't match", pod(affinity=pod_affinity([term(
        SECURITY_S1, namespaceSelector={"matchLabels": {"team": "other"}})])),
     [pod("existing", node="machine1", labels={"security": "securityscan"}, namespace="subteam")],
     "node(s) didn't match pod affinity rules"),
    ("PodAffinity passes, namespace selector matches", pod(affinity=pod_affinity([term(
        SECURITY_S1, namespaceSelector={"matchLabels": {"team": "team1"}})])),
     [pod("existing", node="machine1", labels={"security": "securityscan"}, namespace="subteam")], None),
])
def test_inter_pod_affinity_required_single_node(name, incoming, existing, reason):
    team = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "subteam", "labels": {"team": "team1"}}}
    world = World(ZONE_NODE, existing, [team])
    status = world.filter("InterPodAffinity", incoming)["machine1"]
    assert status.reasons == ((reason,) if reason else ()), name


def test_inter_pod_affinity_first_pod_of_a_group_is_not_blocked():
    # TestRequiredAffinityMultipleNodes: "The affinity rule is to schedule all of the pods of this collection to the
    # same zone. The first pod of the collection should not be blocked from being scheduled onto any node, even
    # there's no existing pod that matches the rule anywhere." ... but only on nodes with the topology key.
    nodes = [node("nodeA", {"zone": "az1", "hostname": "h1"}), node("nodeB", {"hostname": "h2"})]
    incoming = pod(labels={"foo": "bar"}, affinity=pod_affinity([term({"matchLabels": {"foo": "bar"}}, "zone")]))
    assert World(nodes).fits("InterPodAffinity", incoming) == {"nodeA": True, "nodeB": False}


def test_inter_pod_affinity_same_topology_domain_counts():
    # "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod
    # affinity rule. The pod can not be scheduled onto nodeA and nodeB." (anti-affinity by zone)
    nodes = [node("nodeA", {"zone": "az1", "hostname": "h1"}), node("nodeB", {"zone": "az1", "hostname": "h2"}),
             node("nodeC", {"zone": "az2", "hostname": "h3"})]
    existing = [pod("existing", node="nodeA", labels={"foo": "bar"})]
    incoming = pod(affinity=pod_affinity(anti_terms=[term({"matchLabels": {"foo": "bar"}}, "zone")]))
    assert World(nodes, existing).fits("InterPodAffinity", incoming) == {"nodeA": False, "nodeB": False,
                                                                        "nodeC": True}


def test_inter_pod_affinity_score():
    # scoring_test.go "Affinity: pod that matches topology key & pods in nodes will get high score comparing to
    # others which doesn't match either pods in nodes or in topology key": machine1 and machine3 share region
    # China with a matching pod, machine2 is in India.
    nodes = [node("machine1", {"region": "China"}), node("machine2", {"region": "India"}),
             node("machine3", {"region": "China"})]
    existing = [pod("e1", node="machine1", labels={"security": "S1"}), pod("e2", node="machine2",
                                                                          labels={"security": "S2"})]
    incoming = pod(affinity=pod_affinity(preferred_terms=[{"weight": 5, "podAffinityTerm": term(
        {"matchExpressions": [expr("security", "In", "S1")]})}]))
    assert World(nodes, existing).scores("InterPodAffinity", incoming) == {"machine1": 100, "machine2": 0,
                                                                          "machine3": 100}


def test_inter_pod_anti_affinity_score_and_existing_pods_preferences():
    nodes = [node(f"n{i}", {"kubernetes.io/hostname": f"n{i}"}) for i in range(3)]
    existing = [pod("e0", node="n0", labels={"app": "web"}), pod("e1", node="n1", labels={"app": "web"}),
                pod("e2", node="n1", labels={"app": "web"})]
    incoming = pod(labels={"app": "web"}, affinity=pod_affinity(preferred_anti=[{"weight": 100, "podAffinityTerm": term(
        {"matchLabels": {"app": "web"}}, "kubernetes.io/hostname")}]))
    # n0: -100, n1: -200, n2: 0 -> normalized between min and max: 50, 0, 100
    assert World(nodes, existing).scores("InterPodAffinity", incoming) == {"n0": 50, "n1": 0, "n2": 100}
    # An existing pod's required affinity counts with hardPodAffinityWeight (1) for pods it selects.
    magnet = [pod("m", node="n2", labels={"x": "y"}, affinity=pod_affinity([term({"matchLabels": {"app": "web"}},
                                                                                 "kubernetes.io/hostname")]))]
    assert World(nodes, magnet).scores("InterPodAffinity", pod(labels={"app": "web"})) == {"n0": 0, "n1": 0, "n2": 100}


# --- ImageLocality (imagelocality/image_locality_test.go: TestImageLocalityPriority) ----------------------

MB = 1024 * 1024


def imaged(name: str, *images) -> dict:
    data = node(name)
    data["status"]["images"] = [{"names": list(names), "sizeBytes": size} for names, size in images]
    return data


NODE_40_300_2000 = imaged("node1", (["gcr.io/40:latest", "gcr.io/40:v1"], 40 * MB),
                          (["gcr.io/300:latest", "gcr.io/300:v1"], 300 * MB), (["gcr.io/2000:latest"], 2000 * MB))
NODE_250_10 = imaged("node2", (["gcr.io/250:latest"], 250 * MB), (["gcr.io/10:latest", "gcr.io/10:v1"], 10 * MB))


@pytest.mark.parametrize("name, images, expected", [
    # node1: 40M/2 -> below the 23M threshold: 0; node2: 100 * (250M/2 - 23M) / (1000M * 2 - 23M) = 5
    ("two images spread on two nodes, prefer the larger image one", ["gcr.io/40", "gcr.io/250"],
     {"node1": 0, "node2": 5}),
    # node1: 100 * ((40M + 300M)/2 - 23M) / (1000M * 2 - 23M) = 7
    ("two images on one node, prefer this node", ["gcr.io/40", "gcr.io/300"], {"node1": 7, "node2": 0}),
])
def test_image_locality(name, images, expected):
    world = World([NODE_40_300_2000, NODE_250_10])
    incoming = pod(containers=[{"name": f"c{i}", "image": image} for i, image in enumerate(images)])
    assert world.scores("ImageLocality", incoming) == expected
