"""Which PodDisruptionBudgets, Services and HorizontalPodAutoscalers of the input cover each workload.

Built once per run (``coverage(ctx)`` caches it in ``ctx.cache``) from the selector helpers of
kubelint/k8s/objects.py, for the best-practice rules that need it (pdb-missing, pdb-blocks-eviction,
probe-readiness-missing, anti-affinity, replicas-single ...). Only objects of the same run are
seen: a rule that finds no covering object where one may exist elsewhere must say so or stay quiet.
"""

from __future__ import annotations

from collections import defaultdict

from kubelint.k8s import objects as k8s
from kubelint.model import Resource


class Coverage:
    """The covering objects of each workload. Selectors are indexed by one of their label pairs, so a
    lookup costs the workload's label count, not the number of Services or budgets in the namespace."""

    def __init__(self, resources: list[Resource]):
        self.hpas: dict[tuple[str | None, str, str], Resource] = {}
        self.workloads: dict[str | None, list[Resource]] = defaultdict(list)
        self._services: dict[tuple, list[Resource]] = defaultdict(list)
        self._pdbs: dict[tuple, list[Resource]] = defaultdict(list)           # by one matchLabels pair
        self._pdbs_unindexed: dict[str | None, list[Resource]] = defaultdict(list)
        self._workloads_by_label: dict[tuple, list[Resource]] = defaultdict(list)
        self._scales: dict[int, tuple[int, int] | None] = {}
        self._labels: dict[int, dict] = {}
        for resource in resources:
            kind = resource.kind
            if kind == "PodDisruptionBudget":
                if resource.group == "policy":
                    pair = _first_pair(k8s.get(resource.data, ("spec", "selector", "matchLabels")))
                    if pair is None:
                        self._pdbs_unindexed[resource.namespace].append(resource)
                    else:
                        self._pdbs[(resource.namespace,) + pair].append(resource)
            elif kind == "Service":
                if resource.group == "":
                    pair = _first_pair(k8s.get(resource.data, ("spec", "selector")))
                    if pair is not None:
                        self._services[(resource.namespace,) + pair].append(resource)
            elif kind == "HorizontalPodAutoscaler":
                target = k8s.get(resource.data, ("spec", "scaleTargetRef"))
                if resource.group == "autoscaling" and isinstance(target, dict) and \
                        isinstance(target.get("kind"), str) and isinstance(target.get("name"), str):
                    self.hpas[(resource.namespace, target["kind"], target["name"])] = resource
            elif kind in k8s.WORKLOAD_KINDS and k8s.is_workload(resource):
                self.workloads[resource.namespace].append(resource)
                labels = self._labels[id(resource)] = k8s.pod_template_labels(resource)
                for pair in _pairs(labels):
                    self._workloads_by_label[(resource.namespace,) + pair].append(resource)

    def labels(self, workload: Resource) -> dict:
        """The pod template's labels of a workload (k8s.pod_template_labels), computed once."""
        found = self._labels.get(id(workload))
        return found if found is not None else k8s.pod_template_labels(workload)

    # --- lookups ----------------------------------------------------------------------------

    def hpa_for(self, workload: Resource) -> Resource | None:
        if not workload.name:
            return None
        return self.hpas.get((workload.namespace, workload.kind, workload.name))

    def pdbs_for(self, workload: Resource) -> list[Resource]:
        labels = self.labels(workload)
        namespace = workload.namespace
        candidates = [pdb for pair in _pairs(labels) for pdb in self._pdbs.get((namespace,) + pair, ())]
        candidates += self._pdbs_unindexed.get(namespace, ())
        return [pdb for pdb in candidates if pdb_selects(pdb, labels)]

    def services_for(self, workload: Resource) -> list[Resource]:
        labels = self.labels(workload)
        namespace = workload.namespace
        candidates = [s for pair in _pairs(labels) for s in self._services.get((namespace,) + pair, ())]
        return [s for s in candidates if k8s.map_selector_matches(k8s.get(s.data, ("spec", "selector")), labels)]

    def workloads_of(self, pdb: Resource) -> list[Resource]:
        pair = _first_pair(k8s.get(pdb.data, ("spec", "selector", "matchLabels")))
        candidates = (self._workloads_by_label.get((pdb.namespace,) + pair, []) if pair is not None
                      else self.workloads.get(pdb.namespace, []))
        return [w for w in candidates if pdb_selects(pdb, self.labels(w))]

    def scale(self, workload: Resource) -> tuple[int, int] | None:
        """(fewest, most) replicas a replicated workload runs: its HorizontalPodAutoscaler's range
        when one targets it (spec.replicas is then only the initial count), else spec.replicas."""
        key = id(workload)
        if key not in self._scales:
            self._scales[key] = self._scale(workload)
        return self._scales[key]

    def _scale(self, workload: Resource) -> tuple[int, int] | None:
        replicas = k8s.replicas(workload)
        if replicas is None:
            return None
        hpa = self.hpa_for(workload)
        if hpa is not None:
            low = k8s.get(hpa.data, ("spec", "minReplicas"), 1)
            high = k8s.get(hpa.data, ("spec", "maxReplicas"))
            if _is_int(low) and _is_int(high):
                return low, max(low, high)
        return replicas, replicas


def _pairs(labels: dict) -> list[tuple]:
    return [(k, v) for k, v in labels.items() if isinstance(v, str)]


def _first_pair(selector) -> tuple | None:
    """A (key, value) every selected object must carry: the first of a selector's label pairs."""
    if not isinstance(selector, dict) or not selector:
        return None
    key = min(selector, key=str)
    value = selector[key]
    return (key, value) if isinstance(value, str) else None


def pdb_selects(pdb: Resource, labels: dict) -> bool:
    selector = k8s.get(pdb.data, ("spec", "selector"))
    if pdb.version == "v1beta1" and selector == {}:
        return False  # policy/v1beta1: an empty selector selected no pods
    return k8s.label_selector_matches(selector, labels)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def pod_spec(resource: Resource, ctx) -> tuple | None:
    """k8s.pod_spec, computed once per resource and run (ctx.cache) for the many rules that ask."""
    specs = ctx.cache.get("pod-specs")
    if specs is None:
        specs = ctx.cache["pod-specs"] = {}
    key = id(resource)
    if key not in specs:
        specs[key] = k8s.pod_spec(resource)
    return specs[key]


def coverage(ctx) -> Coverage:
    found = ctx.cache.get("workload-coverage")
    if found is None:
        found = ctx.cache["workload-coverage"] = Coverage(ctx.resources)
    return found
