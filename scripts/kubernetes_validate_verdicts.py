#!/usr/bin/env python3
"""Record kubernetes-validate's verdict on every document of ../shared/corpus, for the differential test.

kubernetes-validate (PyPI; `pip install '.[bench]'`) validates against the OpenAPI schemas in
strict mode and is slow (about 35 documents a second), so its verdicts are computed here once and
committed as tests/data/kubernetes-validate-verdicts.json; tests/schema/test_differential.py compares
kubelint with that table on every run and with kubernetes-validate itself on a sample when it is
installed. Re-run this script when the corpus or the kubernetes-validate version changes:

    python scripts/kubernetes_validate_verdicts.py            # Kubernetes 1.36, ../shared/corpus

Documents are split with kubelint's own splitter (so both tools judge the same text) and each is
read the way kubernetes-validate reads files (PyYAML's SafeLoader with its `=` constructor).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kubelint.load.reader import read_documents  # noqa: E402
from kubelint.load.sources import discover, read_source  # noqa: E402

VERSION = "1.36"
TABLE = ROOT / "tests" / "data" / "kubernetes-validate-verdicts.json"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def documents(corpus: Path):
    """(key, file, document) for every document of every file kubelint reads in the corpus."""
    for name in discover([str(corpus)]):
        source, _ = read_source(name)
        if source is None:
            continue
        relative = Path(name).resolve().relative_to(corpus.resolve()).as_posix()
        for parsed in read_documents(source)[0]:
            yield f"{relative}#{parsed.document.index}", name, parsed.document


def file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def kubernetes_validate_verdict(text: str, version: str = VERSION) -> tuple[str, str]:
    """("valid" | "invalid" | "no-schema" | "empty", detail) as kubernetes-validate --strict judges a document."""
    import kubernetes_validate
    import yaml
    from kubernetes_validate import utils

    yaml.SafeLoader.add_constructor("tag:yaml.org,2002:value", utils.construct_value)
    try:
        data = yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return "invalid", f"YAML: {str(exc).splitlines()[0]}"
    if data is None:
        return "empty", ""
    if not isinstance(data, dict) or "kind" not in data or "apiVersion" not in data:
        return "invalid", "not a Kubernetes object (no apiVersion or kind)"
    try:
        kubernetes_validate.validate(data, f"{version}.0", strict=True)
    except utils.SchemaNotFoundError:
        return "no-schema", f"no schema for {data.get('apiVersion')} {data.get('kind')}"
    except utils.ValidationError as exc:
        path = ".".join(str(p) for p in getattr(exc, "path", []) or [])
        return "invalid", f"{path}: {exc.message}"[:300]
    except Exception as exc:  # noqa: BLE001 - record what the peer did, whatever it is
        return "invalid", f"{type(exc).__name__}: {exc}"[:300]
    return "valid", ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--output", type=Path, default=TABLE)
    args = parser.parse_args()
    import kubernetes_validate

    started = time.perf_counter()
    verdicts: dict[str, dict] = {}
    files: dict[str, str] = {}
    for key, name, document in documents(args.corpus):
        files[key.rsplit("#", 1)[0]] = file_digest(name)
        verdict, detail = kubernetes_validate_verdict(document.text)
        if verdict != "empty":
            verdicts[key] = {"verdict": verdict, "detail": detail} if detail else {"verdict": verdict}
    table = {
        "kubernetesVersion": VERSION,
        "kubernetesValidate": getattr(kubernetes_validate, "__version__", None) or _version(),
        "strict": True,
        "files": dict(sorted(files.items())),
        "documents": dict(sorted(verdicts.items())),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(table, indent=1, sort_keys=False) + "\n")
    counts: dict[str, int] = {}
    for item in verdicts.values():
        counts[item["verdict"]] = counts.get(item["verdict"], 0) + 1
    print(f"{len(verdicts)} documents in {time.perf_counter() - started:.0f} s: {counts} -> {args.output}")
    return 0


def _version() -> str:
    from importlib.metadata import version

    return version("kubernetes-validate")


if __name__ == "__main__":
    sys.exit(main())
