#!/usr/bin/env python3
"""Hostile inputs: time and peak memory of `kubelint check` on each, and whether it ended well.

Every case must end with a clear finding (exit code 1) or a message and exit code 2 (or pass,
for inputs that are valid), never with exit code 3, a traceback, a crash or a hang. For each
case the table gives the input's size, the exit code, wall time, the peak resident memory of
the kubelint process (max RSS) and what kubelint said; a last line gives the largest peak.

    python bench/hostile.py                  # every case at full size (a few minutes; ~3 GB of disk in bench/out)
    python bench/hostile.py --quick          # small sizes, seconds
    python bench/hostile.py --only deep-flow-1m alias-bomb

Inputs are generated into bench/out/hostile/ (removed afterwards unless --keep). The 100 MB
file and the folder of 20,000 files live here rather than in the test suite;
tests/whole_program/test_hostile.py runs the cheap cases at small sizes through the same definitions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "hostile"
TIMEOUT = 600

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n"
VALID = CONFIGMAP.format(name="ok") + "  key: value\n"


@dataclass
class Case:
    """One hostile input: how to make it, how to run kubelint on it, what must come out."""

    name: str
    make: Callable[[Path, bool], list[str]]  # (folder, full size) -> arguments after `kubelint check`
    exits: tuple[int, ...]                     # acceptable exit codes
    rules: tuple[str, ...] = ()                # rules that must be among the findings
    stderr: str | None = None                  # text the message on stderr must hold (exit code 2)
    cheap: bool = True                         # small enough to run in the test suite
    stdin: str | None = None                   # a file that make() writes, given on stdin
    notes: list[str] = field(default_factory=list)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogateescape")
    path.write_bytes(text)
    return path


def _bundle(documents: int) -> str:
    sys.path.insert(0, str(HERE))
    from generate import bundle

    return bundle(documents)


# --- generators: each returns the arguments for `kubelint check` ------------------------------


def alias_bomb(folder: Path, full: bool) -> list[str]:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        previous, name = chr(ord("a") + index - 1), chr(ord("a") + index)
        lines.append(f"{name}: &{name} [" + ",".join(f"*{previous}" for _ in range(9)) + "]")
    return [str(write(folder / "bomb.yaml", "\n".join(lines) + "\n"))]


def merge_bomb(folder: Path, full: bool) -> list[str]:
    lines = ["x0: &x0 {a: 1, b: 2, c: 3, d: 4}"]
    for index in range(1, 30):
        lines.append(f"x{index}: &x{index} {{<<: [*x{index - 1}, *x{index - 1}], k{index}: {index}}}")
    return [str(write(folder / "merge.yaml", CONFIGMAP.format(name="m") + "  " + "\n  ".join(lines) + "\n"))]


def deep_flow(depth: int) -> Callable[[Path, bool], list[str]]:
    def make(folder: Path, full: bool) -> list[str]:
        levels = depth if full else min(depth, 20_000)
        return [str(write(folder / "deep.yaml", CONFIGMAP.format(name="deep") + "  v: " + "[" * levels
                          + "]" * levels + "\n"))]
    return make


def deep_block_compact(folder: Path, full: bool) -> list[str]:
    return [str(write(folder / "deep.yaml", "- " * 10_000 + "x\n"))]


def deep_block_indented(folder: Path, full: bool) -> list[str]:
    levels = 3_000 if full else 400
    body = "".join(" " * level + "a:\n" for level in range(levels)) + " " * levels + "b: 1\n"
    return [str(write(folder / "deep.yaml", body))]


def big_file(megabytes: int) -> Callable[[Path, bool], list[str]]:
    def make(folder: Path, full: bool) -> list[str]:
        size = megabytes * 1024 * 1024 if full else 3 * 1024 * 1024
        unit = _bundle(200) + "---\n"
        path = folder / "big.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            written = 0
            while written < size:
                handle.write(unit)
                written += len(unit)
        return [str(path)] if full else [str(path), "--max-file-size", "2"]
    return make


def big_file_checked(folder: Path, full: bool) -> list[str]:
    args = big_file(100)(folder, full)
    return [args[0], "--max-file-size", "128" if full else "4"]


def big_stdin(folder: Path, full: bool) -> list[str]:
    big_file(100)(folder, full)
    return ["-"] if full else ["-", "--max-file-size", "2"]


def big_scalar(style: str) -> Callable[[Path, bool], list[str]]:
    def make(folder: Path, full: bool) -> list[str]:
        size = 10 * 1024 * 1024 if full else 256 * 1024
        words = "lorem ipsum dolor sit amet " * (size // 27 + 1)
        words = words[:size]
        if style == "plain":
            value = words.replace(" ", "-")
        elif style == "quoted":
            value = json.dumps(words)
        else:
            value = "|\n" + "\n".join("    " + words[i:i + 100] for i in range(0, len(words), 100))
        return [str(write(folder / "scalar.yaml", CONFIGMAP.format(name="big") + "  blob: " + value + "\n"))]
    return make


def long_line(folder: Path, full: bool) -> list[str]:
    keys = 400_000 if full else 10_000
    data = {f"key-{i}": f"value-{i}" for i in range(keys)}
    text = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "wide"}, "data": data})
    return [str(write(folder / "wide.json", text))]


def many_keys(folder: Path, full: bool) -> list[str]:
    keys = 1_000_000 if full else 20_000
    return [str(write(folder / "keys.yaml", CONFIGMAP.format(name="keys")
                      + "".join(f"  k{i}: v{i}\n" for i in range(keys))))]


def many_flow_mappings(folder: Path, full: bool) -> list[str]:
    # the costliest shape per byte we found: a Python object per tiny collection, twice (the
    # data, and the positioned parse of a document with findings: data must be a mapping)
    count = 1_000_000 if full else 20_000
    return [str(write(folder / "maps.yaml", CONFIGMAP.format(name="maps")
                      + "".join(f"- {{a: {i % 10}}}\n" for i in range(count))))]


def many_documents(folder: Path, full: bool) -> list[str]:
    count = 1_000_000 if full else 20_000
    return [str(write(folder / "empty-docs.yaml", "---\n" * count + VALID))]


def nul_bytes(folder: Path, full: bool) -> list[str]:
    return [str(write(folder / "nul.yaml", VALID.replace("value", "va\x00lue") + "---\n" + VALID))]


def binary_junk(folder: Path, full: bool) -> list[str]:
    junk = random.Random(7).randbytes(10 * 1024 * 1024 if full else 64 * 1024)
    return [str(write(folder / "junk.yaml", junk))]


def invalid_utf8(folder: Path, full: bool) -> list[str]:
    return [str(write(folder / "latin1.yaml", VALID.encode() + b"---\n" + "data:\n  x: caf\xe9\n".encode("latin-1")))]


def encoded(encoding: str, bom: bytes) -> Callable[[Path, bool], list[str]]:
    def make(folder: Path, full: bool) -> list[str]:
        return [str(write(folder / f"{encoding}.yaml", bom + VALID.replace("value", "valüe").encode(encoding)))]
    return make


def symlink_loop(folder: Path, full: bool) -> list[str]:
    write(folder / "ok.yaml", VALID)
    (folder / "a.yaml").symlink_to(folder / "b.yaml")
    (folder / "b.yaml").symlink_to(folder / "a.yaml")
    (folder / "sub").mkdir()
    (folder / "sub" / "loop").symlink_to(folder)
    return [str(folder)]


def unreadable(folder: Path, full: bool) -> list[str]:
    path = write(folder / "secret.yaml", VALID)
    path.chmod(0)
    write(folder / "ok.yaml", VALID)
    return [str(folder)]


def many_files(folder: Path, full: bool) -> list[str]:
    count = 20_000 if full else 300
    for index in range(count):
        write(folder / f"d{index // 1000:02d}" / f"cm-{index}.yaml", CONFIGMAP.format(name=f"cm-{index}") + "  a: b\n")
    return [str(folder)]


def missing_path(folder: Path, full: bool) -> list[str]:
    return [str(folder / "does-not-exist.yaml")]


def flow_colons(folder: Path, full: bool) -> list[str]:
    count = 20_000 if full else 2_000
    pairs = ", ".join(f"k{i}: http://host-{i}:8080/p" for i in range(count))
    return [str(write(folder / "colons.yaml", "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\n"
                      "spec: {" + pairs + "}\n"))]


def huge_number(folder: Path, full: bool) -> list[str]:
    digits = "9" * (1024 * 1024 if full else 20_000)
    return [str(write(folder / "number.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: n}\n"
                      "spec:\n  replicas: " + digits + "\n"))]


def named_pipe(folder: Path, full: bool) -> list[str]:
    write(folder / "ok.yaml", VALID)
    os.mkfifo(folder / "pipe.yaml")
    return [str(folder)]


def control_characters(folder: Path, full: bool) -> list[str]:
    return [str(write(folder / "escapes.yaml", CONFIGMAP.format(name="esc")
                      + '  "\\e]0;owned\\a\\e[2J\\nerror: forged line\\u202e": 1\n'))]


def unsafe_tags(folder: Path, full: bool) -> list[str]:
    marker = folder / "constructed"
    return [str(write(folder / "tags.yaml", CONFIGMAP.format(name="tags")
                      + f'  run: !!python/object/apply:os.system ["touch {marker}"]\n'
                      + "  name: !!python/name:os.system ''\n  vault: !vault secret/path\n"))]


CASES = [
    Case("alias-bomb", alias_bomb, (1,), ("yaml-alias-limit",)),
    Case("merge-key-bomb", merge_bomb, (1,), ("yaml-alias-limit",)),
    Case("deep-flow-10k", deep_flow(10_000), (1,), ("yaml-depth-limit",)),
    Case("deep-flow-1m", deep_flow(1_000_000), (1,), ("yaml-depth-limit",), cheap=False),
    Case("deep-block-10k", deep_block_compact, (1,), ("yaml-depth-limit",)),
    Case("deep-indent-3k", deep_block_indented, (1,), ("yaml-depth-limit",)),
    Case("file-100mb", big_file(100), (1,), ("file-too-large",), cheap=False),
    Case("file-100mb-checked", big_file_checked, (0,), cheap=False),
    Case("stdin-100mb", big_stdin, (1,), ("file-too-large",), stdin="big.yaml"),
    Case("scalar-10mb-plain", big_scalar("plain"), (0,)),
    Case("scalar-10mb-quoted", big_scalar("quoted"), (0,)),
    Case("scalar-10mb-literal", big_scalar("literal"), (0,)),
    Case("line-10mb-json", long_line, (0,)),
    Case("keys-1m", many_keys, (0,)),
    Case("documents-1m", many_documents, (0,)),
    Case("flow-maps-1m", many_flow_mappings, (1,), ("schema-type",)),
    Case("nul-bytes", nul_bytes, (1,), ("yaml-syntax",)),
    Case("binary-junk", binary_junk, (1,), ("yaml-encoding",)),
    Case("invalid-utf8", invalid_utf8, (1,), ("yaml-encoding",)),
    Case("utf16-bom", encoded("utf-16", b""), (0,)),  # Python's utf-16 codec writes the BOM
    Case("utf16-no-bom", encoded("utf-16-le", b""), (1,), ("yaml-encoding",)),
    Case("utf32-bom", encoded("utf-32", b""), (0,)),
    Case("symlink-loop", symlink_loop, (1,), ("file-unreadable",)),
    Case("unreadable-file", unreadable, (0, 1), notes=["as root, mode 000 is still readable: exit 0"]),
    Case("folder-20000-files", many_files, (0,)),
    Case("missing-path", missing_path, (2,), stderr="no such file or folder"),
    Case("flow-colons-20k", flow_colons, (0, 1)),
    Case("number-1m-digits", huge_number, (1,), ("schema-type",)),
    Case("named-pipe", named_pipe, (0,)),
    Case("control-characters", control_characters, (1,), ("schema-type",)),
    Case("unsafe-tags", unsafe_tags, (1,), ("yaml-unsafe-tag", "yaml-tag")),
]


@dataclass
class Outcome:
    case: Case
    size: int
    code: int | None
    seconds: float
    peak_mib: float
    rules: list[str]
    stderr: str
    problems: list[str]


def make(case: Case, folder: Path, full: bool, isolated: bool) -> list[str]:
    """Generate the input. ``isolated``: in a child process, so that this process stays small:
    a child's peak memory (max RSS) counts what it inherited from its parent at fork."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if not isolated:
        return case.make(folder, full)
    command = [sys.executable, __file__, "--make", case.name, str(folder)] + (["--full"] if full else [])
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def run(case: Case, folder: Path, full: bool, isolated: bool = False) -> Outcome:
    args = make(case, folder, full, isolated)
    stdin_path = folder / case.stdin if case.stdin else None
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
               and not p.is_fifo()) if folder.exists() else 0
    command = [sys.executable, "-m", "kubelint", "check", *args, "--format", "json", "--fail-on", "warning"]
    stdout_path, stderr_path = folder.parent / f"{case.name}.out", folder.parent / f"{case.name}.err"
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err, \
            open(stdin_path or os.devnull, "rb") as stdin:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=stdin, stdout=out, stderr=err, cwd=folder)
        code = peak = None
        while code is None:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                code, peak = os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024
            elif time.perf_counter() - started > TIMEOUT:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                code, peak = None, usage.ru_maxrss / 1024
            else:
                time.sleep(0.02)
        seconds = time.perf_counter() - started
    stderr = stderr_path.read_text(errors="replace")
    rules: list[str] = []
    problems = []
    if code is None:
        problems.append(f"no answer within {TIMEOUT} s")
    elif code not in case.exits:
        problems.append(f"exit code {code}, expected {' or '.join(map(str, case.exits))}")
    if "Traceback" in stderr:
        problems.append("traceback")
    if code in (0, 1):
        try:
            rules = sorted({f["rule"] for f in json.loads(stdout_path.read_text())["findings"]})
        except ValueError:
            problems.append("the JSON report does not parse")
        missing = [rule for rule in case.rules if rule not in rules]
        if missing:
            problems.append(f"missing {', '.join(missing)}")
    if case.stderr and case.stderr not in stderr:
        problems.append(f"stderr lacks {case.stderr!r}")
    if case.name == "unsafe-tags" and (folder / "constructed").exists():
        problems.append("a python tag was constructed")
    return Outcome(case, size, code, seconds, peak or 0.0, rules, stderr.strip(), problems)


def describe_size(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (what tests/whole_program/test_hostile.py runs)")
    parser.add_argument("--only", nargs="+", metavar="CASE", help=f"cases among: {', '.join(c.name for c in CASES)}")
    parser.add_argument("--keep", action="store_true", help="keep the generated inputs in bench/out/hostile")
    parser.add_argument("--make", nargs=2, metavar=("CASE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        case = next(c for c in CASES if c.name == args.make[0])
        print(json.dumps(case.make(Path(args.make[1]), args.full)))
        return 0
    cases = [c for c in CASES if not args.only or c.name in args.only]
    if args.quick:
        cases = [c for c in cases if c.cheap]
    print(f"{'case':<22} {'input':>9} {'exit':>4} {'seconds':>8} {'peak MiB':>9}  outcome")
    worst = 0.0
    failed = 0
    try:
        for case in cases:
            outcome = run(case, OUT / case.name, full=not args.quick, isolated=True)
            said = ", ".join(outcome.rules) if outcome.rules else (outcome.stderr.splitlines() or ["-"])[-1][:60]
            flag = "  UNEXPECTED: " + "; ".join(outcome.problems) if outcome.problems else ""
            print(f"{case.name:<22} {describe_size(outcome.size):>9} {str(outcome.code):>4} {outcome.seconds:>8.2f} "
                  f"{outcome.peak_mib:>9.0f}  {said}{flag}", flush=True)
            worst = max(worst, outcome.peak_mib)
            failed += bool(outcome.problems)
            if not args.keep:
                shutil.rmtree(OUT / case.name, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(OUT, ignore_errors=True)
    print(f"\nlargest peak: {worst:.0f} MiB; {failed} unexpected outcome(s) in {len(cases)} cases")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
