# Shortcuts for the longer checks that CI does not run. The tests: `pytest` (see README).
PYTHON ?= python
EXAMPLES ?= 5000

.PHONY: test fuzz hostile bench

test:
	$(PYTHON) -m pytest

# the long fuzz run: EXAMPLES per property, a new random seed each run (CI runs 60, fixed)
fuzz:
	PATH="$(dir $(shell command -v $(PYTHON))):$$PATH" scripts/fuzz.sh $(EXAMPLES)

# hostile inputs at full size (100 MB file, 20,000 files, a million levels): time and peak memory
hostile:
	$(PYTHON) bench/hostile.py

bench:
	$(PYTHON) bench/run.py --no-peer
