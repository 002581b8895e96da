"""JUnit XML, as GitLab (artifacts:reports:junit) and Jenkins (the junit step) read it.

``<testsuites>`` holds a ``<testsuite>`` per file and, in it, a ``<testcase>`` per resource
(``name`` Kind/namespace/name, ``classname`` and ``file`` the file relative to the
repository root), so a clean resource is a passed test. A resource with findings gets one
``<failure>`` whose text lists each finding on its own line with its line, column,
severity, message, rule and hint; ``message`` is the first finding (and how many more) and
``type`` its rule. Findings outside any resource (a YAML syntax error, an unreadable file)
go to a test case named ``(file)``; those found while reading YAML (a duplicate key) go to
the resource of their document.

Why one failure element per test case: Jenkins reads only the first ``<failure>`` of a test
case (junit-plugin CaseResult.getError), and GitLab turns several into a list that its
report does not show as text (lib/gitlab/ci/parsers/test/junit.rb, create_test_case), so
each finding is a line of the failure's text, where both show every one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from kubelint.report import repository_path

# Characters XML 1.0 does not allow, even escaped (a message may quote a control character).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
FILE_CASE = "(file)"


def render(result, context) -> str:
    by_file: dict[str, dict] = {}
    documents: dict[str, list[tuple[int, int, str]]] = {}  # per file: (first line, last line, test case)
    for resource in result.resources:
        by_file.setdefault(resource.file, {}).setdefault(str(resource.ref), [])
        if not resource.path:  # the whole document is this resource
            document = resource.document
            first = document.start_line + 1
            last = first + document.text.rstrip("\n").count("\n")
            documents.setdefault(resource.file, []).append((first, last, str(resource.ref)))
    for finding in result.findings:
        case = str(finding.resource) if finding.resource is not None else _case_at(documents, finding)
        by_file.setdefault(finding.file, {}).setdefault(case, []).append(finding)

    root = ElementTree.Element("testsuites", name="kubelint")
    totals = {"tests": 0, "failures": 0}
    for file in sorted(by_file):
        cases = by_file[file]
        display = repository_path(file, context.root) or file
        suite = ElementTree.SubElement(root, "testsuite", name=_clean(display))
        failures = 0
        for name in sorted(cases, key=lambda n: (n != FILE_CASE, n)):
            findings = cases[name]
            case = ElementTree.SubElement(suite, "testcase", name=_clean(name), classname=_clean(display),
                                          file=_clean(display), time="0")
            if findings:
                failures += 1
                _failure(case, findings)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
        totals["tests"] += len(cases)
        totals["failures"] += failures
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", "0")
    root.set("time", f"{result.elapsed:.3f}")
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _case_at(documents: dict[str, list[tuple[int, int, str]]], finding) -> str:
    """A finding the reader made (a duplicate key, an ambiguous scalar) belongs to the
    resource of its document; one outside any resource, to the file's own test case."""
    if finding.line is not None:
        for first, last, case in documents.get(finding.file, ()):
            if first <= finding.line <= last:
                return case
    return FILE_CASE


def _failure(case: ElementTree.Element, findings: list) -> None:
    findings = sorted(findings, key=lambda f: (f.line or 0, f.column or 0, f.rule, f.message))
    first = findings[0]
    summary = f"{_where(first)}: {first.message} [{first.rule}]"
    if len(findings) > 1:
        summary += f" (and {len(findings) - 1} more)"
    lines = []
    for finding in findings:
        lines.append(f"{_where(finding)}: {finding.severity.label}: {finding.message} [{finding.rule}]")
        if finding.hint:
            lines.append(f"    hint: {finding.hint}")
    failure = ElementTree.SubElement(case, "failure", message=_clean(summary), type=_clean(first.rule))
    failure.text = _clean("\n".join(lines))


def _where(finding) -> str:
    if finding.line is None:
        return "file"
    return f"line {finding.line}, column {finding.column}" if finding.column else f"line {finding.line}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)

