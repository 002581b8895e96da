"""Hostile inputs through the command line, at small sizes: each ends with a clear finding (exit
code 1) or a message and exit code 2, or passes when it is valid; never exit code 3, a traceback
or a hang. The definitions are bench/hostile.py's, which also runs them at full size (a 100 MB
file, 20,000 files, a million levels of nesting) and measures time and peak memory."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import hostile  # noqa: E402

CHEAP = [case for case in hostile.CASES if case.cheap]


def test_every_case_named_by_the_issue_is_here():
    names = {case.name for case in hostile.CASES}
    assert {"alias-bomb", "deep-flow-10k", "file-100mb", "scalar-10mb-plain", "nul-bytes", "binary-junk",
            "invalid-utf8", "utf16-bom", "utf16-no-bom", "symlink-loop", "unreadable-file", "folder-20000-files",
            "missing-path"} <= names
    assert len(CHEAP) >= 20


@pytest.mark.parametrize("case", CHEAP, ids=[case.name for case in CHEAP])
def test_hostile_input(case, tmp_path):
    outcome = hostile.run(case, tmp_path / case.name, full=False)
    assert outcome.problems == [], f"{case.name}: {outcome.problems}; stderr: {outcome.stderr[-500:]}"
    assert outcome.code in (0, 1, 2)
    if outcome.code == 2:
        assert outcome.stderr.startswith("kubelint: error:") and len(outcome.stderr.splitlines()) == 1


def test_unsafe_tags_are_never_constructed(tmp_path):
    case = next(c for c in hostile.CASES if c.name == "unsafe-tags")
    outcome = hostile.run(case, tmp_path / "tags", full=False)
    assert outcome.problems == [] and not (tmp_path / "tags" / "constructed").exists()
    assert {"yaml-unsafe-tag", "yaml-tag"} <= set(outcome.rules)
