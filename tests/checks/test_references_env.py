"""env-var-ref: $(VAR) references as the kubelet expands them (third_party/forked/golang/expansion)."""

from __future__ import annotations

import pytest

from kubelint.checks.env_var_ref import references
from reference_helpers import expect

RULE = "env-var-ref"


@pytest.mark.parametrize("text, names", [
    ("$(A)", ["A"]),
    ("x$(A)y$(B_2)", ["A", "B_2"]),
    ("$$(A)", []),                # escaped
    ("$$$(A)", ["A"]),            # an escaped $ then a reference
    ("$(A", []),                  # unclosed: literal
    ("$A $ (A)", []),
    ("$()", [""]),
    ("$(date +%s)", ["date +%s"]),
])
def test_references_are_read_as_the_expansion_package_does(text, names):
    assert references(text) == names


def pod(env: str, args: str = "", extra: str = "", before: str = "") -> str:
    return f"""{before}apiVersion: v1
kind: Pod
metadata:
  name: app
spec:{extra}
  containers:
    - name: app
      image: registry.example.com/app:1.0{args}
      env:
{env}"""


def test_env_values_see_only_earlier_entries_and_args_see_all():
    findings = expect(pod(f"""        - name: URL
          value: http://$(HOST):$(PORT)/   # expect: {RULE}, {RULE}
        - name: HOST
          value: localhost
        - name: GREETING
          value: hello $(HOST) $$(NOT_A_REF) $(date)
        - name: PORT
          value: "8080"
        - name: BAD
          value: $(POTR)   # expect: {RULE}
""", args=f"""
      args:
        - --url=$(HOST):$(PORT)
        - --user=$(USER)   # expect: {RULE}"""), RULE)
    assert "USER is not defined by an env entry" in findings[0].message   # args come first in the file
    assert "HOST is defined after this entry (env[1])" in findings[1].message
    assert "PORT is defined after this entry (env[3])" in findings[2].message
    assert 'did you mean "PORT"?' in findings[3].message


def test_env_from_defines_its_keys_with_the_prefix_and_unknown_sources_disable_the_check():
    config = """apiVersion: v1
kind: ConfigMap
metadata:
  name: config
data:
  HOST: db
---
"""
    expect(config + pod(f"""        - name: URL
          value: $(DB_HOST) $(HOST)   # expect: {RULE}
""").replace("      env:", "      envFrom:\n        - configMapRef: {name: config}\n"
                                    "          prefix: DB_\n      env:"), RULE)
    expect(pod("""        - name: URL
          value: $(ANYTHING)
""").replace("      env:", "      envFrom:\n        - secretRef: {name: made-elsewhere}\n      env:"), RULE)


def test_service_links_need_the_service_with_a_cluster_ip_in_the_namespace():
    services = """apiVersion: v1
kind: Service
metadata:
  name: redis-cache
spec:
  selector: {app: redis}
  ports:
    - {name: redis, port: 6379}
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports:
    - {port: 5432}
---
"""
    findings = expect(pod(f"""        - name: A
          value: $(REDIS_CACHE_SERVICE_HOST):$(REDIS_CACHE_SERVICE_PORT_REDIS) $(REDIS_CACHE_PORT_6379_TCP_ADDR)
        - name: B
          value: $(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT_HTTPS)
        - name: C
          value: $(REDIS_CACH_SERVICE_HOST)   # expect: {RULE}
        - name: D
          value: $(DB_SERVICE_HOST)   # expect: {RULE}
        - name: E
          value: $(REDIS_CACHE_SERVICE_PORT_HTTP)   # expect: {RULE}
""", before=services), RULE)
    assert 'no Service "redis-cach" in namespace "default" (did you mean "redis-cache"?)' in findings[0].message
    assert "headless" in findings[1].message
    assert 'has no port named http' in findings[2].message


def test_without_service_links_only_the_kubernetes_service_variables_exist():
    expect(pod(f"""        - name: A
          value: $(KUBERNETES_SERVICE_HOST)
        - name: B
          value: $(API_SERVICE_HOST)   # expect: {RULE}
""", extra="\n  enableServiceLinks: false", before="""apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  ports: [{port: 80}]
---
"""), RULE)
