"""The rounds of --fix: a fix that introduces a finding of a validity rule (or one where it wrote) is
not applied, and says why; the other fixes of its document still are; findings a fix reveals that can
be fixed are fixed in the next round; the findings of rules that now apply are reported as revealed."""

from __future__ import annotations

from kubelint.cli.fix import fix_text
from kubelint.config.options import Options

NAME = "pod.yaml"


def pod(containers_key: str, policy: str) -> str:
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  terminationGracePeriodSeconds: "30"
  {containers_key}:
    - name: web
      image: nginx:1.27
      imagePullPolicy: {policy}
"""


def test_a_fix_that_would_introduce_a_validity_finding_is_not_applied_and_says_why():
    # renaming "containres" reveals imagePullPolicy "sometimes", which the API server rejects
    outcome = fix_text(pod("containres", "sometimes"), Options(select=["schema"]), name=NAME)
    text = outcome.texts[NAME]
    assert "containres:" in text  # not renamed
    assert "terminationGracePeriodSeconds: 30\n" in text  # the other fix of the document is applied
    [(file, line, rule, reason)] = outcome.summary.skipped
    assert (file, line, rule) == (NAME, 7, "schema-unknown-field")
    assert reason.startswith("it would introduce schema-enum (spec.containers[0].imagePullPolicy: unsupported")


def test_what_a_fix_reveals_and_can_be_fixed_is_fixed_in_the_next_round():
    outcome = fix_text(pod("containres", "always"), Options(select=["schema"]), name=NAME)
    assert outcome.texts[NAME] == pod("containers", "Always").replace('"30"', "30")
    assert outcome.summary.skipped == [] and outcome.result.findings == []
    # the enum finding was not there before the rename: it is fixed, not counted among the findings fixed
    assert outcome.summary.fixed == {"schema-required": 1, "schema-type": 1, "schema-unknown-field": 1}


def test_findings_of_rules_that_now_apply_are_revealed_not_introduced():
    text = """\
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
        - {name: web, image: nginx:1.27}
"""
    outcome = fix_text(text, Options(select=["schema", "pdb-missing"]), name=NAME)
    assert outcome.texts[NAME] == text.replace('"3"', "3")
    assert [f.rule for f in outcome.result.findings] == ["pdb-missing"]  # 3 replicas want a budget
    assert outcome.summary.revealed == 1 and outcome.summary.fixed == {"schema-type": 1}
