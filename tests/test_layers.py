"""Each layer on its floor: the import graph of ``hf_mathrules`` (every ``import`` in every module, those
inside functions included, read with ``ast``) between its top-level packages and modules goes only
downwards or sideways on the floors below, has no cycle, and evaluation never imports training.

Only edges between top-level units count (``hf_mathrules.verify.parser`` importing
``hf_mathrules.verify.lexer`` is the verify package's own business)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import hf_mathrules

PACKAGE = Path(hf_mathrules.__file__).parent

# Lowest first.  A unit may import units on its own floor or below, never above.
FLOORS: list[set[str]] = [
    {"expr", "vocab", "io", "prompting", "draws"},  # 0: no hf_mathrules imports but each other
    {"verify"},  # 1: the checker
    {"rules", "mutate"},  # 2: the rule engine (uses the checker for its own answers), mutation engine
    {"validate", "data", "data_report", "rewards", "modeling"},  # 3: rows, rewards, loading
    {"evaluation", "lighteval_tasks"},  # 4: generation and scoring; the lighteval task module
    {"train", "experiments"},  # 5: training (uses evaluation while training); the paper's experiments
    {"commands", "cli"},  # 6: the command line
]

# Edges known to break the rules and being fixed elsewhere: (importer, imported).  Remove when fixed.
ALLOWED_FOR_NOW: set[tuple[str, str]] = set()

# Import circles between two modules of one package, known and kept or being fixed elsewhere; a new one
# fails ``test_no_new_import_cycles_between_modules``.  Remove an entry when its circle is broken.
KNOWN_MODULE_CYCLES: set[frozenset[str]] = {
    # ``Expr.__str__`` renders through render.machine: the printer pattern, kept
    frozenset({"expr.nodes", "expr.render"}),
}

# ``hf_mathrules/__init__.py`` imports ``data`` inside ``__getattr__`` (lazy ``hf_mathrules.load``): the
# package root is the top, not a floor, and that lazy pattern is the one function-level import exempt.
ROOT = ""


def _unit(module: str) -> str:
    """``hf_mathrules.train.sft`` -> ``train``; ``hf_mathrules`` -> ROOT."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def _imports(path: Path) -> list[tuple[str, bool]]:
    """``(imported module, at module level)`` for every import in ``path`` (relative ones resolved)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    top_level = {id(n) for n in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from . import x`` / ``from .pkg import mod`` may name submodules: count them too
            names = [target] + [f"{target}.{a.name}" for a in node.names]
        else:
            continue
        out += [(n, id(node) in top_level) for n in names if n.split(".")[0] == "hf_mathrules"]
    return out


@functools.cache
def _unit_edges() -> dict[tuple[str, str], list[str]]:
    """``(importer unit, imported unit)`` -> where, for every edge between different units."""
    units = {p.stem if p.suffix else p.name for p in PACKAGE.iterdir()}
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        src = _unit(_module_name(path))
        for target, at_module_level in _imports(path):
            dst = _unit(target)
            if dst == src or dst not in units:  # a name, not a module (``from hf_mathrules import x``)
                continue
            if src == ROOT and not at_module_level:
                continue  # the lazy ``hf_mathrules/__init__.py`` pattern
            edges.setdefault((src, dst), []).append(f"{path.relative_to(PACKAGE.parent)} imports {target}")
    return edges


@functools.cache
def _module_cycles() -> list[list[str]]:
    """The strongly connected groups (two modules or more) of the graph between modules, imports inside
    functions included; importing a package that contains the importer is not an edge (Python is already
    importing it), and ``from package import name`` counts as importing ``package``."""
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        for target, _ in _imports(path):
            while target and target not in paths:
                target = target.rpartition(".")[0]
            if target and target != module and not module.startswith(target + "."):
                graph.setdefault(module, set()).add(target)
    # Tarjan's algorithm, iterative
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []
    for root in sorted(paths):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(m.removeprefix("hf_mathrules.") for m in group))
    return groups


def _floor(unit: str) -> int | None:
    return next((i for i, f in enumerate(FLOORS) if unit in f), None)


def _units() -> set[str]:
    return {
        p.stem if p.suffix == ".py" else p.name
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and any(p.rglob("*.py")))
    } - {"__main__"}


def test_every_unit_has_a_floor():
    missing = sorted(u for u in _units() if _floor(u) is None)
    assert not missing, f"put these in FLOORS in tests/test_layers.py: {missing}"


def test_every_floor_names_a_unit():
    ghosts = sorted(set().union(*FLOORS) - _units())
    assert not ghosts, f"FLOORS names units that do not exist: {ghosts}"


def test_imports_go_down_or_sideways_only():
    upward = [
        f"{src} (floor {_floor(src)}) -> {dst} (floor {_floor(dst)}): {where[0]}"
        for (src, dst), where in sorted(_unit_edges().items())
        if src != ROOT
        and (src, dst) not in ALLOWED_FOR_NOW
        and None not in (_floor(src), _floor(dst))
        and _floor(dst) > _floor(src)
    ]
    assert not upward, "imports from a higher floor:\n" + "\n".join(upward)


def test_no_import_cycles_between_units():
    graph: dict[str, set[str]] = {}
    for src, dst in _unit_edges():
        if (src, dst) not in ALLOWED_FOR_NOW:
            graph.setdefault(src, set()).add(dst)
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles between units:\n" + "\n".join(cycles)


def test_no_new_import_cycles_between_modules():
    new = [" <-> ".join(g) for g in _module_cycles() if frozenset(g) not in KNOWN_MODULE_CYCLES]
    assert not new, "import cycles between modules:\n" + "\n".join(new)


def test_verify_parser_and_its_mixins_are_not_a_circle():
    assert not [g for g in _module_cycles() if "verify.parser" in g]


def test_evaluation_never_imports_train():
    edges = _unit_edges()
    assert ("evaluation", "train") not in edges, "\n".join(edges.get(("evaluation", "train"), []))


def test_prompting_and_inference_loading_are_below_evaluation_and_train():
    edges = _unit_edges()
    assert ("evaluation", "prompting") in edges and ("evaluation", "modeling") in edges
    assert ("train", "prompting") in edges and ("train", "modeling") in edges
    assert not [e for e in edges if e[0] in ("prompting", "modeling") and e[1] in ("evaluation", "train")]


def test_the_graph_sees_function_level_imports():
    # evaluation/runner.py loads models inside a function: that edge must be in the graph
    where = _unit_edges()[("evaluation", "modeling")]
    assert any("runner.py" in w for w in where)
