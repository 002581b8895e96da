"""volume-mount, pvc-ref, pvc-access-mode and storageclass-ref."""

from __future__ import annotations

from reference_helpers import deployment, expect

MOUNT, PVC, ACCESS, CLASS = "volume-mount", "pvc-ref", "pvc-access-mode", "storageclass-ref"


def claim(name: str, modes: str = "ReadWriteOnce", storage_class: str = "") -> str:
    sc = f"\n  storageClassName: {storage_class}" if storage_class else ""
    return f"""apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {name}
spec:
  accessModes: [{modes}]{sc}
  resources:
    requests:
      storage: 1Gi
---
"""


def with_claim(name: str, workload: str, replicas: int | None = None, marker: str = "", extra: str = "") -> str:
    containers = f"""        - name: {workload}
          image: registry.example.com/{workload}:1.0
          volumeMounts: [{{name: data, mountPath: /data}}]
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: {name}   {marker}"""
    return deployment(workload, containers=containers, replicas=replicas, extra_spec=extra)


def test_mounts_of_undefined_volumes_and_unused_volumes():
    findings = expect(f"""apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  initContainers:
    - name: init
      image: busybox:1.36
      volumeMounts:
        - name: seed   # expect: {MOUNT}
          mountPath: /seed
  containers:
    - name: app
      image: registry.example.com/app:1.0
      volumeDevices:
        - name: raw   # expect: {MOUNT}
          devicePath: /dev/xvda
      volumeMounts:
        - {{name: data, mountPath: /data}}
  volumes:
    - name: data
      emptyDir: {{}}
    - name: seeds   # expect: {MOUNT}[info]
      emptyDir: {{}}
""", MOUNT)
    assert 'did you mean "seeds"?' in findings[0].message and "the API server rejects the Pod" in findings[0].message


def test_statefulset_claim_templates_are_volumes_and_replace_pod_volumes_of_their_name():
    expect(f"""apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 3
  selector:
    matchLabels: {{app: db}}
  template:
    metadata:
      labels: {{app: db}}
    spec:
      containers:
        - name: db
          image: postgres:16.4
          volumeMounts:
            - {{name: data, mountPath: /var/lib/postgresql/data}}
            - {{name: wal, mountPath: /wal}}
            - name: logs   # expect: {MOUNT}
              mountPath: /logs
      volumes:
        - name: wal
          persistentVolumeClaim:
            claimName: wal
  volumeClaimTemplates:
    - metadata: {{name: data}}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {{requests: {{storage: 1Gi}}}}
    - metadata: {{name: wal}}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {{requests: {{storage: 1Gi}}}}
""", MOUNT, PVC, ACCESS)


def test_duplicate_mount_paths_are_reported_where_the_schema_does_not_key_them():
    text = f"""apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0
      volumeMounts:
        - {{name: a, mountPath: /data}}
        - name: b
          mountPath: /data   # expect: {MOUNT}
      volumeDevices:
        - name: c
          devicePath: /data   # expect: {MOUNT}
  volumes:
    - {{name: a, emptyDir: {{}}}}
    - {{name: b, emptyDir: {{}}}}
    - name: c
      persistentVolumeClaim: {{claimName: raw}}
---
""" + claim("raw")
    expect(text, MOUNT, kube_version="1.28")
    newer = text.replace(f"          mountPath: /data   # expect: {MOUNT}", "          mountPath: /data")
    expect(newer, MOUNT, kube_version="1.36")   # schema-duplicate-key reports the repeated mountPath there


def test_missing_claims_and_the_claims_a_statefulset_creates():
    findings = expect(claim("uploads") + with_claim("upload", "web", marker=f"# expect: {PVC}") + """---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers: [{name: db, image: postgres:16.4, volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
---
""" + with_claim("data-db-1", "backup"), PVC)
    assert 'did you mean "uploads"?' in findings[0].message and "its pods stay Pending" in findings[0].message


def test_read_write_once_claims_and_replicas():
    expect(claim("single") + with_claim("single", "web", replicas=2, marker=f"# expect: {ACCESS}")
           + "---\n" + claim("alone") + with_claim("alone", "solo", replicas=1)
           + "---\n" + claim("many", "ReadWriteMany") + with_claim("many", "wide", replicas=5)
           + "---\n" + claim("both", "ReadWriteOnce, ReadOnlyMany") + with_claim("both", "mixed", replicas=5), ACCESS)


def test_autoscaled_daemonset_and_shared_claims():
    hpa = """---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: scaled
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: scaled}
  maxReplicas: 4
---
"""
    daemonset = f"""apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {{app: agent}}
  template:
    metadata:
      labels: {{app: agent}}
    spec:
      containers: [{{name: agent, image: agent:1.0, volumeMounts: [{{name: d, mountPath: /d}}]}}]
      volumes:
        - name: d
          persistentVolumeClaim:
            claimName: agent   # expect: {ACCESS}
---
"""
    findings = expect(claim("scaled") + with_claim("scaled", "scaled", marker=f"# expect: {ACCESS}") + hpa
                      + claim("agent") + daemonset
                      + claim("shared") + with_claim("shared", "a", marker=f"# expect: {ACCESS}") + "---\n"
                      + with_claim("shared", "b", marker=f"# expect: {ACCESS}"), ACCESS)
    messages = [f.message for f in findings]
    assert "runs up to 4 pods (with its HorizontalPodAutoscaler)" in messages[0]
    assert "runs a pod on every node" in messages[1]
    assert "Deployment/b mounts it too" in messages[2] and "Deployment/a mounts it too" in messages[3]


def test_read_write_once_pod_is_an_error_and_pinned_pods_share_read_write_once():
    pinned = "\n      nodeSelector: {kubernetes.io/hostname: node-1}"
    expect(claim("exclusive", "ReadWriteOncePod")
           + with_claim("exclusive", "one", replicas=2, marker=f"# expect: {ACCESS}[error]")
           + "---\n" + claim("local") + with_claim("local", "x", replicas=3, extra=pinned) + "---\n"
           + with_claim("local", "y", extra=pinned), ACCESS)


def test_storage_classes_are_checked_only_when_some_are_given():
    claims = claim("a", storage_class="fast") + claim("b", storage_class='""') + claim("c")
    expect(claims, CLASS)
    given = """apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
provisioner: kubernetes.io/no-provisioner
---
"""
    marked = claims.replace("storageClassName: fast", f"storageClassName: fast   # expect: {CLASS}")
    expect(given + marked, CLASS)
    expect(marked, CLASS, external=["StorageClass/standard"])
    expect(claims, CLASS, external=["StorageClass/fast"])


def test_claim_templates_and_ephemeral_volumes_name_storage_classes_too():
    expect(f"""apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
provisioner: ebs.csi.aws.com
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  selector:
    matchLabels: {{app: db}}
  template:
    metadata:
      labels: {{app: db}}
    spec:
      containers:
        - name: db
          image: postgres:16.4
          volumeMounts: [{{name: data, mountPath: /d}}, {{name: s, mountPath: /s}}]
      volumes:
        - name: s
          ephemeral:
            volumeClaimTemplate:
              spec:
                accessModes: [ReadWriteOnce]
                storageClassName: gp2   # expect: {CLASS}
                resources: {{requests: {{storage: 1Gi}}}}
  volumeClaimTemplates:
    - metadata: {{name: data}}
      spec:
        accessModes: [ReadWriteOnce]
        storageClassName: gp4   # expect: {CLASS}
        resources: {{requests: {{storage: 1Gi}}}}
""", CLASS)
