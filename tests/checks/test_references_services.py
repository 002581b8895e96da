"""service-no-pods, service-target-port and service-selects-several-workloads: Services resolved
against the pod templates of their namespace (EndpointSlice controller, FindPort)."""

from __future__ import annotations

from reference_helpers import deployment, expect

NO_PODS, PORT, SEVERAL = "service-no-pods", "service-target-port", "service-selects-several-workloads"


def service(selector: str, ports: str = "    - port: 80", namespace: str = "", marker: str = "", name: str = "web",
            extra: str = "") -> str:
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}{ns}
spec:{extra}
  selector:   {marker}
{selector}
  ports:
{ports}
---
"""


def test_a_selector_no_pod_template_matches_with_the_closest_label_value():
    findings = expect(service("    app: wbe", marker=f"# expect: {NO_PODS}") + deployment("web"), NO_PODS)
    assert 'did you mean app=web (Deployment/web)?' in findings[0].message


def test_pods_of_another_namespace_are_named():
    findings = expect(service("    app: api", namespace="shop", marker=f"# expect: {NO_PODS}")
                      + deployment("other", namespace="shop") + "---\n" + deployment("api", namespace="staging"),
                      NO_PODS)
    assert 'Deployment/api in namespace "staging" has it' in findings[0].message


def test_every_workload_kind_and_controller_labels_count():
    text = (service("    app: job", name="job") + service("    app: cron", name="cron")
            + service("    statefulset.kubernetes.io/pod-name: db-0", name="db-0")
            + service("    app: pod", name="pod") + service("    app: ds", name="ds") + """apiVersion: batch/v1
kind: Job
metadata:
  name: job
spec:
  template:
    metadata:
      labels: {app: job}
    spec:
      restartPolicy: Never
      containers: [{name: job, image: busybox:1.36}]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cron
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {app: cron}
        spec:
          restartPolicy: Never
          containers: [{name: cron, image: busybox:1.36}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers: [{name: db, image: postgres:16.4}]
---
apiVersion: v1
kind: Pod
metadata:
  name: pod
  labels: {app: pod}
spec:
  containers: [{name: pod, image: busybox:1.36}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ds
spec:
  selector:
    matchLabels: {app: ds}
  template:
    metadata:
      labels: {app: ds}
    spec:
      containers: [{name: ds, image: busybox:1.36}]
""")
    expect(text, NO_PODS, SEVERAL)


def test_services_without_selector_and_namespaces_the_input_does_not_show_are_exempt():
    expect("""apiVersion: v1
kind: Service
metadata:
  name: external-db
spec:
  type: ExternalName
  externalName: db.example.com
---
apiVersion: v1
kind: Service
metadata:
  name: manual
spec:
  ports:
    - port: 5432
---
apiVersion: v1
kind: Service
metadata:
  name: exporter
  namespace: monitoring
spec:
  selector: {app: dcgm-exporter}
  ports:
    - port: 9400
""" + "---\n" + deployment("web"), NO_PODS)


def test_pods_an_operator_makes_from_a_custom_resource_are_assumed():
    services = service("    prometheus: main", name="prometheus") + service("    team: shards", name="shards")
    expect(services + """apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: main
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: sharded
  labels: {team: shards}
---
""" + deployment("web"), NO_PODS)


def test_external_workloads_of_a_namespace_make_its_selections_unknowable():
    text = service("    app: exporter", namespace="monitoring") + deployment("grafana", namespace="monitoring")
    expect(text.replace("selector:   ", f"selector:   # expect: {NO_PODS}"), NO_PODS)
    expect(text, NO_PODS, external=["DaemonSet/monitoring/*"])


def test_named_target_ports_must_be_declared_with_their_protocol():
    containers = """        - name: web
          image: nginx:1.27
          ports:
            - {name: http, containerPort: 8080}
            - {name: dns, containerPort: 5353, protocol: UDP}
      initContainers:
        - name: proxy
          image: envoyproxy/envoy:v1.31
          restartPolicy: Always
          ports:
            - {name: admin, containerPort: 9901}"""
    ports = f"""    - {{name: http, port: 80, targetPort: http}}
    - {{name: admin, port: 9901, targetPort: admin}}
    - {{name: dns, port: 53, targetPort: dns}}   # expect: {PORT}
    - {{name: dnsu, port: 53, protocol: UDP, targetPort: dns}}
    - {{name: https, port: 443, targetPort: htps}}   # expect: {PORT}"""
    findings = expect(service("    app: web", ports) + deployment("web", containers=containers), PORT)
    assert "another protocol" in findings[0].message
    assert "Deployment/web declares http=8080/TCP, dns=5353/UDP, admin=9901/TCP" in findings[1].message


def test_a_port_name_only_some_selected_workloads_declare_is_a_warning():
    ports = f"    - {{port: 80, targetPort: http}}   # expect: {PORT}[warning]\n"
    with_port = "        - name: a\n          image: a:1\n          ports: [{name: http, containerPort: 8080}]"
    without = "        - name: b\n          image: b:1\n          ports: [{name: web, containerPort: 8080}]"
    findings = expect(service("    tier: web", ports) + deployment("a", "app: a, tier: web", containers=with_port)
                      + "---\n" + deployment("b", "app: b, tier: web", containers=without), PORT)
    assert "not by Deployment/b" in findings[0].message


def test_numeric_target_ports_are_informational_and_only_when_pods_declare_ports():
    declares = "        - name: web\n          image: nginx:1.27\n          ports: [{containerPort: 8080}]"
    ports = f"    - {{port: 80}}   # expect: {PORT}[info]\n    - {{port: 81, targetPort: 8080}}"
    text = (service("    app: web", ports)
            + deployment("web", containers=declares) + "---\n"
            + service("    app: quiet", "    - {port: 80, targetPort: 9999}", name="quiet") + deployment("quiet"))
    findings = expect(text, PORT)
    assert "targetPort defaults to port" in findings[0].message


def test_two_workloads_behind_one_service_are_named_and_duplicates_count_once():
    findings = expect(service("    app: web", marker=f"# expect: {SEVERAL}")
                      + deployment("blue", "app: web, colour: blue") + "---\n"
                      + deployment("green", "app: web, colour: green") + "---\n"
                      + deployment("green", "app: web, colour: green"), SEVERAL)
    assert "Deployment/blue and Deployment/green" in findings[0].message
