#!/usr/bin/env python3
"""Generate docs/rules.md from rules/*.yaml. ``--check`` exits 1 when it is out of date (CI)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kubelint.docs import rules_markdown  # noqa: E402
from kubelint.rules import load_rules  # noqa: E402

TARGET = ROOT / "docs" / "rules.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = rules_markdown(list(load_rules(str(ROOT / "rules")).values()))
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print("docs/rules.md is out of date: run python scripts/gen_docs.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
