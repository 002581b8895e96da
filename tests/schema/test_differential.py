"""kubelint against kubernetes-validate (strict, same Kubernetes version) on every corpus document.

kubernetes-validate checks the OpenAPI schema only; kubelint also applies the API server's
hand-written validation, reads YAML as go-yaml does and knows removed APIs. Every document on
which the two disagree must be explained in tests/data/differential-allowlist.yaml: by the rule
that makes kubelint reject what the schema accepts, or document by document with the reason.
kubernetes-validate's verdicts come from scripts/kubernetes_validate_verdicts.py (it is slow);
when it is installed, a sample is re-checked live so that the table cannot go stale unnoticed.
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPUS, DATA, ROOT, needs_shared, single_object_rules
from kubelint import Options, check
from kubelint.model import Severity

TABLE = DATA / "kubernetes-validate-verdicts.json"
ALLOWLIST = DATA / "differential-allowlist.yaml"


def _script():
    spec = importlib.util.spec_from_file_location("kv_verdicts", ROOT / "scripts" / "kubernetes_validate_verdicts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _allowlist() -> dict:
    from kubelint.load.reader import read_documents
    from kubelint.model import Source

    parsed, _ = read_documents(Source(str(ALLOWLIST), ALLOWLIST.read_text()))
    return parsed[0].document.data


@lru_cache(maxsize=1)
def comparison():
    """(kubelint verdicts, kubernetes-validate table, error rules per document)."""
    table = json.loads(TABLE.read_text())
    script = _script()
    # The API server judges one object at a time: cross-resource and best-practice rules are out.
    result = check([str(CORPUS)], options=Options(kube_version=table["kubernetesVersion"],
                                                  select=single_object_rules()))
    starts: dict[str, list[tuple[int, str]]] = {}
    digests: dict[str, str] = {}
    for key, name, document in script.documents(CORPUS):
        relative = key.rsplit("#", 1)[0]
        starts.setdefault(str(Path(name).resolve()), []).append((document.start_line + 1, key))
        digests[relative] = script.file_digest(name)
    rules: dict[str, set[str]] = {}
    for finding in result.findings:
        if finding.severity < Severity.ERROR or finding.line is None:
            continue
        documents = starts.get(str(Path(finding.file).resolve()), [])
        owner = None
        for start, key in documents:
            if start <= finding.line:
                owner = key
        if owner is not None:
            rules.setdefault(owner, set()).add(finding.rule)
    return rules, table, digests


@needs_shared(CORPUS)
def test_table_is_current_for_the_corpus():
    _, table, digests = comparison()
    stale = sorted(f for f, digest in table["files"].items() if digests.get(f) != digest)
    assert not stale, f"corpus changed: run scripts/kubernetes_validate_verdicts.py ({stale[:5]})"


@needs_shared(CORPUS)
def test_every_disagreement_is_explained():
    rules, table, _ = comparison()
    allow = _allowlist()
    by_rule: dict = allow.get("rules") or {}
    by_document: dict = allow.get("documents") or {}
    unexplained, explained_documents = [], set()
    agree = compared = 0
    for key, item in table["documents"].items():
        verdict = item["verdict"]
        if verdict == "no-schema":
            continue
        compared += 1
        kubelint_invalid = key in rules
        if kubelint_invalid == (verdict == "invalid"):
            agree += 1
            continue
        if key in by_document:
            explained_documents.add(key)
            continue
        if kubelint_invalid and rules[key] <= set(by_rule):
            continue
        unexplained.append((key, verdict, sorted(rules.get(key, ())), item.get("detail", "")))
    print(f"\nagreement with kubernetes-validate: {agree}/{compared} documents ({100 * agree / compared:.1f}%)")
    assert not unexplained, "disagreements not in the allow-list:\n" + "\n".join(map(str, unexplained[:30]))
    stale = sorted(set(by_document) - explained_documents)
    assert not stale, f"allow-list entries that no longer disagree: {stale}"


@needs_shared(CORPUS)
def test_allow_listed_rules_are_hand_written_validation():
    from kubelint.rules.registry import load_rules

    rules = load_rules()
    for rule_id, reason in (_allowlist().get("rules") or {}).items():
        assert rule_id in rules, rule_id
        assert isinstance(reason, str) and len(reason) > 20, f"{rule_id}: give the reason"


@needs_shared(CORPUS)
@pytest.mark.skipif(importlib.util.find_spec("kubernetes_validate") is None,
                    reason="kubernetes-validate is not installed (pip install '.[bench]')")
def test_live_sample_matches_the_table():
    _, table, _ = comparison()
    script = _script()
    wanted = {key for i, key in enumerate(sorted(table["documents"])) if i % 50 == 0}
    for key, _, document in script.documents(CORPUS):
        if key in wanted:
            verdict, _ = script.kubernetes_validate_verdict(document.text, table["kubernetesVersion"])
            assert verdict == table["documents"][key]["verdict"], key
