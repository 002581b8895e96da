#!/usr/bin/env python3
"""Benchmark `kubelint check` against kubernetes-validate on the same generated bundles.

Prints wall time, documents per second and peak memory (max RSS) of each tool for bundles of
100, 1,000 and 10,000 documents (bench/generate.py) and for a folder of 2,000 one-document files,
and kubelint's start-up time on a one-document file (median of runs, as a pre-commit hook would
run it).

    python bench/run.py                  # everything (kubernetes-validate on 10,000 takes minutes)
    python bench/run.py --peer-limit 1000  # skip the peer on the largest bundle
    python bench/run.py --sizes 100 1000 --no-peer
    python bench/run.py --sizes 10000 --files 2000 --jobs 1 2 --no-peer   # serial against parallel

Install the peer with `pip install '.[bench]'` (kubernetes-validate from PyPI). Targets on the
2-core reference machine: 10,000 documents in at most 2 s, one document in at most 0.25 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import bundle, write_folder  # noqa: E402

OUT = HERE / "out"


def measure(command: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MiB, exit code) of one run of command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def kubelint_command(path: Path, jobs: str | None) -> list[str]:
    command = [sys.executable, "-m", "kubelint", "check", str(path), "--quiet"]
    if jobs is not None:
        command += ["--jobs", jobs]
    return command


def peer_command(path: Path) -> list[str] | None:
    executable = shutil.which("kubernetes-validate") or str(Path(sys.executable).parent / "kubernetes-validate")
    if not Path(executable).exists():
        return None
    return [executable, "--strict", "--quiet", "-k", "1.34.0", str(path)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="kubelint runs per size (best is reported)")
    parser.add_argument("--peer-limit", type=int, default=10**9, help="largest bundle to give the peer")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--files", type=int, nargs="*", default=[2000],
                        help="also folders of this many one-document files (none: --files)")
    parser.add_argument("--jobs", nargs="+", default=[None],
                        help="pass --jobs to kubelint; several values give a row each (--jobs 1 2)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)

    inputs: list[tuple[str, Path, int]] = []
    for size in args.sizes:
        path = OUT / f"bundle-{size}.yaml"
        path.write_text(bundle(size))
        inputs.append((f"{size:,} documents", path, size))
    for count in args.files:
        folder = OUT / f"files-{count}"
        shutil.rmtree(folder, ignore_errors=True)
        write_folder(count, str(folder))
        inputs.append((f"{count:,} files", folder, count))

    print(f"{'input':>16} {'tool':<22} {'seconds':>8} {'docs/s':>9} {'peak MiB':>9}")
    for label, path, size in inputs:
        best = None
        for jobs in args.jobs:
            runs = [measure(kubelint_command(path, jobs)) for _ in range(args.repeat)]
            best = min(runs)
            if any(code not in (0,) for _, _, code in runs):
                print(f"kubelint exited with {[c for _, _, c in runs]} on {path}", file=sys.stderr)
            tool = "kubelint" + (f" --jobs {jobs}" if jobs is not None else "")
            print(f"{label:>16} {tool:<22} {best[0]:>8.2f} {size / best[0]:>9.0f} {best[1]:>9.0f}")
            sys.stdout.flush()
        peer = None if args.no_peer or path.is_dir() else peer_command(path)
        if peer is not None and size <= args.peer_limit:
            elapsed, memory, _ = measure(peer)
            print(f"{label:>16} {'kubernetes-validate':<22} {elapsed:>8.2f} {size / elapsed:>9.0f} {memory:>9.0f}"
                  f"   (kubelint {elapsed / best[0]:.0f}x faster)")
        sys.stdout.flush()

    single = OUT / "single.yaml"
    single.write_text(bundle(1))
    startup = [measure(kubelint_command(single, None)) for _ in range(7)]
    print(f"\none-document file: median {statistics.median(t for t, _, _ in startup):.3f} s "
          f"(best {min(t for t, _, _ in startup):.3f} s), peak {max(m for _, m, _ in startup):.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
