#!/usr/bin/env python3
"""Benchmark the scheduling dry-run: pods per second at 100, 1,000 and 5,000 nodes, and peak memory.

The workload mirrors kube-scheduler's own scheduler_perf "SchedulingBasic" test
(test/integration/scheduler_perf/misc/performance-config.yaml): nodes from
templates/node-default.yaml (capacity 4 cpu, 32Gi memory, 110 pods), pods from
templates/pod-default.yaml (one container requesting 100m cpu and 500Mi memory), first
``initPods`` placed, then ``measurePods`` timed. Its CI floor for 5000Nodes_10000Pods is 680 pods/s.
A second scenario places the same number of pods as Deployments of 100 replicas, which brings in
default topology spreading and Service selectors (more work per pod).

    python bench/schedule.py                    # all sizes
    python bench/schedule.py --sizes 1000       # one size
    python bench/schedule.py --scenario basic

Each size runs in its own process so that its peak memory (max RSS) is its own. Targets on the
2-core reference machine: 10,000 pods onto 1,000 nodes in at most 10 s; at least 680 pods/s
with 5,000 nodes and 10,000 pods.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {100: (100, 1000), 1000: (1000, 10000), 5000: (1000, 10000)}   # nodes: (initPods, measurePods)


def _resource(data: dict):
    from kubelint.model import Document, Resource, Source

    document = Document(Source("<bench>", ""), 0, 0, "", data)
    metadata = data["metadata"]
    return Resource(document, (), data, data["apiVersion"], data["kind"], metadata["name"],
                    metadata.get("namespace"))


def node(i: int) -> dict:
    name = f"scheduler-perf-{i:05d}"
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name,
                                                  "topology.kubernetes.io/zone": f"zone-{i % 3}"}},
            "spec": {}, "status": {"capacity": {"pods": "110", "cpu": "4", "memory": "32Gi"}}}


POD_SPEC = {"containers": [{"image": "registry.k8s.io/pause:3.10.1", "name": "pause",
                            "ports": [{"containerPort": 80}],
                            "resources": {"limits": {"cpu": "100m", "memory": "500Mi"},
                                          "requests": {"cpu": "100m", "memory": "500Mi"}}}]}


def pod(i: int, prefix: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"{prefix}-{i}", "namespace": "default"},
            "spec": POD_SPEC}


def deployment(i: int, replicas: int) -> dict:
    labels = {"app": f"app-{i}"}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"app-{i}", "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels}, "spec": POD_SPEC}}}


def service(i: int) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"app-{i}", "namespace": "default"},
            "spec": {"selector": {"app": f"app-{i}"}, "ports": [{"port": 80}]}}


def run_one(nodes: int, init: int, measure: int, scenario: str) -> dict:
    """In this process: place ``init`` pods, then time ``measure`` more; report pods/s and memory."""
    from kubelint.schedule.scheduler import simulate
    from kubelint.schedule.pods import Admission, expand
    from kubelint.schedule.scheduler import run_queue

    node_resources = [_resource(node(i)) for i in range(nodes)]
    if scenario == "basic":
        init_resources = [_resource(pod(i, "init")) for i in range(init)]
        measured = [_resource(pod(i, "pod")) for i in range(measure)]
    else:
        init_resources = [_resource(deployment(i, 100)) for i in range(init // 100)]
        init_resources += [_resource(service(i)) for i in range(init // 100)]
        offset = init // 100
        measured = [_resource(deployment(offset + i, 100)) for i in range(measure // 100)]
        measured += [_resource(service(offset + i)) for i in range(measure // 100)]
    started = time.perf_counter()
    sim = simulate(init_resources, node_resources)
    setup = time.perf_counter() - started
    admission = Admission.from_resources(measured)
    started = time.perf_counter()
    cpu_started = time.process_time()
    expansion = expand(measured, admission)
    queue, order = [], 0
    import heapq

    def enqueue(p):
        nonlocal order
        order += 1
        heapq.heappush(queue, (-p.priority, order, p))

    for workload in expansion.workloads:
        for p in workload.pods:
            enqueue(p)
    sim.scheduler.context.services += [(r.namespace or "default", r.data["spec"]["selector"])
                                       for r in measured if r.kind == "Service"]
    placements = []
    run_queue(sim.scheduler, queue, placements, enqueue)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    placed = sum(1 for p in placements if p.status == "scheduled")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"nodes": nodes, "init": init, "measure": measure, "placed": placed, "seconds": elapsed, "cpu": cpu,
            "setup": setup, "podsPerSecond": measure / elapsed, "peakMiB": peak, "scenario": scenario}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--scenario", choices=("basic", "deployments", "all"), default="all")
    parser.add_argument("--child", nargs=4, metavar=("NODES", "INIT", "MEASURE", "SCENARIO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        nodes, init, measure, scenario = args.child
        print(json.dumps(run_one(int(nodes), int(init), int(measure), scenario)))
        return 0
    scenarios = ("basic", "deployments") if args.scenario == "all" else (args.scenario,)
    print(f"{'scenario':<12} {'nodes':>6} {'init':>6} {'pods':>7} {'placed':>7} {'seconds':>8} {'cpu s':>6} "
          f"{'pods/s':>8} {'peak MiB':>9}")
    for scenario in scenarios:
        for size in args.sizes:
            init, measure = SIZES.get(size, (size, size * 10))
            completed = subprocess.run([sys.executable, __file__, "--child", str(size), str(init), str(measure),
                                        scenario], capture_output=True, text=True, env={**os.environ})
            if completed.returncode != 0:
                print(completed.stderr, file=sys.stderr)
                return 1
            row = json.loads(completed.stdout)
            print(f"{scenario:<12} {row['nodes']:>6} {row['init']:>6} {row['measure']:>7} {row['placed']:>7} "
                  f"{row['seconds']:>8.2f} {row['cpu']:>6.2f} {row['podsPerSecond']:>8.0f} {row['peakMiB']:>9.0f}")
    print("\npods/s = measured pods / wall seconds (cpu s: the process's CPU time, steadier on a busy machine)")
    print("kube-scheduler's scheduler_perf floor for SchedulingBasic/5000Nodes_10000Pods: 680 pods/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
