"""Generate realistic N-document bundles for benchmarks.

Each "app unit" is ten documents that reference each other correctly
(ConfigMap, Secret, PersistentVolumeClaim, Deployment, Service, StatefulSet
with its headless Service, Ingress, HorizontalPodAutoscaler,
PodDisruptionBudget) and follow the default best-practice rules, so a correct
linter reports nothing on the whole bundle. Objects come before the objects
that reference them, so a bundle cut inside a unit is still consistent.

The findings-heavy bundle (``heavy_bundle``) is what most real repositories look like to the
default rules: most documents get a finding. Its units are eight documents (ConfigMap, Secret,
PersistentVolumeClaim, Deployment, Service, StatefulSet, Ingress, HorizontalPodAutoscaler), five
of which get findings, eight per unit (10,000 documents: 10,000 findings on 6,250 documents;
secret-ref and ingress-backend are errors, the others warnings), each a mistake that real
repositories make:

- ConfigMap: a password in its data (configmap-secret)
- Deployment: the default ServiceAccount's token automounted, no PodDisruptionBudget, nothing
  spreading its replicas (automount-service-account-token, pdb-missing, anti-affinity), and an
  env reference to a Secret name that does not exist, one per unit (secret-ref), whose "did you
  mean" search meets every Secret of the namespace
- Service: a selector on the release label, which the StatefulSet's pods carry too
  (service-selects-several-workloads)
- StatefulSet: a serviceName with no headless Service (statefulset-service)
- Ingress: the backend names the container's port (8080) instead of the Service's (80)
  (ingress-backend)

Usage: python bench/generate.py N > bundle.yaml       one stream of N documents
       python bench/generate.py --heavy N > b.yaml   the findings-heavy stream of N documents
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

HEAVY_UNIT = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-{i}-config
  namespace: shop
  labels:
    app.kubernetes.io/instance: api-{i}
data:
  LOG_LEVEL: info
  DB_HOST: db-{i}.shop.svc.cluster.local
  DB_PASSWORD: hunter2-{i}
  app.properties: |
    cache.size=512
    cache.ttl=60s
---
apiVersion: v1
kind: Secret
metadata:
  name: api-{i}-db
  namespace: shop
type: Opaque
stringData:
  username: api
  password: not-a-real-password-{i}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: api-{i}-cache
  namespace: shop
spec:
  accessModes: ["ReadWriteMany"]
  resources:
    requests:
      storage: 5Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api-{i}
  namespace: shop
  labels:
    app.kubernetes.io/name: api
    app.kubernetes.io/instance: api-{i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: api
      app.kubernetes.io/instance: api-{i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: api
        app.kubernetes.io/instance: api-{i}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: api
          image: registry.example.com/shop/api:2.{i}.1
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: DB_USER
              valueFrom:
                secretKeyRef:
                  name: api-{i}-db
                  key: username
            - name: API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: api-{i}-token
                  key: token
          envFrom:
            - configMapRef:
                name: api-{i}-config
          resources:
            requests:
              cpu: 200m
              memory: 256Mi
            limits:
              memory: 512Mi
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 15
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: cache
              mountPath: /var/cache/api
      volumes:
        - name: cache
          persistentVolumeClaim:
            claimName: api-{i}-cache
---
apiVersion: v1
kind: Service
metadata:
  name: api-{i}
  namespace: shop
spec:
  selector:
    app.kubernetes.io/instance: api-{i}
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: api-{i}-db
  namespace: shop
spec:
  serviceName: api-{i}-db-headless
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: postgres
      app.kubernetes.io/instance: api-{i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: postgres
        app.kubernetes.io/instance: api-{i}
    spec:
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
          env:
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: api-{i}-db
                  key: password
          readinessProbe:
            exec:
              command: ["pg_isready", "-U", "postgres"]
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
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
  name: api-{i}
  namespace: shop
spec:
  rules:
    - host: api-{i}.shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: api-{i}
                port:
                  number: 8080
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api-{i}
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api-{i}
  minReplicas: 2
  maxReplicas: 6
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 75
"""

DOCS_PER_UNIT = UNIT.count("\n---\n") + 1
HEAVY_DOCS_PER_UNIT = HEAVY_UNIT.count("\n---\n") + 1


def bundle(documents: int, unit: str = UNIT) -> str:
    """Return a YAML stream of exactly ``documents`` documents made of app units."""
    per_unit = unit.count("\n---\n") + 1
    units = []
    for i in range(-(-documents // per_unit)):
        units.append(unit.format(i=i))
    docs = "---\n".join(units).split("\n---\n")
    return "\n---\n".join(docs[:documents]) + "\n"


def heavy_bundle(documents: int) -> str:
    """The findings-heavy stream of exactly ``documents`` documents (see the module docstring)."""
    return bundle(documents, HEAVY_UNIT)


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
    elif sys.argv[1] == "--heavy":
        sys.stdout.write(heavy_bundle(int(sys.argv[2])))
    else:
        sys.stdout.write(bundle(int(sys.argv[1])))
