"""--jobs: parallel runs give exactly the serial run's output; the progress bar stays out of pipes
and machine formats. (How much faster parallel runs are is measured by bench/run.py, not here.)"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time

import pytest

from conftest import CORPUS, EXAMPLES, ROOT, crd, needs_shared, run_cli
from kubelint import Options, check
from kubelint.engine import parallel_read as parallel
from kubelint.engine import parallel_rules as parallel_checks

sys.path.insert(0, str(ROOT / "bench"))
from generate import bundle  # noqa: E402

CRD = crd("Widget", "properties:\n  size: {type: integer}\n")


def mixed_input(folder) -> None:
    """Files that exercise every path of the reader: large streams cut into slices, defects of
    each kind, JSON, Lists, custom resources whose CRD is in another file, bad bytes."""
    documents = bundle(120).split("\n---\n")
    documents[7] = documents[7].replace("replicas: 1", 'replicas: "1"')  # schema-type
    documents[30] = documents[30].replace("type: ClusterIP", "type: ClusterIP\n  type: NodePort")  # duplicate key
    documents[45] = documents[45] + "\n  extra: yes"  # unknown field, ambiguous scalar
    documents[60] = "key: [unclosed"  # syntax error in the middle of a stream
    documents[61] = documents[61].replace("metadata:", "metadata:\n  labels: {a: 1:20}", 1)
    (folder / "big.yaml").write_text("\n---\n".join(documents) + "\n")
    (folder / "crd.yaml").write_text(CRD)
    (folder / "widgets.yaml").write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
                                         "spec: {size: big}\n---\napiVersion: example.com/v1\nkind: Gadget\n"
                                         "metadata: {name: g}\n")
    (folder / "list.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"x": 1}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}]}))
    (folder / "stream.json").write_text('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}\n'
                                        '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "Bad_Name"}}\n')
    (folder / "latin1.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: caf\xe9}\n"
                                         b"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\ndata: {a: b}\n")
    (folder / "huge.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: h}\ndata:\n"
                                      + "".join(f"  k{i}: v\n" for i in range(40000)))
    for number in range(40):
        (folder / f"small-{number:02d}.yaml").write_text(documents[number % 9] + "\n")


def snapshot(result) -> dict:
    return {
        "findings": [(f.to_dict(), f.snippet) for f in result.findings],
        "resources": [(r.file, r.document.index, r.path, str(r.ref)) for r in result.resources],
        "documents": result.documents,
        "files": result.files,
    }


@pytest.fixture
def small_tasks(monkeypatch):
    """Tasks of a few KiB, so that even small inputs are cut into many tasks and slices; and rules
run in parallel whatever the number of resources."""
    monkeypatch.setattr(parallel, "MIN_TASK_BYTES", 2048)
    monkeypatch.setattr(parallel, "MAX_TASK_BYTES", 2048)
    monkeypatch.setattr(parallel_checks, "MIN_RESOURCES", 1)


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel runs need fork")
def test_parallel_runs_find_exactly_what_the_serial_run_finds(tmp_path, small_tasks):
    mixed_input(tmp_path)
    options = dict(max_file_size=200_000)  # huge.yaml is too large: a finding, in file order
    serial = snapshot(check([str(tmp_path), str(EXAMPLES)], options=Options(**options)))
    rules = {finding["rule"] for finding, _ in serial["findings"]}
    assert {"schema-type", "yaml-duplicate-key", "schema-unknown-field", "yaml-syntax", "yaml-ambiguous-scalar",
            "yaml-encoding", "file-too-large", "name-invalid", "unknown-kind"} <= rules
    assert any(f["message"].startswith("spec.size") for f, _ in serial["findings"])  # the CRD in another file
    for jobs in (2, 3):
        assert snapshot(check([str(tmp_path), str(EXAMPLES)], options=Options(jobs=jobs, **options))) == serial


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel runs need fork")
def test_one_process_with_progress_reads_in_tasks_with_the_same_result(tmp_path, small_tasks):
    mixed_input(tmp_path)
    events = []

    class Recorder:
        def start(self, total, description):
            events.append(("start", total, description))

        def advance(self, amount):
            events.append(("advance", amount))

        def phase(self, description):
            events.append(("phase", description))

    serial = snapshot(check([str(tmp_path)]))
    for jobs in (1, 2):
        events.clear()
        assert snapshot(check([str(tmp_path)], options=Options(jobs=jobs), progress=Recorder())) == serial
        assert events[0][0] == "start" and events[0][2] == "Reading"
        advances = [event[1] for event in events if event[0] == "advance"]
        assert len(advances) > 10 and sum(advances) == events[0][1]
        assert events[-1] == ("phase", "Checking")


@needs_shared(CORPUS)
@pytest.mark.skipif(not parallel.can_fork(), reason="parallel runs need fork")
def test_parallel_run_on_the_corpus_matches_the_serial_run(monkeypatch):
    monkeypatch.setattr(parallel, "MAX_TASK_BYTES", 64 * 1024)
    monkeypatch.setattr(parallel_checks, "MIN_RESOURCES", 1)
    serial = snapshot(check([str(CORPUS)]))
    assert snapshot(check([str(CORPUS)], options=Options(jobs=2))) == serial


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel runs need fork")
def test_a_worker_error_reaches_the_caller(tmp_path, small_tasks, monkeypatch):
    mixed_input(tmp_path)

    parent, original = os.getpid(), parallel._read_and_validate

    def broken(runner, parsed, local):
        if os.getpid() != parent:
            raise RuntimeError("worker failed")
        return original(runner, parsed, local)

    monkeypatch.setattr(parallel, "_read_and_validate", broken)
    with pytest.raises(RuntimeError, match="worker failed"):
        check([str(tmp_path)], options=Options(jobs=2))


def test_resolve_jobs(monkeypatch):
    monkeypatch.setattr(parallel, "available_cpus", lambda: 4)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    assert parallel.resolve_jobs("auto", 1000) == 1
    assert parallel.resolve_jobs("auto", parallel.AUTO_MIN_BYTES) == 4
    assert parallel.resolve_jobs(3, 10) == 3
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.resolve_jobs(3, 10) == 1  # no fork: serial
    for bad in (0, -1, "many", True):
        with pytest.raises(ValueError):
            parallel.resolve_jobs(bad, 10)


def without_elapsed(output: bytes) -> bytes:
    return re.sub(rb'("elapsedSeconds": |, )[0-9.]+s?', rb"\1<elapsed>", output)


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel runs need fork")
def test_command_line_output_is_the_same_with_any_number_of_jobs(tmp_path):
    mixed_input(tmp_path)
    for format_name in ("text", "json", "sarif"):
        outputs = [subprocess.run([sys.executable, "-m", "kubelint", "check", str(tmp_path), "--format", format_name,
                                   "--jobs", jobs], capture_output=True, cwd=ROOT, timeout=300)
                   for jobs in ("1", "2", "auto")]
        assert {completed.returncode for completed in outputs} == {1}
        assert len({without_elapsed(completed.stdout) for completed in outputs}) == 1
        assert all(completed.stderr == b"" for completed in outputs)


def test_bad_jobs_is_a_usage_error():
    for value in ("0", "-2", "lots"):
        completed = run_cli("check", "-", "--jobs", value, stdin="a: b\n")
        assert completed.returncode == 2 and "--jobs" in completed.stderr


# --- the progress bar -----------------------------------------------------------------------


class FakeTerminal:
    def __init__(self):
        self.parts = []

    def isatty(self):
        return True

    def write(self, text):
        self.parts.append(text)
        return len(text)

    def flush(self):
        pass


def test_progress_is_wanted_only_for_text_on_a_terminal():
    from kubelint.cli.progress import wanted

    terminal, pipe = FakeTerminal(), open(os.devnull, "w")
    assert wanted("text", False, terminal)
    assert not wanted("text", False, pipe)  # a pipe or file
    assert not wanted("text", True, terminal)  # --quiet
    for machine in ("json", "sarif", "junit", "github"):
        assert not wanted(machine, False, terminal)
    pipe.close()


def test_progress_bar_appears_only_after_its_delay():
    from kubelint.cli.progress import TerminalProgress

    terminal = FakeTerminal()
    progress = TerminalProgress(terminal, delay=3600)
    progress.start(100, "Reading")
    progress.advance(50)
    progress.close()
    assert terminal.parts == []  # a short run shows nothing
    progress = TerminalProgress(terminal, delay=0)
    progress.start(100, "Reading")
    progress.advance(50)
    progress.phase("Checking")
    progress.close()
    assert "Reading" in "".join(terminal.parts) or "Checking" in "".join(terminal.parts)


def run_with_terminal_stderr(*args: str) -> tuple[int, str, str]:
    """Run kubelint with stderr on a pseudo-terminal and stdout on a pipe, as in `kubelint ... | less`."""
    import pty

    import tempfile

    controller, terminal = pty.openpty()
    environment = dict(os.environ, KUBELINT_PROGRESS_DELAY="0", COLUMNS="100")
    output = tempfile.TemporaryFile()  # not a pipe: a large report must not block the child
    process = subprocess.Popen([sys.executable, "-m", "kubelint", *args], stdout=output,
                               stderr=terminal, cwd=ROOT, env=environment)
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    process.wait(timeout=60)
    os.close(controller)
    output.seek(0)
    stdout = output.read().decode()
    output.close()
    return process.returncode, stdout, seen.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal_for_text_only(tmp_path):
    path = tmp_path / "bundle.yaml"
    path.write_text(bundle(300))
    code, stdout, terminal = run_with_terminal_stderr("check", str(path))
    assert code == 0 and stdout.startswith("All checks passed")
    assert "Reading" in terminal or "Checking" in terminal  # the bar was drawn on stderr
    assert "Reading" not in stdout and "\x1b" not in stdout
    for machine in ("json", "sarif", "junit", "github"):
        code, stdout, terminal = run_with_terminal_stderr("check", str(path), "--format", machine)
        assert code == 0 and stdout and terminal == "", machine
    code, stdout, terminal = run_with_terminal_stderr("check", str(path), "--quiet")
    assert code == 0 and terminal == ""


def test_no_progress_bar_in_a_pipe(tmp_path):
    path = tmp_path / "bundle.yaml"
    path.write_text(bundle(300))
    completed = run_cli("check", str(path), env={"KUBELINT_PROGRESS_DELAY": "0"})
    assert completed.returncode == 0 and completed.stderr == ""
    assert completed.stdout.startswith("All checks passed")


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel runs need fork")
def test_a_bug_in_a_rule_run_by_a_worker_is_an_error_of_the_run(monkeypatch):
    parent, original = os.getpid(), parallel_checks.run_rule

    def broken(task, context):
        if os.getpid() != parent:
            raise RuntimeError("rule failed in a worker")
        return original(task, context)

    monkeypatch.setattr(parallel_checks, "MIN_RESOURCES", 1)
    monkeypatch.setattr(parallel_checks, "run_rule", broken)
    with pytest.raises(RuntimeError, match="rule failed in a worker"):
        check([str(EXAMPLES / "app")], options=Options(jobs=2))


def test_rules_run_in_parallel_only_for_large_inputs(monkeypatch):
    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    monkeypatch.setattr(parallel, "available_cpus", lambda: 2)
    large = parallel_checks.MIN_RESOURCES
    assert parallel_checks.jobs_for(2, large, 90) == 2
    assert parallel_checks.jobs_for("auto", large, 90) == 2
    assert parallel_checks.jobs_for(2, large - 1, 90) == 1
    assert parallel_checks.jobs_for(1, large, 90) == 1
    assert parallel_checks.jobs_for(8, large, 3) == 3  # no more processes than rules
