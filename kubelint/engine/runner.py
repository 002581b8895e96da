"""Binding rules to their templates and running them: one RuleTask per enabled rule.

The rule specs (``rules/*.yaml``) are the one place that says which template a rule runs:
``template: probes`` with ``params: {check: readiness}`` is the function registered as
``readiness`` in ``kubelint/checks/probes.py``. Rules whose template is one of the pipeline's own
stages (``STAGES``) are reported by that stage, not run here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Collection, Iterator

from kubelint import checks
from kubelint.checks import CheckSet, Context, ResourceCheck, RunCheck
from kubelint.config.options import Options
from kubelint.model import Problem, Resource
from kubelint.rules.registry import Rule

#: templates whose findings the pipeline's own stages report; their rule files only document them
STAGES: dict[str, str] = {
    "input": "reading files and stdin (kubelint/load/sources.py)",
    "yaml": "parsing YAML as Kubernetes does (kubelint/load/)",
    "manifest": "finding the objects of each document (kubelint/load/resources.py)",
    "schema": "schema validation (kubelint/schema/validate.py)",
    "api-lifecycle": "checking API versions against the target release (kubelint/schema/lifecycle.py)",
    "suppression": "applying suppressions (kubelint/findings/suppress.py)",
    "project": "reading the project: kustomizations, patches, Helm charts (kubelint/project/)",
}

_CHECKS_FOLDER = Path(checks.__file__).parent


def template_module(name: str) -> ModuleType:
    """The module of a template: ``missing-reference`` is ``kubelint/checks/missing_reference.py``.

    Imported on first use, so that a run imports only the templates of the rules it runs.
    """
    module_name = name.replace("-", "_")
    if not module_name.isidentifier() or not template_exists(name):
        raise KeyError(name)
    return importlib.import_module(f"kubelint.checks.{module_name}")


def template_exists(name: str) -> bool:
    module_name = name.replace("-", "_")
    return (_CHECKS_FOLDER / f"{module_name}.py").is_file() or (_CHECKS_FOLDER / module_name / "__init__.py").is_file()


@dataclass
class RuleTask:
    """One rule to run: the functions of its template and the resources check_resource applies to."""

    rule: Rule
    module: ModuleType
    check_resource: ResourceCheck | None
    check_run: RunCheck | None
    resources: list[Resource]
    #: ids of the resources the schema check found type errors in (see run_rule)
    schema_invalid: frozenset[int] = frozenset()


def rule_tasks(rules: dict[str, Rule], options: Options, resources: list[Resource],
               schema_invalid: frozenset[int] = frozenset()) -> list[RuleTask]:
    """The enabled rules that have a template, in rule order, with their parameters and resources."""
    by_kind: dict[str, list[Resource]] = {}
    for resource in resources:
        by_kind.setdefault(resource.kind, []).append(resource)
    tasks = []
    for rule in rules.values():
        if rule.template in STAGES or not options.rule_enabled(rule):
            continue
        module = template_module(rule.template)
        params = {**getattr(module, "PARAMS", {}), **rule.params, **options.rule_params.get(rule.id, {})}
        rule = replace(rule, params=params)
        check_resource, kinds, check_run = _functions(module, rule)
        chosen: list[Resource] = []
        if check_resource is not None:
            chosen = resources if kinds is None else [r for kind in kinds for r in by_kind.get(kind, ())]
        tasks.append(RuleTask(rule, module, check_resource, check_run, chosen, schema_invalid))
    return tasks


def _functions(module: ModuleType,
               rule: Rule) -> tuple[ResourceCheck | None, Collection[str] | None, RunCheck | None]:
    """What a rule runs: its per-resource function and the only kinds that one looks at (None:
    every kind), and its once-per-run function."""
    check_set = getattr(module, "CHECKS", None)
    if isinstance(check_set, CheckSet):
        name = rule.params.get("check")
        if name not in check_set.checks:
            raise KeyError(f"rule {rule.id}: template {rule.template} has no check {name!r} "
                           f"(it has {', '.join(check_set)})")
        check = check_set[name]
        return check.function, check.kinds, check.run
    function = getattr(module, "check_resource", None)
    kinds = getattr(module, "KINDS", None)
    if callable(kinds):  # a function of the rule that returns the kinds (None: every kind)
        kinds = kinds(rule)
    return function, kinds if function is not None else None, getattr(module, "check_run", None)


def run_rule(task: RuleTask, context: Context) -> Iterator[tuple[Resource, Problem, str]]:
    """The findings of one rule. Templates are written for resources whose fields have the types
    the schema gives them; should one trip over a field of a wrong type that the schema check has
    already reported, that resource is left to the schema finding instead of ending the run with
    an internal error. On a schema-valid resource an exception is a bug and is raised."""
    rule = task.rule
    if task.check_resource is not None:
        for resource in task.resources:
            try:
                found = list(task.check_resource(resource, rule, context))
            except Exception:
                if id(resource) not in task.schema_invalid or context.options.debug:
                    raise
                continue
            for problem in found:
                yield resource, problem, rule.id
    if task.check_run is not None:
        for resource, problem in task.check_run(rule, context):
            yield resource, problem, rule.id
