"""``--fix --unsafe-fixes`` on a copy of the real-world corpus: no internal error, the report is what is
on disk afterwards, no validity rule gains a finding, and only the files the report names changed.

One run with every fix (the safe ones are among them) keeps the test to one fix run and two checks;
it prints how long the run took and what it fixed, by rule.
"""

from __future__ import annotations

import json
import shutil
import stat
import time
from collections import Counter

import pytest

from conftest import CORPUS, needs_shared, run_cli
from kubelint.fix.plan import VALIDITY
from kubelint.rules.registry import load_rules


def identities(report: dict) -> Counter:
    """What each finding is about, as kubelint.fix.plan.identity says, from a JSON report."""
    out: Counter = Counter()
    for f in report["findings"]:
        resource = f["resource"] or {}
        out[(f["rule"], f["file"], resource.get("kind"), resource.get("namespace"), resource.get("name"),
             f["path"])] += 1
    return out


def checked(folder) -> dict:
    completed = run_cli("check", str(folder), "--format", "json")
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)


@pytest.mark.shared
@needs_shared(CORPUS)
def test_fix_on_a_copy_of_the_corpus(tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy, symlinks=True)
    for path in [copy, *copy.rglob("*")]:  # the shared corpus is read-only; its copy must not be
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    before = checked(copy)

    started = time.perf_counter()
    completed = run_cli("check", str(copy), "--fix", "--unsafe-fixes", "--format", "json")
    elapsed = time.perf_counter() - started
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr and "internal error" not in completed.stderr
    report = json.loads(completed.stdout)
    fixes = report["fixes"]

    after = checked(copy)
    assert identities(report) == identities(after)  # the fixed files are those the fix run checked

    rules = load_rules()
    new = identities(after) - identities(before)
    assert [key for key in new if rules[key[0]].category in VALIDITY] == []
    assert {key[1] for key in new} <= set(fixes["files"])

    changed = sorted(str(p) for p in copy.rglob("*") if p.is_file() and not p.is_symlink()
                     and p.read_bytes() != (CORPUS / p.relative_to(copy)).read_bytes())
    assert changed == fixes["files"]
    assert fixes["fixed"] > 1000 and set(fixes["byRule"]) >= {"api-removed", "automount-service-account-token",
                                                              "pss-privilege-escalation", "schema-enum"}
    print(f"\n--fix --unsafe-fixes on the corpus: {elapsed:.1f}s, {len(changed)} files changed, "
          f"{fixes['fixed']} findings fixed, {fixes['revealed']} revealed, {len(fixes['skipped'])} fixes skipped")
    for rule, count in sorted(fixes["byRule"].items(), key=lambda item: -item[1]):
        print(f"  {count:>5}  {rule}")
