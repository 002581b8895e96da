"""``kubelint check --fix`` and ``--diff``: the files read, fixed (kubelint/fix/plan.py) and written back.

The files named (or found in the folders named) are read once, here, and checked as texts in their
place (``Options.overlay``), so that the positions of the findings are those of the bytes that are
edited, and stdin can be checked more than once. A file is written only when

- it could be read and decoded, and every document of it parsed (kubelint/fix/plan.py);
- it is still, byte for byte, what was read (its SHA-256 is compared just before writing: a file an
  editor or another tool changed meanwhile is not overwritten);
- it is writable: a read-only file, or one in a read-only folder, is an error naming it.

Writes are atomic (a temporary file beside the target, renamed over it), keep the file's mode and
its encoding and byte-order mark, and go to the target of a symbolic link, which stays a link; two
names of one file are fixed once. With stdin, the fixed stream is written to stdout and the report
to stderr (or ``--output``).
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import hashlib
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass
from typing import TextIO

from kubelint.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, ConfigError, write_output
from kubelint.config.options import Options
from kubelint.engine.pipeline import check
from kubelint.findings.printable import printable
from kubelint.findings.redaction import sensitive_values
from kubelint.fix import plan
from kubelint.load.sources import RawFile, UsageError, discover, read_raw
from kubelint.model import RunResult, Severity
from kubelint.report import ReportContext, render
from kubelint.report.text import fix_lines
from kubelint.rules.registry import load_rules

STDIN = "<stdin>"


@dataclass
class _File:
    path: str  # as named or found ("-" for stdin)
    raw: RawFile
    digest: str


def add_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--fix", action="store_true",
                         help="fix what can be fixed safely, in place (stdin: the fixed stream to stdout), and "
                              "report what remains")
    command.add_argument("--diff", action="store_true",
                         help="print the fixes as a unified diff and change nothing (exit 1 when there is "
                              "something to fix)")
    command.add_argument("--unsafe-fixes", action="store_true",
                         help="with --fix or --diff, also apply the fixes that may change what a manifest means "
                              "(removed apiVersions migrated, securityContext added ...)")


def run(args: argparse.Namespace, options: Options, context: ReportContext) -> int:
    """--fix or --diff on the paths of the command line; the exit code."""
    if args.fix and args.diff:
        raise ConfigError("--diff shows what --fix would change: give one of them")
    if args.write_baseline:
        raise ConfigError("--write-baseline records the findings as they are: it cannot be combined with "
                          f"--{'fix' if args.fix else 'diff'}")
    try:
        names = discover(args.paths)
    except UsageError as exc:
        raise ConfigError(str(exc)) from None
    files, errors, aliases = _read(names, options.max_file_size, writing=args.fix)
    overlay = {f.path: f.raw.source.text for f in files.values() if f.raw.source is not None}

    def checked(texts: dict[str, str]) -> RunResult:
        replaced = {files[name].path: text for name, text in texts.items()}
        replaced.update({files[alias].path: texts[name] for alias, name in aliases.items() if name in texts})
        try:
            return check(args.paths, options=dataclasses.replace(options, overlay={**overlay, **replaced}))
        except UsageError as exc:
            raise ConfigError(str(exc)) from None

    first = checked({})
    originals = {name: f.raw.source.text for name, f in files.items()
                 if f.raw.source is not None and not f.raw.problems and name not in aliases}
    rules = load_rules()
    outcome = plan.run(first, originals, checked, rules, unsafe=args.unsafe_fixes, applied=args.fix,
                       blocked=errors)
    # a file that cannot be written is an error only if it had something to fix
    wanted = {f.file for f in first.findings if plan.allowed(f, rules, args.unsafe_fixes)}
    errors = {name: error for name, error in errors.items() if name in wanted}
    if args.diff:
        secrets = sensitive_values(first.resources, raw_files=set(originals))
        write_output(_diff(originals, outcome.texts, secrets), args.output if args.output else None)
        _summary_to(sys.stderr, outcome.result)
        return EXIT_FINDINGS if outcome.texts else EXIT_OK
    stdin_text = None
    for name, text in outcome.texts.items():
        if name == STDIN:
            stdin_text = text
            continue
        error = _write(files[name], text)
        if error is not None:
            errors[name] = error
    result = outcome.result
    if any(name in errors for name in outcome.texts):  # the report must show what is on disk
        result = checked({name: text for name, text in outcome.texts.items() if name not in errors})
        fixed, revealed = plan.compare(first.findings, result.findings)
        result.fixes = dataclasses.replace(outcome.summary, fixed=fixed, revealed=revealed,
                                           files=[f for f in outcome.summary.files if f not in errors])
    if STDIN in files:
        stdin = files[STDIN].raw.source
        sys.stdout.write(stdin_text if stdin_text is not None else (stdin.text if stdin is not None else ""))
        sys.stdout.flush()
    report = render(args.format, result, context)
    if args.output:
        write_output(report, args.output)
    elif STDIN in files:
        sys.stderr.write(report)
    else:
        write_output(report, None)
    for alias, name in sorted(aliases.items()):
        print(f"kubelint: {printable(alias)}: the same file as {printable(name)}, fixed through that name",
              file=sys.stderr)
    for name, error in sorted(errors.items()):
        print(f"kubelint: error: cannot fix {printable(name)}: {error}", file=sys.stderr)
    if errors:
        return EXIT_USAGE
    if args.fail_on == "never":
        return EXIT_OK
    threshold = Severity.parse(args.fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_OK


def fix_text(text: str, options: Options | None = None, *, name: str = "<text>",
             unsafe: bool = False) -> plan.Outcome:
    """Fix one YAML text as ``kubelint check --fix -`` does, without files: the fixed text is
    ``outcome.texts.get(name, text)``, the findings that remain ``outcome.result.findings``."""
    options = options or Options()

    def checked(texts: dict[str, str]) -> RunResult:
        return check(text=texts.get(name, text), name=name, options=options)

    return plan.run(checked({}), {name: text}, checked, load_rules(), unsafe=unsafe)


def _read(names: list[str], max_bytes: int, writing: bool) -> tuple[dict[str, _File], dict[str, str], dict[str, str]]:
    """The files to fix, by the name findings give them; the errors that keep some from being written,
    and the second names of files named twice (a link and its target), with the name that is fixed."""
    files: dict[str, _File] = {}
    errors: dict[str, str] = {}
    aliases: dict[str, str] = {}
    targets: dict[str, str] = {}
    for path in names:
        name = STDIN if path == "-" else path
        if name in files:
            continue
        raw = read_raw(path, max_bytes)
        files[name] = _File(path, raw, hashlib.sha256(raw.data).hexdigest())
        if path == "-" or raw.source is None:
            continue
        target = os.path.realpath(path)
        if target in targets:  # another name of a file already named: fixed once, through the first name
            aliases[name] = targets[target]
            continue
        targets[target] = path
        if writing:
            problem = _unwritable(target)
            if problem is not None:
                errors[name] = problem
    return files, errors, aliases


def _unwritable(target: str) -> str | None:
    try:
        mode = os.stat(target).st_mode
    except OSError as exc:
        return exc.strerror or str(exc)
    if not stat.S_ISREG(mode):
        return "it is not a regular file"
    # the mode too: root may write anything, but a file nobody may write was made read-only on purpose
    if not os.access(target, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return "the file is read-only"
    if not os.access(os.path.dirname(target) or ".", os.W_OK | os.X_OK):
        return f"its folder {os.path.dirname(target) or '.'} is read-only (the fixed file replaces it atomically)"
    return None


def _write(file: _File, text: str) -> str | None:
    """Write the fixed text over the file, atomically, if it is still what was read; else why not."""
    now = read_raw(file.path, max(len(file.raw.data), 1) * 2 + 1024)
    if hashlib.sha256(now.data).hexdigest() != file.digest:
        return "it changed on disk while kubelint ran: it was not overwritten (run kubelint again)"
    target = os.path.realpath(file.path)
    folder, base = os.path.split(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        fd, temporary = tempfile.mkstemp(dir=folder or ".", prefix=f".{base}.", suffix=".kubelint-fix")
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(file.raw.encode(text))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return exc.strerror or str(exc)
    return None


def _diff(originals: dict[str, str], fixed: dict[str, str], secrets: set[str] = frozenset()) -> str:
    """A unified diff of every changed file, as ``diff -u`` writes it, with the values that may be
    secret masked as in every report (a diff is output too; --fix writes the files themselves)."""
    pattern = re.compile("|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True))) if secrets else None
    out: list[str] = []
    for name in sorted(fixed):
        lines = difflib.unified_diff(originals[name].splitlines(keepends=True), fixed[name].splitlines(keepends=True),
                                     fromfile=name, tofile=name)
        for line in lines:
            if pattern is not None and not line.startswith(("---", "+++", "@@")):
                line = pattern.sub("********", line)
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _summary_to(stream: TextIO, result: RunResult) -> None:
    if result.fixes is not None:
        for line in fix_lines(result.fixes, len(result.findings)):
            print(printable(line), file=stream)
