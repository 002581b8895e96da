"""The CEL bomb of issue 17: all() nested three deep over a list of 3,000 items is stopped at the
API server's per-call cost limit (k8s.io/apiserver/pkg/apis/cel/config.go PerCallLimit = 1000000;
"call cost exceeds limit for rule", apiextensions-apiserver pkg/apiserver/schema/cel/validation.go)."""

import subprocess
import sys

from kubelint.checks.crd_cel import comprehension_depth

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: bombs.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: bombs, singular: bomb, kind: Bomb}
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
              properties:
                items: {type: array, items: {type: integer}}
              x-kubernetes-validations:
                - rule: "self.items.all(a, self.items.all(b, self.items.all(c, a + b + c >= 0)))"
"""


def test_comprehension_depth():
    assert comprehension_depth("self.a.all(x, self.a.all(y, self.a.exists(z, z == x)))") == 3
    assert comprehension_depth("self.a.all(x, x > 0) && self.b.all(y, y > 0)") == 1
    assert comprehension_depth("'.all(' == self.s") == 0


def test_cel_bomb_is_stopped_with_a_finding(tmp_path):
    cr = "---\napiVersion: example.com/v1\nkind: Bomb\nmetadata: {name: b}\nspec:\n  items: [" + ", ".join(
        str(i) for i in range(3000)) + "]\n"
    path = tmp_path / "bomb.yaml"
    path.write_text(CRD + cr)
    done = subprocess.run([sys.executable, "-m", "kubelint", "check", str(path), "--format", "json"],
                          capture_output=True, text=True, timeout=20)
    assert done.returncode == 1, done.stderr
    assert "call cost exceeds limit for rule" in done.stdout
    assert '"cel-validation"' in done.stdout
