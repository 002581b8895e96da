"""The rounds of ``--fix``: apply the findings' fixes, check again, keep only what introduces nothing.

A round plans the fixes of every file (edits.py: one document at a time, each fix read back on its
own, overlapping fixes left for the next round), checks the run again with the fixed texts in place
of the files (``recheck``: the same paths and options, so the project context is the same) and
compares the findings of each fixed document with those before. A fix *introduces* a finding when,
after it, the document has a finding it did not have before

- of a rule that says the manifest is invalid or misread (``VALIDITY``: YAML, schema, API,
  validation, metadata, project and suppression rules): the fix wrote something Kubernetes rejects;
- or of any rule, at or under a place the fix wrote (the value it replaced, the entry it added),
  except after a migration to another apiVersion, whose rules judge the whole object anew.

A round whose document introduces a finding is not kept for that file: the document's fix is
rejected, or, when it had several, they are tried one at a time in the next rounds. Findings of
other rules that appear elsewhere are *revealed*, not introduced: ``replicas: "3"`` read as 3 makes
a PodDisruptionBudget advisable, ``contianers`` renamed ``containers`` makes its containers'
settings count; they are reported as remaining findings. New findings that can themselves be fixed
are left to the next round, and at the end every fixed file is compared with what it was at the
start: a file that still has a finding its fixes introduced is put back as it was.

Nothing here reads or writes a file: the command line (kubelint/cli/fix.py) gives the texts, a way
to check them, and writes what comes out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

from kubelint.fix.edits import Declined, DocumentText, Planned
from kubelint.load.reader import is_json_stream, read_documents, split_documents
from kubelint.model import Finding, FixSummary, Insert, Remove, Rename, Replace, RunResult, Source, format_path
from kubelint.rules.registry import Rule

#: categories of rules that say a manifest is invalid or misread: a fix must never add one of theirs
VALIDITY = frozenset({"yaml", "input", "schema", "api", "validation", "metadata", "project", "suppression"})
#: rules of documents that could not be read: a file with one is never rewritten
UNREADABLE = frozenset({"yaml-syntax", "yaml-encoding", "yaml-depth-limit", "yaml-alias-limit"})
MAX_ROUNDS = 8

Recheck = Callable[[dict[str, str]], RunResult]
Identity = tuple[object, ...]


@dataclass
class Outcome:
    """The fixed texts (of the files that changed, by the name the findings give them), the findings
    after fixing, and what was fixed."""

    texts: dict[str, str]
    result: RunResult
    summary: FixSummary


@dataclass
class _FilePlan:
    text: str
    #: the findings whose fixes the text holds, by document index
    applied: dict[int, list[Finding]] = field(default_factory=dict)
    skipped: list[tuple[Finding, str]] = field(default_factory=list)


def identity(finding: Finding) -> Identity:
    """What a finding is about, wherever its line moved: rule, file, object and field. Not its message,
    which may name lines, files at lines, or the apiVersion a migration changes; findings of one rule on
    one field are counted, not told apart."""
    resource = finding.resource
    where = (resource.kind, resource.namespace, resource.name) if resource is not None else (None, None, None)
    return (finding.rule, finding.file, *where, finding.path)


def fix_key(finding: Finding) -> Identity:
    assert finding.fix is not None
    return identity(finding) + (finding.fix.document, repr(finding.fix.operations))


def allowed(finding: Finding, rules: dict[str, Rule], unsafe: bool) -> bool:
    """Whether ``--fix`` applies the finding's fix: its rule declares one, safe (or --unsafe-fixes)."""
    rule = rules.get(finding.rule)
    return (finding.fix is not None and rule is not None and rule.fix is not None
            and (rule.fix == "safe" or unsafe))


def run(first: RunResult, originals: dict[str, str], recheck: Recheck, rules: dict[str, Rule], *,
        unsafe: bool = False, applied: bool = True, blocked: dict[str, str] | None = None) -> Outcome:
    """Fix what the findings of ``first`` can fix in the files of ``originals`` (name -> text), except
    those of ``blocked`` (name -> why they cannot be written)."""
    rounds = _Rounds(first, originals, recheck, rules, unsafe)
    rounds.unwritable.update(blocked or {})
    rounds.run()
    return rounds.outcome(applied)


class _Rounds:
    def __init__(self, first: RunResult, originals: dict[str, str], recheck: Recheck, rules: dict[str, Rule],
                 unsafe: bool):
        self.first = first
        self.originals = originals
        self.recheck = recheck
        self.rules = rules
        self.unsafe = unsafe
        self.state = dict(originals)
        self.findings = list(first.findings)
        self.result = first
        self.exact = True  # self.result is the check of self.state
        self.rejected: dict[Identity, tuple[Finding, str]] = {}
        self.serial: set[tuple[str, int]] = set()
        #: every fix kept so far, by file and document (for telling introduced findings from revealed ones)
        self.kept: dict[str, dict[int, list[Finding]]] = defaultdict(lambda: defaultdict(list))
        #: files never rewritten, and why (found out for the files that have something to fix)
        self.unwritable: dict[str, str] = {}
        self.readable: set[str] = set()
        self.reverted: dict[str, str] = {}
        #: findings a fix made that were left for the next round to fix
        self.tentative: set[Identity] = set()

    def allowed(self, finding: Finding) -> bool:
        return allowed(finding, self.rules, self.unsafe)

    def run(self) -> None:
        for _ in range(MAX_ROUNDS):
            if not self.round():
                break
        if not self.exact:
            self.result = self.recheck(self._changed())
            self.findings = list(self.result.findings)
            self.exact = True
        self.put_back()

    def round(self) -> bool:
        """One round; False when there was nothing (more) to fix."""
        candidates = [f for f in self.findings if self.allowed(f) and f.file in self.state
                      and fix_key(f) not in self.rejected]
        trials: dict[str, _FilePlan] = {}
        for name, group in _by_file(candidates).items():
            if name not in self.unwritable and name not in self.readable:
                reason = _unwritable(name, self.originals[name])
                if reason is None:
                    self.readable.add(name)
                else:
                    self.unwritable[name] = reason
            if name in self.unwritable:
                for finding in group:
                    self.rejected[fix_key(finding)] = (finding, self.unwritable[name])
                continue
            plan = plan_file(self.state[name], group, {d for n, d in self.serial if n == name})
            for finding, reason in plan.skipped:
                self.rejected[fix_key(finding)] = (finding, reason)
            if plan.applied:
                trials[name] = plan
        if not trials:
            return False
        after = self.recheck({**self._changed(), **{name: plan.text for name, plan in trials.items()}})
        before, now = _by_file(self.findings), _by_file(after.findings)
        offending: dict[str, dict[int | None, list[Finding]]] = {}
        for name, plan in trials.items():
            found = self.introduced(name, plan.text, plan.applied, before.get(name, []), now.get(name, []), True)
            if found:
                offending[name] = found
        for name, plan in trials.items():
            if name in offending:
                self.reject(name, plan, offending[name])
            else:
                self.state[name] = plan.text
                for document, findings in plan.applied.items():
                    self.kept[name][document] += findings
        if not offending:
            self.findings, self.result, self.exact = list(after.findings), after, True
        else:  # the files put back keep their findings of before
            self.findings = [f for f in after.findings if f.file not in offending] + \
                            [f for f in self.findings if f.file in offending]
            self.exact = False
        return True

    def reject(self, name: str, plan: _FilePlan, offending: dict[int | None, list[Finding]]) -> None:
        """Reject the fixes that introduced findings, where they can be told (``culprits``); a document
        whose fixes cannot be told apart has them tried one at a time from the next round on."""
        documents = list(plan.applied) if None in offending else [d for d in offending if d is not None]
        for document in documents:
            fixes = plan.applied.get(document, [])
            introduced = offending.get(document) or offending.get(None) or []
            if not fixes:  # a finding in a document no fix edited: any fix of the file may have caused it
                fixes = [f for found in plan.applied.values() for f in found]
            found = culprits(fixes, introduced)
            if found is None and (len(fixes) == 1 or (name, document) in self.serial
                                  or document not in plan.applied):
                found = {id(f): introduced for f in fixes}
            if found is None:
                self.serial.add((name, document))
                continue
            for finding in fixes:
                if id(finding) in found:
                    reason = "it would introduce " + "; ".join(f"{f.rule} ({f.message})" for f in found[id(finding)][:2])
                    self.rejected[fix_key(finding)] = (finding, reason)

    def introduced(self, name: str, text: str, applied: dict[int, list[Finding]], before: list[Finding],
                   after: list[Finding], tentative: bool) -> dict[int | None, list[Finding]]:
        """The findings of ``after`` (in file ``name``, whose text is now ``text``) that the fixes of
        ``applied`` introduced, by document."""
        new = Counter(identity(f) for f in after) - Counter(identity(f) for f in before)
        if not new:
            return {}
        out: dict[int | None, list[Finding]] = defaultdict(list)
        starts = [chunk.start_line for chunk in split_documents(text)]
        for finding in after:
            key = identity(finding)
            if not new.get(key):
                continue
            new[key] -= 1
            if not tentative:  # all rounds done: what was left for a later round and is still there
                if key in self.tentative or self._invalid(finding):
                    out[_document_at(starts, finding.line)].append(finding)
                continue
            if self.allowed(finding) and fix_key(finding) not in self.rejected:
                self.tentative.add(key)
                continue  # fixable itself: the next round fixes it (or the file is put back at the end)
            document = _document_at(starts, finding.line)
            fixes = applied.get(document, []) if document is not None else [f for fs in applied.values() for f in fs]
            if self._invalid(finding) or any(_under_edit(finding, fix) for fix in fixes):
                out[document].append(finding)
        return dict(out)

    def _invalid(self, finding: Finding) -> bool:
        rule = self.rules.get(finding.rule)
        return rule is None or rule.category in VALIDITY

    def put_back(self) -> None:
        """Files that, all rounds done, have a finding their fixes introduced: as they were. Each round
        has compared its fixes with the findings before it; what is left to compare with the findings
        at the start are the findings of validity rules, and those left for a later round to fix."""
        while True:
            before, now = _by_file(self.first.findings), _by_file(self.findings)
            bad = [name for name in self._changed()
                   if self.introduced(name, self.state[name], self.kept[name], before.get(name, []),
                                      now.get(name, []), False)]
            if not bad:
                return
            for name in bad:
                self.state[name] = self.originals[name]
                self.reverted[name] = "its fixes together would introduce a finding; it was left as it was"
                for findings in self.kept.pop(name, {}).values():
                    for finding in findings:
                        self.rejected[fix_key(finding)] = (finding, self.reverted[name])
            self.result = self.recheck(self._changed())
            self.findings = list(self.result.findings)

    def _changed(self) -> dict[str, str]:
        return {name: text for name, text in self.state.items() if text != self.originals[name]}

    def outcome(self, applied: bool) -> Outcome:
        changed = self._changed()
        fixed, revealed = compare(self.first.findings, self.findings)
        remaining = {identity(f): f for f in self.findings}
        skipped = []
        for key, (finding, reason) in self.rejected.items():
            now = remaining.get(key[:-2])
            if now is not None:
                skipped.append((now.file, now.line, now.rule, reason))
        unsafe = sum(1 for f in self.findings if f.fix is not None and not self.allowed(f)
                     and self.rules.get(f.rule) is not None and self.rules[f.rule].fix == "unsafe")
        summary = FixSummary(applied=applied, fixed=fixed, files=sorted(changed),
                             unsafe=unsafe, skipped=sorted(set(skipped), key=lambda s: (s[0], s[1] or 0, s[2])),
                             revealed=revealed)
        result = self.result
        result.fixes = summary
        return Outcome(changed, result, summary)


def culprits(fixes: list[Finding], introduced: list[Finding]) -> dict[int, list[Finding]] | None:
    """Which of a document's ``fixes`` introduced which findings (by ``id`` of the fixed finding), or None
    when that cannot be told: a finding comes from the fixes of its own object, from the one that wrote
    where it points, else from a migration (which changes the rules the object is judged by), else
    from the only fix of that object."""
    out: dict[int, list[Finding]] = defaultdict(list)
    for finding in introduced:
        suspects = [f for f in fixes if _same_object(f, finding)] if finding.resource is not None else fixes
        blamed = [f for f in suspects if _under_edit(finding, f, migrations=True)] \
            or [f for f in suspects if _migrates(f)] or (suspects if len(suspects) == 1 else [])
        if not blamed:
            return None
        for fix in blamed:
            out[id(fix)].append(finding)
    return dict(out)


def compare(before: list[Finding], after: list[Finding]) -> tuple[dict[str, int], int]:
    """The findings of ``before`` gone from ``after``, by rule, and how many of ``after`` are new."""
    first, last = Counter(identity(f) for f in before), Counter(identity(f) for f in after)
    fixed: Counter[str] = Counter()
    for key, count in (first - last).items():
        fixed[str(key[0])] += count
    return dict(sorted(fixed.items())), sum((last - first).values())


def plan_file(text: str, findings: list[Finding], serial: Iterable[int] = ()) -> _FilePlan:
    """The text with the fixes of ``findings`` that can be applied together now (one per document
    of ``serial``); the others are skipped (they cannot be applied: why) or left for a later round."""
    serial = set(serial)
    chunks = split_documents(text)
    plan = _FilePlan(text)
    new_texts: dict[int, str] = {}
    by_document: dict[int | None, list[Finding]] = defaultdict(list)
    for finding in findings:
        assert finding.fix is not None
        by_document[finding.fix.document].append(finding)
    for document, group in by_document.items():
        if document is None or not 0 <= document < len(chunks):
            plan.skipped += [(f, "its document is not in the file") for f in group]
            continue
        try:
            document_text = DocumentText(chunks[document].text)
        except Declined as exc:
            plan.skipped += [(f, str(exc)) for f in group]
            continue
        accepted: list[Planned] = []
        kept: list[Finding] = []
        for finding in group:
            if document in serial and accepted:
                break
            assert finding.fix is not None
            try:
                planned = document_text.plan(finding.fix)
            except Declined as exc:
                plan.skipped.append((finding, str(exc)))
                continue
            if any(edit.overlaps(other) for edit in planned.edits for done in accepted for other in done.edits):
                continue  # the next round, on the text this one leaves
            accepted.append(planned)
            kept.append(finding)
        if not accepted:
            continue
        try:
            new_texts[document] = document_text.verify(accepted)
        except Declined:  # together they do not read back as each does alone: one now, the rest later
            new_texts[document] = document_text.verify(accepted[:1])
            kept = kept[:1]
        plan.applied[document] = kept
    for document in sorted(new_texts, reverse=True):
        chunk = chunks[document]
        plan.text = plan.text[:chunk.offset] + new_texts[document] + plan.text[chunk.offset + len(chunk.text):]
    return plan


def _unwritable(name: str, text: str) -> str | None:
    """Why a file is never rewritten, or None: JSON (its documents are not YAML chunks), or a
    document that cannot be read (a syntax error, invalid bytes)."""
    source = Source(name, text)
    if is_json_stream(source):
        return "JSON files are not fixed"
    if re.search("[\udc80-\udcff]", text):
        return "the file holds bytes that are not UTF-8: it is not rewritten"
    parsed, _ = read_documents(source)
    for document in parsed:
        if any(p.rule in UNREADABLE for p in document.problems):
            return "a document of the file cannot be read (a YAML syntax error): it is not rewritten"
    return None


def _by_file(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        out[finding.file].append(finding)
    return out


def _document_at(starts: list[int], line: int | None) -> int | None:
    """The index of the document holding 1-based ``line`` (documents start at 0-based ``starts``)."""
    if line is None:
        return None
    found = None
    for index, start in enumerate(starts):
        if start <= line - 1:
            found = index
        else:
            break
    return found


def _same_object(fixed: Finding, finding: Finding) -> bool:
    a, b = fixed.resource, finding.resource
    return a is not None and b is not None and (a.kind, a.namespace, a.name) == (b.kind, b.namespace, b.name)


def _migrates(fixed: Finding) -> bool:
    fix = fixed.fix
    return fix is not None and any(isinstance(op, Replace) and op.path[len(fix.base):] == ("apiVersion",)
                                   for op in fix.operations)


def _under_edit(finding: Finding, fixed: Finding, migrations: bool = False) -> bool:
    """Whether ``finding`` points at or under a place that ``fixed``'s fix wrote, in the same object
    (not after a migration, whose new version's rules judge the whole object: only its validity counts,
    unless ``migrations``)."""
    fix = fixed.fix
    if fix is None or not _same_object(fixed, finding) or (_migrates(fixed) and not migrations):
        return False
    for operation in fix.operations:
        path = operation.path[len(fix.base):]
        if isinstance(operation, Insert):
            written, below = path + (operation.key,), True
        elif isinstance(operation, Rename):
            written, below = path[:-1] + (operation.key,), False
        elif isinstance(operation, Remove):
            written, below = path[:-1], False
        else:
            written, below = path, True
        prefix = format_path(written)
        if finding.path == prefix or (below and (not prefix or finding.path.startswith((prefix + ".", prefix + "[")))):
            return True
    return False
