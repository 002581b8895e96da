"""PodDisruptionBudgets as the API server validates them.

Upstream: ValidatePodDisruptionBudgetSpec in pkg/apis/policy/validation/validation.go
(minAvailable xor maxUnavailable, each a non-negative count or a percentage of at most 100%,
a valid label selector).
"""

from __future__ import annotations

from typing import Iterator

from kubelint.k8s.apivalidation import Errors, int_or_percent, label_selector, present
from kubelint.model import Problem, Resource

PARAMS: dict = {}
KINDS = frozenset({"PodDisruptionBudget"})  # the engine only calls check_resource for these kinds


def check_resource(resource: Resource, rule, ctx) -> Iterator[Problem]:
    if resource.kind != "PodDisruptionBudget" or resource.group != "policy":
        return
    spec = resource.data.get("spec")
    if not isinstance(spec, dict):
        return
    errors = Errors()
    if present(spec, "minAvailable") and present(spec, "maxUnavailable"):
        errors.invalid(("spec",), "{...}", "minAvailable and maxUnavailable cannot be both set",
                       hint="keep one: minAvailable (pods that must stay up) or maxUnavailable (pods that may go)")
    for field in ("minAvailable", "maxUnavailable"):
        value = spec.get(field)
        if value is None or isinstance(value, bool):
            continue
        number, percent = int_or_percent(value)
        if isinstance(value, int) and value < 0:
            errors.invalid(("spec", field), value, "must be greater than or equal to 0")
        elif isinstance(value, str) and not percent:
            errors.invalid(("spec", field), value, "a valid percent string must be a numeric string followed by an "
                           "ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")
        elif percent and number is not None and number > 100:
            errors.invalid(("spec", field), value, "must not be greater than 100%")
    label_selector(errors, ("spec", "selector"), spec.get("selector"))
    yield from errors
