"""Running the rules in parallel processes (``--jobs``) once every resource is read.

Cross-resource rules need every resource in one process, but different rules need nothing from
each other: after reading, the main process forks workers, which share its resources copy-on-write,
and every process takes rules from a shared counter and runs them. Workers send back only their
findings (a resource number and a Problem each); the main process puts them in rule order, so the
findings are the same whatever the number of jobs (tests/engine/test_parallel.py compares them).

Each process builds the indexes its rules need for itself, so rules that share an index go to
the same process, as one unit of work: every template that uses the reference graph
(kubelint/crossref/graph.py, the largest index), and the rules of one template (the Pod Security
Standards' rules share their evaluation of each pod). Units are handed out largest first.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

from kubelint.checks import Context
from kubelint.crossref.graph import graph
from kubelint.engine.parallel_read import processes_for
from kubelint.engine.runner import RuleTask, run_rule
from kubelint.model import Problem, Resource

#: a finding of a rule before it is located: the resource, the problem, the rule id
Found = tuple[Resource, Problem, str]

#: parallel rules pay off from about this many resources (forking and indexing twice cost more below)
MIN_RESOURCES = 2000


def jobs_for(jobs: int | str, resources: int, tasks: int) -> int:
    """The processes to run ``tasks`` rules on ``resources`` resources with, for ``--jobs``."""
    if resources < MIN_RESOURCES or tasks < 2:
        return 1
    return min(processes_for(jobs), tasks)


def run(tasks: list[RuleTask], context: Context, resources: list[Resource], jobs: int) -> list[list[Found]]:
    """Each task's findings, as ``run_rule`` yields them, in task order."""
    # Start-up: multiprocessing costs about 15 ms to import; serial runs never need it.
    import multiprocessing

    number_of = {id(resource): index for index, resource in enumerate(resources)}
    units = work_units(tasks)
    fork = multiprocessing.get_context("fork")
    counter = fork.Value("i", 0)
    pipes, workers = [], []
    for _ in range(jobs - 1):
        receive, send = fork.Pipe(duplex=False)
        worker = fork.Process(target=_work, args=(tasks, units, context, counter, number_of, send), daemon=True)
        worker.start()
        send.close()
        pipes.append(receive)
        workers.append(worker)
    results: dict[int, list[Found]] = {}
    for index in _take(counter, units):
        results[index] = list(run_rule(tasks[index], context))
    for receive, worker in zip(pipes, workers):
        try:
            status, payload = receive.recv()
        except EOFError:
            status, payload = "error", "a worker process ended without its results"
        worker.join()
        if status == "error":
            raise RuntimeError(f"parallel rule run failed: {payload}")
        for index, found in payload.items():
            results[index] = [(resources[where] if isinstance(where, int) else where, problem, rule_id)
                              for where, problem, rule_id in found]
    return [results[index] for index in range(len(tasks))]


def work_units(tasks: list[RuleTask]) -> list[list[int]]:
    """The task numbers, grouped into units that share an index, largest unit first."""
    units: dict[str, list[int]] = {}
    for index, task in enumerate(tasks):
        module = task.module
        family = "graph" if getattr(module, "graph", None) is graph else module.__name__
        units.setdefault(family, []).append(index)
    return sorted(units.values(), key=len, reverse=True)


def _take(counter: Any, units: list[list[int]]) -> Iterator[int]:
    """The task numbers of the units this process takes from the shared counter."""
    while True:
        with counter.get_lock():
            unit: int = counter.value
            counter.value += 1
        if unit >= len(units):
            return
        yield from units[unit]


def _work(tasks: list[RuleTask], units: list[list[int]], context: Context, counter: Any, number_of: dict[int, int],
          send: Any) -> None:
    try:
        done: dict[int, list[tuple[int | Resource, Problem, str]]] = {}
        for index in _take(counter, units):
            # a resource of the run travels as its number; one a template made up, as itself
            done[index] = [(number_of.get(id(resource), resource), problem, rule_id)
                           for resource, problem, rule_id in run_rule(tasks[index], context)]
        send.send(("ok", done))
    except BaseException:  # reported by the main process, which exits 3 as for any bug
        import traceback  # start-up: only when a worker fails

        send.send(("error", traceback.format_exc(limit=3)))
    finally:
        send.close()
        os._exit(0)
