"""The pre-commit hook on a repository of many files: one staged file, and --all-files split into 1, 2
or 16 batches, run by the real pre-commit (pre_commit/xargs.py partitions the files into batches of
at least 4, one kubelint process each, up to the CPU count; the count is replaced here so that the
number of batches does not depend on the machine)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECTS, ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="the hook is installed from this checkout's HEAD"),
]

RUN_WITH_CPUS = """\
import sys
import pre_commit.xargs
pre_commit.xargs.cpu_count = lambda: int(sys.argv[1])
from pre_commit.main import main
sys.exit(main(sys.argv[2:]))
"""
FINDING = re.compile(r"^\s+(\d+:\d+)\s+(error|warning|info)\s+.*\[([a-z0-9-]+)\]$")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=dev@example.com", "-c", "user.name=Dev", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


def hook_repository(tmp_path: Path, extra_files: int = 0) -> Path:
    """app-split (examples/app, one object a file) in a git repository with the kubelint hook."""
    repo = tmp_path / "repo"
    shutil.copytree(PROJECTS / "app-split", repo)
    for number in range(extra_files):
        (repo / "settings" / f"setting-{number:02d}.yaml").parent.mkdir(exist_ok=True)
        (repo / "settings" / f"setting-{number:02d}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: setting-{number:02d}\n  namespace: shop\n"
            f"data:\n  value: \"{number}\"\n")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head.stdout.strip()}\n    hooks:\n      - id: kubelint\n"
        "        verbose: true\n")  # the output of every batch, even when it passes
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "the app")
    return repo


def pre_commit(repo: Path, home: Path, cpus: int, *args: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PRE_COMMIT_HOME=str(home))
    environment.pop("NO_COLOR", None)
    environment.pop("PRE_COMMIT_NO_CONCURRENCY", None)
    return subprocess.run([sys.executable, "-c", RUN_WITH_CPUS, str(cpus), *args, "--color", "never"], cwd=repo,
                          capture_output=True, text=True, env=environment, timeout=900)


def reported(output: str) -> tuple[list[str], int]:
    """The findings a hook run printed (file, position, severity, rule), and how many batches ran."""
    findings, file = [], None
    for line in output.splitlines():
        if line and not line.startswith(" ") and line.endswith((".yaml", ".yml")):
            file = line
        match = FINDING.match(line)
        if match:
            findings.append(f"{file}:{match.group(1)} {match.group(2)} {match.group(3)}")
    batches = len(re.findall(r"^(?:Found \d|All checks passed)", output, re.MULTILINE))
    return sorted(findings), batches


def test_a_staged_file_whose_references_are_in_unchanged_files_passes(tmp_path, pre_commit_home):
    repo = hook_repository(tmp_path)
    deployment = repo / "frontend" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace("replicas: 3", "replicas: 4", 1))
    git(repo, "add", "frontend/deployment.yaml")
    completed = pre_commit(repo, pre_commit_home, 2, "run")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Passed" in completed.stdout and "not found" not in completed.stdout
    deployment.write_text(deployment.read_text().replace("name: postgres-credentials", "name: postgres-credential"))
    git(repo, "add", "frontend/deployment.yaml")
    failed = pre_commit(repo, pre_commit_home, 2, "run")
    assert failed.returncode == 1
    found, _ = reported(failed.stdout)
    assert found and all(f.startswith("frontend/deployment.yaml:") and f.endswith("error secret-ref") for f in found)
    assert 'did you mean "postgres-credentials"?' in failed.stdout


def test_all_files_give_the_same_findings_in_1_2_or_16_batches(tmp_path, pre_commit_home):
    repo = hook_repository(tmp_path, extra_files=49)  # 64 files: 16 batches of 4 with 16 CPUs
    service = repo / "frontend" / "service.yaml"
    service.write_text(service.read_text().replace("app.kubernetes.io/name: frontend", "app.kubernetes.io/name: front"))
    git(repo, "commit", "-qam", "a Service that selects nothing")
    results = {}
    for cpus in (1, 2, 16):
        completed = pre_commit(repo, pre_commit_home, cpus, "run", "--all-files")
        results[cpus] = reported(completed.stdout)
        assert completed.returncode in (0, 1), completed.stdout + completed.stderr
    assert [batches for _, batches in results.values()] == [1, 2, 16]
    assert results[1][0], "the broken selector must be found"
    assert results[1][0] == results[2][0] == results[16][0]
