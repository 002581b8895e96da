"""Reading and validating large inputs in parallel processes (``--jobs``).

Where the time goes (``python bench/run.py``, 10,000 documents in one file): about 70% is
reading YAML and 15% schema validation, both per document; the rest is the cross-resource
checks, which need every resource in one process, and start-up. So the input is cut into
tasks (groups of small files, or slices of a large file cut at document boundaries), and
each task is read and validated (built-in kinds; custom resources wait for the CRDs of the
whole input) in a worker process. Workers send back each document's data and problems; the
main process takes the results in input order and goes on as a serial run does (the rules
may then run in parallel too: kubelint/engine/parallel_rules.py), so the findings and their order
are the same whatever the number of jobs
(tests/engine/test_parallel.py compares them).

Workers are forked: they inherit the loaded schemas, rules and input texts, and take task
numbers from a shared counter. The main process works too, from the same counter, so with
``--jobs 2`` one worker and the main process share the work, finish within a task of each
other, and only the worker's half is pickled back. Where fork is not safe (Windows, macOS)
kubelint reads serially.

``jobs="auto"`` (the command line's default) goes parallel only for inputs of at least
``AUTO_MIN_BYTES``, below which forking costs more than it saves, with one process per
CPU that kubelint may use. The library's default is 1: no processes are started unless
asked for.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from dataclasses import dataclass, field
from typing import Any, Iterator, Protocol

from kubelint.config.options import Options
from kubelint.load import resources as resource_loader
from kubelint.load.exact import Ambiguous, LoadProblem
from kubelint.load.reader import (
    Chunk,
    ParsedDocument,
    is_json_stream,
    new_document,
    read_chunks,
    read_documents,
    split_documents,
)
from kubelint.load.sources import InputProblem, read_source
from kubelint.model import Problem, Resource, Source
from kubelint.schema.bundle import Bundle

#: "auto" reads in parallel from this much input on (the 10,000-document benchmark is 5.6 MB;
#: below about 1 MB starting the workers costs more than they save, see bench/run.py --jobs)
AUTO_MIN_BYTES = 2 * 1024 * 1024
#: the most processes "auto" starts
AUTO_MAX_JOBS = 8
#: tasks per process, so that the processes finish together (and progress moves smoothly)
TASKS_PER_JOB = 16
#: bounds of a task's size in bytes of input
MIN_TASK_BYTES = 32 * 1024
MAX_TASK_BYTES = 1024 * 1024


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, as in a container), at least 1."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    import multiprocessing  # start-up: about 15 ms, and only runs that go parallel ask

    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"


def resolve_jobs(jobs: int | str, total_bytes: int) -> int:
    """The number of processes to use for ``jobs`` (a number or "auto") on this much input."""
    if jobs == "auto" and total_bytes < AUTO_MIN_BYTES:
        return 1
    return processes_for(jobs)


def processes_for(jobs: int | str) -> int:
    """The number of processes ``jobs`` (a number or "auto") asks for, for work large enough to
    share out: "auto" is one per CPU; 1 where processes cannot be forked."""
    if jobs == "auto":
        jobs = min(available_cpus(), AUTO_MAX_JOBS)
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ValueError(f"jobs must be a positive number or 'auto', not {jobs!r}")
    if jobs > 1 and not can_fork():
        return 1
    return jobs


# --- the plan -------------------------------------------------------------------------------
# An item is one of
#   ("path", file name)                 a file the worker reads
#   ("source", source number)           a source the main process read (stdin, text, a JSON file)
#   ("slice", source number, start, stop)  documents [start, stop) of a large YAML source


class Progress(Protocol):
    """A progress display (kubelint/cli/progress.py): told the bytes to read, then how far reading got."""

    def start(self, total: int, description: str) -> None: ...

    def advance(self, amount: int) -> None: ...

    def phase(self, description: str) -> None: ...


class Runner(Protocol):
    """What reading hands its results to: the engine's run (kubelint/engine/pipeline.py)."""

    options: Options
    bundle: Bundle

    def add_input_problem(self, problem: InputProblem) -> None: ...

    def read(self, source: Source, parsed: list[ParsedDocument] | None = None) -> None: ...

    def validate_resource(self, resource: Resource) -> Iterator[Problem]: ...


#: a task's unit of work: ("path", file) | ("source", number) | ("slice", number, start, stop)
Item = tuple[Any, ...]
#: what a task sends back for each item: in-process objects, or compact records to pickle
ItemResult = Any


@dataclass
class _State:
    """What the workers inherit: everything but the task numbers they are sent."""

    runner: Runner
    max_bytes: int
    sources: list[Source | None] = field(default_factory=list)
    source_problems: dict[int, list[InputProblem]] = field(default_factory=dict)
    chunks: dict[int, list[Chunk]] = field(default_factory=dict)
    tasks: list[list[Item]] = field(default_factory=list)
    task_bytes: list[int] = field(default_factory=list)
    next_task: Any = None  # shared counters (multiprocessing.Value) of a parallel run
    done_bytes: Any = None


_STATE: _State | None = None


def read_all(runner: Runner, sources: list[Source], files: list[str], jobs: int | str,
             progress: Progress | None = None) -> list[Source]:
    """Read ``sources`` (already read) and ``files`` into ``runner`` as a serial run would.

    Returns the sources read, in input order (files that could not be read are left out,
    with their findings given to the runner).
    """
    if jobs == 1 and progress is None:
        with _collector_paused():
            return _read_serially(runner, sources, files)
    sizes = [_size(file) for file in files]
    total = sum(len(source.text) for source in sources) + sum(sizes)
    jobs = resolve_jobs(jobs, total)
    with _collector_paused():
        if jobs == 1 and progress is None:
            return _read_serially(runner, sources, files)
        state = _plan(runner, sources, files, sizes, total, jobs)
        if progress is not None:
            progress.start(sum(state.task_bytes), "Reading")
        results = _run(state, jobs, progress)
        out = _take_in(state, results)
    if progress is not None:
        progress.phase("Checking")
    return out


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsed YAML has no reference cycles, so while it is read the cycle collector only walks
    the growing heap again and again (and, in forked workers, would touch every page they share
    with the parent). It is paused while reading, and objects from before are frozen."""
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


def _size(file: str) -> int:
    if file == "-":
        return 0
    try:
        return os.stat(file).st_size
    except OSError:
        return 0  # the worker that reads it reports why


def _read_serially(runner: Runner, sources: list[Source], files: list[str]) -> list[Source]:
    sources = list(sources)
    for file in files:
        source, problems = read_source(file, runner.options.max_file_size, runner.options.overlay)
        for problem in problems:
            runner.add_input_problem(problem)
        if source is not None:
            sources.append(source)
    for source in sources:
        runner.read(source)
    return sources


def _plan(runner: Runner, sources: list[Source], files: list[str], sizes: list[int], total: int,
          jobs: int) -> _State:
    state = _State(runner, runner.options.max_file_size)
    target = min(max(total // (jobs * TASKS_PER_JOB), MIN_TASK_BYTES), MAX_TASK_BYTES)
    items: list[tuple[Item, int]] = []  # (item, bytes)

    def add_source(source: Source | None, problems: list[InputProblem]) -> None:
        number = len(state.sources)
        state.sources.append(source)
        if problems:
            state.source_problems[number] = problems
        if source is None:
            items.append((("source", number), 0))
            return
        size = len(source.text)
        if size <= 2 * target or is_json_stream(source):
            items.append((("source", number), size))
            return
        chunks = split_documents(source.text)
        state.chunks[number] = chunks
        start = 0
        while start < len(chunks):
            stop, size = start, 0
            while stop < len(chunks) and (size < target or stop == start):
                size += len(chunks[stop].text)
                stop += 1
            items.append((("slice", number, start, stop), size))
            start = stop

    for source in sources:
        add_source(source, [])
    for file, size in zip(files, sizes):
        if file == "-" or size > 2 * target:
            add_source(*read_source(file, state.max_bytes, runner.options.overlay))
        else:
            items.append((("path", file), size))

    task: list[Item] = []
    task_size = 0
    for item, size in items:
        if task and task_size + size > target:
            state.tasks.append(task)
            state.task_bytes.append(task_size)
            task, task_size = [], 0
        task.append(item)
        task_size += size
    if task:
        state.tasks.append(task)
        state.task_bytes.append(task_size)
    return state


# --- the work -------------------------------------------------------------------------------


def _run(state: _State, jobs: int, progress: Progress | None) -> list[tuple[bool, list[ItemResult]]]:
    """Every task's result, by task number (and whether this process read it).

    The workers and this process take the next task from one shared counter, so they finish
    within a task of each other. A worker pickles each result as soon as it has it (while the
    others still work) and sends them all when the tasks run out; this process unpickles them
    at the end, without stopping the workers in between.
    """
    global _STATE
    count = len(state.tasks)
    results: list[Any] = [None] * count
    workers = min(jobs - 1, count - 1)
    if workers <= 0:
        for number in range(count):
            results[number] = (True, _run_task(number, state, local=True))
            _advance(progress, state.task_bytes[number])
        return results

    # Start-up: about 30 ms together, which serial runs (most runs) never need.
    import concurrent.futures
    import multiprocessing
    import pickle

    context = multiprocessing.get_context("fork")
    state.next_task = context.Value("i", 0)
    state.done_bytes = context.Value("q", 0)  # what the workers have read, for the progress bar
    _STATE = state
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_started)
    try:
        futures = [pool.submit(_work) for _ in range(workers)]
        reported = 0
        while (task := _next_task(state)) is not None:
            results[task] = (True, _run_task(task, state, local=True))
            reported = _advance(progress, state.task_bytes[task], state, reported)
        pending = set(futures)
        while pending:
            _, pending = concurrent.futures.wait(pending, timeout=0.1)
            reported = _advance(progress, 0, state, reported)
        for future in futures:
            for number, pickled in future.result():
                results[number] = (False, pickle.loads(pickled))
    except BaseException:
        with state.next_task.get_lock():
            state.next_task.value = count  # the workers stop after their current task
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        _STATE = None
    pool.shutdown(wait=True)
    return results


def _next_task(state: _State) -> int | None:
    with state.next_task.get_lock():
        number: int = state.next_task.value
        if number >= len(state.tasks):
            return None
        state.next_task.value = number + 1
    return number


def _work() -> list[tuple[int, bytes]]:
    """A worker: tasks from the shared counter until there are none, each result pickled at once."""
    import pickle  # start-up: imported by _run() in the parent already; serial runs never import it

    state = _STATE
    assert state is not None, "a worker inherits the state of the run"
    out = []
    while (number := _next_task(state)) is not None:
        out.append((number, pickle.dumps(_run_task(number, state), protocol=pickle.HIGHEST_PROTOCOL)))
        with state.done_bytes.get_lock():
            state.done_bytes.value += state.task_bytes[number]
    return out


def _advance(progress: Progress | None, amount: int, state: _State | None = None, reported: int = 0) -> int:
    """Tell the progress bar about ``amount`` bytes read here and what the workers read since."""
    if progress is None:
        return reported
    done: int = state.done_bytes.value if state is not None else reported
    if amount or done > reported:
        progress.advance(amount + done - reported)
    return done


def _worker_started() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle


def _run_task(number: int, state: _State, local: bool = False) -> list[ItemResult]:
    """Read and validate one task. In a worker (``local`` false) the results are compact
    records to pickle; in the main process, the ParsedDocuments themselves."""
    runner = state.runner
    out: list[ItemResult] = []
    for item in state.tasks[number]:
        if item[0] == "path":
            source, problems = read_source(item[1], state.max_bytes, runner.options.overlay)
            documents = _read_and_validate(runner, read_documents(source)[0], local) if source is not None else []
            if local:
                out.append((source, problems, documents))
            else:
                out.append(((source.name, source.text) if source is not None else None,
                            [_fields(p) for p in problems], documents))
        elif item[0] == "source":
            source = state.sources[item[1]]
            out.append(_read_and_validate(runner, read_documents(source)[0], local) if source is not None else [])
        else:
            _, source_number, start, stop = item
            chunks = state.chunks[source_number][start:stop]
            sliced = state.sources[source_number]
            assert sliced is not None, "only sources that were read are sliced"
            out.append(_read_and_validate(runner, read_chunks(sliced, chunks, start), local))
    return out


def _read_and_validate(runner: Runner, parsed: list[ParsedDocument], local: bool) -> list[Any]:
    """The documents with the schema problems of their built-in kinds (as compact records to send)."""
    records: list[Any] = []
    for item in parsed:
        document = item.document
        validated: list[Any] = []
        for resource in resource_loader.extract(document)[0]:
            if runner.bundle.kind(resource.api_version, resource.kind) is None:
                validated.append(None)  # a custom resource: its CRD may be anywhere in the input
            elif local:
                validated.append(list(runner.validate_resource(resource)))
            else:
                validated.append([_fields(problem) for problem in runner.validate_resource(resource)])
        if local:
            item.validated = validated
            records.append(item)
        else:
            records.append((document.index, document.start_line, document.text, document.data, document.exact,
                            [_fields(p) for p in item.problems], [_fields(a) for a in item.ambiguous],
                            item.has_nulls, validated))
    return records


def _fields(value: Any) -> tuple[Any, ...]:
    # Frozen dataclasses with slots cannot be unpickled on Python 3.10: send their fields.
    return tuple(getattr(value, name) for name in value.__slots__)


# --- taking the results in --------------------------------------------------------------------


def _take_in(state: _State, results: list[tuple[bool, list[ItemResult]]]) -> list[Source]:
    runner = state.runner
    out: list[Source] = []
    started: set[int] = set()
    for task, (local, task_results) in zip(state.tasks, results):
        for item, result in zip(task, task_results):
            if item[0] == "path":
                source, problems, documents = result
                for problem in problems:
                    runner.add_input_problem(problem if local else InputProblem(*problem))
                if source is not None:
                    if not local:
                        source = Source(*source)
                        documents = _documents(source, documents)
                    out.append(source)
                    runner.read(source, documents)
                continue
            number = item[1]
            source = state.sources[number]
            if number not in started:
                started.add(number)
                for problem in state.source_problems.get(number, ()):
                    runner.add_input_problem(problem)
                if source is not None:
                    out.append(source)
            if source is not None:
                runner.read(source, result if local else _documents(source, result))
    return out


def _documents(source: Source, records: list[tuple[Any, ...]]) -> list[ParsedDocument]:
    out = []
    for index, start_line, text, data, exact, problems, ambiguous, has_nulls, validated in records:
        document = new_document(source, index, start_line, text, data, exact)
        out.append(ParsedDocument(document, [LoadProblem(*p) for p in problems], [Ambiguous(*a) for a in ambiguous],
                                  has_nulls, [None if v is None else [Problem(*p) for p in v] for v in validated]))
    return out
