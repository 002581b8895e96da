"""configmap-ref and secret-ref: names and keys of ConfigMaps and Secrets, and the Secrets that
other objects of the input create (SealedSecret, ExternalSecret, cert-manager, Jobs with RBAC)."""

from __future__ import annotations

from reference_helpers import expect

CM, SECRET = "configmap-ref", "secret-ref"

CONFIG = """apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: shop
data:
  LOG_LEVEL: info
binaryData:
  logo.png: iVBORw0KGgo=
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
  namespace: shop
data:
  token: c2VjcmV0LXZhbHVl
stringData:
  password: change-me
---
"""


def pod(body: str, namespace: str = "shop") -> str:
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: app
  namespace: {namespace}
spec:
{body}"""


def test_env_references_name_and_key_and_binary_data_is_not_an_env_source():
    findings = expect(CONFIG + pod(f"""  containers:
    - name: app
      image: registry.example.com/app:1.0
      env:
        - name: A
          valueFrom:
            configMapKeyRef: {{name: app-config, key: LOG_LEVEL}}
        - name: B
          valueFrom:
            configMapKeyRef:
              name: app-config
              key: logo.png   # expect: {CM}
        - name: C
          valueFrom:
            secretKeyRef:
              name: app-secret
              key: password
        - name: D
          valueFrom:
            secretKeyRef:
              name: app-secret
              key: tokn   # expect: {SECRET}
        - name: E
          valueFrom:
            secretKeyRef:
              name: app-secrets   # expect: {SECRET}
              key: token
        - name: F
          valueFrom:
            configMapKeyRef: {{name: flags, key: x, optional: true}}
      envFrom:
        - configMapRef:
            name: app-confg   # expect: {CM}
        - secretRef: {{name: optional-secret, optional: true}}
"""), CM, SECRET)
    assert "binaryData, which environment variables cannot read" in findings[0].message
    assert 'did you mean "token"?' in findings[1].message
    assert 'did you mean "app-secret"?' in findings[2].message
    assert 'did you mean "app-config"?' in findings[3].message


def test_volumes_and_projected_sources_and_their_items():
    expect(CONFIG + pod(f"""  containers:
    - name: app
      image: registry.example.com/app:1.0
      volumeMounts:
        - {{name: a, mountPath: /a}}
        - {{name: b, mountPath: /b}}
        - {{name: c, mountPath: /c}}
  volumes:
    - name: a
      configMap:
        name: app-config
        items:
          - {{key: logo.png, path: logo.png}}
          - key: missing.txt   # expect: {CM}
            path: missing.txt
    - name: b
      secret:
        secretName: tls   # expect: {SECRET}
        items:
          - {{key: tls.crt, path: tls.crt}}
    - name: c
      projected:
        sources:
          - secret:
              name: app-secret
              items:
                - {{key: token, path: token}}
          - configMap:
              name: other-config   # expect: {CM}
          - serviceAccountToken: {{path: sa-token}}
"""), CM, SECRET)


def test_references_do_not_cross_namespaces():
    findings = expect(CONFIG + pod(f"""  containers:
    - name: app
      image: registry.example.com/app:1.0
      envFrom:
        - configMapRef:
            name: app-config   # expect: {CM}
""", namespace="staging"), CM)
    assert 'a ConfigMap "app-config" exists in namespace "shop", but references do not cross namespaces' \
        in findings[0].message


def test_secrets_of_pull_tls_and_service_accounts_are_warnings():
    expect(f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: builder
secrets:
  - name: builder-token   # expect: {SECRET}[warning]
imagePullSecrets:
  - name: quay   # expect: {SECRET}[warning]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
    - secretName: web-tls   # expect: {SECRET}[warning]
  defaultBackend:
    service: {{name: web, port: {{number: 80}}}}
---
""" + pod(f"""  imagePullSecrets:
    - name: registry   # expect: {SECRET}[warning]
  containers:
    - name: app
      image: registry.example.com/app:1.0
  volumes:
    - name: csi
      csi:
        driver: secrets-store.csi.k8s.io
        nodePublishSecretRef:
          name: vault-creds   # expect: {SECRET}
"""), SECRET)


def test_secrets_other_objects_create_count_as_present_with_their_keys():
    expect("""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: sealed
  namespace: shop
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA==
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: from-vault
  namespace: shop
spec:
  target:
    name: vault-db
  data:
    - secretKey: url
      remoteRef: {key: db/url}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: shop
spec:
  secretName: web-cert
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  tls:
    - secretName: ingress-cert
  defaultBackend:
    service: {name: web, port: {number: 80}}
---
""" + pod(f"""  containers:
    - name: app
      image: registry.example.com/app:1.0
      env:
        - name: A
          valueFrom:
            secretKeyRef: {{name: sealed, key: password}}
        - name: B
          valueFrom:
            secretKeyRef:
              name: sealed
              key: username   # expect: {SECRET}
        - name: C
          valueFrom:
            secretKeyRef: {{name: vault-db, key: url}}
        - name: D
          valueFrom:
            secretKeyRef:
              name: web-cert
              key: tls.cert   # expect: {SECRET}
      volumeMounts:
        - {{name: cert, mountPath: /tls}}
  volumes:
    - name: cert
      secret:
        secretName: ingress-cert
"""), SECRET)


def test_a_secret_a_job_creates_with_rbac_rights_is_present():
    rbac = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: certgen
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: certgen
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: certgen
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: certgen}
subjects:
  - {kind: ServiceAccount, name: certgen}
---
"""
    job = """apiVersion: batch/v1
kind: Job
metadata:
  name: certgen
spec:
  template:
    spec:
      serviceAccountName: certgen
      restartPolicy: OnFailure
      containers:
        - name: create
          image: registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.0
          args: [create, --namespace=default, --secret-name=webhook-cert]
---
"""
    webhook_pod = f"""apiVersion: v1
kind: Pod
metadata:
  name: webhook
spec:
  containers:
    - name: webhook
      image: registry.example.com/webhook:1.0
      volumeMounts: [{{name: cert, mountPath: /cert}}]
  volumes:
    - name: cert
      secret:
        secretName: webhook-cert   # expect: {SECRET}
"""
    expect(rbac + job + webhook_pod.replace(f"   # expect: {SECRET}", ""), SECRET)
    expect(job + webhook_pod, SECRET)    # without the RBAC, nothing says the Job can create it


def test_service_account_token_secrets_are_filled_in_by_kubernetes():
    expect("""apiVersion: v1
kind: Secret
metadata:
  name: ci-token
  annotations:
    kubernetes.io/service-account.name: ci
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Pod
metadata:
  name: ci
spec:
  containers:
    - name: ci
      image: registry.example.com/ci:1.0
      env:
        - name: TOKEN
          valueFrom:
            secretKeyRef: {name: ci-token, key: token}
""", SECRET)
