"""The bundled CRD catalog (schemas/crds, kubelint/schema/catalog.py) and its builder.

The fixtures under tests/data/crd-catalog/<project>/ are custom resources written for these tests:
valid.yaml must pass, invalid.yaml must be reported exactly at its '# expect:' lines, linted as
they are: the engine takes their CRDs from the catalog. The tests that read ../shared/crds (marker
shared) check that the catalog's CRDs, handed to kubelint as a --crds file, validate exactly as the
upstream CRDs do.
"""

from __future__ import annotations

import importlib.util
import json
import lzma
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORE_RULES, ROOT, SHARED, needs_shared
from kubelint import Options, check
from kubelint.load import resources as resource_loader
from kubelint.load.reader import read_documents
from kubelint.load.sources import discover, read_source
from kubelint.model import Severity
from kubelint.rules.registry import parse_expectations
from kubelint.schema.bundle import default_version, load_bundle
from kubelint.schema.catalog import Catalog, CatalogError, Selection, default_catalog
from kubelint.schema.crd import CRDRegistry

FIXTURES = ROOT / "tests" / "data" / "crd-catalog"
PROJECTS = sorted(path.name for path in FIXTURES.iterdir() if path.is_dir())
CRDS = SHARED / "crds"
CATALOG_DIR = ROOT / "schemas" / "crds"

#: schema keywords that only document (dropped by the builder); written out here again so that the
#: round trip is checked against an independent reading of what must survive
DOCUMENTATION = {"description", "example", "externalDocs", "title"}


def load_builder():
    spec = importlib.util.spec_from_file_location("build_crd_catalog", ROOT / "scripts" / "build_crd_catalog.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def fixture_resources(path: Path) -> list[tuple[str, str]]:
    """(apiVersion, kind) of every document of a fixture."""
    source, _ = read_source(str(path))
    found = []
    for document in read_documents(source)[0]:
        for resource in resource_loader.extract(document.document)[0]:
            found.append((resource.api_version, resource.kind))
    return found


def catalog_crds_for(project: str, folder: Path, catalog: Catalog | None = None) -> Path:
    """The catalog's CRDs for the custom kinds of a project's fixtures, written as a --crds file
    (JSON), looked up by apiVersion/kind as the engine will."""
    catalog = catalog or default_catalog()
    kubernetes = load_bundle(default_version())
    crds = {}
    for name in ("valid.yaml", "invalid.yaml"):
        for api_version, kind in fixture_resources(FIXTURES / project / name):
            if kubernetes.kind(api_version, kind) is not None:
                continue  # the fixtures declare their Namespaces
            entry = catalog.lookup(api_version, kind)
            assert entry is not None, f"{project}/{name}: {api_version} {kind} is not in the catalog"
            assert entry.project == project, f"{api_version} {kind} comes from {entry.project}, not {project}"
            crds[(entry.bundle, entry.crd)] = catalog.definition(entry)
    path = folder / f"{project}-catalog-crds.json"
    path.write_text("\n".join(json.dumps(crd) for crd in crds.values()))
    return path


#: what judges one custom resource as the API server does: reading, the schema, the API lifecycle, CEL
SCHEMA_RULES = CORE_RULES + ["cel"]


def lint_fixtures(project: str, **options) -> dict[str, list]:
    """The findings of the schema rules on the valid and on the invalid fixture, each linted on its own
    (together they would be duplicate resources)."""
    found = {}
    for name in ("valid.yaml", "invalid.yaml"):
        found[name] = check([str(FIXTURES / project / name)], options=Options(select=SCHEMA_RULES, **options)).findings
    return found


def reported(findings) -> list[tuple[int, str]]:
    """(line, rule) of the findings that are problems (cel-not-evaluated is an info: a rule that
    only runs on updates, not a finding about the manifest)."""
    return sorted((f.line, f.rule) for f in findings if f.severity >= Severity.WARNING)


# --- the fixtures ----------------------------------------------------------------------------


def test_every_bundled_project_has_fixtures():
    assert PROJECTS == sorted(project.name for project in default_catalog().projects())
    for project in PROJECTS:
        invalid = (FIXTURES / project / "invalid.yaml").read_text()
        assert (FIXTURES / project / "valid.yaml").is_file(), project
        assert parse_expectations(invalid), f"{project}/invalid.yaml marks no '# expect:' line"


@pytest.mark.parametrize("project", PROJECTS)
def test_fixtures_against_the_catalog(project):
    """valid.yaml passes and invalid.yaml is reported exactly at its markers, by the engine with the
    bundled CRDs (no --crds)."""
    found = lint_fixtures(project)
    assert reported(found["valid.yaml"]) == []
    expected = sorted((line, rule) for line, rule, _ in parse_expectations((FIXTURES / project / "invalid.yaml")
                                                                            .read_text()))
    assert reported(found["invalid.yaml"]) == expected
    for finding in found["invalid.yaml"]:
        assert finding.message and finding.column >= 1 and finding.resource is not None


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.shared
@needs_shared(CRDS)
def test_bundled_crds_validate_as_the_upstream_ones(project, tmp_path):
    """Every finding (rule, severity, place, message, hint) is the same with the bundled CRDs as with
    ``--crds ../shared/crds/<project>``, on both fixtures linted together (so the upstream CRDs,
    megabytes of YAML, are read once)."""
    def findings(crd_path: Path) -> list[tuple]:
        files = [str(FIXTURES / project / "valid.yaml"), str(FIXTURES / project / "invalid.yaml")]
        return [(f.file, f.rule, f.severity, f.line, f.column, f.path, f.message, f.hint)
                for f in check(files, options=Options(crd_paths=[str(crd_path)])).findings]

    with_upstream = findings(CRDS / project)
    assert findings(catalog_crds_for(project, tmp_path)) == with_upstream
    assert any(f[0].endswith("invalid.yaml") and f[1] != "duplicate-resource" for f in with_upstream)


# --- the catalog -----------------------------------------------------------------------------


def test_importing_the_module_reads_nothing():
    """A run without custom resources pays nothing: no file read, no lzma, no decoding at import."""
    code = ("import sys, kubelint.schema.catalog as c; "
            "print(c._DEFAULT is None, 'lzma' in sys.modules, c.Catalog()._index is None)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=ROOT).stdout.split()
    assert output == ["True", "False", "True"]


def test_lookups_read_the_index_and_definitions_only_what_they_need():
    catalog = Catalog()
    certificate = catalog.lookup("cert-manager.io/v1", "Certificate")
    assert certificate is not None and certificate.namespaced and certificate.plural == "certificates"
    assert not catalog.decoded  # the index answers lookups
    catalog.definition(certificate)
    assert catalog.decoded
    after_one = catalog.parsed_table_entries()
    assert 0 < after_one < len(catalog._table) / 4  # only the shared subtrees cert-manager uses
    catalog.definition(catalog.lookup("monitoring.coreos.com/v1", "Prometheus"))
    assert catalog.parsed_table_entries() > after_one


def test_every_kind_has_a_schema_that_the_registry_takes():
    catalog = Catalog()
    for entry in catalog.kinds():
        registry = CRDRegistry()
        registry.add(catalog.resource(entry))
        custom = registry.lookup(entry.api_version, entry.kind)
        assert custom is not None, entry
        assert isinstance(custom.schema, dict) and custom.schema.get("type") == "object", entry
        assert (custom.namespaced, custom.served, custom.deprecated) == \
            (entry.namespaced, entry.served, entry.deprecated), entry
        assert custom.plural == entry.plural


def test_the_same_crd_object_for_every_lookup():
    """The registry keys its compiled validators by the CRD object: the catalog hands out one."""
    catalog = Catalog()
    first = catalog.resource(catalog.lookup("kafka.strimzi.io/v1", "KafkaTopic"))
    assert catalog.resource(catalog.lookup("kafka.strimzi.io/v1", "KafkaTopic")) is first
    assert "kubelint.io/crd-catalog" in first.data["metadata"]["annotations"]


def test_channels_standard_first_experimental_on_request():
    catalog = Catalog()
    assert catalog.lookup("gateway.networking.k8s.io/v1", "HTTPRoute").bundle == "gateway-api/standard"
    experimental = catalog.select(["gateway-api/experimental"])
    assert catalog.lookup("gateway.networking.k8s.io/v1", "HTTPRoute", experimental).bundle == \
        "gateway-api/experimental"
    # a kind only the experimental channel defines is found by default
    assert catalog.lookup("gateway.networking.x-k8s.io/v1alpha1", "XMesh").bundle == "gateway-api/experimental"
    assert catalog.lookup("gateway.networking.x-k8s.io/v1alpha1", "XMesh",
                          catalog.select(["gateway-api/standard"])) is None


def test_selection_by_project_names():
    catalog = Catalog()
    cert_manager = catalog.select(["cert-manager"])
    assert catalog.lookup("cert-manager.io/v1", "Issuer", cert_manager) is not None
    assert catalog.lookup("gateway.networking.k8s.io/v1", "HTTPRoute", cert_manager) is None
    assert set(catalog.select(["gateway-api"]).bundles) == {"gateway-api/standard", "gateway-api/experimental"}
    off = catalog.select([])
    assert not off and catalog.lookup("cert-manager.io/v1", "Issuer", off) is None
    assert catalog.select(None) == Selection(catalog.bundles())
    with pytest.raises(CatalogError, match='no bundled project "certmanager" \\(did you mean "cert-manager"\\?\\)'):
        catalog.select(["certmanager"])


def test_versions_of_a_kind_for_a_version_the_catalog_lacks():
    catalog = Catalog()
    assert catalog.lookup("gateway.networking.k8s.io/v1alpha1", "HTTPRoute") is None
    versions = catalog.versions_of("gateway.networking.k8s.io", "HTTPRoute")
    assert {v.api_version for v in versions} >= {"gateway.networking.k8s.io/v1"}
    assert {v.bundle for v in versions} == {"gateway-api/standard"}
    assert catalog.versions_of("example.com", "Widget") == []


def test_projects_name_their_source_and_release():
    for project in default_catalog().projects():
        assert project.origins and project.bundles
        for origin in project.origins:
            assert len(origin.commit) == 40 and "/" in origin.repository and origin.licence
        assert project.label == project.release or "commit" in project.label


def test_a_damaged_catalog_is_an_error_not_a_traceback(tmp_path):
    shutil.copy(CATALOG_DIR / "index.json", tmp_path / "index.json")
    (tmp_path / "catalog.json.xz").write_bytes(b"not xz")
    catalog = Catalog(tmp_path)
    entry = catalog.lookup("cert-manager.io/v1", "Certificate")
    with pytest.raises(CatalogError, match="catalog.json.xz: cannot read the CRD catalog"):
        catalog.definition(entry)
    (tmp_path / "index.json").write_text("{")
    with pytest.raises(CatalogError, match="index.json: cannot read the CRD catalog"):
        Catalog(tmp_path).projects()


# --- against the upstream CRDs ---------------------------------------------------------------


@pytest.fixture(scope="module")
def upstream_crds() -> list[tuple[str, dict]]:
    """(file under ../shared/crds, CRD) for every upstream CRD, read as --crds reads them."""
    found = []
    for file in discover([str(CRDS)]):
        source, _ = read_source(file)
        for document in read_documents(source)[0]:
            for resource in resource_loader.extract(document.document)[0]:
                if resource.kind == "CustomResourceDefinition":
                    found.append((str(Path(file).relative_to(CRDS)), resource.data))
    return found


def without_documentation(schema):
    """The schema as the catalog must keep it: every keyword but the documentation ones."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in DOCUMENTATION:
            continue
        if key in ("properties", "patternProperties", "definitions") and isinstance(value, dict):
            value = {name: without_documentation(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            value = without_documentation(value)
        elif key in ("allOf", "anyOf", "oneOf", "items") and isinstance(value, list):
            value = [without_documentation(sub) for sub in value]
        out[key] = value
    return out


@pytest.mark.shared
@needs_shared(CRDS)
def test_every_upstream_crd_is_bundled_whole(upstream_crds):
    """Every version of every CRD of ../shared/crds is in the index with its names, scope and flags,
    and its bundled schema is the upstream one without documentation."""
    catalog = Catalog()
    assert len(upstream_crds) == sum(len(b["crds"]) for b in catalog.index["bundles"].values())
    for file, crd in upstream_crds:
        spec = crd["spec"]
        project = file.split("/", 1)[0]
        for version in spec["versions"]:
            api_version = f"{spec['group']}/{version['name']}"
            entries = [e for e in catalog.index["kinds"].get(api_version, {}).get(spec["names"]["kind"], [])
                       if e["crd"] == crd["metadata"]["name"] and
                       file in catalog.index["bundles"][e["bundle"]]["files"]]
            assert len(entries) == 1, f"{file}: {api_version} {spec['names']['kind']} not in the index"
            entry = catalog._kind(api_version, spec["names"]["kind"], entries[0])
            assert entry.project == project
            assert (entry.plural, entry.namespaced, entry.served, entry.storage, entry.deprecated) == (
                spec["names"]["plural"], spec["scope"] == "Namespaced", version["served"], version["storage"],
                version.get("deprecated", False)), f"{file}: {api_version}"
            bundled = [v for v in catalog.definition(entry)["spec"]["versions"] if v["name"] == version["name"]]
            assert bundled[0]["schema"]["openAPIV3Schema"] == \
                without_documentation(version["schema"]["openAPIV3Schema"]), f"{file}: {api_version}"


@pytest.mark.shared
@needs_shared(CRDS)
def test_index_records_sources_md():
    builder = load_builder()
    sources = {entry.name: entry for entry in builder.parse_sources(CRDS / "SOURCES.md")}
    recorded = {origin.name: origin for project in default_catalog().projects() for origin in project.origins}
    assert recorded.keys() == sources.keys()
    for name, origin in recorded.items():
        assert (origin.repository, origin.commit) == (sources[name].repository, sources[name].commit)


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return load_builder().build(CRDS)


@pytest.mark.shared
@needs_shared(CRDS)
def test_builder_check_passes_on_the_committed_catalog(built, monkeypatch, capsys):
    builder = load_builder()
    monkeypatch.setattr(builder, "build", lambda source: built)  # built once for the module
    assert builder.main(["--check", "--source", str(CRDS)]) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.shared
@needs_shared(CRDS)
def test_builder_check_fails_on_a_stale_catalog(built, monkeypatch, tmp_path, capsys):
    builder = load_builder()
    monkeypatch.setattr(builder, "build", lambda source: built)
    for name in built:
        shutil.copy(CATALOG_DIR / name, tmp_path / name)
    # the same content compressed differently (another liblzma) is not out of date ...
    content = lzma.decompress((tmp_path / "catalog.json.xz").read_bytes())
    (tmp_path / "catalog.json.xz").write_bytes(lzma.compress(content, preset=1))
    assert builder.main(["--check", "--source", str(CRDS), "--out", str(tmp_path)]) == 0
    # ... other content is
    (tmp_path / "catalog.json.xz").write_bytes(lzma.compress(content.replace(b'"Namespaced"', b'"Cluster"', 1)))
    assert builder.main(["--check", "--source", str(CRDS), "--out", str(tmp_path)]) == 1
    assert "catalog.json.xz" in capsys.readouterr().out
    shutil.copy(CATALOG_DIR / "catalog.json.xz", tmp_path / "catalog.json.xz")
    (tmp_path / "index.json").unlink()
    assert builder.main(["--check", "--source", str(CRDS), "--out", str(tmp_path)]) == 1
    assert "index.json (missing)" in capsys.readouterr().out
