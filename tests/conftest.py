"""Shared test helpers. Tests that read ../shared skip cleanly when it is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kubelint import Options, check
from kubelint.load.reader import ParsedDocument, read_documents
from kubelint.model import Source
from kubelint.rules.registry import load_rules

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KUBELINT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
#: the OASIS schema of SARIF 2.1.0
SARIF_SCHEMA = SHARED / "sarif" / "sarif-schema-2.1.0.json"
EXAMPLES = ROOT / "examples"
#: test data shared by the test folders: golden reports, recorded verdicts, the YAML test suite
DATA = ROOT / "tests" / "data"
#: manifests that whole rule sets must pass
FIXTURES = ROOT / "tests" / "fixtures"
#: the project fixtures of issue 12 (kustomize trees, Helm charts, environments; see their README)
PROJECTS = FIXTURES / "projects"

#: a Deployment whose replicas is a quoted number (schema-type at line 6), for the command-line,
#: pre-commit and recipe tests
BROKEN_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "3"
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


def crd(kind: str, spec_schema: str, group: str = "example.com") -> str:
    """A namespaced CustomResourceDefinition of `kind` (plural `<kind>s`) in `group`, with one version v1,
    served and stored, whose `spec` is an object with the schema `spec_schema` (YAML, written as at the
    left margin: `properties: ...`, `required: [...]`). The text has 18 lines before `spec_schema`."""
    singular = kind.lower()
    return f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: {singular}s.{group}
spec:
  group: {group}
  scope: Namespaced
  names: {{kind: {kind}, plural: {singular}s, singular: {singular}, listKind: {kind}List}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
{textwrap.indent(spec_schema, " " * 14)}"""


def sarif_validator() -> jsonschema.Draft4Validator:
    """A validator of SARIF logs against SARIF_SCHEMA (draft 4, with its formats checked)."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    """pre-commit's cache (PRE_COMMIT_HOME) for the hook tests: the hook's environment is built once a module."""
    return tmp_path_factory.mktemp("pre-commit-home")


def needs_shared(path: Path = SHARED):
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is absent")


def lint(text: str, **options):
    """Lint a YAML text with default options; returns the findings."""
    return check(text=text, name="test.yaml", options=Options(**options)).findings


#: The rules of reading, manifests, schemas and the API lifecycle. Tests of those stages lint with only
#: these, so that rule packs (best practices, references) that also flag their minimal manifests do
#: not change what they assert.
CORE_RULES = ["file", "yaml", "manifest", "schema", "api", "unknown-kind", "name-invalid", "label-invalid",
              "annotation-invalid"]


def single_object_rules() -> list[str]:
    """Rules that judge one object at a time, as the API server does: the core rules and the
    API-validation rules (category "validation"), without cross-resource or best-practice rules."""
    return CORE_RULES + sorted(r.id for r in load_rules().values() if r.category == "validation")


def lint_core(text: str, **options):
    """Lint a YAML text with the core rules only (unless the test selects others)."""
    options.setdefault("select", CORE_RULES)
    return lint(text, **options)


def documents(text: str) -> list[ParsedDocument]:
    """The documents the loader reads from a text (without the problems it reports), for the reading tests."""
    return read_documents(Source("t.yaml", text))[0]


def field_paths(value: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every path into a tree of mappings and lists (keys and indexes), the tree's own () first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from field_paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from field_paths(item, prefix + (index,))


def put(tree: Any, path: tuple[str | int, ...], value: Any) -> None:
    """Replace what is at a (non-empty) path of field_paths with value."""
    for segment in path[:-1]:
        tree = tree[segment]
    tree[path[-1]] = value


def by_rule(findings, rule: str):
    return [f for f in findings if f.rule == rule]


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None, env: dict | None = None):
    """Run the kubelint command line in a subprocess, as users do."""
    environment = dict(os.environ)
    environment.pop("NO_COLOR", None)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "kubelint", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd or ROOT, env=environment, timeout=300)
