"""The apps stand in layers and every import points down; no module imports itself back.

    bantar  <-  indicators  <-  competitions  <-  scoring  <-  season, documents, coaching

(competitions stand on indicators since each competition uses an instrument, issue 14.)

Read from the source with `ast`, so an import inside a function (a lazy import
that hides a circle) or under TYPE_CHECKING counts like any other. The root URLconf
and the settings name the apps as strings (include("season.urls"), INSTALLED_APPS):
they assemble the portal and are not imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

LAYERS = {
    "bantar": 0,
    "indicators": 1,
    "competitions": 2,
    "scoring": 3,
    "season": 4,
    "documents": 4,
    "coaching": 4,
}


def module_files(root: Path, packages: list[str]) -> dict[str, Path]:
    """Dotted name -> file of every module of the given packages."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path, known: set[str]) -> Iterator[str]:
    """Every project module that `module` imports, wherever in the file the import is."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from scoring import services` imports the module scoring.services.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                yield target


def import_graph(root: Path, packages: list[str]) -> dict[str, set[str]]:
    modules = module_files(root, packages)
    known = set(modules)
    return {name: set(imported_names(name, path, known)) for name, path in modules.items()}


def back_arrows(graph: dict[str, set[str]], layers: dict[str, int]) -> list[str]:
    """Imports of another app that is not in a lower layer."""
    found = []
    for source, targets in sorted(graph.items()):
        here = source.partition(".")[0]
        for target in sorted(targets):
            there = target.partition(".")[0]
            if there != here and layers[there] >= layers[here]:
                found.append(f"{source} -> {target}")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def the_portal() -> dict[str, set[str]]:
    return import_graph(Path(settings.BASE_DIR), list(LAYERS))


def test_every_app_of_the_portal_has_a_layer():
    portal_apps = {app for app in settings.INSTALLED_APPS if (settings.BASE_DIR / app).is_dir()}
    assert portal_apps == set(LAYERS)


def test_imports_point_only_down_the_layers():
    assert back_arrows(the_portal(), LAYERS) == []


def test_no_module_imports_itself_back_through_others():
    graph = the_portal()
    assert cycles(graph) == []
    # The circle this test was written against: the resources use the entry rules, and
    # the rules no longer reach back for the resources (the import lives above both).
    assert "competitions.services" in graph["competitions.resources"]
    assert "competitions.resources" not in graph["competitions.services"]


def test_the_checks_see_a_lazy_back_arrow_and_a_circle(tmp_path):
    """The walker must catch what the portal no longer has: a function-local import of
    a higher app, `from package import module`, a relative import, and a circle."""
    files = {
        "low/__init__.py": "",
        "low/a.py": "def f():\n    from high import b\n",
        "low/c.py": "from . import d\n",
        "low/d.py": "import low.c\n",
        "high/__init__.py": "",
        "high/b.py": "from low.a import f\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path, ["low", "high"])
    assert graph["low.a"] == {"high.b"}
    assert graph["low.c"] == {"low.d"}
    assert back_arrows(graph, {"low": 0, "high": 1}) == ["low.a -> high.b"]
    assert cycles(graph) == [["high.b", "low.a"], ["low.c", "low.d"]]
