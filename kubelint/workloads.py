"""Which PodDisruptionBudgets, Services and HorizontalPodAutoscalers of the input cover each workload.

Built once per run (``coverage(ctx)`` caches it in ``ctx.cache``) from the selector helpers of
kubelint/k8s.py, for the best-practice rules that need it (pdb-missing, pdb-blocks-eviction,
probe-readiness-missing, anti-affinity, replicas-single ...). Only objects of the same run are
seen: a rule that finds no covering object where one may exist elsewhere must say so or stay quiet.
"""

from __future__ import annotations

from collections import defaultdict

from kubelint import k8s
from kubelint.model import Resource


class Coverage:
    def __init__(self, resources: list[Resource]):
        self.pdbs: dict[str | None, list[Resource]] = defaultdict(list)
        self.services: dict[str | None, list[Resource]] = defaultdict(list)
        self.hpas: dict[tuple[str | None, str, str], Resource] = {}
        self.workloads: dict[str | None, list[Resource]] = defaultdict(list)
        for resource in resources:
            kind, group = resource.kind, resource.group
            if kind == "PodDisruptionBudget" and group == "policy":
                self.pdbs[resource.namespace].append(resource)
            elif kind == "Service" and group == "":
                self.services[resource.namespace].append(resource)
            elif kind == "HorizontalPodAutoscaler" and group == "autoscaling":
                target = k8s.get(resource.data, ("spec", "scaleTargetRef"))
                if isinstance(target, dict) and isinstance(target.get("kind"), str) and \
                        isinstance(target.get("name"), str):
                    self.hpas[(resource.namespace, target["kind"], target["name"])] = resource
            elif k8s.is_workload(resource):
                self.workloads[resource.namespace].append(resource)

    # --- lookups ----------------------------------------------------------------------------

    def hpa_for(self, workload: Resource) -> Resource | None:
        if not workload.name:
            return None
        return self.hpas.get((workload.namespace, workload.kind, workload.name))

    def pdbs_for(self, workload: Resource) -> list[Resource]:
        labels = k8s.pod_template_labels(workload)
        return [pdb for pdb in self.pdbs.get(workload.namespace, ()) if pdb_selects(pdb, labels)]

    def services_for(self, workload: Resource) -> list[Resource]:
        labels = k8s.pod_template_labels(workload)
        if not labels:
            return []
        return [service for service in self.services.get(workload.namespace, ())
                if k8s.map_selector_matches(k8s.get(service.data, ("spec", "selector")), labels)]

    def workloads_of(self, pdb: Resource) -> list[Resource]:
        return [w for w in self.workloads.get(pdb.namespace, ()) if pdb_selects(pdb, k8s.pod_template_labels(w))]

    def scale(self, workload: Resource) -> tuple[int, int] | None:
        """(fewest, most) replicas a replicated workload runs: its HorizontalPodAutoscaler's range
        when one targets it (spec.replicas is then only the initial count), else spec.replicas."""
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


def pdb_selects(pdb: Resource, labels: dict) -> bool:
    selector = k8s.get(pdb.data, ("spec", "selector"))
    if pdb.version == "v1beta1" and selector == {}:
        return False  # policy/v1beta1: an empty selector selected no pods
    return k8s.label_selector_matches(selector, labels)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def coverage(ctx) -> Coverage:
    found = ctx.cache.get("workload-coverage")
    if found is None:
        found = ctx.cache["workload-coverage"] = Coverage(ctx.resources)
    return found
