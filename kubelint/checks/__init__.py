"""Check templates: the reusable mechanisms that rules in ``rules/`` bind to.

A template is a module of this package named after it (template ``missing-reference``
is ``missing_reference.py``). It defines ``check_resource(resource, rule, ctx)`` (called
once per resource) and/or ``check_run(rule, ctx)`` (called once per run, yielding
``(resource, problem)`` pairs), plus ``PARAMS``, the parameters a rule may set with their
defaults (``rule.params`` holds the rule file's values, merged over them by the engine).
Templates only yield Problems; positions, severities, configuration and
suppressions are applied by the engine.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from kubelint.model import Resource

@dataclass
class Context:
    """What checks may read: every resource of the run, the schemas, the options."""

    resources: list[Resource]
    bundle: Any
    crds: Any
    options: Any
    cache: dict[str, Any] = field(default_factory=dict)


def template(name: str) -> ModuleType:
    """The module of a template: ``missing-reference`` is ``kubelint/checks/missing_reference.py``."""
    module_name = name.replace("-", "_")
    if not module_name.isidentifier():
        raise KeyError(name)
    try:
        return importlib.import_module(f"kubelint.checks.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"kubelint.checks.{module_name}":
            raise KeyError(name) from None
        raise


def template_exists(name: str) -> bool:
    from pathlib import Path

    return (Path(__file__).parent / (name.replace("-", "_") + ".py")).is_file()
