"""serviceaccount-ref, rbac-ref and priorityclass-ref."""

from __future__ import annotations

from reference_helpers import deployment, expect

SA, RBAC, PRIORITY = "serviceaccount-ref", "rbac-ref", "priorityclass-ref"


def test_service_accounts_of_pods_with_the_default_one_built_in():
    findings = expect("""apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
---
""" + deployment("api", extra_spec=f"\n      serviceAccountName: apii   # expect: {SA}") + "---\n"
        + deployment("web", extra_spec="\n      serviceAccountName: default") + "---\n"
        + deployment("old", extra_spec=f"\n      serviceAccount: legacy   # expect: {SA}") + "---\n"
        + deployment("both", extra_spec="\n      serviceAccountName: api\n      serviceAccount: ignored"), SA)
    assert 'did you mean "api"?' in findings[0].message
    assert "rejects the pods: none are created" in findings[0].message


def test_role_refs_and_service_account_subjects():
    findings = expect(f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: ci
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer
  namespace: ci
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: a
  namespace: ci
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}}
subjects:
  - {{kind: ServiceAccount, name: deployer}}
  - {{kind: ServiceAccount, name: prometheus, namespace: monitoring}}
  - {{kind: User, name: jane@example.com}}
  - {{kind: Group, name: "system:serviceaccounts:ci"}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: b
  namespace: prod
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: deployer   # expect: {RBAC}
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: ci
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: c
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: deployer   # expect: {RBAC}
subjects:
  - kind: ServiceAccount
    name: deploy   # expect: {RBAC}[warning]
    namespace: ci
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: d
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:auth-delegator"}}
subjects:
  - {{kind: ServiceAccount, name: deployer, namespace: ci}}
""", RBAC)
    assert 'a Role "deployer" exists in namespace "ci"' in findings[0].message
    assert 'did you mean "deployer"?' in findings[2].message


def test_priority_classes_with_the_system_ones_built_in():
    expect(f"""apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: batch-low
value: 100
---
apiVersion: v1
kind: Pod
metadata:
  name: a
spec:
  priorityClassName: system-node-critical
  containers: [{{name: a, image: busybox:1.36}}]
---
apiVersion: v1
kind: Pod
metadata:
  name: b
spec:
  priorityClassName: batch-lo   # expect: {PRIORITY}
  containers: [{{name: b, image: busybox:1.36}}]
---
apiVersion: v1
kind: Pod
metadata:
  name: c
spec:
  priorityClassName: system-high   # expect: {PRIORITY}
  containers: [{{name: c, image: busybox:1.36}}]
""", PRIORITY)
