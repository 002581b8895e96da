"""The architecture holds: stages import only the stages below them, no module imports itself in a
circle, imports inside functions say what start-up time they save, and the seams type-check."""

from __future__ import annotations

import ast
import subprocess
import sys

import grimp
from importlinter import cli as importlinter_cli

from conftest import ROOT

PACKAGE = ROOT / "kubelint"


def test_the_layers_contract_in_pyproject_is_kept(monkeypatch):
    monkeypatch.chdir(ROOT)
    exit_code = importlinter_cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True,
                                              no_logo=True)
    assert exit_code == 0, "run `lint-imports` to see which import breaks the layers of pyproject.toml"


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other in a circle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups


def test_strongly_connected_finds_a_circle_and_nothing_else():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_through_others():
    built = grimp.build_graph("kubelint")
    graph = {module: set(built.find_modules_directly_imported_by(module)) for module in built.modules}
    # a package imports its own submodules: that is not a circle between modules
    for module, imported in graph.items():
        imported.difference_update(m for m in list(imported) if module.startswith(m + "."))
    assert strongly_connected(graph) == []


def function_level_imports() -> list[tuple[str, int, str]]:
    """(file, line, text) of every import inside a function of the package: the line, the three
    lines above it, and any run of comments and imports above those."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    above = lines[max(inner.lineno - 4, 0):inner.lineno - 1][::-1]
                    number = inner.lineno - 5
                    while number >= 0 and (lines[number].strip().startswith("#") or
                                           isinstance(_import_line(lines[number]), str)):
                        above.append(lines[number])
                        number -= 1
                    context = "\n".join(reversed(above)) + "\n" + lines[inner.lineno - 1]
                    out.append((str(path.relative_to(ROOT)), inner.lineno, context))
    return out


def _import_line(line: str) -> str | None:
    stripped = line.strip()
    return stripped if stripped.startswith(("import ", "from ")) else None


def test_every_import_inside_a_function_says_what_start_up_it_saves():
    found = function_level_imports()
    assert found, "the walk found no function-level import at all: it is broken"
    unexplained = [f"{file}:{line}" for file, line, context in found
                   if "start-up" not in context.lower() and "TYPE_CHECKING" not in context]
    assert unexplained == [], ("imports inside functions are for start-up time only; move these to the top of "
                               "the module or say in a comment what they save: " + ", ".join(unexplained))


def test_the_seams_type_check_with_mypy_strict():
    completed = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT, capture_output=True,
                               text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
