#!/usr/bin/env python3
"""Generate docs/rules.md and rules/index.json from rules/*.yaml. ``--check`` exits 1 when either
is out of date (CI)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kubelint.rules.docs import rules_markdown  # noqa: E402
from kubelint.rules.registry import INDEX_NAME, build_index, load_rules  # noqa: E402

TARGET = ROOT / "docs" / "rules.md"
INDEX = ROOT / "rules" / INDEX_NAME


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    load_rules.cache_clear()
    text = rules_markdown(list(load_rules(str(ROOT / "rules")).values()))
    index = build_index(ROOT / "rules")
    outputs = {TARGET: text, INDEX: index}
    if args.check:
        stale = [str(p.relative_to(ROOT)) for p, content in outputs.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != content]
        if stale:
            print(f"{', '.join(stale)} out of date: run python scripts/gen_docs.py")
            return 1
        return 0
    for path, content in outputs.items():
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
