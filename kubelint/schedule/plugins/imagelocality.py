"""ImageLocality (pkg/scheduler/framework/plugins/imagelocality/image_locality.go).

Scores nodes that already have the pod's images (status.images of the Node, as `kubectl get nodes
-o yaml` prints it): each image present counts its size scaled by the share of nodes that have it
(scaledImageScore, to avoid piling pods on the few nodes with an image), the sum is clamped to
23 MiB .. 1000 MiB per container and mapped onto 0..100 (calculatePriority). Names without a tag
get ":latest" (normalizedImageName). NodePools have no images, so there every node scores 0.
"""

from __future__ import annotations

import numpy as np

from kubelint.schedule.framework import MAX_NODE_SCORE, Cycle, ScorePlugin

NAME = "ImageLocality"
MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def normalized_image_name(name: str) -> str:
    if name.rfind(":") <= name.rfind("/"):
        name += ":latest"
    return name


class ImageLocality(ScorePlugin):
    name = NAME

    def pre_score(self, cycle: Cycle, nodes) -> bool:
        return bool(cycle.cluster.image_nodes)

    def score(self, cycle: Cycle, nodes) -> np.ndarray:
        cluster = cycle.cluster
        images = cycle.pod.spec.images
        key = (NAME, images, cluster.alive_version)
        scores = cluster.cache.get(key)
        if scores is None:
            total_nodes = int(cluster.alive.sum())
            sums = np.zeros(cluster.n, dtype=np.int64)
            for image in images:
                holders = cluster.image_nodes.get(normalized_image_name(image))
                if not holders:
                    continue
                live = [(node, size) for node, size in holders if cluster.alive[node]]
                spread = len(live) / total_nodes
                for node, size in live:
                    sums[node] += int(size * spread)
            max_threshold = MAX_CONTAINER_THRESHOLD * len(images)
            clamped = np.clip(sums, MIN_THRESHOLD, max(max_threshold, MIN_THRESHOLD))
            scores = (MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) // max(max_threshold - MIN_THRESHOLD, 1)
            cluster.cache[key] = scores
        return scores[nodes]
