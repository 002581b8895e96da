"""Generated files are current: the schema bundles and the rule documentation."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, SHARED, needs_shared


def test_rule_docs_are_current():
    completed = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout


@needs_shared(SHARED / "k8s-openapi")
def test_schema_bundles_are_current():
    completed = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_schemas.py"), "--check",
                                "--source", str(SHARED / "k8s-openapi")], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_every_bundled_version_is_listed():
    from kubelint.schema.bundle import available_versions

    versions = available_versions()
    bundles = sorted(p.name for p in (ROOT / "schemas").glob("v*.json.gz"))
    assert len(versions) == len(bundles) >= 9
    assert versions[0] == "1.28" and versions[-1] == "1.36"
