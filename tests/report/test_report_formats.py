"""The machine formats: SARIF, JUnit, GitHub workflow commands (and --statistics, --quiet in each).

Golden files in tests/data/reports/ hold the reviewed output for the manifests there; after a
deliberate change, regenerate them with ``KUBELINT_UPDATE_GOLDEN=1 pytest tests/report/test_report_formats.py``
and review the diff. Only the foundation's rules are selected, so that new rules do not move them.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ElementTree

import pytest

from conftest import ROOT, SARIF_SCHEMA, needs_shared, run_cli, sarif_validator

DATA = ROOT / "tests" / "data" / "reports"
MANIFESTS = "tests/data/reports/manifests/"
RULES = ("yaml-syntax,yaml-duplicate-key,yaml-ambiguous-scalar,schema-type,schema-unknown-field,"
         "label-invalid,manifest-invalid")
UPDATE = os.environ.get("KUBELINT_UPDATE_GOLDEN") == "1"


def report(format_name: str, *extra: str, paths=(MANIFESTS,), stdin=None, cwd=ROOT):
    completed = run_cli("check", *paths, "--format", format_name, "--select", RULES, *extra, stdin=stdin, cwd=cwd)
    assert completed.returncode == 1, completed.stderr
    assert completed.stderr == ""
    return completed.stdout


def golden(name: str, text: str) -> None:
    path = DATA / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: review it, then regenerate (see module doc)"


# --- SARIF ------------------------------------------------------------------------------------


@needs_shared(SARIF_SCHEMA)
def test_sarif_validates_against_the_oasis_schema(tmp_path):
    validator = sarif_validator()
    for log in (json.loads(report("sarif")), json.loads(report("sarif", "--statistics")),
                json.loads(report("sarif", paths=("-",), stdin="apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"
                                  "spec: {containers: [{name: a, image: b, ports: [{containerPort: '80'}]}]}\n"))):
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
        assert errors == []


@needs_shared(SARIF_SCHEMA)
def test_the_schema_check_catches_an_invalid_log():
    # The validator is strict enough to fail: a result without a message is not SARIF.
    log = json.loads(report("sarif"))
    del log["runs"][0]["results"][0]["message"]
    log["runs"][0]["results"][1]["level"] = "fatal"
    assert len(list(sarif_validator().iter_errors(log))) == 2


def test_sarif_driver_describes_every_rule():
    from kubelint.rules.registry import load_rules

    log = json.loads(report("sarif"))
    assert log["version"] == "2.1.0"
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "kubelint" and driver["version"]
    rules = load_rules()
    assert [r["id"] for r in driver["rules"]] == sorted(rules)
    by_id = {r["id"]: r for r in driver["rules"]}
    schema_type = by_id["schema-type"]
    assert schema_type["name"] == "SchemaType"
    assert schema_type["shortDescription"]["text"] == rules["schema-type"].summary
    assert schema_type["fullDescription"]["text"].startswith("Reports values whose JSON type does not match")
    assert "\n" not in schema_type["fullDescription"]["text"]  # unwrapped for plain-text viewers
    assert "How to fix: Quote strings" in schema_type["help"]["text"]
    assert "```yaml" in schema_type["help"]["markdown"] and "# <- schema-type" in schema_type["help"]["markdown"]
    assert schema_type["helpUri"].endswith("/docs/rules.md#schema-type")
    assert schema_type["defaultConfiguration"] == {"level": "error", "enabled": True}
    assert by_id["unknown-kind"]["defaultConfiguration"]["level"] == "warning"


def test_sarif_results_point_at_the_file_relative_to_the_repository_root():
    log = json.loads(report("sarif"))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == 8
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    replicas = next(r for r in results if r["message"]["text"].startswith("spec.replicas"))
    assert replicas["ruleId"] == "schema-type" and replicas["level"] == "error"
    location = replicas["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": MANIFESTS + "web.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["physicalLocation"]["region"] == {"startLine": 10, "startColumn": 13}
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "apps/v1/Deployment/shop/web"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.resolve().as_uri() + "/"
    ambiguous = next(r for r in results if r["ruleId"] == "yaml-ambiguous-scalar")
    assert ambiguous["level"] == "warning"
    # Run from a subfolder, the URI is still relative to the repository root.
    from_subfolder = json.loads(report("sarif", paths=("manifests/",), cwd=ROOT / "tests" / "data" / "reports"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in from_subfolder["runs"][0]["results"]}
    assert uris == {MANIFESTS + "web.yaml", MANIFESTS + "config.yaml"}


def test_sarif_fingerprints_survive_moved_lines(tmp_path):
    original = (DATA / "manifests" / "web.yaml").read_text()
    (tmp_path / ".git").mkdir()  # the repository root
    (tmp_path / "web.yaml").write_text(original)
    before = json.loads(report("sarif", paths=("web.yaml",), cwd=tmp_path))["runs"][0]["results"]
    (tmp_path / "web.yaml").write_text("# a new comment\n# and another\n" + original)
    after = json.loads(report("sarif", paths=("web.yaml",), cwd=tmp_path))["runs"][0]["results"]

    def prints(results):
        return {r["message"]["text"]: (r["partialFingerprints"]["kubelint/v1"],
                                       r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results}

    old, new = prints(before), prints(after)
    assert old.keys() == new.keys()
    for message in old:
        assert old[message][0] == new[message][0]  # the same fingerprint
        assert new[message][1] == old[message][1] + 2  # two lines further down
    assert len({fingerprint for fingerprint, _ in old.values()}) == len(old)  # and each one distinct


def test_sarif_names_stdin_without_breaking_the_uri():
    log = json.loads(report("sarif", "--fail-on", "warning", paths=("-",),
                            stdin="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: 1:20}\n"))
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == "%3Cstdin%3E"


def test_sarif_golden():
    log = json.loads(report("sarif"))
    run = log["runs"][0]
    run["tool"]["driver"]["rules"] = "<every rule: see test_sarif_driver_describes_every_rule>"
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///<repository>/"
    for result in run["results"]:
        del result["ruleIndex"]  # moves when rules are added
    run["tool"]["driver"]["version"] = run["tool"]["driver"]["semanticVersion"] = "<version>"
    run["tool"]["driver"]["fullName"] = "kubelint <version>"
    golden("expected.sarif", json.dumps(log, indent=2, ensure_ascii=False) + "\n")


# --- JUnit ------------------------------------------------------------------------------------


def test_junit_has_a_suite_per_file_a_case_per_resource_and_every_finding():
    root = ElementTree.fromstring(report("junit"))
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {MANIFESTS + "config.yaml", MANIFESTS + "web.yaml"}
    web = suites[MANIFESTS + "web.yaml"]
    cases = {case.get("name"): case for case in web.findall("testcase")}
    assert set(cases) == {"Deployment/shop/web", "Service/shop/web"}
    assert (web.get("tests"), web.get("failures"), web.get("errors")) == ("2", "1", "0")
    assert cases["Service/shop/web"].find("failure") is None  # a clean resource is a passed test
    deployment = cases["Deployment/shop/web"]
    assert deployment.get("classname") == MANIFESTS + "web.yaml" and deployment.get("file") == MANIFESTS + "web.yaml"
    # One <failure> per test case (Jenkins reads only the first; GitLab expects one), listing each finding.
    failures = deployment.findall("failure")
    assert len(failures) == 1
    lines = failures[0].text.splitlines()
    assert [line for line in lines if not line.startswith("    ")] == [
        'line 8, column 11: error: label "tier": invalid value "50%,front:end": a valid label must be an empty string '
        "or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
        "character [label-invalid]",
        'line 10, column 13: error: spec.replicas: expected integer, got string "3" [schema-type]',
        'line 20, column 11: error: spec.template.spec.containers[0]: unknown field "livenesProbe" (did you mean '
        '"livenessProbe"?) [schema-unknown-field]',
    ]
    assert "    hint: remove the quotes: 3" in lines
    assert failures[0].get("type") == "label-invalid"
    assert failures[0].get("message").endswith("[label-invalid] (and 2 more)")
    config = {case.get("name"): case for case in suites[MANIFESTS + "config.yaml"].findall("testcase")}
    # the reader's findings belong to the resource of their document; the syntax error to the file
    assert set(config) == {"(file)", "ConfigMap/shop/settings", "ConfigMap/shop/clean"}
    settings = config["ConfigMap/shop/settings"].find("failure").text
    assert "[yaml-duplicate-key]" in settings and "[yaml-ambiguous-scalar]" in settings and "<ops&dev>" in settings
    assert "line 23, column 1: error: YAML syntax error" in config["(file)"].find("failure").text
    assert (root.get("tests"), root.get("failures")) == ("5", "3")


def test_junit_reads_as_gitlab_and_jenkins_read_it():
    """What GitLab (lib/gitlab/ci/parsers/test/junit.rb) and Jenkins (junit-plugin CaseResult)
    take from each test case: name, classname, file, and the text of the first failure."""
    root = ElementTree.fromstring(report("junit"))
    seen = set()
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            key = (suite.get("name"), case.get("classname"), case.get("name"))
            assert key not in seen  # GitLab keys test cases by these: a repeat would hide one
            seen.add(key)
            float(case.get("time"))  # Jenkins parses it as a number
            failure = case.find("failure")
            if failure is not None:
                assert failure.text and failure.get("message")
                assert failure.get("type") not in ("yaml", "symbol", "array", "binary")  # GitLab's typecasting


def test_junit_escapes_what_xml_cannot_hold(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {a: "<&>\\u0001\\"x"}\n')
    text = report("junit", paths=(str(path),))
    failure = ElementTree.fromstring(text).find(".//failure")
    assert '<&>' in failure.text and "\x01" not in failure.text
    assert "\ufffd" in failure.text or "\\u0001" in failure.text


def test_junit_golden():
    text = re.sub(r'(<testsuites [^>]*time=")[0-9.]+"', r'\g<1>0.000"', report("junit"))
    golden("expected.junit.xml", text)


# --- GitHub workflow commands -----------------------------------------------------------------


def runner_parse(line: str) -> tuple[str, dict[str, str], str]:
    """The GitHub Actions runner's parser of a workflow command, as it is in
    actions/runner src/Runner.Common/ActionCommand.cs (TryParseV2, UnescapeProperty, UnescapeData):
    split at the first "::" after the start, properties at ",", each at the first "=", then
    unescape with the runner's mappings in the runner's order."""
    assert line.startswith("::")
    end = line.index("::", 2)
    info, data = line[2:end], line[end + 2:]
    name, _, rest = info.partition(" ")
    properties = {}
    for item in filter(None, rest.strip().split(",")):
        key, _, value = item.partition("=")
        for escaped, token in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            value = value.replace(escaped, token)
        properties[key] = value
    for escaped, token in (("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        data = data.replace(escaped, token)
    return name, properties, data


def test_github_commands_round_trip_through_the_runners_parser():
    from kubelint.report.github import command

    nasty = ["50%", "%0A literally", "a,b", "k:v", "::error::", "line\nbreak", "cr\r\nlf", "%25", "=x=", "100%%0D"]
    for text in nasty:
        name, properties, data = runner_parse(command("error", {"file": text, "title": text}, text))
        assert (name, properties, data) == ("error", {"file": text, "title": text}, text)


def test_github_annotations(tmp_path):
    lines = report("github").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 8
    parsed = [runner_parse(line) for line in commands]
    levels = {name for name, _, _ in parsed}
    assert levels == {"error", "warning"}
    name, properties, message = next(p for p in parsed if p[2].startswith('label "tier"'))
    assert properties == {"file": MANIFESTS + "web.yaml", "line": "8", "col": "11", "title": "kubelint label-invalid"}
    assert '"50%,front:end"' in message and message.endswith("\nin Deployment/shop/web")
    assert lines[-1].startswith("Found 7 errors, 1 warning (2 files, 4 resources")
    # a file name that needs escaping, and stdin (no file: the annotation goes to the run)
    odd = tmp_path / "a,b:c.yaml"
    odd.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: 1:20}\n")
    (tmp_path / ".git").mkdir()
    line = report("github", "--quiet", "--fail-on", "warning", paths=("a,b:c.yaml",), cwd=tmp_path).splitlines()
    assert len(line) == 1 and line[0].startswith("::warning file=a%2Cb%3Ac.yaml,line=4,col=")
    assert runner_parse(line[0])[1]["file"] == "a,b:c.yaml"
    piped = report("github", paths=("-",), stdin="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: [1]\n")
    name, properties, message = runner_parse(piped.splitlines()[0])
    assert "file" not in properties and message.startswith("<stdin>:4:7: data: expected object")


def test_github_golden():
    golden("expected.github.txt", re.sub(r", [0-9.]+s\)$", ", 0.00s)", report("github"), flags=re.MULTILINE))


# --- --quiet and --statistics in every format ------------------------------------------------


def test_statistics_and_quiet_in_every_format():
    expected = [{"rule": "label-invalid", "severity": "error", "count": 2},
                {"rule": "schema-type", "severity": "error", "count": 2}]
    # text: counts per rule before the summary; quiet drops the summary
    text = report("text", "--statistics")
    assert "Findings per rule:" in text and re.search(r"\n\s+2\s+error\s+label-invalid\n", text)
    assert "Found 7 errors" not in report("text", "--quiet") and "Found 7 errors" in report("text")
    # json and sarif: a statistics list; quiet changes nothing in a document for machines
    assert json.loads(report("json", "--statistics"))["statistics"][:2] == expected
    assert "statistics" not in json.loads(report("json"))
    assert json.loads(report("json", "--quiet")) .keys() == json.loads(report("json")).keys()
    assert json.loads(report("sarif", "--statistics"))["runs"][0]["properties"]["statistics"][:2] == expected
    assert report("sarif", "--quiet") == report("sarif")
    # github: plain log lines after the commands; quiet drops the summary line
    github = report("github", "--statistics").splitlines()
    assert "Findings per rule:" in github and github[-1].startswith("Found 7 errors")
    assert not report("github", "--quiet").splitlines()[-1].startswith("Found")
    # junit: its own counts; both options leave the document alone
    strip = lambda text: re.sub(r'time="[0-9.]+"', "", text)  # noqa: E731
    assert strip(report("junit", "--statistics", "--quiet")) == strip(report("junit"))


def test_clean_input_in_every_format(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n")
    for format_name in ("sarif", "junit", "github", "json"):
        completed = run_cli("check", str(path), "--format", format_name)
        assert completed.returncode == 0 and completed.stderr == ""
    sarif = json.loads(run_cli("check", str(path), "--format", "sarif").stdout)
    assert sarif["runs"][0]["results"] == []
    junit = ElementTree.fromstring(run_cli("check", str(path), "--format", "junit").stdout)
    assert (junit.get("tests"), junit.get("failures")) == ("1", "0")
    assert run_cli("check", str(path), "--format", "github").stdout.startswith("All checks passed")


@pytest.mark.parametrize("format_name", ["sarif", "junit", "github", "json"])
def test_secret_values_never_appear(format_name, tmp_path):
    path = tmp_path / "secret.yaml"
    # A canary no rule documentation contains (SARIF carries the rules' docs and examples).
    path.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: zq7-canary-secret\n"
                    "data:\n  token: not-base64-zq7-canary!\n")
    output = run_cli("check", str(path), "--format", format_name).stdout
    assert "zq7-canary" not in output
    assert "data.token" in output


def test_output_file_for_machine_formats(tmp_path):
    target = tmp_path / "kubelint.sarif"
    completed = run_cli("check", MANIFESTS, "--format", "sarif", "-o", str(target))
    assert completed.returncode == 1 and completed.stdout == "" and completed.stderr == ""
    assert json.loads(target.read_text())["runs"][0]["results"]


def test_golden_files_exist():
    for name in ("expected.sarif", "expected.junit.xml", "expected.github.txt"):
        assert (DATA / name).is_file(), f"generate {name}: see the module docstring"
