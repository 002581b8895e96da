"""Every case of the YAML test suite (tests/data/yaml-test-suite, MIT): no crash, no traceback,
and the verdict Kubernetes' parser family gives (libyaml's, recorded by the import script; see
that folder's README for where it differs from the suite's YAML 1.2 verdict, and why)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import DATA, run_cli
from kubelint import check

SUITE = DATA / "yaml-test-suite"
MANIFEST = json.loads((SUITE / "cases.json").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]


def expected(case: str) -> str:
    entry = CASES[case]
    return entry.get("kubelint", {}).get("verdict", entry["libyaml"])


def test_the_whole_suite_is_here():
    folders = sorted(path.name for path in (SUITE / "cases").iterdir())
    assert folders == sorted(CASES) and len(CASES) == 402
    assert (SUITE / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


@pytest.mark.parametrize("case", sorted(CASES))
def test_case(case):
    path = SUITE / "cases" / case / "in.yaml"
    result = check([str(path)])
    syntax = [f for f in result.findings if f.rule == "yaml-syntax"]
    if expected(case) == "reject":
        assert syntax, f"{case} ({CASES[case]['name']}): libyaml rejects it, kubelint reported {result.findings}"
        assert all(f.line is not None and f.line >= 1 and f.column is not None for f in syntax)
    else:
        assert syntax == [], f"{case} ({CASES[case]['name']}): libyaml accepts it"


def test_deliberate_differences_from_libyaml_are_only_acceptances():
    differing = {case: entry["kubelint"] for case, entry in CASES.items() if "kubelint" in entry}
    assert len(differing) == 8
    assert all(e["verdict"] == "accept" and CASES[c]["libyaml"] == "reject" for c, e in differing.items())


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_the_command_line_reads_every_case_without_a_traceback(output_format):
    completed = run_cli("check", str(SUITE / "cases"), "--format", output_format, "--fail-on", "warning")
    assert completed.returncode in (0, 1), completed.stderr
    assert completed.stderr == ""
    if output_format == "json":
        report = json.loads(completed.stdout)
        assert report["summary"]["files"] == len(CASES)
        rejected = {Path(f["file"]).parent.name for f in report["findings"] if f["rule"] == "yaml-syntax"}
        assert rejected == {case for case in CASES if expected(case) == "reject"}
