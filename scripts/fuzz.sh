#!/usr/bin/env bash
# The long fuzz run: every property of tests/whole_program/test_fuzz.py with EXAMPLES random examples each
# (default 5,000; CI runs 60, derandomized), with a new random seed each time. Hypothesis
# prints the smallest failing input it finds; add it to tests/load/test_robustness.py as a
# regression test when you fix the bug.
#
#   scripts/fuzz.sh            # 5,000 examples per property (about an hour on 2 cores)
#   scripts/fuzz.sh 500        # a quicker look
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-5000}"
shift || true
export KUBELINT_FUZZ_EXAMPLES="$examples"
unset CI  # CI=true derandomizes; the long run explores
exec python -m pytest tests/whole_program/test_fuzz.py -p no:cacheprovider --hypothesis-show-statistics -q "$@"
