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
"""

from __future__ import annotations

from kubelint.checks.operators.common import CHECKS
from kubelint.checks.operators import gateway, istio, keda, prometheus, rollouts, strimzi  # noqa: F401  (they register their checks)

PARAMS = {"check": ""}

__all__ = ["CHECKS", "PARAMS"]
