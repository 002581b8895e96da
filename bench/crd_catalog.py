#!/usr/bin/env python3
"""Measure the bundled CRD catalog: sizes of the layouts considered, import and decode times.

    python bench/crd_catalog.py            # times (needs only the committed schemas/crds)
    python bench/crd_catalog.py --layouts  # also the sizes of other layouts (needs ../shared/crds)
    python bench/crd_catalog.py --wheel    # also the wheel's size with and without the catalog

Times are the minimum of --rounds cold runs, each in a fresh process (as a kubelint run is):
importing kubelint/schema/catalog.py (on top of what every kubelint run imports), reading the index, decompressing the stream, and parsing
all the CRDs of one project (the catalog parses only the CRDs asked for and the shared subtrees
they use). Layouts: the committed one stream; one file per bundle (each with its own table of
shared subtrees); one file of the subtrees that several bundles share plus a file per bundle;
one stream without sharing subtrees.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = ROOT / "schemas" / "crds"

_PROJECT_TIMES = """
import gc, json, sys, time
sys.path.insert(0, {root!r})
import contextlib, kubelint.model, kubelint._paths  # what every kubelint run has imported already
started = time.perf_counter()
from kubelint.schema.catalog import Catalog
imported = time.perf_counter()
catalog = Catalog()
catalog.index
indexed = time.perf_counter()
catalog._decode()
decompressed = time.perf_counter()
entries = {{}}
for kind in catalog.kinds():
    if kind.project == {project!r}:
        entries.setdefault((kind.bundle, kind.crd), kind)
for kind in entries.values():
    catalog.definition(kind)
parsed = time.perf_counter()
print(json.dumps({{"import": imported - started, "index": indexed - imported, "decompress": decompressed - indexed,
                  "parse": parsed - decompressed, "crds": len(entries)}}))
"""


def project_times(project: str, rounds: int) -> dict[str, float]:
    """The fastest of rounds cold runs (fresh process each) for one project's CRDs."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed kubelint has its .pyc files
    best: dict[str, float] = {}
    for _ in range(rounds):
        output = subprocess.run([sys.executable, "-c", _PROJECT_TIMES.format(root=str(ROOT), project=project)],
                                capture_output=True, text=True, check=True, env=env).stdout
        for key, value in json.loads(output).items():
            best[key] = min(best.get(key, value), value)
    return best


def load_builder():
    spec = importlib.util.spec_from_file_location("build_crd_catalog", ROOT / "scripts" / "build_crd_catalog.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def layouts(source: Path) -> None:
    builder = load_builder()
    _, bundles, _ = builder.collect(source)
    roots = {bundle_id: {crd["metadata"]["name"]: crd for crd in bundle.crds} for bundle_id, bundle in bundles.items()}
    interner = builder.Interner()
    for value in roots.values():
        interner.visit(value)

    def encode(values: list, shared: set, place: dict[bytes, int], first: int = 0) -> tuple[list, list]:
        """builder.encode_shared, numbering new table entries from first and reusing place's."""
        table: list = []

        def walk(value):
            if isinstance(value, dict):
                key = interner.key[id(value)]
                if key in place:
                    return {builder.REF: place[key]}
                out = {name: walk(child) for name, child in sorted(value.items())}
                if key in shared:
                    place[key] = first + len(table)
                    table.append(out)
                    return {builder.REF: place[key]}
                return out
            if isinstance(value, list):
                return [walk(child) for child in value]
            return value

        return table, [walk(value) for value in values]

    def packed(crds: dict[str, dict], share: bool = True, common: dict[bytes, int] | None = None) -> int:
        """The xz size of one file of crds, sharing subtrees within it (and referring to common's)."""
        values = list(crds.values())
        shared = interner.choose_shared(values) if share else set()
        place = dict(common or {})
        table, encoded = encode(values, shared - set(place), place, first=len(place))
        return len(builder.compress(builder.stream_text(table, [dict(zip(crds, encoded))])))

    committed = (CATALOG_DIR / builder.STREAM).stat().st_size
    per_bundle = {bundle_id: packed(crds) for bundle_id, crds in roots.items()}
    print(f"one stream (committed)                 {committed:8,} bytes")
    print(f"one file per bundle                    {sum(per_bundle.values()):8,} bytes")
    for bundle_id, size in per_bundle.items():
        raw = len(json.dumps(roots[bundle_id], separators=(",", ":")))
        print(f"    {bundle_id:32} {size:8,} bytes  (JSON without sharing: {raw:,})")
    # a file of the subtrees that two or more bundles use, and a file per bundle referring to it
    all_values = list(roots.values())
    users: dict[bytes, set[str]] = {}
    for bundle_id, value in roots.items():
        for key in interner.counts([value], set()):
            users.setdefault(key, set()).add(bundle_id)
    common = {key for key in interner.choose_shared(all_values) if len(users.get(key, ())) > 1}
    common_place: dict[bytes, int] = {}
    common_table, _ = encode(all_values, common, common_place)
    common_size = len(builder.compress(builder.stream_text(common_table, [])))
    rest = sum(packed(crds, common=common_place) for crds in roots.values())
    print(f"common file + per-bundle files         {common_size + rest:8,} bytes  (common file {common_size:,})")
    flat = packed({f"{b}/{n}": crd for b, crds in roots.items() for n, crd in crds.items()}, share=False)
    print(f"one stream, no shared subtrees         {flat:8,} bytes")


def wheel_sizes() -> None:
    """The wheel built from this tree, and from a copy without schemas/crds."""
    with tempfile.TemporaryDirectory() as tmp:
        sizes = {}
        for label, keep in (("without the catalog", False), ("with the catalog", True)):
            tree = Path(tmp) / label.replace(" ", "-")
            shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "bench", "tests"))
            if not keep:
                shutil.rmtree(tree / "schemas" / "crds")
                (tree / "kubelint" / "schema" / "catalog.py").unlink()
            out = Path(tmp) / f"wheel-{label.replace(' ', '-')}"
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(tree), "-w", str(out)],
                           check=True)
            wheel = next(out.glob("*.whl"))
            sizes[label] = wheel.stat().st_size
            if keep:
                with zipfile.ZipFile(wheel) as archive:
                    for info in archive.infolist():
                        if "crds/" in info.filename or info.filename.endswith("catalog.py"):
                            print(f"    {info.filename:50} {info.file_size:8,} bytes, {info.compress_size:8,} in the wheel")
        before, after = sizes["without the catalog"], sizes["with the catalog"]
        print(f"wheel without the catalog {before:,} bytes, with it {after:,} bytes: "
              f"+{after - before:,} ({(after - before) / before:.1%})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--layouts", action="store_true")
    parser.add_argument("--wheel", action="store_true")
    parser.add_argument("--source", type=Path,
                        default=Path(os.environ.get("KUBELINT_SHARED", ROOT.parent / "shared")) / "crds")
    args = parser.parse_args()
    index = json.loads((CATALOG_DIR / "index.json").read_text())
    print(f"{'project':22} {'CRDs':>4} {'import':>8} {'index':>8} {'decompress':>11} {'parse':>8} {'total':>8}  (ms, best of {args.rounds})")
    for project in index["projects"]:
        times = project_times(project, args.rounds)
        total = times["import"] + times["index"] + times["decompress"] + times["parse"]
        print(f"{project:22} {times['crds']:4.0f} {times['import'] * 1000:8.1f} {times['index'] * 1000:8.1f} "
              f"{times['decompress'] * 1000:11.1f} {times['parse'] * 1000:8.1f} {total * 1000:8.1f}")
    if args.layouts:
        layouts(args.source)
    if args.wheel:
        wheel_sizes()
    return 0


if __name__ == "__main__":
    sys.exit(main())
