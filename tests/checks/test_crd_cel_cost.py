"""The CEL bomb of issue 17: all() nested three deep over a list of 3,000 items is not evaluated
beyond the API server's per-call cost limit (k8s.io/apiserver/pkg/apis/cel/config.go PerCallLimit = 1000000;
"call cost exceeds limit for rule", apiextensions-apiserver pkg/apiserver/schema/cel/validation.go)."""

import json
import subprocess
import sys

from conftest import crd
from kubelint.checks.crd_cel import comprehension_depth

CRD = crd("Bomb", """properties:
  items: {type: array, items: {type: integer}}
x-kubernetes-validations:
  - rule: "self.items.all(a, self.items.all(b, self.items.all(c, a + b + c >= 0)))"
""")


def test_comprehension_depth():
    assert comprehension_depth("self.a.all(x, self.a.all(y, self.a.exists(z, z == x)))") == 3
    assert comprehension_depth("self.a.all(x, x > 0) && self.b.all(y, y > 0)") == 1
    assert comprehension_depth("'.all(' == self.s") == 0


def _run(tmp_path, count):
    cr = "---\napiVersion: example.com/v1\nkind: Bomb\nmetadata: {name: b}\nspec:\n  items: [" + ", ".join(
        str(i) for i in range(count)) + "]\n"
    path = tmp_path / "bomb.yaml"
    path.write_text(CRD + cr)
    done = subprocess.run([sys.executable, "-m", "kubelint", "check", str(path), "--format", "json",
                           "--fail-on", "info"], capture_output=True, text=True, timeout=20)
    return done, [f for f in json.loads(done.stdout)["findings"] if f["rule"].startswith("cel-")]


def test_cel_bomb_is_stopped_with_a_finding(tmp_path):
    done, findings = _run(tmp_path, 3000)
    spec_line = (CRD.count("\n") + 1) + 4  # the custom resource's "spec:" after "---", apiVersion, kind, metadata
    assert done.returncode == 1, done.stderr
    assert [(f["rule"], f["severity"], f["line"]) for f in findings] == [("cel-not-evaluated", "info", spec_line)]
    assert "per-call limit of 1,000,000 (PerCallLimit)" in findings[0]["message"]


def test_the_same_rule_over_a_small_list_is_evaluated(tmp_path):
    done, findings = _run(tmp_path, 50)
    assert findings == [], done.stdout
