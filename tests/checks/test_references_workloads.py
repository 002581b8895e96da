"""workload-selector-mismatch: a workload's selector must select its own pod template, as the API
server's ValidateDeploymentSpec / ValidateJobSpec / ValidateReplicationControllerSpec demand."""

from __future__ import annotations

import pytest

from reference_helpers import expect

RULE = "workload-selector-mismatch"


@pytest.mark.parametrize("kind", ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"])
def test_apps_workloads_whose_match_labels_miss_the_template(kind):
    expect(f"""apiVersion: apps/v1
kind: {kind}
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
      tier: frontend   # expect: {RULE}
  template:
    metadata:
      labels: {{app: web, tier: front}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
""", RULE)


def test_match_expressions_are_evaluated():
    findings = expect(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {{app: web}}
    matchExpressions:
      - {{key: track, operator: NotIn, values: [canary]}}
      - {{key: tier, operator: Exists}}
      - {{key: debug, operator: DoesNotExist}}   # expect: {RULE}
  template:
    metadata:
      labels: {{app: web, tier: frontend, debug: "true"}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
""", RULE)
    assert "!debug" in findings[0].message and "debug=true" in findings[0].message


def test_empty_selector_of_an_apps_workload_is_rejected():
    expect(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {{}}   # expect: {RULE}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
""", RULE)


def test_job_selectors_may_use_the_labels_the_job_controller_adds():
    expect(f"""apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  manualSelector: true
  selector:
    matchLabels:
      batch.kubernetes.io/job-name: migrate
      app: migrate
  template:
    metadata:
      labels: {{app: migrate}}
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/migrate:1.0
---
apiVersion: batch/v1
kind: Job
metadata:
  name: seed
spec:
  selector:
    matchLabels:
      app: seeder   # expect: {RULE}
  template:
    metadata:
      labels: {{app: seed}}
    spec:
      restartPolicy: Never
      containers:
        - name: seed
          image: registry.example.com/seed:1.0
""", RULE)


def test_replication_controller_map_selector_and_its_defaulting():
    expect(f"""apiVersion: v1
kind: ReplicationController
metadata:
  name: web
spec:
  selector:
    app: web   # expect: {RULE}
  template:
    metadata:
      labels: {{app: frontend}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: defaulted
spec:
  template:
    metadata:
      labels: {{app: defaulted}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
""", RULE)


def test_matching_selectors_and_invalid_ones_give_no_finding():
    expect("""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, version: "2"}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  selector:
    matchExpressions:
      - {key: app, operator: Equals, values: [web]}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
""", "workload-selector-mismatch")
