"""Strimzi: the strimzi.io/cluster label that ties a topic, a user or a node pool to its cluster.

Upstream (strimzi-kafka-operator): the Topic and User Operators watch the KafkaTopics and KafkaUsers
whose ``strimzi.io/cluster`` label names their Kafka cluster (STRIMZI_RESOURCE_LABELS), the cluster
operator the KafkaNodePools and KafkaRebalances of a Kafka and the KafkaConnectors of a
KafkaConnect by the same label; without it, the resource is ignored. Which cluster it names is
``strimzi-cluster-ref``; a missing label is judged where the input defines a cluster.
"""

from __future__ import annotations

from typing import Iterator

from kubelint.checks import Context
from kubelint.checks.operators.common import labels_of, named
from kubelint.crossref.graph import graph
from kubelint.crossref.references import STRIMZI_CLUSTER, STRIMZI_GROUP, STRIMZI_OPERANDS
from kubelint.model import Path, Problem, Resource
from kubelint.rules.registry import Rule


def cluster_label(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
    g = graph(ctx)
    for kind, (cluster_kind, effect) in STRIMZI_OPERANDS.items():
        for item in named(g.of_kind(STRIMZI_GROUP, kind)):
            if STRIMZI_CLUSTER in labels_of(item) or not ctx.reports(item):
                continue
            clusters = sorted(r.name for r in g.of_kind(STRIMZI_GROUP, cluster_kind)
                              if r.namespace == item.namespace and r.name)
            if not clusters:
                continue
            path: Path = ("metadata", "labels") if labels_of(item) else ("metadata", "name")
            yield item, Problem(path, f'{kind} "{item.name}" has no {STRIMZI_CLUSTER} label: {effect}', at_key=True,
                                hint=f"add the label {STRIMZI_CLUSTER}: {clusters[0]}" +
                                     (f" (the {cluster_kind}s of the namespace: {', '.join(clusters)})"
                                      if len(clusters) > 1 else ""))
