"""Progress of long runs: a rich progress bar on stderr, for people watching a terminal.

The engine reports progress to any object with ``start(total, description)``,
``advance(amount)`` and ``phase(description)``; the command line passes a
``TerminalProgress`` only when stderr is a terminal and the report is the text format
(never with machine formats, ``--quiet``, or a pipe: see ``wanted``). The bar appears only
once a run has taken ``delay`` seconds, so short runs (a pre-commit hook) never show it,
and it is erased when the run ends. rich is imported only when the bar appears.
"""

from __future__ import annotations

import os
import time
from typing import IO

#: formats whose output is for people; the others are for machines and never get a bar
HUMAN_FORMATS = frozenset({"text"})


def wanted(format_name: str, quiet: bool, stream: IO) -> bool:
    """Whether to show a progress bar: a text report, not quiet, and stderr a terminal."""
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return terminal and format_name in HUMAN_FORMATS and not quiet


def delay() -> float:
    """Seconds before the bar appears: 1, or KUBELINT_PROGRESS_DELAY."""
    try:
        return max(float(os.environ.get("KUBELINT_PROGRESS_DELAY", "1")), 0.0)
    except ValueError:
        return 1.0


class TerminalProgress:
    """A transient rich progress bar on ``stream`` (stderr), shown after ``delay`` seconds."""

    def __init__(self, stream: IO, delay: float = 1.0, color: bool = True):
        self.stream = stream
        self.delay = delay
        self.color = color
        self.started = time.monotonic()
        self.total = 0
        self.done = 0
        self.description = ""
        self._bar = None
        self._task = None

    def start(self, total: int, description: str) -> None:
        # Drawn from the first advance on: the bar's refresh thread must not exist yet when
        # kubelint forks its workers (kubelint/engine/parallel_read.py), which happens after start().
        self.total, self.done, self.description = total, 0, description

    def advance(self, amount: int) -> None:
        self.done += amount
        self._update()

    def phase(self, description: str) -> None:
        """A stage of unknown length (the checks after reading): the bar becomes a spinner."""
        self.description, self.total, self.done = description, 0, 0
        self._update()

    def _update(self) -> None:
        if self._bar is None:
            if time.monotonic() - self.started < self.delay:
                return
            self._show()
        self._bar.update(self._task, description=self.description, total=self.total or None,
                         completed=self.done)

    def _show(self) -> None:
        # Start-up: rich costs about 40 ms, and the bar shows only on a terminal, after a delay.
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream, no_color=not self.color, highlight=False)
        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                             TimeElapsedColumn(), console=console, transient=True)
        self._task = self._bar.add_task(self.description, total=self.total or None)
        self._bar.start()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
