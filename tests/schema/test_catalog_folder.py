"""A team's own catalog (--crd-catalog DIR, kubelint/schema/catalog_folder.py): CRD files, and JSON
Schemas named as kubeconform's -schema-location templates find them."""

from __future__ import annotations

import json

import pytest

from conftest import CORE_RULES, crd
from kubelint import Options, check
from kubelint.schema.catalog import CatalogError
from kubelint.schema.catalog_folder import FolderCatalog

SPEC_SCHEMA = {"type": "object", "required": ["size"], "additionalProperties": False,
               "properties": {"size": {"type": "integer"}, "color": {"type": "string", "enum": ["red", "blue"]}}}


def schema(**spec: object) -> str:
    """A JSON Schema as kubeconform's openapi2jsonschema.py writes one: the version's openAPIV3Schema."""
    return json.dumps({"type": "object", "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                                        "metadata": {"type": "object"}, "spec": dict(SPEC_SCHEMA, **spec)}})


def widget(api_version: str = "example.com/v1", kind: str = "Widget", spec: str = "{size: 1}") -> str:
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: w\n  namespace: shop\nspec: {spec}\n"


def findings(text: str, *folders) -> list[tuple[int, str]]:
    options = Options(select=CORE_RULES, crd_catalog_dirs=[str(f) for f in folders])
    return sorted((f.line, f.rule) for f in check(text=text, options=options).findings)


@pytest.mark.parametrize("name", ["widget_v1.json",                  # openapi2jsonschema's {kind}_{version}
                                  "example.com/widget_v1.json",      # datreeio/CRDs-catalog's {{.Group}}/...
                                  "widget-example-v1.json",          # {{.ResourceKind}}{{.KindSuffix}}
                                  "widget-example.com-v1.json",      # FILENAME_FORMAT {kind}-{fullgroup}-{version}
                                  "Widget_v1.json"])                 # a hand-made name, not lower-cased
def test_json_schemas_are_found_by_kubeconforms_names(tmp_path, name):
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(schema())
    assert findings(widget(), tmp_path) == []
    assert findings(widget(spec="{size: 1, colour: red}"), tmp_path) == [(6, "schema-unknown-field")]
    assert findings(widget(spec="{color: green}"), tmp_path) == [(6, "schema-enum"), (6, "schema-required")]


def test_a_json_schema_of_another_version_or_group_is_not_used(tmp_path):
    (tmp_path / "example.org").mkdir()
    (tmp_path / "example.org" / "widget_v1.json").write_text(schema())
    (tmp_path / "widget_v2.json").write_text(schema())
    found = check(text=widget(), options=Options(select=CORE_RULES, crd_catalog_dirs=[str(tmp_path)])).findings
    assert [(f.rule, f.severity.label) for f in found] == [("unknown-kind", "warning")]
    assert "defines only example.com/v2" in found[0].message


def test_crd_files_anywhere_in_the_folder(tmp_path):
    (tmp_path / "team" / "widgets").mkdir(parents=True)
    (tmp_path / "team" / "widgets" / "crd.yaml").write_text(
        crd("Widget", "required: [size]\nproperties:\n  size: {type: integer}\n"))
    assert findings(widget(spec="{}"), tmp_path) == [(6, "schema-required")]
    assert findings(widget(), tmp_path) == []


def test_the_folder_comes_before_the_bundled_catalog_and_the_input_before_both(tmp_path):
    certificate = "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: c\nspec: {size: 1}\n"
    assert (5, "schema-unknown-field") in findings(certificate)      # the bundled CRD
    (tmp_path / "certificate_v1.json").write_text(schema())
    assert findings(certificate, tmp_path) == []                     # the team's schema
    own = crd("Certificate", "properties:\n  size: {type: string}\n", group="cert-manager.io")
    assert findings(own + "---\n" + certificate, tmp_path) == [(26, "schema-type")]  # the input's CRD


def test_the_scope_of_a_json_schema_is_the_bundled_catalogs_when_it_knows_the_kind(tmp_path):
    (tmp_path / "clusterissuer_v1.json").write_text(json.dumps({"type": "object"}))
    text = "apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: ca\n"
    result = check(text=text, options=Options(select=CORE_RULES, crd_catalog_dirs=[str(tmp_path)]))
    assert result.findings == [] and result.resources[0].namespace is None
    assert FolderCatalog(tmp_path).lookup("cert-manager.io/v1", "ClusterIssuer").data["spec"]["scope"] == "Cluster"


def test_nothing_is_read_before_a_custom_kind_is_looked_up(tmp_path):
    (tmp_path / "broken.yaml").write_text("a: [")
    assert findings("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", tmp_path) == []


@pytest.mark.parametrize("name,text,message", [
    ("widget_v1.json", "{", "widget_v1.json: not valid JSON"),
    ("widget_v1.json", "[1]", "not a JSON Schema"),
    ("crds.yaml", "kind: [", "crds.yaml:2:1: YAML syntax error"),
])
def test_a_broken_file_is_an_error_naming_it(tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    with pytest.raises(CatalogError, match=message.replace(".", r"\.").replace("[", r"\[")):
        check(text=widget(), options=Options(select=CORE_RULES, crd_catalog_dirs=[str(tmp_path)]))
