"""What the validation of one part of a pod spec needs to know about the rest of it (upstream's
PodValidationOptions, and the arguments validateContainers takes from the pod spec)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PodOptions:
    #: minor version of the target Kubernetes release: feature gates that relaxed a rule
    minor: int
    #: a Pod, not a workload's pod template: some rules apply to Pods only
    is_pod: bool = False
    #: spec.hostNetwork is true: containers listen on the node's ports
    host_network: bool = False
