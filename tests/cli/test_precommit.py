"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit from PyPI.

`pre-commit try-repo` installs kubelint from this checkout into a fresh environment of its own (about
45 s each time: it builds kubelint and installs its dependencies from PyPI) and runs the hook in a
temporary git repository, as it runs on a developer's commit. `pre-commit run` with the README's
configuration installs once per test session (PRE_COMMIT_HOME).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BROKEN_DEPLOYMENT as BROKEN, ROOT, run_cli

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="try-repo needs this checkout to be a git repository"),
]

FIXED = BROKEN.replace('replicas: "3"', "replicas: 3")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def new_repository(folder: Path) -> Path:
    folder.mkdir()
    git(folder, "init", "-q")
    git(folder, "config", "user.email", "dev@example.com")
    git(folder, "config", "user.name", "Dev")
    git(folder, "config", "commit.gpgsign", "false")
    return folder


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PRE_COMMIT_HOME=str(home))
    environment.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args, "--color", "never"], cwd=repo,
                          capture_output=True, text=True, env=environment, timeout=900)


def test_kubelint_hook_fails_on_a_broken_manifest_and_passes_once_it_is_fixed(tmp_path, pre_commit_home):
    repo = new_repository(tmp_path / "project")
    (repo / "deploy").mkdir()
    (repo / "deploy" / "web.yaml").write_text(BROKEN)
    # YAML that is not a manifest: the hook's default exclude keeps it out
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {}\n")
    (repo / "chart" / "templates").mkdir(parents=True)
    (repo / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (repo / "chart" / "values.yaml").write_text("replicas: 3\n")
    (repo / "chart" / "templates" / "deploy.yaml").write_text("replicas: {{ .Values.replicas }}\n")
    git(repo, "add", "-A")

    failed = pre_commit(repo, pre_commit_home, "try-repo", str(ROOT), "kubelint")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "kubelint" in failed.stdout and "Failed" in failed.stdout
    assert "deploy/web.yaml" in failed.stdout
    assert '6:13  error    spec.replicas: expected integer, got string "3"  [schema-type]' in failed.stdout
    assert "Found 1 error," in failed.stdout  # best-practice warnings do not fail the hook
    assert "(1 file, 1 resource" in failed.stdout  # only the manifest was passed
    assert "Chart.yaml" not in failed.stdout and "ci.yml" not in failed.stdout

    (repo / "deploy" / "web.yaml").write_text(FIXED)
    git(repo, "add", "-A")
    passed = pre_commit(repo, pre_commit_home, "try-repo", str(ROOT), "kubelint")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def has_nodes_option() -> bool:
    return "--nodes" in run_cli("check", "--help").stdout


@pytest.mark.skipif(not has_nodes_option(), reason="kubelint check has no --nodes option yet (the scheduling "
                    "dry-run comes with issue 4); the kubelint-schedule hook calls it")
def test_schedule_hook_takes_the_node_inventory_as_its_first_argument(tmp_path, pre_commit_home):
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    shown = subprocess.run(["git", "show", "HEAD:.pre-commit-hooks.yaml"], cwd=ROOT, capture_output=True, text=True)
    if "kubelint-schedule" not in shown.stdout:
        pytest.skip("the committed .pre-commit-hooks.yaml has no kubelint-schedule hook")
    repo = new_repository(tmp_path / "project")
    (repo / "cluster").mkdir()
    (repo / "cluster" / "nodes.yaml").write_text(
        "apiVersion: v1\nkind: Node\nmetadata: {name: small}\nstatus:\n  allocatable: {cpu: '1', memory: 1Gi, pods: '10'}\n"
        "  capacity: {cpu: '1', memory: 1Gi, pods: '10'}\n")
    (repo / "deploy").mkdir()
    (repo / "deploy" / "web.yaml").write_text(FIXED.replace("image: nginx:1.27", "image: nginx:1.27\n"
                                              "          resources: {requests: {cpu: '64', memory: 1Gi}}"))
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head.strip()}\n    hooks:\n      - id: kubelint-schedule\n"
        "        args: [cluster/nodes.yaml, deploy/]\n")
    git(repo, "add", "-A")
    completed = pre_commit(repo, pre_commit_home, "run", "--all-files")
    assert completed.returncode == 1, completed.stdout + completed.stderr  # 64 CPUs fit on no 1-CPU node
    assert "kubelint scheduling dry-run" in completed.stdout and "Failed" in completed.stdout


def test_readme_recipe_runs_under_pre_commit(tmp_path, pre_commit_home):
    """The README's .pre-commit-config.yaml, pointed at this checkout's HEAD instead of the release."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    config = re.search(r"<!-- recipe: pre-commit -->\n```yaml\n(.*?)\n```", readme, re.DOTALL).group(1) + "\n"
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "repo: https://github.com/kubelint/kubelint" in config and "rev: v0.1.0" in config
    config = config.replace("https://github.com/kubelint/kubelint", str(ROOT)).replace("v0.1.0", head.strip())
    repo = new_repository(tmp_path / "project")
    (repo / ".pre-commit-config.yaml").write_text(config)
    validated = pre_commit(repo, pre_commit_home, "validate-config", ".pre-commit-config.yaml")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    # flowcontrol v1beta3 is served by 1.30 and removed in 1.32: the recipe's --kube-version reaches kubelint
    flowcontrol = ("apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: PriorityLevelConfiguration\n"
                   "metadata:\n  name: p\nspec:\n  type: Exempt\n")
    (repo / "priority.yaml").write_text(flowcontrol)
    (repo / "web.yaml").write_text(BROKEN)
    # the configuration's exclude applies to the files pre-commit names (--force-exclude)
    (repo / ".kubelint.yaml").write_text("exclude: [vendor/**]\n")
    (repo / "vendor").mkdir()
    (repo / "vendor" / "broken.yaml").write_text(BROKEN)
    git(repo, "add", "-A")
    failed = pre_commit(repo, pre_commit_home, "run")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "[schema-type]" in failed.stdout and "api-removed" not in failed.stdout
    assert "web.yaml" in failed.stdout and "vendor" not in failed.stdout
    assert "[api-deprecated]" in failed.stdout  # served by 1.30, removed in 1.32
    assert "Found 1 error," in failed.stdout and "(2 files, 2 resources, Kubernetes 1.30" in failed.stdout
    (repo / "web.yaml").write_text(FIXED)
    git(repo, "add", "-A")
    passed = pre_commit(repo, pre_commit_home, "run")
    assert passed.returncode == 0, passed.stdout + passed.stderr
