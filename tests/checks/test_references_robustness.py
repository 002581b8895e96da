"""The cross-resource rules never crash on malformed input: every field of a realistic app, in
turn, is replaced by a value of the wrong type (the schema rules report those; these rules must
just carry on)."""

from __future__ import annotations

import copy
from dataclasses import replace

from conftest import FIXTURES, field_paths, put
from kubelint import Options, check
from kubelint.checks import Context
from kubelint.engine.runner import rule_tasks, run_rule
from reference_helpers import REFERENCE_RULES

APP = FIXTURES / "references" / "bookstore.yaml"
WRONG = [None, "x", 7, [], {}, [None], {"x": None}]


def run_rules(resources, result):
    options = Options(select=list(REFERENCE_RULES))
    context = Context(resources, result_bundle(result), None, options)
    for task in rule_tasks(REFERENCE_RULES, options, resources):
        for _ in run_rule(task, context):
            pass


def result_bundle(result):
    from kubelint.schema.bundle import load_bundle

    return load_bundle(result.kube_version)


def test_every_field_replaced_by_a_wrong_type_never_crashes():
    result = check([str(APP)])
    resources = result.resources
    runs = 0
    for index, resource in enumerate(resources):
        for number, path in enumerate(list(field_paths(resource.data))[1:]):
            value = WRONG[(index + number) % len(WRONG)]
            data = copy.deepcopy(resource.data)
            put(data, path, value)
            mutated = list(resources)
            mutated[index] = replace(resource, data=data)
            run_rules(mutated, result)
            runs += 1
    assert runs > 500
