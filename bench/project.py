"""A pre-commit run on one staged file of a large project: the project context and its cache.

Builds a git repository of N one-document manifest files (bench/generate.py's app units, one object
a file, a folder per unit), then times `kubelint check FILE` from the repository root, as the
pre-commit hook runs it on one staged file, in four ways:

- the file alone (--no-context): what kubelint did before it read the project;
- with the project as context, the parse cache cold (every run from an empty .kubelint_cache);
- the same, the cache warm (the usual case: the second commit on);
- the whole project, `kubelint check .` (CI).

Usage: python bench/project.py [--files 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_folder  # noqa: E402

#: as users run it: compiled modules are cached (a development shell may turn that off)
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], cwd: Path, before=None) -> tuple[float, int]:
    if before is not None:
        before()
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=ENVIRONMENT)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({completed.returncode}):\n{completed.stderr}")
    return elapsed, completed.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    kubelint = [sys.executable, "-m", "kubelint", "check", "--format", "json", "-o", "/dev/null"]
    with tempfile.TemporaryDirectory(prefix="kubelint-project-") as folder:
        repo = Path(folder)
        files = write_folder(args.files, str(repo / "deploy"))
        subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        subprocess.run(["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench", "commit", "-qm",
                        "project"], cwd=repo, check=True)
        staged = str(Path(files[len(files) // 2]).relative_to(repo))
        cache = repo / ".kubelint_cache"

        def cold() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cases = [
            ("one file, no context (--no-context)", kubelint + ["--no-context", staged], None),
            ("one file, project context, cache cold", kubelint + [staged], cold),
            ("one file, project context, cache warm", kubelint + [staged], None),
            (f"whole project (check ., {args.files} files)", kubelint + ["."], None),
        ]
        timed(kubelint + [staged], repo)  # warm the file system and the cache
        print(f"{args.files} manifest files in a git repository; the staged file: {staged}")
        print(f"{'case':<44} {'best':>8} {'median':>8}")
        for name, command, before in cases:
            times = [timed(command, repo, before)[0] for _ in range(args.repeat)]
            print(f"{name:<44} {min(times):>7.2f}s {statistics.median(times):>7.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
