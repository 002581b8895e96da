"""kube-scheduler's in-tree plugins that decide placements, one module each, named as upstream.

The default profile (pkg/scheduler/apis/config/v1/default_plugins.go) enables, in this order:
SchedulingGates, PrioritySort, NodeUnschedulable, NodeName, TaintToleration (weight 3),
NodeAffinity (2), NodePorts, NodeResourcesFit (1), VolumeRestrictions, EBSLimits, GCEPDLimits,
NodeVolumeLimits, AzureDiskLimits, VolumeBinding, VolumeZone, PodTopologySpread (2),
InterPodAffinity (2), DefaultPreemption, NodeResourcesBalancedAllocation (1), ImageLocality (1),
DefaultBinder. The volume plugins need objects a manifest does not have (bound PersistentVolumes)
and are not modelled; SchedulingGates and PrioritySort are modelled by the scheduler's queue,
DefaultPreemption by scheduler.py; ImageLocality scores the images listed in the Nodes' status.
"""

from __future__ import annotations

from kubelint.schedule.plugins.imagelocality import ImageLocality
from kubelint.schedule.plugins.interpodaffinity import InterPodAffinity
from kubelint.schedule.plugins.nodeaffinity import NodeAffinity
from kubelint.schedule.plugins.nodename import NodeName
from kubelint.schedule.plugins.nodeports import NodePorts
from kubelint.schedule.plugins.noderesources import NodeResourcesBalancedAllocation, NodeResourcesFit
from kubelint.schedule.plugins.nodeunschedulable import NodeUnschedulable
from kubelint.schedule.plugins.podtopologyspread import PodTopologySpread
from kubelint.schedule.plugins.tainttoleration import TaintToleration

#: (name, weight) of the default MultiPoint plugins, in upstream's order
DEFAULT_PLUGINS: tuple[tuple[str, int], ...] = (
    ("SchedulingGates", 0), ("PrioritySort", 0), ("NodeUnschedulable", 0), ("NodeName", 0),
    ("TaintToleration", 3), ("NodeAffinity", 2), ("NodePorts", 0), ("NodeResourcesFit", 1),
    ("VolumeRestrictions", 0), ("EBSLimits", 0), ("GCEPDLimits", 0), ("NodeVolumeLimits", 0),
    ("AzureDiskLimits", 0), ("VolumeBinding", 0), ("VolumeZone", 0), ("PodTopologySpread", 2),
    ("InterPodAffinity", 2), ("DefaultPreemption", 0), ("NodeResourcesBalancedAllocation", 1),
    ("ImageLocality", 1), ("DefaultBinder", 0),
)

MODELLED = {cls.name: cls for cls in (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
                                      NodeResourcesFit, PodTopologySpread, InterPodAffinity,
                                      NodeResourcesBalancedAllocation, ImageLocality)}
FILTERS = ("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit",
           "PodTopologySpread", "InterPodAffinity")
SCORERS = ("TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity",
           "NodeResourcesBalancedAllocation", "ImageLocality")
#: built into the scheduler loop rather than a plugin object
BUILT_IN = ("SchedulingGates", "PrioritySort", "DefaultPreemption", "DefaultBinder")
#: real plugins that decide nothing kubelint can see
NOT_MODELLED = ("VolumeRestrictions", "EBSLimits", "GCEPDLimits", "NodeVolumeLimits", "AzureDiskLimits",
                "VolumeBinding", "VolumeZone", "DynamicResources", "NodeDeclaredFeatures")
KNOWN = set(MODELLED) | set(BUILT_IN) | set(NOT_MODELLED)
