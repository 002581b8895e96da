"""prometheus-operator: prometheus-servicemonitor-target, prometheus-podmonitor-target and
prometheus-unselected (kubelint/checks/operators/prometheus.py)."""

from __future__ import annotations

from reference_helpers import deployment, expect

SM, PM, UNSELECTED = "prometheus-servicemonitor-target", "prometheus-podmonitor-target", "prometheus-unselected"


def service(name: str = "checkout", namespace: str = "shop", labels: str = "app: checkout",
            ports: str = "[{name: http, port: 80}, {name: metrics, port: 9090, targetPort: 9090}]") -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {namespace}
  labels: {{{labels}}}
spec:
  selector: {{app: {name}}}
  ports: {ports}
---
"""


def monitor(selector: str = "{matchLabels: {app: checkout}}", endpoints: str = "[{port: metrics}]",
            namespace: str = "shop", extra: str = "", labels: str = "", name: str = "checkout",
            marker: str = "") -> str:
    own = f"\n  labels: {{{labels}}}" if labels else ""
    return f"""apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {name}
  namespace: {namespace}{own}
spec:{extra}
  selector: {selector}{marker}
  endpoints: {endpoints}
---
"""


def test_a_servicemonitor_selects_services_by_their_own_labels():
    # the Service's selector says app=checkout too, but it is labelled team=shop only
    text = service(labels="team: shop") + monitor(marker=f"   # expect: {SM}")
    findings = expect(text, SM)
    assert "none in namespace \"shop\" has the labels app=checkout" in findings[0].message
    expect(service() + monitor(), SM)


def test_the_namespace_selector_decides_where_services_are_looked_for():
    other = service(namespace="payments")
    expect(other + monitor(namespace="monitoring", extra="\n  namespaceSelector: {matchNames: [payments]}"), SM)
    expect(other + monitor(namespace="monitoring", extra="\n  namespaceSelector: {any: true}"), SM)
    expect(other + service(name="grafana", namespace="monitoring", labels="app: grafana")
           + monitor(namespace="monitoring", marker=f"   # expect: {SM}"), SM)


def test_namespaces_without_services_of_the_input_are_not_judged():
    expect(monitor(), SM)
    expect(service(namespace="other") + monitor(), SM)


def test_services_prometheus_operator_makes_are_not_judged():
    expect(service(name="web", labels="app: web")
           + monitor(selector="{matchLabels: {operated-prometheus: 'true'}}"), SM)


def test_endpoint_ports_name_a_port_of_the_selected_services():
    findings = expect(service() + monitor(endpoints="\n    - port: metrics\n    - port: metric   # expect: "
                                                    f"{SM}\n    - port: http"), SM)
    assert 'did you mean "metrics"?' in findings[0].message
    assert "their ports: 80 (http), 9090 (metrics)" in findings[0].message


def test_a_target_port_is_a_container_port_of_the_services_pods():
    pods = deployment("checkout", namespace="shop", containers="""        - name: checkout
          image: registry.example.com/checkout:1.0
          ports: [{name: metrics, containerPort: 9090}]""") + "---\n"
    expect(pods + service() + monitor(endpoints="[{targetPort: metrics}, {targetPort: 9090}]"), SM)
    expect(pods + service() + monitor(endpoints=f"\n    - targetPort: 9091   # expect: {SM}"), SM)


def pod_monitor(selector: str = "{matchLabels: {app: worker}}", endpoints: str = "[{port: metrics}]",
                namespace: str = "queue", extra: str = "", marker: str = "") -> str:
    return f"""apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: worker
  namespace: {namespace}
spec:{extra}
  selector: {selector}{marker}
  podMetricsEndpoints: {endpoints}
---
"""


WORKER = deployment("worker", namespace="queue", containers="""        - name: worker
          image: registry.example.com/worker:1.0
          ports: [{name: metrics, containerPort: 9100}]""") + "---\n"


def test_a_podmonitor_selects_pod_templates():
    expect(WORKER + pod_monitor(), PM)
    expect(WORKER + pod_monitor(endpoints="[{portNumber: 9100}]"), PM)
    expect(WORKER + pod_monitor(selector="{matchLabels: {app: wroker}}", marker=f"   # expect: {PM}"), PM)


def test_a_podmonitor_port_names_a_container_port():
    findings = expect(WORKER + pod_monitor(endpoints=f"\n    - port: metric   # expect: {PM}\n"
                                                     f"    - portNumber: 9200   # expect: {PM}"), PM)
    assert 'did you mean "metrics"?' in findings[0].message


def test_a_podmonitor_of_a_namespace_the_input_shows_no_pods_of_is_not_judged():
    expect(WORKER + pod_monitor(namespace="other"), PM)
    expect(pod_monitor(extra="\n  namespaceSelector: {matchNames: [elsewhere]}"), PM)


def prometheus(namespace: str = "monitoring", spec: str = "  ruleSelector: {matchLabels: {role: alert-rules}}\n",
               kind: str = "Prometheus") -> str:
    return f"apiVersion: monitoring.coreos.com/v1\nkind: {kind}\nmetadata:\n  name: main\n  namespace: {namespace}\n" \
           f"spec:\n{spec}---\n"


def rule(labels: str = "role: alert-rules", namespace: str = "monitoring", marker: str = "") -> str:
    return f"""apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: alerts
  namespace: {namespace}
  labels: {{{labels}}}{marker}
spec:
  groups: [{{name: g, rules: [{{alert: Down, expr: up == 0}}]}}]
---
"""


def test_a_rule_the_ruleselector_does_not_select_is_loaded_by_no_prometheus():
    expect(prometheus() + rule(), UNSELECTED)
    findings = expect(prometheus() + rule(labels="role: alerts", marker=f"   # expect: {UNSELECTED}"), UNSELECTED)
    assert "selects role=alert-rules with ruleSelector (its labels: role=alerts)" in findings[0].message


def test_a_null_ruleselector_loads_no_rules_and_an_empty_one_all():
    expect(prometheus(spec="  serviceAccountName: prometheus\n") + rule(marker=f"   # expect: {UNSELECTED}"),
           UNSELECTED)
    expect(prometheus(spec="  ruleSelector: {}\n") + rule(labels="any: thing"), UNSELECTED)


def test_rules_of_namespaces_no_prometheus_of_the_input_watches_are_not_judged():
    expect(prometheus() + rule(labels="role: alerts", namespace="shop"), UNSELECTED)


def test_the_rule_namespace_selector_uses_the_namespace_labels_of_the_input():
    selecting = prometheus(spec="  ruleSelector: {matchLabels: {role: alert-rules}}\n"
                                "  ruleNamespaceSelector: {matchLabels: {monitoring: 'on'}}\n")
    namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {monitoring: 'on'}\n---\n"
    expect(selecting + namespace + rule(labels="role: alerts", namespace="shop", marker=f"   # expect: {UNSELECTED}"),
           UNSELECTED)
    expect(selecting + namespace + rule(namespace="shop"), UNSELECTED)
    # without the Namespace object its labels are unknown: not judged
    expect(selecting + rule(labels="role: alerts", namespace="shop"), UNSELECTED)


def test_a_thanos_ruler_that_selects_the_rule_loads_it():
    thanos = prometheus(kind="ThanosRuler", spec="  ruleSelector: {matchLabels: {role: alerts}}\n")
    expect(prometheus() + thanos + rule(labels="role: alerts"), UNSELECTED)


def test_servicemonitors_need_a_prometheus_that_selects_them():
    selecting = prometheus(spec="  serviceMonitorSelector: {matchLabels: {team: frontend}}\n")
    expect(selecting + monitor(namespace="monitoring", labels="team: frontend"), UNSELECTED)
    text = selecting + monitor(namespace="monitoring", labels="team: backend").replace(
        "  labels: {team: backend}", f"  labels: {{team: backend}}   # expect: {UNSELECTED}")
    expect(text, UNSELECTED)
