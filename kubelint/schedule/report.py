"""The reports of `kubelint schedule`: a JSON document with a stable shape, and text built from it.

JSON (``version`` is the shape's version)::

    {"version": 1, "tool": {...}, "kubernetesVersion": "1.36", "profiles": ["default-scheduler"],
     "pods": [{"name", "namespace", "workload", "status", "node", "reason", "hint", "preempted": [...],
               "preemptedBy", "priority", "requests": {...}, "explain"?}],
     "nodes": [{"name", "zone", "unschedulable", "taints", "allocatable": {...}, "requested": {...},
                "pods": [...]}],
     "workloads": [{"workload", "replicas", "scheduled", "unschedulable", "nodes", "zones", "headroom",
                    "hpa", "rollout", "availability"}],
     "whatIf": {"nodeFailure": [...], "nodesAnalysed": N}?,
     "findings": [...], "notes": [...],
     "summary": {"pods", "scheduled", "bound", "unschedulable", "preempted", "gated", "skipped", "nodes"}}

``status`` is scheduled (placed by the dry-run), bound (already had spec.nodeName),
unschedulable (``node`` is null and ``reason`` holds kube-scheduler's message), preempted
(evicted by ``preemptedBy``; a controller's pod is queued again and appears once more), gated
(spec.schedulingGates) or skipped (another scheduler's pod, or bound to an unknown node).
Quantities are written as Kubernetes writes them (``1500m``, ``2Gi``). Nothing from Secrets,
env values or annotations is ever part of the report.
"""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console
from rich.text import Text

from kubelint._version import __version__
from kubelint.k8s import quantity
from kubelint.schedule import analysis
from kubelint.schedule.inventory import ZONE_LABEL
from kubelint.schedule.scheduler import Simulation

SHAPE_VERSION = 1
TABLE_RESOURCES = ("cpu", "memory", "pods")


def _amounts(values: dict[str, int]) -> dict[str, str]:
    return {name: quantity.format_resource(name, amount) for name, amount in sorted(values.items(), key=_order)}


def _order(item) -> tuple:
    name = item[0]
    rank = {"cpu": 0, "memory": 1, "ephemeral-storage": 2, "pods": 3}
    return (rank.get(name, 4), name)


def node_usage(sim: Simulation, index: int) -> tuple[dict[str, int], dict[str, int]]:
    cluster = sim.cluster
    node = sim.nodes[index]
    allocatable = dict(node.allocatable)
    allocatable.setdefault("pods", 0)
    requested = {"pods": int(cluster.pod_count[index])}
    for name in allocatable:
        if name == "pods":
            continue
        requested[name] = int(cluster.requested[name][index]) if name in cluster.requested else 0
    for name, values in cluster.requested.items():
        if int(values[index]) and name not in requested:
            requested[name] = int(values[index])
    return allocatable, requested


def build(sim: Simulation, *, findings=(), what_if: bool = False, explain: bool = False,
          elapsed: float | None = None) -> dict[str, Any]:
    """The report as plain data (the JSON document)."""
    cluster = sim.cluster
    pods = []
    counts = {key: 0 for key in ("scheduled", "bound", "unschedulable", "preempted", "gated", "skipped")}
    for placement in sim.placements:
        pod = placement.pod
        counts[placement.status] = counts.get(placement.status, 0) + 1
        entry: dict[str, Any] = {
            "name": pod.name, "namespace": pod.namespace, "workload": pod.workload.ref,
            "status": placement.status, "node": placement.node, "reason": placement.reason,
            "hint": analysis.hint(sim, placement),
            "preempted": [victim.ref for victim in placement.preempted],
            "preemptedBy": placement.preempted_by.ref if placement.preempted_by is not None else None,
            "priority": pod.priority,
            "requests": _amounts({k: v for k, v in pod.spec.requests.items() if v}),
        }
        if explain and placement.explain is not None:
            entry["explain"] = {"scored": placement.explain.scored, "nodes": placement.explain.nodes}
        pods.append(entry)
    nodes = []
    for index, node in enumerate(sim.nodes):
        allocatable, requested = node_usage(sim, index)
        nodes.append({
            "name": node.name, "zone": node.labels.get(ZONE_LABEL), "unschedulable": node.unschedulable,
            "taints": [str(t) for t in node.taints],
            "allocatable": _amounts(allocatable), "requested": _amounts(requested),
            "pods": [p.ref for p in cluster.pods_on[index]],
        })
    workloads = []
    by_workload: dict[int, list] = {}
    for placement in sim.placements:
        by_workload.setdefault(id(placement.pod.workload), []).append(placement)
    for workload in sim.workloads:
        if not workload.pods and workload.kind == "Pod":
            continue
        statuses = by_workload.get(id(workload), [])
        placed = analysis.placed_pods(sim, workload)
        entry = {
            "workload": workload.ref, "replicas": len(workload.pods),
            "scheduled": len(placed),
            "unschedulable": sum(1 for p in statuses if p.status == "unschedulable"),
            "nodes": sorted({cluster.names[p.node] for p in placed}),
            "zones": sorted({sim.nodes[p.node].labels[ZONE_LABEL] for p in placed
                             if ZONE_LABEL in sim.nodes[p.node].labels}),
            "headroom": analysis.headroom(sim, workload),
            "headroomLimit": analysis.headroom_limit(sim, workload),
            "hpa": None, "rollout": None, "availability": None, "note": workload.note,
        }
        scaling = analysis.autoscaling(sim, workload)
        if scaling is not None:
            entry["hpa"] = {"minReplicas": scaling.min_replicas, "maxReplicas": scaling.max_replicas,
                            "fits": scaling.fits, "moreReplicasFit": scaling.more_fit}
        rolled = analysis.rollout(sim, workload)
        if rolled is not None:
            entry["rollout"] = {"maxSurge": rolled.max_surge, "maxUnavailable": rolled.max_unavailable,
                                "surgePods": rolled.surge_pods, "surgePodsFit": rolled.fitting,
                                "stalls": rolled.stalls, "reason": rolled.reason, "stalledNodes": rolled.nodes}
        spread = analysis.availability(sim, workload)
        if spread is not None:
            entry["availability"] = {"singleNode": spread.single_node, "singleZone": spread.single_zone}
        workloads.append(entry)
    report: dict[str, Any] = {
        "version": SHAPE_VERSION,
        "tool": {"name": "kubelint", "version": __version__},
        "kubernetesVersion": sim.kube_version,
        "profiles": sorted(sim.profiles),
        "pods": pods,
        "nodes": nodes,
        "workloads": workloads,
    }
    if what_if:
        failures, analysed = analysis.node_failures(sim)
        report["whatIf"] = {
            "nodesAnalysed": analysed,
            "nodeFailure": [{
                "scope": f.scope, "name": f.name, "nodes": f.nodes, "displaced": f.displaced,
                "unschedulable": [{"pod": p.ref, "workload": p.workload.ref, "reason": reason}
                                  for p, reason in f.unschedulable],
                "lost": [p.ref for p in f.lost],
            } for f in failures],
        }
    report["findings"] = [f.to_dict() for f in findings]
    report["notes"] = [{"resource": str(r.ref) if r is not None else None, "note": text} for r, text in sim.notes]
    unmodelled = sorted({name for profile in sim.profiles.values() for name in profile.unmodelled})
    report["notModelled"] = unmodelled
    summary = {"pods": len(pods), **counts, "nodes": len(sim.nodes)}
    if elapsed is not None:
        summary["elapsedSeconds"] = round(elapsed, 3)
    report["summary"] = summary
    return report


def render_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


# --- text --------------------------------------------------------------------------------------------


def _bar(fraction: float, width: int = 12) -> str:
    fraction = max(0.0, min(fraction, 1.0))
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def render_text(report: dict, *, color: bool = False, width: int = 100, explain: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, color_system="standard" if color else None,
                      highlight=False, width=max(width, 60), soft_wrap=True)
    summary = report["summary"]
    console.print(Text(f"Scheduling dry-run: {summary['pods']} pods on {summary['nodes']} nodes "
                       f"(Kubernetes {report['kubernetesVersion']}, profile "
                       f"{', '.join(report['profiles'])})", style="bold"))
    if report["findings"]:
        console.print()
        console.print(Text("Input problems", style="bold underline"))
        for finding in report["findings"]:
            where = f"{finding['file']}:{finding['line']}" if finding["line"] else finding["file"]
            line = Text(f"  {where}  ")
            line.append(finding["severity"], style="bold red" if finding["severity"] == "error" else "bold yellow")
            line.append(f"  {finding['message']}  [{finding['rule']}]")
            console.print(line)
    pods_by_ref = {f"{p['namespace']}/{p['name']}": p for p in report["pods"]}
    console.print()
    console.print(Text("Placements", style="bold underline"))
    name_width = max([len(n["name"]) for n in report["nodes"]] + [4])
    for node in report["nodes"]:
        head = Text(f"  {node['name']:<{name_width}}  ", style="bold")
        extras = [node["zone"]] if node["zone"] else []
        if node["unschedulable"]:
            extras.append("cordoned")
        if node["taints"]:
            extras.append("taints: " + ", ".join(node["taints"]))
        head.append("  ".join(extras), style="dim")
        console.print(head)
        if not node["pods"]:
            console.print(Text("      (no pods)", style="dim"))
        for ref in node["pods"]:
            pod = pods_by_ref.get(ref)
            line = Text(f"      {ref}")
            if pod is not None:
                line.append(f"  {pod['workload']}", style="dim")
                if pod["status"] == "bound":
                    line.append("  (already bound)", style="dim")
                if pod["preempted"]:
                    line.append(f"  preempted {', '.join(pod['preempted'])}", style="yellow")
            console.print(line)
    trouble = [p for p in report["pods"] if p["status"] in ("unschedulable", "preempted", "gated", "skipped")]
    if trouble:
        console.print()
        console.print(Text("Not placed", style="bold underline"))
        for pod in trouble:
            style = "bold red" if pod["status"] == "unschedulable" else "bold yellow"
            line = Text(f"  {pod['namespace']}/{pod['name']}  ")
            line.append(pod["status"], style=style)
            line.append(f"  {pod['workload']}", style="dim")
            console.print(line)
            console.print(Text(f"      {pod['reason']}"))
            if pod["hint"]:
                console.print(Text(f"      = {pod['hint']}", style="green"))
    console.print()
    console.print(Text("Utilisation (requested / allocatable)", style="bold underline"))
    header = Text(f"  {'node':<{name_width}}")
    for name in TABLE_RESOURCES:
        header.append(f"  {name:<{30 if color else 22}}")
    console.print(header, style="dim")
    for node in report["nodes"]:
        line = Text(f"  {node['name']:<{name_width}}")
        for name in TABLE_RESOURCES:
            allocatable = _parse(name, node["allocatable"].get(name, "0"))
            requested = _parse(name, node["requested"].get(name, "0"))
            share = requested / allocatable if allocatable else (1.0 if requested else 0.0)
            text = (f"{quantity.human(name, requested)}/{quantity.human(name, allocatable)} "
                    f"{round(share * 100):>3}%")
            style = "red" if share > 0.9 else ("yellow" if share > 0.7 else "green")
            if color:
                line.append("  ")
                line.append(_bar(share, 8), style=style)
                line.append(f" {text:<21}")
            else:
                line.append(f"  {text:<22}")
        console.print(line)
    if report["workloads"]:
        console.print()
        console.print(Text("Workloads", style="bold underline"))
        ref_width = max(len(w["workload"]) for w in report["workloads"])
        for workload in report["workloads"]:
            line = Text(f"  {workload['workload']:<{ref_width}}  {workload['scheduled']}/{workload['replicas']} placed")
            notes = []
            if workload["headroom"] is not None:
                more = workload["headroom"]
                notes.append(f"room for {more}{'+' if more >= workload['headroomLimit'] else ''} more")
            if workload["hpa"]:
                hpa = workload["hpa"]
                notes.append(f"HPA {hpa['minReplicas']}-{hpa['maxReplicas']}: max "
                             + ("fits" if hpa["fits"] else f"does not fit ({hpa['moreReplicasFit']} more fit)"))
            if workload["rollout"]:
                rolled = workload["rollout"]
                if rolled["stalls"]:
                    notes.append("rolling update stalls")
                elif rolled["surgePodsFit"] < rolled["surgePods"]:
                    notes.append(f"rolling update: {rolled['surgePodsFit']} of {rolled['surgePods']} surge pods fit")
                else:
                    notes.append("surge pods fit")
            if workload["availability"]:
                if workload["availability"]["singleNode"]:
                    notes.append("all replicas on one node")
                elif workload["availability"]["singleZone"]:
                    notes.append("all replicas in one zone")
            if workload["note"]:
                notes.append(workload["note"])
            if notes:
                line.append("  " + "; ".join(notes), style="dim")
            console.print(line)
    if "whatIf" in report:
        console.print()
        what = report["whatIf"]
        console.print(Text(f"Node and zone failure (N-1; {what['nodesAnalysed']} nodes analysed)",
                           style="bold underline"))
        for failure in what["nodeFailure"]:
            line = Text(f"  {failure['scope']} {failure['name']}: {failure['displaced']} pods displaced, ")
            if failure["unschedulable"]:
                line.append(f"{len(failure['unschedulable'])} would stay Pending", style="bold red")
            else:
                line.append("all fit elsewhere", style="green")
            if failure["lost"]:
                line.append(f"; {len(failure['lost'])} bare pods lost ({', '.join(failure['lost'])})", style="yellow")
            console.print(line)
            for item in failure["unschedulable"]:
                console.print(Text(f"      {item['pod']}: {item['reason']}"))
    if explain:
        _render_explain(console, report, Text)
    if report["notes"] or report["notModelled"]:
        console.print()
        console.print(Text("Notes", style="bold underline"))
        for note in report["notes"]:
            console.print(Text(f"  {note['resource'] + ': ' if note['resource'] else ''}{note['note']}"))
        if report["notModelled"]:
            console.print(Text("  not modelled (no effect on placements here): " + ", ".join(report["notModelled"]),
                               style="dim"))
    console.print()
    parts = [f"{summary['scheduled'] + summary['bound']} placed"]
    for key in ("unschedulable", "preempted", "gated", "skipped"):
        if summary[key]:
            parts.append(f"{summary[key]} {key}")
    verdict = "All pods fit" if not summary["unschedulable"] else "Some pods do not fit"
    console.print(Text(f"{verdict}: {summary['pods']} pods, {', '.join(parts)} ({summary['nodes']} nodes"
                       + (f", {summary['elapsedSeconds']:.2f}s)" if "elapsedSeconds" in summary else ")"),
                       style="bold" if not summary["unschedulable"] else "bold red"))
    return buffer.getvalue()


def _render_explain(console, report: dict, Text) -> None:
    for pod in report["pods"]:
        explained = pod.get("explain")
        if explained is None:
            continue
        console.print()
        console.print(Text(f"Explain {pod['namespace']}/{pod['name']} -> {pod['node'] or 'no node'}",
                           style="bold underline"))
        for row in explained["nodes"]:
            line = Text(f"  {row['node']}  ")
            if row["filter"] is not None:
                line.append("rejected", style="red")
                plugin = f" by {row['filter']['plugin']}" if row["filter"]["plugin"] else ""
                line.append(f"{plugin}: {', '.join(row['filter']['reasons'])}")
            elif "scores" in row:
                chosen = row["node"] == pod["node"]
                line.append("chosen" if chosen else "feasible", style="bold green" if chosen else "green")
                line.append(f"  total {row['total']}")
                parts = []
                for name, value in row["scores"].items():
                    if value is None:
                        parts.append(f"{name} skipped")
                    else:
                        parts.append(f"{name} {value['normalized']}x{value['weight']}")
                line.append("  (" + ", ".join(parts) + ")", style="dim")
            else:
                line.append("feasible (the only one: not scored)", style="green")
            console.print(line)


def _parse(name: str, text: str) -> int:
    if name == "cpu":
        return quantity.milli_value(text)
    return quantity.value(text)
