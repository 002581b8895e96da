"""The command line: ``kubelint check``, ``schedule``, ``rules``, ``explain``, ``crds``.

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or
configuration error, 3 internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kubelint._version import __version__
from kubelint.cli import crds as crds_command
from kubelint.cli import fix as fix_command
from kubelint.cli import progress as progress_module
from kubelint.cli import schedule as schedule_command
from kubelint.cli.common import (
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    ConfigError,
    add_node_options,
    options_from_args,
    report_internal_error,
    write_output,
)
from kubelint.engine.pipeline import check
from kubelint.findings.printable import printable
from kubelint.load.sources import UsageError
from kubelint.model import RunResult, Severity
from kubelint.report import FORMATS, ReportContext, render, repository_root
from kubelint.rules.docs import explain_rule
from kubelint.rules.registry import load_rules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kubelint",
        description="Offline Kubernetes manifest linter: schemas of every kind, references between "
                    "resources, best practices, and a scheduling dry-run.")
    parser.add_argument("--version", action="version", version=f"kubelint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check_command = commands.add_parser("check", help="lint manifests (files, folders, or - for stdin)")
    check_command.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - reads stdin")
    add_common_options(check_command)
    add_node_options(check_command)
    fix_command.add_arguments(check_command)
    schedule = commands.add_parser("schedule", help="dry-run kube-scheduler: place every pod on a node inventory")
    schedule_command.add_arguments(schedule)

    rules = commands.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument("--all", action="store_true", help="also show rules that are off by default")

    explain = commands.add_parser("explain", help="explain a rule: what, why, examples, fix")
    explain.add_argument("rule", metavar="RULE")

    crds = commands.add_parser("crds", help="list the bundled CRD catalog: projects, releases, kinds")
    crds_command.add_arguments(crds)
    return parser


def add_common_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", "-f", choices=sorted(FORMATS), default="text", help="output format")
    command.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    command.add_argument("--fail-on", choices=("error", "warning", "info", "never"), default="error",
                         help="lowest severity that makes the exit code 1 (default: error)")
    command.add_argument("--kube-version", metavar="1.NN", help="Kubernetes version of the schemas "
                         "(default: the newest bundled)")
    command.add_argument("--namespace", "-n", default=None,
                         help="namespace of objects that set none (default: default)")
    command.add_argument("--crds", action="append", default=[], metavar="PATH",
                         help="CustomResourceDefinitions to validate custom resources with (may repeat)")
    command.add_argument("--crd-catalog", action="append", default=[], metavar="DIR",
                         help="a folder of CRDs or of kubeconform-style JSON Schemas ({kind}_{version}.json, "
                              "{group}/{kind}_{version}.json) for custom resources whose CRD is not in the input, "
                              "consulted before the bundled catalog (may repeat)")
    command.add_argument("--select", action="append", default=[], metavar="RULES",
                         help="only these rules (ids or prefixes, comma-separated; may repeat)")
    command.add_argument("--ignore", action="append", default=[], metavar="RULES",
                         help="skip these rules (ids or prefixes, comma-separated; may repeat)")
    command.add_argument("--external", action="append", default=[], metavar="PATTERN",
                         help="an object that exists in the cluster although the input lacks it, like "
                              "Secret/*/tls-* or ConfigMap/shop/shared-config (may repeat; see README)")
    command.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    command.add_argument("--statistics", action="store_true", help="add finding counts per rule")
    command.add_argument("--no-color", action="store_true", help="never colour the output")
    command.add_argument("--max-file-size", type=int, default=64, metavar="MIB",
                         help="skip files larger than this, with a finding (default: 64)")
    command.add_argument("--pod-security", metavar="LEVEL", choices=("privileged", "baseline", "restricted"),
                         help="Pod Security level enforced where no Namespace of the input has a "
                              "pod-security.kubernetes.io/enforce label (its violations are errors)")
    command.add_argument("--baseline", metavar="FILE", help="report only findings that FILE (written by "
                         "--write-baseline) does not record")
    command.add_argument("--write-baseline", metavar="FILE", help="record every current finding in FILE and "
                         "exit 0: adopt kubelint on an existing repository, then check with --baseline FILE")
    command.add_argument("--report-unused-suppressions", action="store_true",
                         help="report suppressions (annotations, comments, baseline entries) that silence nothing")
    command.add_argument("--config", metavar="FILE", help="configuration file (default: .kubelint.yaml or "
                         "[tool.kubelint] in pyproject.toml, found upward from the working directory)")
    command.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    command.add_argument("--force-exclude", action="store_true",
                         help="apply the configuration's exclude to files named on the command line too "
                              "(the pre-commit hook passes this)")
    command.add_argument("--context", action="append", default=[], metavar="PATH",
                         help="files or folders that references resolve against, besides the named files "
                              "(default: the whole project when files are named; may repeat)")
    command.add_argument("--no-context", action="store_true",
                         help="resolve references against the named files only, not the rest of the project")
    command.add_argument("--render", action="store_true",
                         help="build kustomizations with kustomize (or kubectl kustomize) and check what they build, "
                              "findings placed in the files the objects come from (default: read them offline)")
    command.add_argument("--no-cache", action="store_true",
                         help="do not read or write .kubelint_cache/ (the parse of the project's files)")
    command.add_argument("--jobs", "-j", type=_jobs, default="auto", metavar="N",
                         help="processes that read and validate: a number, or auto (the default: one per "
                              "CPU for inputs of 2 MB or more, else 1)")


def _jobs(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number or auto, got {value!r}")
    return number


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    _tolerant_streams()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        if args.command == "check":
            return run_check(args)
        if args.command == "schedule":
            return schedule_command.run(args)
        if args.command == "rules":
            return run_rules(args)
        if args.command == "explain":
            return run_explain(args)
        if args.command == "crds":
            return crds_command.run(args)
        parser.error(f"unknown command {args.command}")
    except ConfigError as exc:
        print(f"kubelint: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:  # a bug in kubelint
        report_internal_error(exc, debug)
        return EXIT_INTERNAL
    return EXIT_USAGE


def run() -> None:
    """The console script (and ``python -m kubelint``): ``main()``, then an immediate exit.

    Tearing the interpreter down, which frees the loaded schemas, rules and documents one object
    at a time, costs 30 to 80 ms: a fifth of a pre-commit run on one file. Once main() has returned
    there is nothing left to clean up (the report is written and closed, worker processes have
    ended), so the streams are flushed and the process ends with main()'s exit code. Usage errors
    and --help leave through argparse's SystemExit, as usual.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what could be written was
            pass
    os._exit(code)


def _tolerant_streams() -> None:
    """Characters the terminal's encoding lacks are escaped rather than fatal."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot change
                pass


def _silence_stdout() -> None:
    # The reader of our output went away (`kubelint check . | head`): point stdout at
    # /dev/null so that the interpreter's final flush does not complain on stderr.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover
        pass


def run_check(args: argparse.Namespace) -> int:
    if not args.paths:
        raise ConfigError("no paths given: pass files, folders, or - to read stdin")
    for crd_path in args.crds:
        if not os.path.exists(crd_path):
            raise ConfigError(f"--crds {crd_path}: no such file or folder")
    options = options_from_args(args)
    if args.fix or args.diff:
        return fix_command.run(args, options, report_context(args))
    if args.unsafe_fixes:
        raise ConfigError("--unsafe-fixes goes with --fix or --diff")
    if args.write_baseline:
        options.baseline, options.write_baseline = args.write_baseline, True  # record everything there is now
    progress = None
    if progress_module.wanted(args.format, args.quiet, sys.stderr):
        progress = progress_module.TerminalProgress(sys.stderr, delay=progress_module.delay(),
                                                    color=not args.no_color and "NO_COLOR" not in os.environ)
    usage_errors: tuple[type[Exception], ...] = (UsageError,)
    if options.baseline:
        # Start-up: the baseline imports hashlib (OpenSSL), which runs without --baseline never need.
        from kubelint.findings.baseline import BaselineError

        usage_errors += (BaselineError,)
    try:
        result = check(args.paths, options=options, progress=progress)
    except usage_errors as exc:
        raise ConfigError(str(exc)) from None
    finally:
        if progress is not None:
            progress.close()
    if args.write_baseline:
        return write_baseline(args.write_baseline, result)
    write_output(render(args.format, result, report_context(args)), args.output)
    if args.fail_on == "never":
        return EXIT_OK
    threshold = Severity.parse(args.fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in result.findings) else EXIT_OK


def report_context(args: argparse.Namespace) -> ReportContext:
    """How the report of ``kubelint check`` looks: colour on a terminal, its width, the rules."""
    color = (args.output is None and args.format == "text" and not args.no_color
             and "NO_COLOR" not in os.environ and sys.stdout.isatty())
    width = os.get_terminal_size().columns if color else 100
    return ReportContext(rules=load_rules(), color=color, statistics=args.statistics, quiet=args.quiet,
                         width=width, root=repository_root() if args.format != "text" else Path.cwd())


def run_rules(args: argparse.Namespace) -> int:
    rules = sorted(load_rules().values(), key=lambda r: (r.category, r.id))
    if args.format == "json":
        print(json.dumps([{"id": r.id, "severity": r.severity.label, "enabled": r.enabled,
                           "category": r.category, "summary": r.summary, "fix": r.fix} for r in rules], indent=2))
        return EXIT_OK
    shown = [r for r in rules if args.all or r.enabled]
    width = max(len(r.id) for r in shown)
    category = None
    for rule in shown:
        if rule.category != category:
            category = rule.category
            print(f"\n{category}:")
        state = "" if rule.enabled else "  (off by default)"
        fix = {"safe": "fix", "unsafe": "fix*"}.get(rule.fix or "", "")
        print(f"  {rule.id:<{width}}  {rule.severity.label:<7}  {fix:<4}  {rule.summary}{state}")
    hidden = len(rules) - len(shown)
    print(f"\n{len(shown)} rules" + (f"; {hidden} more are off by default (--all lists them)" if hidden else ""))
    print("fix: kubelint check --fix repairs its findings; fix*: only with --unsafe-fixes (the fix may change "
          "what the manifest means)")
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    rules = load_rules()
    rule = rules.get(args.rule)
    if rule is None:
        import difflib  # start-up: about 10 ms, only for a misspelt rule id

        close = difflib.get_close_matches(args.rule, list(rules), n=3)
        suggestion = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ConfigError(f"unknown rule {args.rule!r}{suggestion}; `kubelint rules --all` lists them")
    sys.stdout.write(explain_rule(rule))
    return EXIT_OK


def write_baseline(path: str, result: RunResult) -> int:
    # Start-up: hashlib (OpenSSL) only when a baseline is written.
    from kubelint.findings import baseline

    text, count = baseline.render(result.findings, path)
    write_output(text, path)
    rules = len({f.rule for f in result.findings})
    print(f"Wrote {path}: {count} finding{'s' if count != 1 else ''} of {rules} rule{'s' if rules != 1 else ''} "
          f"accepted. Check with --baseline {path} (or `baseline: {path}` in .kubelint.yaml) to report only new "
          "findings.")
    return EXIT_OK


