"""duplicate-resource and namespace-ref: the identity and the namespace of every object."""

from __future__ import annotations

from reference_helpers import deployment, expect

DUPLICATE, NAMESPACE = "duplicate-resource", "namespace-ref"


def test_second_definitions_name_the_first():
    findings = expect(f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default   # the run's namespace: the same object
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: staging
---
apiVersion: v1
kind: Secret
metadata:
  name: settings
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings   # expect: {DUPLICATE}
""".replace("  name: settings\n  namespace: default",
           f"  name: settings   # expect: {DUPLICATE}\n  namespace: default"),
        DUPLICATE)
    assert "the first definition is at test.yaml:4" in findings[0].message


def test_kinds_served_by_two_groups_are_one_object():
    old = deployment("web").replace("apps/v1", "extensions/v1beta1")
    old = old.replace("  name: web\n", f"  name: web   # expect: {DUPLICATE}\n", 1)
    expect(deployment("web") + "---\n" + old, DUPLICATE)


def test_namespaces_must_be_declared_once_the_input_declares_some():
    config = """apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: {ns}
---
"""
    declared = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n"
    findings = expect(declared + config.format(ns="shop") + config.format(ns=f"shpo   # expect: {NAMESPACE}")
                      + config.format(ns="kube-system") + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n",
                      NAMESPACE)
    assert 'did you mean "shop"?' in findings[0].message
    expect(config.format(ns="anything"), NAMESPACE)                                   # none declared: not judged
    expect(declared + config.format(ns="monitoring"), NAMESPACE, external=["Namespace/monitoring"])


def test_cluster_scoped_objects_with_a_namespace():
    expect(f"""apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
  namespace: shop   # expect: {NAMESPACE}
rules: []
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
""", NAMESPACE)
