#!/usr/bin/env python3
"""Benchmark `kubelint check` against kubernetes-validate and yamllint on the same generated inputs.

Two bundles (bench/generate.py): the clean one, on which the default rules report nothing, and
the findings-heavy one, on which they fire on most documents (a realistic repository). For each
bundle and size, kubelint runs with the default rules as

    --format json --jobs auto     --format json --jobs 1     --format text --jobs auto

each --repeat times (best and median wall time, peak memory, findings, documents with findings),
kubernetes-validate --strict runs once on the same file (bundles up to --peer-limit documents),
and the ratio is printed beside it. Then kubelint's start-up on a one-document file (median of
--startup-runs, as a pre-commit hook runs it), beside yamllint's on the same file if it is
installed, and the issue targets with the figures of this run.

    python bench/run.py                              # everything (about ten minutes today)
    python bench/run.py --sizes 1000 --repeat 1 --no-peer --startup-runs 3   # a quick run
    python bench/run.py --bundles heavy --sizes 10000 --variants json-auto json-1
    python bench/run.py --files 2000                 # also a folder of 2,000 one-document files

Install the peers with `pip install '.[bench]'` (kubernetes-validate) and `pip install yamllint`.
Wall time is what the targets are about; "cpu s" (user + system of kubelint and its workers,
the least of the runs) shows how much of a slow wall time a busy machine added. Peak memory is
the largest resident set of one process (with --jobs, of the largest worker or of the main
process), as wait4 reports it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import bundle, heavy_bundle, write_folder  # noqa: E402

OUT = HERE / "out"
BUNDLES = {"clean": bundle, "heavy": heavy_bundle}
#: kubelint runs per input by default: FORMAT-JOBS (--format FORMAT --jobs JOBS)
VARIANTS = ["json-auto", "json-1", "text-auto"]
PEER_VERSION = "1.34.0"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    exit_code: int
    cpu_seconds: float  # user + system, of the process and its workers


@dataclass(frozen=True)
class Row:
    """Figures of one tool (or kubelint variant) on one input."""

    input: str
    tool: str
    size: int
    runs: list[Run]
    findings: int | None = None
    documents_with_findings: int | None = None

    @property
    def best(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu(self) -> float:
        return min(r.cpu_seconds for r in self.runs)

    @property
    def peak(self) -> float:
        return max(r.peak_mib for r in self.runs)


def measure(command: list[str], stdout: Path | None = None) -> Run:
    """Wall seconds, peak RSS (MiB) and exit code of one run of command; stdout to a file or nowhere."""
    with open(stdout, "wb") if stdout is not None else open(os.devnull, "wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
    return Run(elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime)


def kubelint_command(path: Path, output_format: str, jobs: str | None) -> list[str]:
    command = [sys.executable, "-m", "kubelint", "check", str(path), "--format", output_format]
    if jobs is not None:
        command += ["--jobs", jobs]
    return command


def executable(name: str) -> str | None:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    return found if Path(found).exists() else None


def peer_command(path: Path) -> list[str] | None:
    found = executable("kubernetes-validate")
    return None if found is None else [found, "--strict", "--quiet", "-k", PEER_VERSION, str(path)]


def count_findings(report: Path) -> tuple[int, int] | None:
    """(findings, documents with findings) of a JSON report; objects are unique per document here."""
    try:
        findings = json.loads(report.read_text())["findings"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    objects = {(f["file"], json.dumps(f.get("resource"), sort_keys=True)) for f in findings}
    return len(findings), len(objects)


def variant(text: str) -> tuple[str, str]:
    """"json-auto" -> ("json", "auto"): a --format and a --jobs value."""
    output_format, _, jobs = text.partition("-")
    if not output_format or not (jobs == "auto" or jobs.isdigit()):
        raise argparse.ArgumentTypeError(f"expected FORMAT-JOBS like json-auto or text-1, got {text!r}")
    return output_format, jobs


def run_kubelint(label: str, path: Path, size: int, run_variant: tuple[str, str], repeat: int) -> Row:
    output_format, jobs = run_variant
    report = OUT / f"report-{output_format}-{jobs}.{output_format}"
    runs = [measure(kubelint_command(path, output_format, jobs), report) for _ in range(repeat)]
    counts = count_findings(report) if output_format == "json" else None
    if any(r.exit_code not in (0, 1) for r in runs):
        print(f"kubelint exited with {[r.exit_code for r in runs]} on {path}", file=sys.stderr)
    return Row(label, f"kubelint {output_format} --jobs {jobs}", size, runs, *(counts or (None, None)))


def print_header() -> None:
    print(f"{'input':>22} {'tool':<26} {'best s':>7} {'median':>7} {'cpu s':>6} {'docs/s':>7} {'peak MiB':>8} "
          f"{'findings':>8} {'docs hit':>8}")


def print_row(row: Row, note: str = "") -> None:
    findings = "" if row.findings is None else f"{row.findings:,}"
    hit = "" if row.documents_with_findings is None else f"{row.documents_with_findings:,}"
    median = f"{row.median:>7.2f}" if len(row.runs) > 1 else f"{'':>7}"
    print(f"{row.input:>22} {row.tool:<26} {row.best:>7.2f} {median} {row.cpu:>6.2f} {row.size / row.best:>7.0f} "
          f"{row.peak:>8.0f} {findings:>8} {hit:>8}{'   ' + note if note else ''}")
    sys.stdout.flush()


def startup(runs: int) -> tuple[Row, Row | None]:
    """kubelint and yamllint on a one-document file (the clean bundle's first document)."""
    single = OUT / "single.yaml"
    single.write_text(bundle(1))
    ours = Row("one-document file", "kubelint check", 1,
               [measure(kubelint_command(single, "text", None)) for _ in range(runs)])
    found = executable("yamllint")
    theirs = None
    if found is not None:
        theirs = Row("one-document file", "yamllint", 1, [measure([found, str(single)]) for _ in range(runs)])
    return ours, theirs


def print_targets(rows: list[Row], start: Row, yamllint: Row | None) -> None:
    """The targets of issue 13 (and the earlier clean-bundle ones) with this run's figures."""

    def find(input_name: str, tool_prefix: str) -> Row | None:
        return next((r for r in rows if r.input == input_name and r.tool.startswith(tool_prefix)), None)

    checks: list[tuple[str, str, bool | None]] = []

    def target(text: str, row: Row | None, value, limit, better: str = "<=") -> None:
        if row is None or value is None:
            return
        ok = value <= limit if better == "<=" else value >= limit
        checks.append((text, f"{value:,.2f}" if isinstance(value, float) else f"{value:,}", ok))

    heavy10k = "heavy 10,000 documents"
    json_auto, json_1 = find(heavy10k, "kubelint json --jobs auto"), find(heavy10k, "kubelint json --jobs 1")
    text_auto = find(heavy10k, "kubelint text --jobs auto")
    target("heavy 10k, json, --jobs auto: best s <= 2.0", json_auto, json_auto and json_auto.best, 2.0)
    target("heavy 10k, json, --jobs 1: best s <= 2.5", json_1, json_1 and json_1.best, 2.5)
    target("heavy 10k: findings >= 7,000", json_auto, json_auto and json_auto.findings, 7000, ">=")
    if json_auto and text_auto:
        target("heavy 10k: text / json <= 1.3", text_auto, text_auto.best / json_auto.best, 1.3)
    for name in ("heavy", "clean"):
        row = find(f"{name} 1,000 documents", "kubelint json --jobs auto")
        peer = find(f"{name} 1,000 documents", "kubernetes-validate")
        if row and peer:
            target(f"{name} 1k: x kubernetes-validate --strict >= 40", row, peer.best / row.best, 40.0, ">=")
    peaks = [r.peak for r in rows if r.size == 10000 and r.tool.startswith("kubelint")]
    if peaks:
        checks.append(("10k: peak MiB <= 200", f"{max(peaks):.0f}", max(peaks) <= 200))
    clean10k = find("clean 10,000 documents", "kubelint json --jobs auto")
    target("clean 10k, json, --jobs auto: best s <= 2.0", clean10k, clean10k and clean10k.best, 2.0)
    target("one document: median s <= 0.15", start, start.median, 0.15)
    if yamllint is not None:
        checks.append(("one document: median / yamllint's", f"{start.median / yamllint.median:.2f}", None))
    print("\ntargets (issue 13)")
    for text, value, ok in checks:
        verdict = "" if ok is None else ("met" if ok else "NOT MET")
        print(f"  {text:<52} {value:>9}  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--bundles", nargs="+", choices=sorted(BUNDLES), default=["clean", "heavy"])
    parser.add_argument("--variants", nargs="+", type=variant, default=[variant(v) for v in VARIANTS],
                        metavar="FORMAT-JOBS", help=f"kubelint runs per input (default: {' '.join(VARIANTS)})")
    parser.add_argument("--jobs", nargs="+", metavar="JOBS",
                        help="instead of --variants: json runs with each of these --jobs (--jobs 1 2)")
    parser.add_argument("--repeat", type=int, default=5, help="kubelint runs per variant (best and median)")
    parser.add_argument("--peer-limit", type=int, default=1000, help="largest bundle to give kubernetes-validate")
    parser.add_argument("--no-peer", action="store_true", help="no kubernetes-validate and no yamllint")
    parser.add_argument("--files", type=int, nargs="*", default=[],
                        help="also folders of this many one-document files of the clean bundle")
    parser.add_argument("--startup-runs", type=int, default=11, help="runs of the one-document file (median)")
    args = parser.parse_args()
    if args.jobs:
        args.variants = [variant(f"json-{jobs}") for jobs in args.jobs]
    OUT.mkdir(exist_ok=True)

    inputs: list[tuple[str, Path, int]] = []
    for size in args.sizes:
        for name in args.bundles:
            path = OUT / f"{name}-{size}.yaml"
            path.write_text(BUNDLES[name](size))
            inputs.append((f"{name} {size:,} documents", path, size))
    for count in args.files:
        folder = OUT / f"files-{count}"
        shutil.rmtree(folder, ignore_errors=True)
        write_folder(count, str(folder))
        inputs.append((f"clean {count:,} files", folder, count))

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; best and median of {args.repeat}\n")
    print_header()
    rows: list[Row] = []
    for label, path, size in inputs:
        first: Row | None = None
        for run_variant in args.variants:
            row = run_kubelint(label, path, size, run_variant, args.repeat)
            note = ""
            if first is not None and row.tool.startswith("kubelint text") and first.tool.startswith("kubelint json"):
                note = f"(text / json {row.best / first.best:.2f})"
            print_row(row, note)
            rows.append(row)
            first = first or row
        peer = None if args.no_peer or path.is_dir() or size > args.peer_limit else peer_command(path)
        if peer is not None and first is not None:
            row = Row(label, "kubernetes-validate", size, [measure(peer)])
            print_row(row, f"(kubelint {first.tool[9:]} {row.best / first.best:.0f}x faster)")
            rows.append(row)

    start, yamllint = startup(args.startup_runs)
    print()
    print_row(start)
    if yamllint is not None and not args.no_peer:
        print_row(yamllint, f"(kubelint / yamllint {start.median / yamllint.median:.2f}, medians)")
    else:
        yamllint = None
    print_targets(rows, start, yamllint)
    return 0


if __name__ == "__main__":
    sys.exit(main())
