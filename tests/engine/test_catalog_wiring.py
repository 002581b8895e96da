"""The engine takes the CRD of a custom kind from the catalogs when neither the input nor --crds
defines the kind (kubelint/engine/pipeline.py, _Run.use_catalogs): a --crd-catalog folder first, then
the bundled catalog, as the configuration's crd-catalog selects it."""

from __future__ import annotations

from conftest import CORE_RULES, crd
from kubelint import Options, check
from kubelint.model import Severity
from kubelint.schema.catalog import default_catalog

SCHEMA_RULES = CORE_RULES + ["cel"]

CERTIFICATE = """\
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: web
  namespace: shop
spec:
  dnsNames: [web.example.com]
  duration: 90
"""


def lint(text: str, **options):
    options.setdefault("select", SCHEMA_RULES)
    return sorted((f.line, f.rule, f.severity) for f in check(text=text, options=Options(**options)).findings)


def test_a_custom_resource_without_its_crd_is_validated_with_the_bundled_one():
    found = lint(CERTIFICATE)
    assert found == [(6, "schema-required", Severity.ERROR), (6, "schema-required", Severity.ERROR),
                     (8, "schema-type", Severity.ERROR)]


def test_a_crd_of_the_input_wins_over_the_bundled_one():
    own = crd("Certificate", "properties:\n  dnsNames: {type: array, items: {type: string}}\n"
                             "  duration: {type: integer}\n", group="cert-manager.io")
    assert lint(own + "---\n" + CERTIFICATE) == []


def test_a_crd_under_crds_wins_over_the_bundled_one(tmp_path):
    (tmp_path / "certificate.yaml").write_text(crd("Certificate", "x-kubernetes-preserve-unknown-fields: true\n",
                                                   group="cert-manager.io"))
    assert lint(CERTIFICATE, crd_paths=[str(tmp_path)]) == []


def test_a_kind_the_input_defines_in_other_versions_is_not_taken_from_the_catalog():
    """The input's CRD is the one the cluster gets: a version it lacks is an error, whatever the catalog has."""
    own = crd("Certificate", "x-kubernetes-preserve-unknown-fields: true\n", group="cert-manager.io")
    own = own.replace("    - name: v1\n", "    - name: v1beta1\n")
    found = check(text=own + "---\n" + CERTIFICATE, options=Options(select=SCHEMA_RULES)).findings
    assert [(f.rule, f.severity) for f in found] == [("unknown-kind", Severity.ERROR)]
    assert "its CustomResourceDefinition defines only cert-manager.io/v1beta1" in found[0].message


def test_the_catalog_can_be_turned_off_or_narrowed():
    off = check(text=CERTIFICATE, options=Options(select=SCHEMA_RULES, crd_catalog=[])).findings
    assert [(f.rule, f.severity) for f in off] == [("unknown-kind", Severity.WARNING)]
    assert "crd-catalog leaves it out: add cert-manager" in off[0].hint
    assert [f.rule for f in check(text=CERTIFICATE, options=Options(crd_catalog=["istio"])).findings
            if f.rule.startswith("schema")] == []
    assert len(lint(CERTIFICATE, crd_catalog=["cert-manager"])) == 3


def test_a_version_the_catalog_lacks_is_a_warning_naming_the_release():
    old = CERTIFICATE.replace("cert-manager.io/v1", "cert-manager.io/v1alpha2")
    found = check(text=old, options=Options(select=SCHEMA_RULES)).findings
    assert [(f.rule, f.severity, f.line) for f in found] == [("unknown-kind", Severity.WARNING, 1)]
    assert "the bundled cert-manager CRDs of commit 2d0d7f7f7424 define only cert-manager.io/v1" in found[0].message


def test_a_version_the_catalog_no_longer_serves_is_a_warning():
    """external-secrets' release keeps v1beta1 unserved; an older one the cluster may run serves it."""
    text = ("apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: db\nspec:\n"
            "  secretStoreRef: {name: vault, kind: ClusterSecretStore}\n  target: {name: db}\n")
    found = {f.rule: f for f in check(text=text, options=Options(select=SCHEMA_RULES)).findings}
    assert found["api-unavailable"].severity == Severity.WARNING
    assert "not served by the bundled external-secrets CRDs" in found["api-unavailable"].message
    assert "from the bundled external-secrets CRDs" in found["api-deprecated"].message


def test_a_channel_that_serves_the_version_is_preferred():
    text = ("apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TCPRoute\nmetadata:\n  name: db\nspec:\n"
            "  parentRefs: [{name: gateway}]\n  rules:\n    - backendRefs: [{name: db, port: 5432}]\n")
    found = check(text=text, options=Options(select=SCHEMA_RULES)).findings
    assert [f.rule for f in found] == ["api-deprecated"]
    assert "gateway-api/experimental" in found[0].message


def test_experimental_fields_need_the_experimental_channel():
    route = ("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n"
             "  parentRefs: [{name: gateway}]\n  rules:\n    - backendRefs: [{name: web, port: 80}]\n"
             "      retry: {attempts: 3}\n")
    assert [(line, rule) for line, rule, _ in lint(route)] == [(9, "schema-unknown-field")]
    assert lint(route, crd_catalog=["gateway-api/experimental"]) == []


def test_defaults_of_a_bundled_crd_fill_required_fields():
    """generators.external-secrets.io Password requires allowRepeat, length and noUpper, which have defaults."""
    text = "apiVersion: generators.external-secrets.io/v1alpha1\nkind: Password\nmetadata:\n  name: p\nspec: {}\n"
    assert lint(text) == []
    assert [rule for _, rule, _ in lint(text.replace("spec: {}", "spec: {length: many}"))] == ["schema-type"]


def test_status_of_a_bundled_crd_with_the_status_subresource_is_not_validated():
    text = CERTIFICATE.replace("  duration: 90\n", "  secretName: web-tls\n  issuerRef: {name: ca}\n") + \
        "status:\n  conditions: not-a-list\n"
    assert lint(text) == []


def test_cluster_scoped_catalog_kinds_have_no_namespace():
    text = ("apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: ca\nspec:\n"
            "  selfSigned: {}\n")
    result = check(text=text, options=Options(select=SCHEMA_RULES))
    assert result.findings == [] and result.resources[0].namespace is None


def test_repeated_runs_reuse_the_catalogs_crd_objects():
    """A long-lived process (the language server) converts and hashes a bundled CRD's schema once."""
    first = check(text=CERTIFICATE, options=Options(select=SCHEMA_RULES)).findings
    catalog = default_catalog()
    crd_object = catalog.resource(catalog.lookup("cert-manager.io/v1", "Certificate"))
    memo = dict(crd_object.memo)
    assert any(key.startswith("crd-schema-key-") for key in memo)
    assert check(text=CERTIFICATE, options=Options(select=SCHEMA_RULES)).findings == first
    assert all(crd_object.memo[key] is value for key, value in memo.items())
