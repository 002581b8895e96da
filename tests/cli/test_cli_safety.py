"""What the command line writes, and how it fails: --output is atomic, nothing else is written
anywhere, a bug ends with exit code 3 and a short message (the traceback only with --debug)."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys

import pytest

from conftest import EXAMPLES, ROOT, run_cli
from kubelint.cli import main as cli

BROKEN = EXAMPLES / "broken"
SECRET_TEXT = "kubelint-canary-in-an-exception"

# Runs the real command line with one function replaced by a bug, in a fresh interpreter.
INJECT = """
import sys
import kubelint.{module} as target
def bug(*args, **kwargs):
    raise ValueError("{secret}")
target.{function} = bug
from kubelint.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def run_with_bug(module: str, function: str, *args: str, cwd=None):
    code = INJECT.format(module=module, function=function, secret=SECRET_TEXT)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd or ROOT,
                          timeout=300)


# --- internal errors -------------------------------------------------------------------------


@pytest.mark.parametrize("module,function", [("engine.pipeline", "check"), ("report", "render")])
def test_a_bug_exits_3_with_a_short_message_and_no_traceback(module, function):
    completed = run_with_bug(module, function, "check", str(EXAMPLES / "app"))
    assert completed.returncode == cli.EXIT_INTERNAL
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 2, completed.stderr
    assert lines[0].startswith("kubelint: internal error: ValueError in kubelint/")
    assert "please report it" in lines[1] and "--debug" in lines[1]
    assert "Traceback" not in completed.stderr
    assert SECRET_TEXT not in completed.stderr  # exception texts may quote the input


def test_debug_shows_the_traceback():
    completed = run_with_bug("engine.pipeline", "check", "check", str(EXAMPLES / "app"), "--debug")
    assert completed.returncode == cli.EXIT_INTERNAL
    assert "Traceback (most recent call last)" in completed.stderr
    assert SECRET_TEXT in completed.stderr  # asked for: everything
    assert "please report it" in completed.stderr


def test_a_bug_leaves_an_existing_report_untouched(tmp_path):
    report = tmp_path / "report.json"
    report.write_text("previous report\n")
    completed = run_with_bug("report", "render", "check", str(BROKEN), "-f", "json", "-o", str(report))
    assert completed.returncode == cli.EXIT_INTERNAL
    assert report.read_text() == "previous report\n"
    assert sorted(os.listdir(tmp_path)) == ["report.json"]


# --- --output is atomic ------------------------------------------------------------------------


def test_output_replaces_the_file_by_renaming_a_complete_one(tmp_path, monkeypatch):
    report = tmp_path / "report.json"
    report.write_text("old\n")
    replaced = []
    original = os.replace

    def watch(source, target):
        replaced.append((os.path.basename(source), os.path.basename(target), open(source).read()))
        original(source, target)

    monkeypatch.setattr(os, "replace", watch)
    assert cli.main(["check", str(BROKEN), "-f", "json", "-o", str(report)]) == cli.EXIT_FINDINGS
    (temporary, target, content), = replaced
    assert temporary.startswith(".report.json.") and temporary.endswith(".tmp") and target == "report.json"
    assert content == report.read_text() and content.rstrip().endswith("}")
    assert sorted(os.listdir(tmp_path)) == ["report.json"]


def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(tmp_path, monkeypatch, capsys):
    report = tmp_path / "report.json"
    report.write_text("old\n")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    assert cli.main(["check", str(BROKEN), "-f", "json", "-o", str(report)]) == cli.EXIT_USAGE
    assert "No space left on device" in capsys.readouterr().err
    assert report.read_text() == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["report.json"]


def test_output_file_modes(tmp_path):
    fresh = tmp_path / "fresh.txt"
    umask = os.umask(0o022)
    try:
        assert cli.main(["check", str(EXAMPLES / "app"), "-o", str(fresh)]) == cli.EXIT_OK
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # as any new file, not mkstemp's 0o600
    private = tmp_path / "private.txt"
    private.write_text("old")
    private.chmod(0o600)
    assert cli.main(["check", str(EXAMPLES / "app"), "-o", str(private)]) == cli.EXIT_OK
    assert stat.S_IMODE(private.stat().st_mode) == 0o600  # a replaced file keeps its mode
    assert "All checks passed" in private.read_text()


def test_output_through_a_symbolic_link_replaces_its_target(tmp_path):
    target = tmp_path / "reports" / "latest.txt"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "report.txt"
    link.symlink_to(target)
    assert cli.main(["check", str(EXAMPLES / "app"), "-o", str(link)]) == cli.EXIT_OK
    assert link.is_symlink() and "All checks passed" in target.read_text()


def test_output_to_a_pipe_or_device_is_written_directly():
    completed = run_cli("check", str(EXAMPLES / "app"), "-o", "/dev/stdout")
    assert completed.returncode == 0 and "All checks passed" in completed.stdout


@pytest.mark.parametrize("where,message", [("missing/report.txt", "No such file or directory"),
                                           (".", "Is a directory")])
def test_unwritable_output_is_a_usage_error(tmp_path, where, message):
    completed = run_cli("check", str(EXAMPLES / "app"), "-o", str(tmp_path / where))
    assert completed.returncode == cli.EXIT_USAGE
    assert message in completed.stderr and "Traceback" not in completed.stderr
    assert os.listdir(tmp_path) == []


# --- nothing else is written -----------------------------------------------------------------


def _snapshot(folder):
    return sorted((str(path.relative_to(folder)), path.stat().st_mtime_ns) for path in folder.rglob("*"))


def test_nothing_but_the_requested_output_is_written(tmp_path):
    home, temp, work, out = (tmp_path / name for name in ("home", "tmp", "work", "out"))
    for folder in (home, temp, work, out):
        folder.mkdir()
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    for path in (EXAMPLES / "app").glob("*.yaml"):
        (manifests / path.name).write_bytes(path.read_bytes())
    (manifests / "broken.yaml").write_bytes((BROKEN / "shop.yaml").read_bytes())
    before = _snapshot(manifests)
    env = {"HOME": str(home), "TMPDIR": str(temp), "XDG_CACHE_HOME": str(home / ".cache"),
           "PYTHONDONTWRITEBYTECODE": "1"}
    for output_format in ("text", "json"):
        completed = run_cli("check", str(manifests), "-f", output_format, "-o", str(out / f"r.{output_format}"),
                            cwd=work, env=env)
        assert completed.returncode == 1, completed.stderr
        completed = run_cli("check", "-", "-f", output_format, cwd=work, env=env,
                            stdin=(BROKEN / "shop.yaml").read_text())
        assert completed.returncode == 1
    assert os.listdir(home) == [] and os.listdir(temp) == [] and os.listdir(work) == []
    assert sorted(os.listdir(out)) == ["r.json", "r.text"]
    assert _snapshot(manifests) == before


# --- streams ------------------------------------------------------------------------------------


def test_a_closed_pipe_is_not_an_error(tmp_path, monkeypatch):
    # `kubelint check . | head -1`: the reader goes away. kubelint stops quietly, and points
    # stdout at /dev/null so that the interpreter's last flush adds no "Exception ignored".
    sink = tmp_path / "stdout"
    fd = os.open(sink, os.O_WRONLY | os.O_CREAT)

    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self):
            return fd

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    try:
        assert cli.main(["check", str(BROKEN)]) == cli.EXIT_OK
        os.write(fd, b"late output")
    finally:
        os.close(fd)
    assert sink.read_bytes() == b""


def test_a_terminal_that_cannot_show_unicode_gets_escapes(tmp_path):
    (tmp_path / "é.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: café\n")
    completed = run_cli("check", str(tmp_path), env={"PYTHONIOENCODING": "ascii"})
    assert completed.returncode == 1, completed.stderr
    assert "\\xe9" in completed.stdout and "Traceback" not in completed.stderr


@pytest.mark.parametrize("text,message", [
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi")), "aliasing"),
    ("select: " + "[" * 5000 + "]" * 5000 + "\n", "levels deep"),
])
def test_a_hostile_configuration_file_is_a_configuration_error(tmp_path, text, message):
    # It used to be read as an empty configuration, silently.
    (tmp_path / ".kubelint.yaml").write_text(text)
    completed = run_cli("check", str(EXAMPLES / "app"), cwd=tmp_path)
    assert completed.returncode == cli.EXIT_USAGE
    assert message in completed.stderr and ".kubelint.yaml:1:" in completed.stderr


# --- a template tripping over a value of the wrong type --------------------------------------

WRONG_TYPE_SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: credentials
type: []
data:
  username: c2hvcA==
"""


def test_a_wrong_type_the_schema_reports_does_not_end_the_run(monkeypatch):
    """Found by the fuzz tests: ``type: []`` made config-invalid hash a list. Whatever a template
    does with such a value, the schema-type finding is the report and the run goes on."""
    from kubelint import Options, check
    from kubelint.checks import validation_config

    def trips(resource, rule, context):
        raise TypeError("unhashable type: 'list'")
        yield  # a generator, like the real template

    monkeypatch.setattr(validation_config, "check_resource", trips)
    result = check(text=WRONG_TYPE_SECRET)
    assert [(f.rule, f.line) for f in result.findings if f.severity.name == "ERROR"] == [("schema-type", 5)]
    with pytest.raises(TypeError):  # --debug: the bug is not hidden
        check(text=WRONG_TYPE_SECRET, options=Options(debug=True))
    with pytest.raises(TypeError):  # on a schema-valid resource it is a bug: exit 3
        check(text=WRONG_TYPE_SECRET.replace("type: []", "type: Opaque"))


def test_config_invalid_ignores_a_secret_type_that_is_not_a_string():
    from kubelint import check

    result = check(text=WRONG_TYPE_SECRET)
    assert {f.rule for f in result.findings} >= {"schema-type"}
    assert "config-invalid" not in {f.rule for f in result.findings}
