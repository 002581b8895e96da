#!/usr/bin/env python3
"""Bring the cases of the YAML test suite (github.com/yaml/yaml-test-suite) in as test data.

Reads the suite's ``data`` branch (one folder per case: ``in.yaml``, an ``error`` marker for
invalid YAML, ``===`` with the case's title) from a git clone and writes
``tests/data/yaml-test-suite/``:

* ``cases/<ID>/in.yaml`` (``<ID>-<NN>`` for the sub-cases of a case), byte for byte;
* ``cases.json``: per case its title, the suite's verdict (YAML 1.2), libyaml's verdict on
  the whole stream (the parser Kubernetes' go-yaml v2 is a port of), and, where kubelint
  deliberately reads it otherwise than libyaml, the reason;
* ``LICENSE`` (the suite's MIT licence, from its main branch) and ``README.md``.

    git clone https://github.com/yaml/yaml-test-suite /tmp/yaml-test-suite
    python scripts/import_yaml_test_suite.py /tmp/yaml-test-suite            # branch "data"
    python scripts/import_yaml_test_suite.py REPO --ref v2022-01-17 --license-ref main

tests/load/test_yaml_test_suite.py runs kubelint on every case.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "tests" / "data" / "yaml-test-suite"

#: Cases libyaml rejects that kubelint accepts on purpose, and why (see the README).
KUBELINT_ACCEPTS = {
    "4ABK": "colons inside plain scalars in a flow mapping (`http://foo.com`): go-yaml v2.3+ accepts them "
            "(scannerc.go, yaml_parser_scan_plain_scalar), libyaml does not",
    "UDM2": "a URL in a flow mapping (`{ url: http://example.org }`): go-yaml v2.3+ accepts the colon",
    "4MUZ-00": "the file is JSON; kubectl's YAMLOrJSONDecoder reads a file that starts with `{` as JSON",
    "6CA3": "the file is JSON (`[ ]` after tabs); kubectl reads it as JSON",
    "Q5MG": "the file is JSON (`{}` after a tab); kubectl reads it as JSON",
    "7Z25": "a bare document after `...`: kubelint splits documents at `...` as well as `---`; kubectl splits "
            "at `---` only and go-yaml reads the first document only, so neither complains",
    "HWV9": "a stream holding only `...`: kubelint sees an empty document, which it skips",
    "QT73": "a stream holding only a comment and `...`: an empty document for kubelint",
}


def git(repo: str, *args: str) -> bytes:
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout


def libyaml_verdict(raw: bytes) -> str:
    """'accept' or 'reject': libyaml's event parser over the whole stream, as go-yaml parses it."""
    sys.path.insert(0, str(ROOT))
    from kubelint.load.exact import syntax_error
    from kubelint.load.sources import decode

    source, problems = decode("in.yaml", raw)
    if problems:
        return "reject"
    return "accept" if syntax_error(source.text) is None else "reject"


def read_cases(archive: bytes) -> dict[str, dict[str, bytes]]:
    """{case id: {file name: bytes}} from the data branch's tar archive."""
    cases: dict[str, dict[str, bytes]] = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if not member.isfile() or parts[0] in ("name", "tags") or len(parts) not in (2, 3):
                continue
            case = parts[0] if len(parts) == 2 else f"{parts[0]}-{parts[1]}"
            cases.setdefault(case, {})[parts[-1]] = tar.extractfile(member).read()
    return {case: files for case, files in sorted(cases.items()) if "in.yaml" in files}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", help="a clone (or bare git directory) of github.com/yaml/yaml-test-suite")
    parser.add_argument("--ref", default="data", help="the branch or tag holding the case folders (default: data)")
    parser.add_argument("--license-ref", default="main", help="where the License file is (default: main)")
    args = parser.parse_args()

    commit = git(args.repo, "rev-parse", args.ref).decode().strip()
    licence = git(args.repo, "show", f"{args.license_ref}:License")
    cases = read_cases(git(args.repo, "archive", args.ref))
    if len(cases) < 300:
        print(f"only {len(cases)} cases in {args.ref}: is it the data branch?", file=sys.stderr)
        return 1

    if TARGET.exists():
        shutil.rmtree(TARGET)
    (TARGET / "cases").mkdir(parents=True)
    (TARGET / "LICENSE").write_bytes(licence)
    manifest = {}
    for case, files in cases.items():
        folder = TARGET / "cases" / case
        folder.mkdir()
        (folder / "in.yaml").write_bytes(files["in.yaml"])
        entry = {
            "name": files.get("===", b"").decode("utf-8").strip(),
            "suite": "reject" if "error" in files else "accept",
            "libyaml": libyaml_verdict(files["in.yaml"]),
        }
        if case in KUBELINT_ACCEPTS:
            if entry["libyaml"] != "reject":
                print(f"{case}: listed as accepted by kubelint only, but libyaml accepts it too", file=sys.stderr)
                return 1
            entry["kubelint"] = {"verdict": "accept", "reason": KUBELINT_ACCEPTS[case]}
        manifest[case] = entry
    (TARGET / "cases.json").write_text(json.dumps(
        {"source": "https://github.com/yaml/yaml-test-suite", "ref": args.ref, "commit": commit,
         "cases": manifest}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (TARGET / "README.md").write_text(readme(manifest, args.ref, commit), encoding="utf-8")
    print(f"wrote {len(manifest)} cases to {TARGET.relative_to(ROOT)} (from {args.ref} at {commit[:12]})")
    return 0


def readme(manifest: dict, ref: str, commit: str) -> str:
    def table(ids):
        rows = ["| case | title |", "|---|---|"]
        rows += [f"| {case} | {manifest[case]['name']} |" for case in ids]
        return "\n".join(rows)

    total = len(manifest)
    invalid = [c for c, e in manifest.items() if e["suite"] == "reject"]
    libyaml_accepts = [c for c in invalid if manifest[c]["libyaml"] == "accept"]
    libyaml_rejects = [c for c, e in manifest.items() if e["suite"] == "accept" and e["libyaml"] == "reject"]
    deviations = "\n".join(f"- **{case}** ({manifest[case]['name']}): {KUBELINT_ACCEPTS[case]}."
                           for case in sorted(KUBELINT_ACCEPTS))
    return f"""# The YAML test suite, as test data

The cases of [yaml/yaml-test-suite](https://github.com/yaml/yaml-test-suite), branch `{ref}`,
commit `{commit}`: {total} cases, {len(invalid)} of them invalid YAML 1.2. Licence: MIT, in
[LICENSE](LICENSE) (Copyright (c) 2016-2020 Ingy döt Net). Generated by
`scripts/import_yaml_test_suite.py` (do not edit by hand): `cases/<ID>/in.yaml` as the suite has
it, and `cases.json` with each case's title and verdicts.

`tests/load/test_yaml_test_suite.py` runs kubelint on every case and asserts: no crash and no traceback
(in-process and through the command line, exit code 0 or 1); a `yaml-syntax` finding with a line
for every case libyaml rejects; no `yaml-syntax` finding for any case libyaml accepts; except the
cases below, which kubelint reads as Kubernetes does although libyaml rejects them.

## Why libyaml and not the suite decides

Kubernetes reads YAML with go-yaml v2 (sigs.k8s.io/yaml), a port of libyaml that follows YAML 1.1
with a few changes; the suite follows YAML 1.2. kubelint's job is to say what Kubernetes will do,
so where the suite and libyaml disagree, libyaml's verdict (recorded by the import script from
libyaml's event parser over the whole file) is the expectation, not the suite's.

### Invalid for the suite, accepted by libyaml ({len(libyaml_accepts)} cases)

kubelint accepts these too (no `yaml-syntax` finding):

{table(libyaml_accepts)}

### Valid for the suite, rejected by libyaml ({len(libyaml_rejects)} cases)

kubelint reports a `yaml-syntax` finding for these, except the {len(KUBELINT_ACCEPTS)} below.

{table(libyaml_rejects)}

### Rejected by libyaml, accepted by kubelint on purpose

{deviations}
"""


if __name__ == "__main__":
    sys.exit(main())
