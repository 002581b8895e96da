"""Check templates: the reusable mechanisms that rules in ``rules/`` bind to.

A template module defines ``check_resource(resource, rule, ctx)`` (called once per
resource) or ``check_run(rule, ctx)`` (called once per run, yielding
``(resource, problem)`` pairs), plus ``PARAMS``, the parameters a rule may set.
Templates only yield Problems; positions, severities, configuration and
suppressions are applied by the engine.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from kubelint.model import Resource

#: template name -> module
TEMPLATES: dict[str, str] = {
    "names": "kubelint.checks.names",
    "labels": "kubelint.checks.labels",
    "annotations": "kubelint.checks.annotations",
}


@dataclass
class Context:
    """What checks may read: every resource of the run, the schemas, the options."""

    resources: list[Resource]
    bundle: Any
    crds: Any
    options: Any
    cache: dict[str, Any] = field(default_factory=dict)


def template(name: str) -> ModuleType:
    if name not in TEMPLATES:
        raise KeyError(name)
    return importlib.import_module(TEMPLATES[name])
