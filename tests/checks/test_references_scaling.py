"""hpa-target and pdb-selector: autoscalers and disruption budgets against the workloads they name or select."""

from __future__ import annotations

from reference_helpers import deployment, expect

HPA, PDB = "hpa-target", "pdb-selector"


def container(name: str, resources: str = "") -> str:
    return f"""        - name: {name}
          image: registry.example.com/{name}:1.0{resources}"""


def hpa(name: str, body: str, api: str = "autoscaling/v2", target: str = "") -> str:
    return f"""apiVersion: {api}
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {target or name}
  maxReplicas: 5
{body}---
"""


CPU = "\n          resources:\n            requests: {cpu: 100m}"
CPU_LIMIT = "\n          resources:\n            limits: {cpu: 500m}"
MEMORY = "\n          resources:\n            requests: {memory: 64Mi}"


def test_missing_targets_and_min_above_max():
    findings = expect(deployment("web", containers=container("web", CPU)) + "---\n"
                      + hpa("web", f"  minReplicas: 6   # expect: {HPA}\n")
                      + hpa("api", "", target=f"webb   # expect: {HPA}"), HPA)
    assert "minReplicas (6) is greater than maxReplicas (5)" in findings[0].message
    assert 'did you mean "web"?' in findings[1].message


def test_utilization_needs_requests_in_every_container_and_limits_count():
    metrics = f"""  metrics:
    - type: Resource
      resource:
        name: memory   # expect: {HPA}
        target: {{type: Utilization, averageUtilization: 80}}
    - type: Resource
      resource:
        name: cpu
        target: {{type: Utilization, averageUtilization: 70}}
    - type: Resource
      resource:
        name: memory
        target: {{type: AverageValue, averageValue: 100Mi}}
    - type: ContainerResource
      containerResource:
        name: memory
        container: app
        target: {{type: Utilization, averageUtilization: 80}}
"""
    sidecar = """
      initContainers:
        - name: proxy
          image: envoyproxy/envoy:v1.31
          restartPolicy: Always
          resources:
            requests: {cpu: 50m}
        - name: migrate
          image: registry.example.com/migrate:1.0"""
    findings = expect(deployment("web", extra_spec=sidecar,
                                 containers=container("app", "\n          resources:\n            requests: "
                                                             "{cpu: 100m, memory: 64Mi}")
                                 + "\n" + container("log", CPU_LIMIT)) + "---\n" + hpa("web", metrics), HPA)
    assert 'container "proxy" (initContainers[0]) has none' in findings[0].message   # a sidecar counts


def test_default_metric_of_v1_and_of_v2_without_metrics_is_cpu():
    no_metrics = hpa("a", "").replace("  scaleTargetRef:", f"  scaleTargetRef:   # expect: {HPA}")
    expect(deployment("a", containers=container("a", MEMORY)) + "---\n" + no_metrics
           + deployment("b", containers=container("b", MEMORY)) + "---\n"
           + hpa("b", f"  targetCPUUtilizationPercentage: 50   # expect: {HPA}\n", api="autoscaling/v1"), HPA)


def test_a_limit_range_default_gives_the_requests():
    expect("""apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 100m}
---
""" + deployment("a", containers=container("a")) + "---\n" + hpa("a", ""), HPA)


def test_targets_declared_external_are_not_looked_into():
    expect(hpa("rollout", "").replace("kind: Deployment", "kind: Rollout").replace("apps/v1", "argoproj.io/v1alpha1"),
           HPA, external=["Rollout/default/rollout"])


def pdb(name: str, body: str) -> str:
    return f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
spec:
{body}---
"""


def test_budgets_that_select_nothing():
    findings = expect(deployment("web", replicas=3) + "---\n"
                      + pdb("a", f"  maxUnavailable: 1\n  selector:   # expect: {PDB}\n    matchLabels: {{app: wbe}}\n")
                      + pdb("all", "  maxUnavailable: 1\n  selector: {}\n")
                      + pdb("none", "  maxUnavailable: 1\n"), PDB)
    assert 'did you mean' not in findings[0].message and "protects nothing" in findings[0].message


def test_budgets_that_never_allow_an_eviction():
    selector = "  selector:\n    matchLabels: {app: web}\n"
    expect(deployment("web", replicas=3) + "---\n"
           + pdb("a", f"  minAvailable: 3   # expect: {PDB}\n" + selector)
           + pdb("b", "  minAvailable: 2\n" + selector)
           + pdb("c", f"  minAvailable: 67%   # expect: {PDB}\n" + selector)      # rounded up: 3 of 3
           + pdb("d", "  minAvailable: 66%\n" + selector)                         # 2 of 3
           + pdb("e", f"  maxUnavailable: 0   # expect: {PDB}\n" + selector)
           + pdb("f", f"  maxUnavailable: 0%   # expect: {PDB}\n" + selector)
           + pdb("g", f"  minAvailable: 100%   # expect: {PDB}\n" + selector), PDB)


def test_autoscaled_workloads_count_their_minimum_and_daemonsets_are_not_counted():
    selector = "  selector:\n    matchLabels: {app: web}\n"
    expect(deployment("web", replicas=4, containers=container("web", CPU)) + "---\n"
           + hpa("web", "  minReplicas: 2\n")
           + pdb("a", f"  minAvailable: 2   # expect: {PDB}\n" + selector) + """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers: [{name: agent, image: agent:1.0}]
---
""" + pdb("b", "  minAvailable: 5\n  selector:\n    matchLabels: {app: agent}\n"), PDB)
