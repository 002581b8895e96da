"""``kubelint check --fix`` and ``--diff`` on files and stdin: what is written, what is printed, the exit
codes, and the files that must not be rewritten (unparsable, changed meanwhile, read-only), through
symbolic links, in their own encoding."""

from __future__ import annotations

import io
import json
import os
import stat

import pytest

from conftest import BROKEN_DEPLOYMENT, run_cli
from kubelint.cli import fix as fix_command
from kubelint.cli import main as cli

FIXED_DEPLOYMENT = BROKEN_DEPLOYMENT.replace('replicas: "3"', "replicas: 3")
SAFE = ["--select", "schema"]  # the safe fixes of the schema rules, and no best-practice noise


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> int:
    return cli.main(["check", *args])


def test_fix_rewrites_the_file_and_reports_what_was_fixed_and_what_remains(tmp_path, capsys):
    path = write(tmp_path, "web.yaml", BROKEN_DEPLOYMENT + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n"
                 "  name: web\ndata:\n  debug: on\n  level: 3\n")
    assert run(str(path), "--fix", *SAFE) == 0
    assert path.read_text(encoding="utf-8") == FIXED_DEPLOYMENT + (
        '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  debug: "on"\n  level: "3"\n')
    out = capsys.readouterr().out
    assert "Fixed 3 findings in 1 file (3 schema-type); 0 remain" in out


def test_fix_exits_1_when_findings_at_the_threshold_remain(tmp_path, capsys):
    path = write(tmp_path, "web.yaml", BROKEN_DEPLOYMENT.replace("  replicas", "  paused: maybe\n  replicas"))
    assert run(str(path), "--fix", *SAFE) == 1
    assert "replicas: 3" in path.read_text(encoding="utf-8")
    assert "Fixed 1 finding in 1 file (1 schema-type); 1 remains" in capsys.readouterr().out


def test_diff_prints_a_unified_diff_and_changes_nothing(tmp_path, capsys):
    path = write(tmp_path, "web.yaml", BROKEN_DEPLOYMENT)
    assert run(str(path), "--diff", *SAFE) == 1
    captured = capsys.readouterr()
    assert captured.out == (f"--- {path}\n+++ {path}\n@@ -3,7 +3,7 @@\n metadata:\n   name: web\n spec:\n"
                            '-  replicas: "3"\n+  replicas: 3\n   selector: {matchLabels: {app: web}}\n'
                            "   template:\n     metadata: {labels: {app: web}}\n")
    assert "Would fix 1 finding in 1 file (1 schema-type); 0 remain" in captured.err
    assert path.read_text(encoding="utf-8") == BROKEN_DEPLOYMENT


def test_diff_masks_secret_values_as_every_report_does(tmp_path, capsys):
    secret = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  labels:\n    backup: yes\nstringData:\n"
              "  password: hunter2-canary\n")
    path = write(tmp_path, "secret.yaml", secret)
    assert run(str(path), "--diff", *SAFE) == 1
    out = capsys.readouterr().out
    assert '+    backup: "yes"' in out  # the fix is shown, the secret beside it is not
    assert "hunter2-canary" not in out and "  password: ********" in out
    assert path.read_text(encoding="utf-8") == secret


def test_diff_exits_0_when_there_is_nothing_to_fix(tmp_path, capsys):
    path = write(tmp_path, "web.yaml", FIXED_DEPLOYMENT)
    assert run(str(path), "--diff", *SAFE) == 0
    assert capsys.readouterr().out == ""


def test_unsafe_fixes_only_with_the_flag(tmp_path, capsys):
    text = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web}\n" \
           "spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n"
    path = write(tmp_path, "pdb.yaml", text)
    assert run(str(path), "--diff", "--select", "api") == 0
    assert "1 more fixable with --unsafe-fixes" in capsys.readouterr().err
    assert run(str(path), "--fix", "--unsafe-fixes", "--select", "api") == 0
    assert path.read_text(encoding="utf-8") == text.replace("policy/v1beta1", "policy/v1")


def test_stdin_fix_writes_the_fixed_stream_to_stdout_and_the_report_to_stderr():
    completed = run_cli("check", "-", "--fix", *SAFE, stdin=BROKEN_DEPLOYMENT)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == FIXED_DEPLOYMENT
    assert "Fixed 1 finding in 1 file (1 schema-type); 0 remain" in completed.stderr


def test_stdin_fix_with_nothing_to_fix_passes_the_stream_through(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(FIXED_DEPLOYMENT.encode())))
    assert run("-", "--fix", *SAFE) == 0
    captured = capsys.readouterr()
    assert captured.out == FIXED_DEPLOYMENT and "Fixed 0 findings" in captured.err


def test_stdin_diff(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BROKEN_DEPLOYMENT.encode())))
    assert run("-", "--diff", *SAFE) == 1
    out = capsys.readouterr().out
    assert out.startswith("--- <stdin>\n+++ <stdin>\n") and '+  replicas: 3\n' in out


def test_json_report_says_what_was_fixed(tmp_path, capsys):
    path = write(tmp_path, "web.yaml", BROKEN_DEPLOYMENT)
    assert run(str(path), "--fix", "-f", "json", *SAFE) == 0
    fixes = json.loads(capsys.readouterr().out)["fixes"]
    assert fixes == {"applied": True, "fixed": 1, "byRule": {"schema-type": 1}, "files": [str(path)],
                     "remaining": 0, "revealed": 0, "unsafe": 0, "skipped": []}


# --- files that must not be rewritten ----------------------------------------------------------------


def test_a_file_with_a_syntax_error_is_never_rewritten(tmp_path, capsys):
    text = BROKEN_DEPLOYMENT + "---\nkind: [unclosed\n"
    path = write(tmp_path, "web.yaml", text)
    assert run(str(path), "--fix", *SAFE) == 1
    assert path.read_text(encoding="utf-8") == text
    out = capsys.readouterr().out
    assert "a document of the file cannot be read (a YAML syntax error): it is not rewritten" in out


def test_a_file_changed_during_the_run_is_not_overwritten(tmp_path, monkeypatch, capsys):
    path = write(tmp_path, "web.yaml", BROKEN_DEPLOYMENT)
    real_run = fix_command.plan.run

    def edited_meanwhile(*args, **kwargs):
        outcome = real_run(*args, **kwargs)
        path.write_text(BROKEN_DEPLOYMENT + "# edited\n", encoding="utf-8")
        return outcome

    monkeypatch.setattr(fix_command.plan, "run", edited_meanwhile)
    assert run(str(path), "--fix", *SAFE) == 2
    assert path.read_text(encoding="utf-8") == BROKEN_DEPLOYMENT + "# edited\n"
    captured = capsys.readouterr()
    assert f"cannot fix {path}: it changed on disk while kubelint ran" in captured.err
    assert "Fixed 0 findings in 0 files" in captured.out  # the report shows what is on disk
    assert [f for f in os.listdir(tmp_path) if f != "web.yaml"] == []


def test_a_read_only_file_is_a_clear_error(tmp_path, capsys):
    path = write(tmp_path, "web.yaml", BROKEN_DEPLOYMENT)
    other = write(tmp_path, "other.yaml", BROKEN_DEPLOYMENT.replace("name: web", "name: other"))
    path.chmod(0o444)
    assert run(str(path), str(other), "--fix", *SAFE) == 2
    assert path.read_text(encoding="utf-8") == BROKEN_DEPLOYMENT
    assert other.read_text(encoding="utf-8") == FIXED_DEPLOYMENT.replace("name: web", "name: other")
    assert f"kubelint: error: cannot fix {path}: the file is read-only" in capsys.readouterr().err


def test_a_symbolic_link_is_followed_to_its_target_and_stays_a_link(tmp_path, capsys):
    target = write(tmp_path, "real.yaml", BROKEN_DEPLOYMENT)
    target.chmod(0o640)
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    assert run(str(link), str(target), "--fix", *SAFE) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == FIXED_DEPLOYMENT
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert f"{target}: the same file as {link}, fixed through that name" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["link.yaml", "real.yaml"]  # no temporary file left


def test_encoding_byte_order_mark_and_line_breaks_are_kept(tmp_path):
    crlf = BROKEN_DEPLOYMENT.replace("\n", "\r\n")
    utf8 = tmp_path / "bom.yaml"
    utf8.write_bytes(b"\xef\xbb\xbf" + crlf.encode("utf-8"))
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(b"\xff\xfe" + BROKEN_DEPLOYMENT.encode("utf-16-le"))
    assert run(str(utf8), str(utf16), "--fix", *SAFE) == 0
    assert utf8.read_bytes() == b"\xef\xbb\xbf" + FIXED_DEPLOYMENT.replace("\n", "\r\n").encode("utf-8")
    assert utf16.read_bytes() == b"\xff\xfe" + FIXED_DEPLOYMENT.encode("utf-16-le")


def test_a_folder_is_fixed_file_by_file(tmp_path, capsys):
    write(tmp_path, "a.yaml", BROKEN_DEPLOYMENT)
    write(tmp_path, "b.yaml", BROKEN_DEPLOYMENT.replace("name: web", "name: api").replace("app: web", "app: api"))
    write(tmp_path, "c.json", '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, '
                              '"data": {"n": 3}}')
    assert run(str(tmp_path), "--fix", *SAFE) == 1
    assert (tmp_path / "a.yaml").read_text(encoding="utf-8") == FIXED_DEPLOYMENT
    assert "replicas: 3" in (tmp_path / "b.yaml").read_text(encoding="utf-8")
    assert f"not fixed: {tmp_path / 'c.json'}:1 [schema-type]: JSON files are not fixed" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--unsafe-fixes"], "--unsafe-fixes goes with --fix or --diff"),
    (["--fix", "--diff"], "--diff shows what --fix would change: give one of them"),
    (["--fix", "--write-baseline", "b.json"], "--write-baseline records the findings as they are"),
])
def test_usage_errors(tmp_path, capsys, args, message):
    path = write(tmp_path, "web.yaml", BROKEN_DEPLOYMENT)
    assert run(str(path), *args) == 2
    assert message in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == BROKEN_DEPLOYMENT


# --- the rules say which fixes they have ---------------------------------------------------------------


def test_rules_and_explain_show_the_fixes(capsys):
    assert cli.main(["rules"]) == 0
    listed = {line.split()[0]: line.split()[2] for line in capsys.readouterr().out.splitlines()
              if line.startswith("  ") and len(line.split()) > 2}
    assert listed["schema-type"] == "fix" and listed["api-removed"] == "fix*"
    assert cli.main(["rules", "--format", "json"]) == 0
    fixes = {r["id"]: r["fix"] for r in json.loads(capsys.readouterr().out)}
    assert fixes["schema-enum"] == "safe" and fixes["pss-seccomp"] == "unsafe" and fixes["image-tag"] is None
    assert cli.main(["explain", "schema-type"]) == 0
    assert "\nFix\n  safe fix (kubelint check --fix): Quotes a YAML 1.1 boolean" in capsys.readouterr().out
