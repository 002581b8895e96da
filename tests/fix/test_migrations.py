"""Removed apiVersions migrated as the API server converts them (kubelint/fix/migrate.py cites the
upstream code): the migrated text byte for byte, and the objects it cannot convert with certainty
left alone."""

from __future__ import annotations

import pytest

from kubelint.cli.fix import fix_text
from kubelint.config.options import Options
from kubelint.fix.migrate import migration

NAME = "old.yaml"


def migrated(text: str) -> str:
    outcome = fix_text(text, Options(select=["api", "schema"]), name=NAME, unsafe=True)
    assert outcome.summary.skipped == []
    return outcome.texts.get(NAME, text)


OLD = """\
# an old ingress
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
  annotations:
    kubernetes.io/ingress.class: nginx
spec:
  backend:
    serviceName: default-http
    servicePort: 80
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        backend:
          serviceName: web
          servicePort: http
      - path: /api
        pathType: Prefix
        backend: {serviceName: api, servicePort: 8080}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  rollbackTo:
    revision: 1
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      containers:
      - name: web
        image: nginx:1.27
---
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: agent
spec:
  templateGeneration: 3
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: agent:1.0
---
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: job
            image: job:1.0
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: none
spec:
  minAvailable: 1
  selector: {}
"""

NEW = """\
# an old ingress
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    kubernetes.io/ingress.class: nginx
spec:
  defaultBackend:
    service:
      name: default-http
      port:
        number: 80
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: ImplementationSpecific
        backend:
          service:
            name: web
            port:
              name: http
      - path: /api
        pathType: Prefix
        backend: {service: {name: api, port: {number: 8080}}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
      tier: front
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      containers:
      - name: web
        image: nginx:1.27
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  updateStrategy:
    type: OnDelete
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: agent:1.0
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: job
            image: job:1.0
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: none
spec:
  minAvailable: 1
  selector: {matchExpressions: [{key: pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match, operator: Exists}]}
"""


def test_extensions_ingress_workloads_cronjob_and_pdb():
    # networking/v1beta1/conversion.go: backend -> defaultBackend, serviceName/servicePort -> service.name and
    # port.number (an integer) or port.name; defaults.go: pathType ImplementationSpecific. extensions and
    # apps/v1beta1 defaults.go: the selector from the template's labels; extensions' DaemonSet updated OnDelete;
    # rollbackTo and templateGeneration have no apps/v1 field. policy/v1beta1/conversion.go: {} matches none.
    assert migrated(OLD) == NEW


NETWORKING = """\
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            backend:
              serviceName: web
              servicePort: 80
"""


def test_networking_v1beta1_ingress_in_an_indented_layout():
    assert migrated(NETWORKING) == """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: ImplementationSpecific
            backend:
              service:
                name: web
                port:
                  number: 80
"""


APPS = """\
apiVersion: apps/v1beta1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: db
          image: postgres:16
---
apiVersion: apps/v1beta2
kind: ReplicaSet
metadata:
  name: cache
spec:
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: cache
          image: redis:7
"""


def test_apps_v1beta1_statefulset_keeps_on_delete_and_v1beta2_changes_only_its_api_version():
    # apps/v1beta1 defaults.go: StatefulSets were updated OnDelete (apps/v1: RollingUpdate)
    assert migrated(APPS) == APPS.replace("apps/v1beta1", "apps/v1").replace("apps/v1beta2", "apps/v1").replace(
        "  serviceName: db\n", "  serviceName: db\n  selector:\n    matchLabels:\n      app: db\n"
                               "  updateStrategy:\n    type: OnDelete\n")


SAME_FIELDS = """\
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
---
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: Role
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
"""


def test_kinds_whose_fields_did_not_change_get_the_new_api_version_only():
    assert migrated(SAME_FIELDS) == SAME_FIELDS.replace("autoscaling/v2beta2", "autoscaling/v2").replace(
        "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1")


@pytest.mark.parametrize("api_version, kind, data", [
    # no selector and no template labels: only the author knows what the Deployment selects
    ("apps/v1beta1", "Deployment", {"spec": {"template": {"spec": {}}}}),
    # a quoted number is no port name in v1: what was meant is not certain
    ("extensions/v1beta1", "Ingress", {"spec": {"backend": {"serviceName": "web", "servicePort": "80"}}}),
    # no replacement
    ("policy/v1beta1", "PodSecurityPolicy", {"spec": {}}),
    # fields that changed shape: not converted (yet)
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", {"spec": {}}),
])
def test_what_cannot_be_converted_with_certainty_is_left_alone(api_version, kind, data):
    assert migration(api_version, kind, data) is None


def test_an_ingress_backend_that_names_a_missing_service_still_migrates():
    # the Service is as missing before as after: the new version's rules judge the object anew
    outcome = fix_text(NETWORKING, Options(), name=NAME, unsafe=True)
    assert outcome.texts[NAME].startswith("apiVersion: networking.k8s.io/v1\n")
    assert any(f.rule == "ingress-backend" for f in outcome.result.findings)
