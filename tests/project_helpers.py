"""Helpers for the project-aware tests: a project fixture copied into a fresh git repository, as a
user's checkout, and the findings of a run in it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from conftest import PROJECTS, run_cli


def repository(tmp_path: Path, fixture: str, *, commit: bool = True) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(PROJECTS / fixture, repo)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    if commit:
        subprocess.run(["git", "-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-qm", "init"],
                       cwd=repo, check=True)
    return repo


def findings(repo: Path, *args: str, env: dict | None = None) -> tuple[int, list[dict]]:
    """The exit code and the JSON findings of `kubelint check` run in the repository."""
    completed = run_cli("check", "--format", "json", *args, cwd=repo, env=env)
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode, json.loads(completed.stdout)["findings"]


def summary(found: list[dict], severity: str = "error") -> list[str]:
    return sorted(f"{f['file']}:{f['line']}:{f['column']} {f['rule']}" for f in found if f["severity"] == severity)
