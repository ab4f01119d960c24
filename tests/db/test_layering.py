"""``db/`` runs one way: no import cycle between its modules, and no import hidden in a function.

Every module of the package is parsed with :mod:`ast` (nothing is imported), and each
``import db.x`` / ``from db.x import y`` / ``from db import x`` is an edge of the graph,
wherever it sits: at module level, under ``if TYPE_CHECKING:``, or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import db

DB_DIR = Path(db.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(DB_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(DB_DIR.rglob("*.py"))}


def _targets(node: ast.Import | ast.ImportFrom, module: str) -> list[str]:
    """Return the ``db.*`` modules an import statement loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: resolve against the importing module's package
            package = module.split(".")
            if not MODULES[module].name == "__init__.py":
                package = package[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join([*package, *([base] if base else [])])
        # ``from db import paths`` loads the module db.paths; ``from db.x import f`` loads db.x.
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
    return sorted({n for n in names if n == "db" or n.startswith("db.")})


def _imports(module: str) -> tuple[set[str], list[str]]:
    """Return a module's ``db.*`` imports, and those that sit inside a function."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    edges: set[str] = set()
    deferred: list[str] = []

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            targets = _targets(node, module)
            edges.update(targets)
            if function:
                deferred.extend(f"{module}.{function} imports {t}" for t in targets)
        inner = node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, None)
    edges.discard(module)
    return edges, deferred


GRAPH = {m: _imports(m) for m in MODULES}


def _cycles() -> list[list[str]]:
    """Return one cycle through each strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v][0] & MODULES.keys()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(GRAPH):
        if v not in index:
            connect(v)
    return groups


def test_the_graph_is_read_from_the_real_modules():
    assert {"db.imports", "db.build", "db.library", "db.store", "db.parse.detect"} <= set(MODULES)
    assert "db.store" in GRAPH["db.build"][0]
    assert "db.paths" in GRAPH["db.library"][0]  # ``from db import paths``
    assert "db.parse.model" in GRAPH["db.parse.detect"][0]


def test_no_module_of_db_imports_one_that_imports_it_back():
    assert _cycles() == []


def test_no_db_import_sits_inside_a_function():
    deferred = [line for _, (_, lines) in sorted(GRAPH.items()) for line in lines]
    assert deferred == []


#: The modules that own a database: the derived store, and the two of user data.
SQL_OWNERS = {"db.store", "db.originals", "db.briefs"}
SQL_WORDS = ("SELECT ", "INSERT INTO", "DELETE FROM", "UPDATE ", "CREATE TABLE", "PRAGMA ")


def test_every_sql_statement_lives_in_the_module_that_owns_its_database():
    found = []
    for module, path in sorted(MODULES.items()):
        if module in SQL_OWNERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if any(word in node.value.upper() for word in SQL_WORDS):
                    found.append(f"{module}:{node.lineno}: {node.value[:60]!r}")
    assert found == []
