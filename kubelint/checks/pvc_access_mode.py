"""A claim mounted by more pods than its access mode allows.

A ReadWriteOnce volume attaches to one node at a time: pods of several replicas, of a
DaemonSet or of several workloads that land on other nodes stay in ContainerCreating
("Multi-Attach error"; pkg/controller/volume/attachdetach, reconciler). A ReadWriteOncePod
volume serves exactly one pod: the scheduler keeps any second pod Pending (VolumeRestrictions
plugin, pkg/scheduler/framework/plugins/volumerestrictions). Replicas count the maximum an
HorizontalPodAutoscaler may scale to; pods pinned to one node (nodeName, or a
kubernetes.io/hostname nodeSelector) share a ReadWriteOnce volume fine.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.crossref.graph import graph
from kubelint.k8s.objects import text
from kubelint.model import Problem, Resource, Severity

PARAMS: dict = {}


def check_run(rule, ctx) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    users: dict[tuple, list] = {}
    for ref in g.references_to("PersistentVolumeClaim"):
        template = g.template(ref.source)
        if template is None:
            continue
        entries = users.setdefault((ref.namespace, ref.name), [])
        if all(t is not template for t, _ in entries):
            entries.append((template, ref))
    for (namespace, name), entries in users.items():
        claims = g.get("", "PersistentVolumeClaim", namespace, name)
        if not claims:
            continue
        modes = claims[0].data.get("spec", {}).get("accessModes") if isinstance(claims[0].data.get("spec"), dict) \
            else None
        modes = set(m for m in modes if isinstance(m, str)) if isinstance(modes, list) else set()
        if "ReadWriteOncePod" in modes:
            mode = "ReadWriteOncePod"
        elif "ReadWriteOnce" in modes and not modes & {"ReadWriteMany", "ReadOnlyMany"}:
            mode = "ReadWriteOnce"
        else:
            continue
        nodes = {_pinned_node(t) for t, _ in entries}
        if mode == "ReadWriteOnce" and len(nodes) == 1 and None not in nodes:
            continue
        for template, ref in entries:
            _, high = g.replica_range(template)
            others = [t.describe() for t, _ in entries if t is not template]
            if high is None:
                reason = f"{template.describe()} runs a pod on every node"
            elif high > 1:
                scaled = " (with its HorizontalPodAutoscaler)" if g.hpas_for(template.owner) else ""
                reason = f"{template.describe()} runs up to {high} pods{scaled}"
            elif others:
                reason = f"{', '.join(others)} mount{'s' if len(others) == 1 else ''} it too"
            else:
                continue
            if mode == "ReadWriteOncePod":
                yield ref.source, Problem(ref.path, f'claim "{name}" is ReadWriteOncePod but {reason}: every pod but '
                                          "one stays Pending", severity=Severity.ERROR,
                                          hint="give each pod its own claim (a StatefulSet's volumeClaimTemplates), "
                                               "or use ReadWriteMany storage")
            else:
                yield ref.source, Problem(ref.path, f'claim "{name}" is ReadWriteOnce but {reason}: pods on other '
                                          "nodes cannot attach the volume and stay in ContainerCreating "
                                          "(Multi-Attach error)",
                                          hint="give each pod its own claim (a StatefulSet's volumeClaimTemplates), "
                                               "use ReadWriteMany storage, or run a single replica")


def _pinned_node(template) -> str | None:
    spec = template.spec
    node = text(spec.get("nodeName"))
    if node is None and isinstance(spec.get("nodeSelector"), dict):
        node = text(spec["nodeSelector"].get("kubernetes.io/hostname"))
    return node
