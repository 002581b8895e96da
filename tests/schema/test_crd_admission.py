"""Custom resources are validated as the API server admits them on create.

- Structural defaulting comes first (KEP-575; the decoder of apiextensions-apiserver applies the
  schema's defaults, and prunes nulls of fields that are not nullable, before validation): a
  required field that has a default may be left out.
- With the status subresource, ``status`` is dropped on create and kept from the old object on
  update (customResourceStrategy.PrepareForCreate/PrepareForUpdate in
  apiextensions-apiserver/pkg/registry/customresource/strategy.go): what a manifest writes there is
  never validated, by the schema or by the CRD's CEL rules.
- Compiled validators are cached for the process under the schema's content, so that a CRD read
  in one run is never validated with another run's schema.
"""

from __future__ import annotations

import gc

from conftest import crd, lint
from kubelint import Options, check
from kubelint.load import resources as resource_loader
from kubelint.load.reader import read_documents
from kubelint.model import Severity, Source
from kubelint.schema.crd import CRDRegistry

DEFAULTED = crd("Backup", """\
required: [mode, retention]
properties:
  mode: {type: string, enum: [full, incremental], default: full}
  retention: {type: integer, minimum: 1, default: 7}
  target:
    type: object
    required: [kind]
    properties:
      kind: {type: string, default: Volume}
      name: {type: string}
  note: {type: string}
""")


def backup(spec: str) -> str:
    return DEFAULTED + "---\napiVersion: example.com/v1\nkind: Backup\nmetadata:\n  name: nightly\nspec:\n" + spec


def test_required_fields_with_a_default_may_be_left_out():
    assert lint(backup("  target: {name: data}\n")) == []
    assert lint(backup("  {}\n")) == []


def test_a_defaulted_field_is_still_validated_when_given():
    findings = lint(backup("  retention: 0\n  target: {kind: 3}\n"))
    assert sorted((f.rule, f.line) for f in findings) == [("schema-range", 36), ("schema-type", 37)]


def test_a_null_is_defaulted_and_a_required_field_without_default_is_still_required():
    without_default = DEFAULTED.replace("required: [mode, retention]", "required: [mode, retention, note]")
    text = without_default + "---\napiVersion: example.com/v1\nkind: Backup\nmetadata:\n  name: nightly\n" \
                             "spec:\n  mode: null\n"
    findings = lint(text)
    assert [(f.rule, f.severity, f.line) for f in findings] == [("schema-required", Severity.ERROR, 35)]
    assert 'missing required field "note"' in findings[0].message


STATUS_CRD = crd("Job", """\
properties:
  size: {type: integer}
""").replace("      storage: true\n", "      storage: true\n      subresources: {status: {}}\n") + """\
            status:
              type: object
              properties:
                phase: {type: string, enum: [Pending, Done]}
              x-kubernetes-validations:
                - rule: "self.phase == 'Done'"
"""


def job(status: str) -> str:
    return STATUS_CRD + "---\napiVersion: example.com/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  size: 1\n" + status


def test_status_is_not_validated_when_the_api_server_drops_it():
    assert lint(job("status:\n  phase: Unknown\n  extra: 1\n"), select=["schema", "cel"]) == []


def test_status_is_validated_without_the_status_subresource():
    text = job("status:\n  phase: Unknown\n").replace("      subresources: {status: {}}\n", "")
    assert sorted(f.rule for f in lint(text, select=["schema", "cel"])) == ["cel-validation", "schema-enum"]


def test_spec_is_still_validated_with_the_status_subresource():
    findings = lint(job("status:\n  phase: Done\n").replace("  size: 1\n", "  size: one\n"))
    assert [f.rule for f in findings] == ["schema-type"]


# --- the validators' cache -------------------------------------------------------------------


def test_the_cache_key_is_the_schema_content():
    def kinds(text: str):
        registry = CRDRegistry()
        for parsed in read_documents(Source("crd.yaml", text))[0]:
            for resource in resource_loader.extract(parsed.document)[0]:
                registry.add(resource)
        return registry.lookup("example.com/v1", "Backup")

    first, same, other = kinds(DEFAULTED), kinds(DEFAULTED), kinds(DEFAULTED.replace("minimum: 1", "minimum: 2"))
    assert first is not None and same is not None and other is not None
    assert first.definition is not same.definition and first.key == same.key
    assert other.key != first.key


def test_runs_in_one_process_never_share_a_schema_by_accident():
    """Two CRDs of one kind, one requiring spec.size and one not, in alternating runs: each run is
    judged by its own CRD. With the CRD object's address as the key, a CRD could land where the
    previous run's freed one was and be validated with its schema: about one run in fifteen did
    (the test above is the deterministic one; this is the symptom users saw, in a long-lived process)."""
    strict = crd("Widget", "required: [size]\nproperties:\n  size: {type: integer}\n")
    lenient = crd("Widget", "properties:\n  size: {type: integer}\n")
    widget = "---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {}\n"
    verdicts = []
    for run in range(40):
        text = (strict if run % 2 == 0 else lenient) + widget
        verdicts.append([f.rule for f in check(text=text, options=Options(select=["schema"])).findings])
        gc.collect()
    assert verdicts == [["schema-required"] if run % 2 == 0 else [] for run in range(40)]
