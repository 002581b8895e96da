"""Generate realistic N-document bundles for benchmarks.

Each "app unit" is ten documents that reference each other correctly
(ConfigMap, Secret, PersistentVolumeClaim, Deployment, Service, StatefulSet
with its headless Service, Ingress, HorizontalPodAutoscaler,
PodDisruptionBudget) and follow the default best-practice rules, so a correct
linter reports nothing on the whole bundle. Objects come before the objects
that reference them, so a bundle cut inside a unit is still consistent.

Usage: python bench/generate.py N > bundle.yaml       one stream of N documents
       python bench/generate.py --files N FOLDER     N small files (one document each), in a
                                                     folder per app unit, as a repository holds them
"""

from __future__ import annotations

import re
import sys

UNIT = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-{i}-config
  namespace: shop
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "search,checkout"
  app.properties: |
    cache.size=512
    cache.ttl=60s
---
apiVersion: v1
kind: Secret
metadata:
  name: web-{i}-db
  namespace: shop
type: Opaque
data:
  password: c2VjcmV0LXZhbHVlLXtpfQ==
  username: d2Vi
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web-{i}-uploads
  namespace: shop
spec:
  accessModes: ["ReadWriteMany"]
  resources:
    requests:
      storage: 10Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  namespace: shop
  labels:
    app.kubernetes.io/name: web-{i}
    app.kubernetes.io/part-of: shop
spec:
  replicas: 3
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: web-{i}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web-{i}
        app.kubernetes.io/part-of: shop
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: default
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: web-{i}
      containers:
        - name: web
          image: registry.example.com/shop/web:1.{i}.0
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--log-level=info"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          env:
            - name: LOG_FORMAT
              value: json
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: web-{i}-db
                  key: password
          envFrom:
            - configMapRef:
                name: web-{i}-config
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 5
          livenessProbe:
            tcpSocket:
              port: http
            initialDelaySeconds: 10
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: config
              mountPath: /etc/web
              readOnly: true
            - name: uploads
              mountPath: /var/lib/web/uploads
      volumes:
        - name: config
          configMap:
            name: web-{i}-config
        - name: uploads
          persistentVolumeClaim:
            claimName: web-{i}-uploads
---
apiVersion: v1
kind: Service
metadata:
  name: web-{i}
  namespace: shop
  labels:
    app.kubernetes.io/name: web-{i}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: web-{i}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
---
apiVersion: v1
kind: Service
metadata:
  name: db-{i}
  namespace: shop
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: db-{i}
  ports:
    - name: pg
      port: 5432
      targetPort: pg
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-{i}
  namespace: shop
spec:
  serviceName: db-{i}
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: db-{i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: db-{i}
    spec:
      terminationGracePeriodSeconds: 30
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
        fsGroup: 999
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: postgres
          image: postgres:16.4
          ports:
            - name: pg
              containerPort: 5432
          readinessProbe:
            exec:
              command: ["pg_isready", "-U", "postgres"]
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          env:
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata
          resources:
            requests:
              cpu: 250m
              memory: 512Mi
            limits:
              memory: 1Gi
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 20Gi
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web-{i}
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: 8m
spec:
  rules:
    - host: web-{i}.shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web-{i}
                port:
                  name: http
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web-{i}
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web-{i}
  minReplicas: 3
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-{i}
  namespace: shop
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: web-{i}
"""

DOCS_PER_UNIT = UNIT.count("\n---\n") + 1


def bundle(documents: int) -> str:
    """Return a YAML stream of exactly ``documents`` documents."""
    units = []
    for i in range(-(-documents // DOCS_PER_UNIT)):
        units.append(UNIT.format(i=i))
    docs = "---\n".join(units).split("\n---\n")
    return "\n---\n".join(docs[:documents]) + "\n"


def write_folder(files: int, folder: str) -> list[str]:
    """Write ``files`` one-document files: ``app-0000/01-deployment-web-0.yaml`` and so on."""
    from pathlib import Path

    root = Path(folder)
    written = []
    for number, document in enumerate(bundle(files).split("\n---\n")):
        unit, position = divmod(number, DOCS_PER_UNIT)
        kind = re.search(r"^kind: (\w+)", document, re.MULTILINE).group(1).lower()
        name = re.search(r"^  name: (\S+)", document, re.MULTILINE).group(1)
        path = root / f"app-{unit:04d}" / f"{position:02d}-{kind}-{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document.rstrip("\n") + "\n")
        written.append(str(path))
    return written


if __name__ == "__main__":
    if sys.argv[1] == "--files":
        write_folder(int(sys.argv[2]), sys.argv[3])
    else:
        sys.stdout.write(bundle(int(sys.argv[1])))
