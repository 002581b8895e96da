"""Check templates: the reusable mechanisms that rules in ``rules/`` bind to.

A rule file names its template (``template: missing-reference``), which is the module of this
package of that name (``missing_reference.py``), and may set its parameters (``params:``). A
template module defines:

- ``check_resource(resource, rule, ctx)``: called once per resource, yields Problems;
- and/or ``check_run(rule, ctx)``: called once per run, yields ``(resource, problem)`` pairs;
- ``PARAMS``: the parameters a rule may set, with their defaults (the engine merges the rule
  file's and the configuration's values over them into ``rule.params``);
- ``KINDS``: the only kinds ``check_resource`` looks at (a set, or a function of the rule), so
  that the engine hands it nothing else.

A template whose rules each run a check of their own (``probes``: readiness, liveness, ...)
registers them in a ``CHECKS = CheckSet()`` instead, one small function per check, and the rule
names its check with ``params.check``: ``@CHECKS("readiness", kinds=...)`` marks the function
that ``check: readiness`` runs. Templates only yield Problems; positions, severities,
configuration and suppressions are applied by the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from kubelint.config.options import Options
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule
from kubelint.schema.bundle import Bundle
from kubelint.schema.crd import CRDRegistry


@dataclass
class Context:
    """What checks may read: every object of the bundle being checked (the whole run, unless the
    project has several bundles), the schemas, the options, and a cache in which the indexes that
    several rules share (the reference graph, say) are built once."""

    resources: list[Resource]
    bundle: Bundle
    crds: CRDRegistry
    options: Options
    cache: dict[str, Any] = field(default_factory=dict)
    #: kustomize patches of the run's objects: partial objects whose references count, nothing else
    partial: list[Resource] = field(default_factory=list)
    #: where an object that this run's resources lack is defined elsewhere in the project, and why
    #: it was not seen (another bundle), for hints: (group, kind, namespace, name) -> a sentence
    elsewhere: Callable[[str, str, str | None, str], str | None] | None = None
    #: whether the run reports findings on a resource (one in a named file): a rule may skip the
    #: work for others, whose findings would be dropped
    reports: Callable[[Resource], bool] = field(default=lambda resource: True)


ResourceCheck = Callable[[Resource, Rule, Context], Iterable[Problem]]
RunCheck = Callable[[Rule, Context], Iterable[tuple[Resource, Problem]]]


@dataclass(frozen=True)
class Check:
    """One check of a CheckSet: a per-resource function and the kinds it looks at (None: every
    kind), or a once-per-run function (``run``)."""

    name: str
    function: ResourceCheck | None = None
    kinds: frozenset[str] | None = None
    run: RunCheck | None = None


class CheckSet:
    """The checks of one template, by the name a rule's ``params.check`` gives."""

    def __init__(self) -> None:
        self.checks: dict[str, Check] = {}

    def __call__(self, name: str, kinds: Iterable[str] | None = None) -> Callable[[ResourceCheck], ResourceCheck]:
        """Register the decorated ``function(resource, rule, ctx)`` as the check ``name``."""
        def register(function: ResourceCheck) -> ResourceCheck:
            self._add(Check(name, function, frozenset(kinds) if kinds is not None else None))
            return function
        return register

    def run(self, name: str) -> Callable[[RunCheck], RunCheck]:
        """Register the decorated ``function(rule, ctx)``, called once per run, as the check ``name``."""
        def register(function: RunCheck) -> RunCheck:
            self._add(Check(name, run=function))
            return function
        return register

    def _add(self, check: Check) -> None:
        if check.name in self.checks:
            raise ValueError(f"check {check.name!r} registered twice")
        self.checks[check.name] = check

    def __getitem__(self, name: str) -> Check:
        return self.checks[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.checks)
