"""The operators' objects checked against each other and against the built-in ones, one module per
project, each following the controller that reads the objects:

    prometheus.py   prometheus-operator: what ServiceMonitors and PodMonitors select and scrape,
                    which Prometheus loads PrometheusRules and monitors
    istio.py        Istio: VirtualService subsets and the DestinationRules that define them
    gateway.py      Gateway API: whether a listener lets a route attach, ReferenceGrants
    rollouts.py     Argo Rollouts: the Services of a Rollout's strategy
    keda.py         KEDA: one autoscaler per workload
    strimzi.py      Strimzi: the strimzi.io/cluster label

References by name (a parentRef, an issuerRef, a scaleTargetRef ...) are extracted with the
built-in ones in kubelint/crossref/references.py and reported by the ``missing-reference``
template; the checks here are the ones a name lookup cannot make. A rule names its check with
``params.check``.

Every rule of the default set runs in every run, and most inputs hold none of these objects: each
check says which kinds it looks at, and its project's module is imported only when the run has
one of them (importing the six costs about 8 ms, measured, which a one-file pre-commit run would
otherwise pay).
"""

from __future__ import annotations

import importlib
from typing import Callable, Iterable, Iterator

from kubelint.checks import CheckSet, Context
from kubelint.crossref.graph import graph
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

PARAMS = {"check": ""}
CHECKS = CheckSet()

MONITORING, ISTIO, GATEWAY = "monitoring.coreos.com", "networking.istio.io", "gateway.networking.k8s.io"
ROUTES = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")
STRIMZI = tuple(("kafka.strimzi.io", kind) for kind in ("KafkaTopic", "KafkaUser", "KafkaNodePool",
                                                          "KafkaRebalance", "KafkaConnector"))

#: check name -> (module, function, the (group, kind)s without which it has nothing to look at)
DEFERRED: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "servicemonitor-target": ("prometheus", "servicemonitor_target", ((MONITORING, "ServiceMonitor"),)),
    "podmonitor-target": ("prometheus", "podmonitor_target", ((MONITORING, "PodMonitor"),)),
    "unselected": ("prometheus", "unselected", tuple((MONITORING, k) for k in ("Prometheus", "ThanosRuler",
                                                                              "PrometheusAgent"))),
    "subset": ("istio", "subset", ((ISTIO, "VirtualService"), (ISTIO, "DestinationRule"))),
    "route-attachment": ("gateway", "route_attachment", tuple((GATEWAY, k) for k in ROUTES)),
    "reference-grant": ("gateway", "reference_grant", tuple((GATEWAY, k) for k in (*ROUTES, "Gateway"))),
    "service-selector": ("rollouts", "service_selector", (("argoproj.io", "Rollout"),)),
    "service-ambiguous": ("rollouts", "service_ambiguous", (("argoproj.io", "Rollout"),)),
    "hpa-conflict": ("keda", "hpa_conflict", (("keda.sh", "ScaledObject"),)),
    "cluster-label": ("strimzi", "cluster_label", STRIMZI),
}

RunCheck = Callable[[Rule, Context], Iterable[tuple[Resource, Problem]]]


def _deferred(module: str, function: str, kinds: tuple[tuple[str, str], ...]) -> RunCheck:
    def run(rule: Rule, ctx: Context) -> Iterator[tuple[Resource, Problem]]:
        g = graph(ctx)
        if not any(g.of_kind(group, kind) for group, kind in kinds):
            return
        check: RunCheck = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        yield from check(rule, ctx)
    run.__name__ = function
    return run


for _name, (_module, _function, _kinds) in DEFERRED.items():
    CHECKS.run(_name)(_deferred(_module, _function, _kinds))
