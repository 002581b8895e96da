"""JSON 6902 patches (RFC 6902) as kustomize applies them: a list of operations on a target object.

A file named by ``patches:`` (or ``patchesJson6902:``) that holds a YAML or JSON list is one
(sigs.k8s.io/kustomize/api/filters/patchjson6902); each operation is a mapping with ``op`` (add,
remove, replace, move, copy, test), a JSON pointer ``path``, and ``value`` (add, replace, test) or
``from`` (move, copy).
"""

from __future__ import annotations

from typing import Any, Iterator

from kubelint.model import Problem

PATCH_INVALID = "kustomize-patch-invalid"
OPERATIONS = {"add": "value", "remove": None, "replace": "value", "move": "from", "copy": "from", "test": "value"}
_FIELDS = {"op", "path", "value", "from"}


def json_patch_problems(operations: list[Any]) -> Iterator[Problem]:
    for index, operation in enumerate(operations):
        where = (index,)
        if not isinstance(operation, dict):
            yield Problem(where, f"[{index}]: a JSON 6902 operation must be a mapping with op and path, not "
                          f"{type(operation).__name__}", rule=PATCH_INVALID)
            continue
        op = operation.get("op")
        if op not in OPERATIONS:
            shown = f'"{op}"' if isinstance(op, str) else "missing" if op is None else str(op)
            yield Problem(where + (("op",) if "op" in operation else ()),
                          f"[{index}].op: {shown} is not a JSON 6902 operation: use add, remove, replace, move, "
                          "copy or test", rule=PATCH_INVALID, at_key="op" not in operation)
            continue
        path = operation.get("path")
        if not isinstance(path, str) or not (path == "" or path.startswith("/")):
            yield Problem(where + (("path",) if "path" in operation else ()),
                          f'[{index}].path: a JSON pointer starting with "/" is required (like '
                          "/spec/template/spec/containers/0/image)", rule=PATCH_INVALID,
                          at_key="path" not in operation)
        needed = OPERATIONS[op]
        if needed is not None and needed not in operation:
            yield Problem(where, f"[{index}]: op {op} needs {needed}", rule=PATCH_INVALID, at_key=True)
        for unknown in sorted(set(operation) - _FIELDS, key=str):
            yield Problem(where + (unknown,), f'[{index}]: unknown field "{unknown}" of a JSON 6902 operation '
                          "(op, path, value, from)", rule=PATCH_INVALID, at_key=True)
