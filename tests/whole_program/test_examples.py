"""The bundled examples: the app checks clean, and the broken variant reports exactly its listed defects."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, run_cli
from kubelint import Options, check
from kubelint.rules.registry import parse_expectations

BROKEN = sorted((EXAMPLES / "broken").glob("*.yaml"))


def test_example_app_checks_clean():
    result = check([str(EXAMPLES / "app")])
    assert result.findings == []
    assert len(result.resources) >= 15


def test_examples_folder_checks_clean_from_the_repository_root():
    # .kubelint.yaml excludes examples/broken/ unless it is named explicitly.
    completed = run_cli("check", "examples/", cwd=ROOT)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "All checks passed" in completed.stdout


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_broken_example_reports_each_listed_defect_at_its_line(path: Path):
    expected = sorted((line, rule) for line, rule, _ in parse_expectations(path.read_text()))
    assert expected, f"{path} lists no defects"
    findings = check([str(path)], options=Options()).findings
    # Each file shows the defects of some rules: those rules report exactly the marked lines.
    # Other rules (a best-practice rule on a file about API validation) may report more.
    shown = {rule for _, rule in expected}
    assert sorted((f.line, f.rule) for f in findings if f.rule in shown) == expected


def test_broken_folder_named_explicitly_is_checked():
    completed = run_cli("check", "examples/broken/", cwd=ROOT)
    assert completed.returncode == 1
    assert "schema-unknown-field" in completed.stdout
