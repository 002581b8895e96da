"""Secret values never reach any output: a canary planted in Secret data (base64) and stringData,
in env values and in annotations, on lines that also carry findings (so messages, hints and
source snippets would show it), is absent from every report format, the JSON, the text, the
files written with --output, stderr, and the scheduler's report when that command exists.

The formats are discovered from kubelint.report.FORMATS, so formats added later are covered.
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from conftest import run_cli
from kubelint.cli.main import build_parser
from kubelint.report import FORMATS

CANARY = "kubelint-canary-7f3a9c2e"
CANARY_B64 = base64.b64encode(CANARY.encode()).decode()
NUMBER = "73519024"          # a secret that YAML reads as an integer
OCTAL = "07350124"           # one that YAML 1.1 reads as octal 1954900 (an ambiguous scalar)
OCTAL_VALUE = str(int(OCTAL, 8))
BROKEN = "kubelint-broken-canary-51c0d8"  # only in documents that cannot be read
# issue 17: places the data alone does not show (an overwritten duplicate in a flow mapping), a scalar
# where the mapping belongs, JSON on one line, an env value that is a mapping, a key holding its value,
# the copy kubectl keeps in the last-applied annotation (an older value)
OVERWRITTEN = "kl-overwritten-q8Zr4Tm1"
OVERWRITTEN_DATA = "kl-overwritten-data-W3nB7x"
OVERWRITTEN_B64 = base64.b64encode(OVERWRITTEN_DATA.encode()).decode()
SCALAR = "kl-scalar-stringdata-Hy62Pq"
SCALAR_DATA = "kl-scalar-data-Vc90Lk"
JSON_SECRET = "kl-json-stringdata-Ru55Dw"
JSON_DATA = "kl-json-data-Gt41Mz"
JSON_B64 = base64.b64encode(JSON_DATA.encode()).decode()
ENV_MAP = "kl-env-mapping-Xe27Fs"
OWN_KEY = "kl-own-key-Np83Ja"
LAST_APPLIED = "kl-last-applied-Bq16Yc"
ISSUE_17 = [OVERWRITTEN, OVERWRITTEN_DATA, OVERWRITTEN_B64, SCALAR, SCALAR_DATA, JSON_SECRET, JSON_DATA, JSON_B64,
            ENV_MAP, OWN_KEY, LAST_APPLIED]
LEAKS = [CANARY, CANARY_B64, NUMBER, OCTAL, OCTAL_VALUE, OCTAL.lstrip("0"), "7f3a9c2e", BROKEN, "51c0d8",
         *ISSUE_17]

TRICKY = f"""\
apiVersion: v1
kind: Secret
metadata: {{name: flow-duplicates, namespace: shop}}
stringData: {{p: {OVERWRITTEN}, q: x, p: other-value, bad_: 3}}
data: {{a: {OVERWRITTEN_B64}, a: b3RoZXI=, bad_: 3}}
---
apiVersion: v1
kind: Secret
metadata: {{name: scalar-string-data}}
stringData: {SCALAR}
---
apiVersion: v1
kind: Secret
metadata: {{name: scalar-data}}
data: {SCALAR_DATA}
---
{{"apiVersion": "v1", "kind": "Secret", "metadata": {{"name": "one-line"}}, "stringData": {{"password": "{JSON_SECRET}", "pw": "{JSON_SECRET}"}}, "data": {{"token": "{JSON_B64}", "bad_": "{JSON_B64}"}}, "bogus": 1}}
---
apiVersion: v1
kind: Secret
metadata:
  name: own-key
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{{"apiVersion":"v1","kind":"Secret","stringData":{{"password":"{LAST_APPLIED}"}}}}'
stringData:
  "bad key {OWN_KEY}": {OWN_KEY}
---
apiVersion: v1
kind: Pod
metadata: {{name: env-mapping}}
spec:
  containers:
    - name: c
      image: nginx:1.27
      env:
        - {{name: A, value: {{{ENV_MAP}: 1}}}}
        - {{name: B, value: [{ENV_MAP}]}}
"""

SECRET = f"""\
apiVersion: v1
kind: Secret
metadata:
  name: creds
  annotations: {{"bad key!": {CANARY}, note: {CANARY}, count: {NUMBER}}}
type: Opaque
data: {{token: {CANARY_B64}, token: {CANARY_B64}}}
stringData: {{password: {CANARY}, pin: {OCTAL}, number: {NUMBER}, vault: !vault {CANARY}, more: [{CANARY}]}}
---
apiVersion: v1
kind: Secret
metadata:
  name: block-style
data:
  token: {CANARY_B64}
  token: {CANARY_B64}
  broken: "{CANARY}!"
stringData:
  password: {CANARY}
  password: {CANARY}
  pin: {OCTAL}
"""

WORKLOAD = f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {{note: {CANARY}, count: {NUMBER}, "Bad Key": {CANARY}}}
spec:
  replicas: "3"
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata:
      labels: {{app: web}}
      annotations: {{token: {CANARY}, pin: {OCTAL}, "also bad!": {CANARY}}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          env:
            - {{name: A, value: {CANARY}, vaule: typo}}
            - {{name: B, value: {NUMBER}}}
            - {{name: C, value: {OCTAL}}}
            - name: D
              value: {CANARY}
              value: {CANARY}
            - name: E
              value: {CANARY}
              valueFrom: {{secretKeyRef: {{name: creds, key: token}}}}
"""

BROKEN_SECRET = f"""\
apiVersion: v1
kind: Secret
metadata:
  name: broken
stringData:
  password: {BROKEN}: oops
---
apiVersion: v1
kind: Secret
metadata:
  name: broken-escape
stringData:
  token: "{BROKEN}\\q"
---
apiVersion: v1
kind: Secret
metadata: {{name: broken-flow}}
stringData: {{password: {BROKEN}, token: {BROKEN}]
"""

NODES = """\
apiVersion: v1
kind: Node
metadata:
  name: node-a
  labels: {kubernetes.io/hostname: node-a}
status:
  allocatable: {cpu: "4", memory: 16Gi, pods: "110"}
  capacity: {cpu: "4", memory: 16Gi, pods: "110"}
"""


def assert_no_leak(*texts: str) -> None:
    for text in texts:
        for secret in LEAKS:
            assert secret not in text, f"{secret!r} leaked: ...{text[max(text.find(secret) - 200, 0):text.find(secret) + 60]}..."


@pytest.fixture(scope="module")
def manifests(tmp_path_factory):
    folder = tmp_path_factory.mktemp("secrets")
    (folder / "secret.yaml").write_text(SECRET)
    (folder / "workload.yaml").write_text(WORKLOAD)
    (folder / "broken.yaml").write_text(BROKEN_SECRET)
    (folder / "tricky.yaml").write_text(TRICKY)
    return folder


def test_the_canary_is_where_findings_are(manifests):
    # The test is only meaningful if kubelint reports findings on the canary's lines.
    completed = run_cli("check", str(manifests), "--format", "json", "--fail-on", "info")
    findings = json.loads(completed.stdout)["findings"]
    lines = {(f["file"].rsplit("/", 1)[-1], f["line"]) for f in findings}
    canary_lines = {(name, number) for name, text in (("secret.yaml", SECRET), ("workload.yaml", WORKLOAD),
                                                      ("broken.yaml", BROKEN_SECRET))
                    for number, line in enumerate(text.splitlines(), 1)
                    if any(secret in line for secret in (CANARY, CANARY_B64, NUMBER, OCTAL, BROKEN))}
    covered = canary_lines & lines
    assert len(covered) >= 12, sorted(canary_lines - lines)
    rules = {f["rule"] for f in findings}
    assert {"yaml-duplicate-key", "yaml-tag", "schema-type", "schema-unknown-field", "annotation-invalid",
            "yaml-syntax", "schema-format"} <= rules, rules
    assert any("YAML 1.1" in f["message"] for f in findings)  # the ambiguous-scalar explanation
    assert any("schema-type" == f["rule"] and ("integer" in f["message"]) for f in findings)


@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_no_format_prints_a_secret(manifests, output_format, tmp_path):
    completed = run_cli("check", str(manifests), "--format", output_format, "--fail-on", "info",
                        "--statistics")
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout
    assert_no_leak(completed.stdout, completed.stderr)
    report = tmp_path / f"report.{output_format}"
    completed = run_cli("check", str(manifests), "--format", output_format, "--output", str(report))
    assert completed.returncode == 1 and completed.stdout == ""
    assert_no_leak(report.read_text(encoding="utf-8"), completed.stderr)


def test_stdin_and_debug_do_not_print_secrets(manifests):
    completed = run_cli("check", "-", "--debug", "--format", "text", stdin=SECRET + "---\n" + WORKLOAD)
    assert completed.returncode == 1
    assert_no_leak(completed.stdout, completed.stderr)


def test_masked_lines_still_show_where_the_problem_is(manifests):
    completed = run_cli("check", str(manifests / "workload.yaml"), "--no-color")
    text = completed.stdout
    assert "vaule" in text and "********" in text  # the line is shown, its secret masked
    assert re.search(r"env\[0\]", text)


def _subcommands() -> dict:
    parser = build_parser()
    for action in parser._actions:
        if getattr(action, "choices", None) and isinstance(action.choices, dict):
            return action.choices
    return {}


def test_the_schedulers_report_prints_no_secret(manifests, tmp_path):
    commands = _subcommands()
    if "schedule" not in commands:
        pytest.skip("`kubelint schedule` does not exist on this branch yet (issue 4); "
                    "this test covers it once it lands")
    schedule = commands["schedule"]
    formats = next((a.choices for a in schedule._actions if "--format" in a.option_strings), None) or ["text"]
    nodes = tmp_path / "nodes.yaml"
    nodes.write_text(NODES)
    for output_format in formats:
        completed = run_cli("schedule", str(manifests / "workload.yaml"), str(manifests / "secret.yaml"),
                            "--nodes", str(nodes), "--format", output_format)
        assert completed.returncode in (0, 1), completed.stderr
        assert completed.stdout
        assert_no_leak(completed.stdout, completed.stderr)
    check_options = commands["check"]
    if any("--nodes" in a.option_strings for a in check_options._actions):
        completed = run_cli("check", str(manifests), "--nodes", str(nodes), "--format", "json")
        assert completed.returncode == 1
        assert_no_leak(completed.stdout, completed.stderr)


@pytest.mark.parametrize("line,masked", [
    ("  password: s3cr3t: oops", "  password: ******* ****"),
    ('  "the key": "value"', '  "the key": *******'),
    ("- {name: A, value: x}", "- ****** ** ****** **"),
    ("stringData: {password: x}", "stringData: ********** **"),
    ("just-a-value", "************"),
    ("\tkey: value", "\tkey: *****"),
])
def test_lines_of_unreadable_documents_keep_keys_and_length(line, masked):
    from kubelint.findings.redaction import mask_values

    assert mask_values(line) == masked and len(masked) == len(line)


def test_the_tricky_canaries_are_on_lines_with_findings(manifests):
    # issue 17: each canary of TRICKY sits on a line that has a finding, so the report shows that line
    completed = run_cli("check", str(manifests / "tricky.yaml"), "--format", "json", "--fail-on", "info")
    lines = {f["line"] for f in json.loads(completed.stdout)["findings"]}
    for canary in (OVERWRITTEN, OVERWRITTEN_B64, SCALAR, SCALAR_DATA, JSON_SECRET, JSON_B64, ENV_MAP, OWN_KEY):
        number = next(n for n, line in enumerate(TRICKY.splitlines(), 1) if canary in line)
        assert number in lines, (canary, number, sorted(lines))


def test_the_diff_of_fixes_prints_no_secret(manifests, tmp_path):
    target = tmp_path / "tricky.yaml"
    target.write_text(TRICKY + "---\n" + SECRET)
    completed = run_cli("check", str(target), "--diff", "--unsafe-fixes")
    assert completed.returncode in (0, 1), completed.stderr
    assert_no_leak(completed.stdout, completed.stderr)


def test_names_namespaces_and_labels_stay_visible(tmp_path):
    # issue 17: a Secret's value equal to a namespace (username "shop" in namespace "shop") masks the
    # value, not the namespace in another object's message (public_names)
    (tmp_path / "app.yaml").write_text(f"""\
apiVersion: v1
kind: Secret
metadata: {{name: postgres-credentials, namespace: shop, labels: {{team: payments}}}}
data: {{username: {base64.b64encode(b"shop").decode()}, password: {base64.b64encode(b"payments").decode()}}}
---
apiVersion: v1
kind: Pod
metadata: {{name: api, namespace: shop, labels: {{team: payments}}}}
spec:
  containers:
    - name: api
      image: nginx:1.27
      envFrom: [{{secretRef: {{name: missing-secret}}}}]
""")
    completed = run_cli("check", str(tmp_path), "--format", "json", "--fail-on", "info")
    findings = json.loads(completed.stdout)["findings"]
    missing = [f for f in findings if "missing-secret" in f["message"]]
    assert missing and 'namespace "shop"' in missing[0]["message"], findings
    assert "<redacted>" not in completed.stdout
