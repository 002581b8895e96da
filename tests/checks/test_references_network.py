"""networkpolicy-selector: policies and their peers resolved against the pod templates of the namespace."""

from __future__ import annotations

from reference_helpers import deployment, expect

RULE = "networkpolicy-selector"


def test_policy_and_peer_selectors_that_select_nothing():
    expect(deployment("db") + "---\n" + deployment("api") + f"""---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
spec:
  podSelector:
    matchLabels: {{app: db}}
  ingress:
    - from:
        - podSelector:
            matchLabels: {{app: api}}
        - podSelector:   # expect: {RULE}
            matchLabels: {{app: apii}}
        - podSelector: {{}}
        - namespaceSelector:
            matchLabels: {{kubernetes.io/metadata.name: monitoring}}
          podSelector:
            matchLabels: {{app: prometheus}}
  egress:
    - to:
        - podSelector:   # expect: {RULE}
            matchExpressions:
              - {{key: app, operator: In, values: [cache, queue]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cache
spec:
  podSelector:   # expect: {RULE}
    matchLabels: {{app: cache}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
""", RULE)


def test_namespaces_without_workloads_in_the_input_are_not_judged():
    expect(deployment("web") + """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: grafana
  namespace: monitoring
spec:
  podSelector:
    matchLabels: {app: grafana}
""", RULE)
