"""The import contract: layers that import only downward, no cycle, no other module's
private name, function-local imports only where listed, rooms of a readable size.

The layers are import-linter's contracts in pyproject.toml (``lint-imports`` in .ci/run,
on Python 3.11 and later); this module checks the same contracts, read from the same
table, on every Python the project supports, and what import-linter cannot say. It reads
every module of the package with :mod:`ast`: which modules each imports (relative names
resolved, ``from .pkg import mod`` as the submodule), whether inside a function (*local*)
or under ``if TYPE_CHECKING``, and which names.

Importing ``a.b.c`` runs the ``__init__`` of ``a`` and ``a.b`` first, so an import also
counts as an import of each package above its target — except the importer's own packages,
which are already being imported: a package's ``__init__`` that re-exports its submodules
is not in a cycle with them. A submodule that imports a name from its package's
``__init__`` (``from . import Layout``) is.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest's own dependency reads TOML there
    import tomli as tomllib

PACKAGE = ROOT / "ism_advisor"

#: The most lines a module may have.
MAX_LINES = 800
#: The most lines of a command's body (after its docstring, the --help text).
MAX_COMMAND_LINES = 40

#: Function-local imports, each with its reason: "importer -> imported" → why. An entry
#: stands for the modules inside what it names too (``ism_advisor.cli`` is cli.py or any
#: module of a cli package; ``pptx`` is any of python-pptx's modules), so that it holds when
#: a module is split. A function-local import puts off a heavy import until a command or a
#: format needs it (start-up time) — never to hide a cycle. Any other import goes to the
#: top of its module.
LOCAL_IMPORTS: dict[str, str] = {
    # the command line: `ism-advise --help`, a usage error and a quick command start
    # without pandas, scipy, jinja2, WeasyPrint or python-pptx
    "ism_advisor.cli -> ism_advisor.app": (
        "a command loads the run, the writers, doctor or init when it runs"
    ),
    "ism_advisor.cli -> ism_advisor.advice": (
        "rules check/test/schema and explain load the knowledge base (jinja2) and the"
        " engine when they run"
    ),
    "ism_advisor.cli -> ism_advisor.survey": (
        "reading a codebook or a survey loads pandas (ism_advisor.survey's loader) when a"
        " command needs it"
    ),
    "ism_advisor.cli -> ism_advisor.questionnaire": (
        "the questionnaire's writers load for that command only"
    ),
    "ism_advisor.cli -> ism_advisor.store": (
        "the store's commands load SQLAlchemy (and Alembic) when they run"
    ),
    "ism_advisor.cli -> ism_advisor.render": (
        "the report context, the deck template and the brief's file names load when a"
        " command writes or lists them"
    ),
    # the application: only the formats asked for are rendered
    "ism_advisor.app -> ism_advisor.render": (
        "a run loads the renderers of the formats it writes: a JSON run does not load the"
        " deck (python-pptx) or the report's templates"
    ),
    "ism_advisor.app.doctor -> ism_advisor.advice": (
        "doctor loads each part inside its own check: a part that does not load is a"
        " finding, not a crash"
    ),
    "ism_advisor.app.doctor -> ism_advisor.survey": (
        "doctor loads each part inside its own check: a part that does not load is a"
        " finding, not a crash"
    ),
    "ism_advisor.app.run -> ism_advisor.stats.comments": (
        "the comments' coder (simplemma, scikit-learn) loads only for a run with --comments"
    ),
    "ism_advisor.app.comments -> ism_advisor.stats.comments": (
        "'ism-advise comments' loads the coder (simplemma, scikit-learn) when it runs"
    ),
    "ism_advisor.app.settings -> ism_advisor.survey": (
        "a sheet choice is checked without loading the survey reader (pandas): the command"
        " line's settings are made before anything is read"
    ),
    "ism_advisor.app.run -> ism_advisor.store": (
        "the store loads SQLAlchemy (and a database driver): only a run with --norms, or"
        " with a store and --client (publication memory), pays for it"
    ),
    "ism_advisor.render.context.model -> ism_advisor.advice.document": (
        "`ism-advise templates` lists the report's context without loading pandas"
    ),
    # heavy third-party modules, for the paths that need them
    "ism_advisor.advice.engine -> durable_rules_engine": (
        "durable-rules' C extension loads with lazy symbol binding (Python 3.13), and a"
        " failure becomes a clear error"
    ),
    "ism_advisor.advice.engine -> importlib.metadata": (
        "importlib.metadata (email, zipfile, csv) only for doctor's version line"
    ),
    "ism_advisor.protect.solver -> scipy": (
        "the linear programme (linprog, sparse matrices) only when a hierarchy of segments"
        " has sets to solve"
    ),
    "ism_advisor.stats.drivers.logistic -> scipy.optimize": (
        "the separation check's linear programmes (linprog) only for a segment whose model"
        " does not converge: a JSON run does not load scipy.optimize"
    ),
    "ism_advisor.stats.tests -> scipy.stats": (
        "scipy.stats (about 0.6 s to import) only for the exact McNemar test of two waves:"
        " its binomial CDF has no bit-identical scipy.special kernel"
    ),
    "ism_advisor.survey.reading.detect -> ism_advisor.survey.reading.sheets": (
        "a spreadsheet's reader (python-calamine, lxml) only for .xlsx and .ods files"
    ),
    "ism_advisor.survey.reading.detect -> ism_advisor.survey.reading.spss": (
        "the SPSS reader only for .sav files"
    ),
    "ism_advisor.survey.reading.spss -> pyreadstat": (
        "pyreadstat (a C library) only when an SPSS file is read"
    ),
    "ism_advisor.questionnaire -> ism_advisor.questionnaire.paper": (
        "the paper form (jinja2, the report's environment) only for html, pdf and md"
    ),
    "ism_advisor.questionnaire.paper -> ism_advisor.render": (
        "the report's template environment and WeasyPrint only when a paper form is written"
    ),
    "ism_advisor.render -> matplotlib": (
        "the charts' SVG: matplotlib (about a second) loads when a chart is drawn"
    ),
    "ism_advisor.render -> weasyprint": "PDF only: WeasyPrint and Pango load for a PDF",
    "ism_advisor.render -> pptx": "decks only: python-pptx loads when a deck is written",
    "ism_advisor.render -> lxml": "decks only: the deck template's XML, with python-pptx",
    "ism_advisor.render -> xlsxwriter": "decks only: a native chart's data workbook",
    "ism_advisor.render.colours -> tinycss2": (
        "an organisation's own CSS colours only, read for the contrast check"
    ),
}


@dataclass(frozen=True)
class Import:
    """One module's import of another, as one statement names it: a module of ours, or a
    third-party name (``from scipy.optimize import linprog`` → ``scipy.optimize.linprog``)."""

    importer: str
    imported: str
    line: int
    #: the names taken from the imported module (``from x import a, b``); () for a module
    names: tuple[str, ...] = ()
    local: bool = False
    type_checking: bool = False

    def __str__(self) -> str:
        where = " (local)" if self.local else ""
        return f"{self.importer}:{self.line} -> {self.imported}{where}"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return modules()[name].name == "__init__.py"


def ancestors(name: str) -> list[str]:
    """The packages above a module: ``a.b.c`` → ``a.b``, ``a``."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def _ours(name: str) -> str | None:
    """The longest module of ours that ``name`` is or is inside of."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer if is_package(importer) else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        base = base.rpartition(".")[0]
    return f"{base}.{node.module}" if node.module else base


class _Reader(ast.NodeVisitor):
    def __init__(self, importer: str) -> None:
        self.importer = importer
        self.found: list[Import] = []
        self.functions = 0
        self.type_checking = 0

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        guarded = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        self.type_checking += guarded
        for child in node.body:
            self.visit(child)
        self.type_checking -= guarded
        for child in node.orelse:
            self.visit(child)

    def add(self, imported: str, line: int, names: tuple[str, ...] = ()) -> None:
        self.found.append(
            Import(
                self.importer,
                imported,
                line,
                names,
                local=self.functions > 0,
                type_checking=self.type_checking > 0,
            )
        )

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.add(_ours(alias.name) or alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        target = _resolve(self.importer, node)
        if target == "__future__":
            return
        ours = _ours(target)
        if ours is None:  # a third-party module: each name, as it may be a submodule
            for alias in node.names:
                self.add(f"{target}.{alias.name}", node.lineno)
            return
        names = []
        for alias in node.names:
            submodule = f"{ours}.{alias.name}"
            if ours == target and submodule in modules():
                self.add(submodule, node.lineno)
            else:
                names.append(alias.name)
        if names:
            self.add(ours, node.lineno, tuple(names))


@cache
def imports() -> tuple[Import, ...]:
    """Every import statement's edges, in module order."""
    found = []
    for name, path in modules().items():
        reader = _Reader(name)
        reader.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        found += reader.found
    return tuple(found)


def edges(which: Iterator[Import]) -> dict[str, set[str]]:
    """The import graph of our modules: each import, and the packages above its target
    that are not the importer's own (an import of a name from its own package counts)."""
    graph: dict[str, set[str]] = {name: set() for name in modules()}
    for edge in which:
        if edge.imported not in modules():
            continue
        if edge.imported != edge.importer:
            graph[edge.importer].add(edge.imported)
        own = set(ancestors(edge.importer))
        graph[edge.importer].update(set(ancestors(edge.imported)) - own)
    return graph


@cache
def graph() -> dict[str, set[str]]:
    """All imports: at the top, in functions, and for the type checker."""
    return edges(iter(imports()))


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
        for target in sorted(graph[node]):
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
    return sorted(found)


def reached(graph: dict[str, set[str]], starts: set[str]) -> set[str]:
    """Every module (and third-party name) the starts import, directly or not."""
    seen, todo = set(starts), list(starts)
    while todo:
        for target in graph.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    return goal in reached(graph, set(graph[start]))


def _inside(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def listed(edge: Import) -> str | None:
    """The entry of :data:`LOCAL_IMPORTS` that allows a function-local import."""
    for entry in LOCAL_IMPORTS:
        importer, _, imported = entry.partition(" -> ")
        if _inside(edge.importer, importer) and _inside(edge.imported, imported):
            return entry
    return None


# -- the contracts of pyproject.toml, and the tests ----------------------------------------------


@cache
def contracts() -> tuple[dict, ...]:
    """import-linter's contracts, from pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tuple(tomllib.load(handle)["tool"]["importlinter"]["contracts"])


def _tails(layer: str) -> list[str]:
    """A layer's modules: ``a | b`` (independent), ``a : b`` (may import each other), and
    ``(c)``, optional."""
    return [t.strip().strip("()") for t in layer.replace(":", "|").split("|")]


def _layer(module: str, layers: list[str], container: str) -> tuple[int, str] | None:
    for index, layer in enumerate(layers):
        for tail in _tails(layer):
            name = f"{container}.{tail}" if container else tail
            if _inside(module, name):
                return index, name
    return None


def layer_violations(contract: dict, found: Iterable[Import]) -> list[str]:
    """The imports that go up a layers contract, or sideways between independent modules
    of one layer (layers are listed from the top down)."""
    layers = contract["layers"]
    out = []
    for container in contract.get("containers", [""]):
        for edge in found:
            importer = _layer(edge.importer, layers, container)
            imported = _layer(edge.imported, layers, container)
            if importer is None or imported is None:
                continue
            (high, source), (low, target) = importer, imported
            sideways = high == low and source != target and "|" in layers[high]
            if low < high or sideways:
                out.append(f"{edge}: {source} may not import {target}")
    return out


def _matches(module: str, expression: str) -> bool:
    if expression.endswith(".**"):
        return module.startswith(expression[:-2])
    if expression.endswith(".*"):
        return module.rpartition(".")[0] == expression[:-2]
    return _inside(module, expression)


def _ignored(edge: Import, contract: dict) -> bool:
    for expression in contract.get("ignore_imports", ()):
        importer, _, imported = (part.strip() for part in expression.partition("->"))
        if _matches(edge.importer, importer) and _inside(edge.imported, imported):
            return True
    return False


def forbidden_violations(contract: dict, found: Iterable[Import]) -> list[str]:
    """The imports of a forbidden module by a source module: directly, or (unless the
    contract allows indirect imports) through other modules of ours."""
    found = [edge for edge in found if not _ignored(edge, contract)]
    sources = [
        name for name in modules() if any(_matches(name, s) for s in contract["source_modules"])
    ]
    banned = contract["forbidden_modules"]
    direct = [edge for edge in found if any(_inside(edge.imported, b) for b in banned)]
    if contract.get("allow_indirect_imports", False):
        return [str(edge) for edge in direct if edge.importer in sources]
    explicit: dict[str, set[str]] = {}
    for edge in found:
        explicit.setdefault(edge.importer, set()).add(edge.imported)
    return [
        f"{source} -> … -> {edge}"
        for source in sources
        for edge in direct
        if edge.importer in reached(explicit, {source})
    ]


def test_every_import_keeps_the_layer_contracts():
    """The layers (``cli`` down to ``core``) and the order inside ``advice``: every import
    goes down, local and type-checking ones included."""
    layered = [c for c in contracts() if c["type"] == "layers"]
    assert len(layered) == 2
    assert [v for c in layered for v in layer_violations(c, imports())] == []


def test_no_module_imports_what_a_contract_forbids():
    """Only the command line imports click; only the engine adapter, durable-rules."""
    forbidding = [c for c in contracts() if c["type"] == "forbidden"]
    assert sorted(m for c in forbidding for m in c["forbidden_modules"]) == [
        "click",
        "durable_rules_engine",
    ]
    assert [v for c in forbidding for v in forbidden_violations(c, imports())] == []


def test_the_contract_checks_find_what_breaks_them():
    """The checks above are not vacuous: an import up, one sideways between independent
    layers, and click or durable-rules outside their module are each found."""
    layers, inside_advice, click, durable = contracts()
    assert layer_violations(layers, [Import("ism_advisor.core.errors", "ism_advisor.cli", 1)])
    assert layer_violations(
        layers, [Import("ism_advisor.app.doctor", "ism_advisor.questionnaire", 2)]
    )
    assert not layer_violations(layers, [Import("ism_advisor.cli", "ism_advisor.core.errors", 3)])
    upward = Import("ism_advisor.advice.engine", "ism_advisor.advice.document", 4)
    assert layer_violations(inside_advice, [upward])
    assert forbidden_violations(click, [Import("ism_advisor.render.report", "click.testing", 5)])
    indirect = [
        Import("ism_advisor.core.errors", "ism_advisor.cli", 6),
        Import("ism_advisor.cli", "click", 7),
    ]
    assert forbidden_violations(click, indirect)
    assert not forbidden_violations(click, indirect[1:])
    assert forbidden_violations(
        durable, [Import("ism_advisor.advice.facts", "durable_rules_engine", 8)]
    )
    assert not forbidden_violations(
        durable, [Import("ism_advisor.advice.engine", "durable_rules_engine", 9)]
    )
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    """No cycle among the modules, counting the imports inside functions: a function-local
    import only postpones the cycle to the first call."""
    assert cycles(graph()) == []


def test_no_function_local_import_closes_a_cycle():
    everything = graph()
    hiding = [
        str(edge)
        for edge in imports()
        if edge.local
        and edge.imported in modules()
        and reaches(everything, edge.imported, edge.importer)
    ]
    assert hiding == []


def test_every_function_local_import_is_listed_with_its_reason():
    unlisted = [str(edge) for edge in imports() if edge.local and listed(edge) is None]
    assert unlisted == []


def test_every_listed_local_import_is_still_there():
    used = {listed(edge) for edge in imports() if edge.local}
    assert sorted(set(LOCAL_IMPORTS) - used) == []


def test_no_module_imports_another_modules_private_name():
    """A name two modules need is public in the lower one (``_x`` → ``x``)."""
    private = [
        f"{edge} {name}"
        for edge in imports()
        for name in edge.names
        if name.startswith("_") and not name.startswith("__")
    ]
    private += [
        f"{name}:{node.lineno} {node.value.id}.{node.attr}"
        for name, path in modules().items()
        for node in _module_attributes(name, path)
        if node.attr.startswith("_") and not node.attr.startswith("__")
    ]
    assert private == []


def _module_attributes(name: str, path: Path) -> Iterator[ast.Attribute]:
    """``m.attribute`` where ``m`` is a module of ours the file imported as a name."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            target = _resolve(name, node)
            for alias in node.names:
                if f"{target}.{alias.name}" in modules():
                    bound[alias.asname or alias.name] = f"{target}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in modules():
                    bound[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
        ):
            yield node


def test_every_name_the_package_exports_loads():
    """``from ism_advisor import X`` loads X from its layer's module on first use: each
    name of ``__all__`` is there, the README's library examples among them."""
    import ism_advisor

    readme = {"advise", "compare_groups", "load_codebook", "load_survey", "publish"}
    readme |= {"compare_waves", "driver_analysis", "priority_matrix", "SLIDES"}
    readme |= {"load_deck_template", "render_deck", "build_questionnaire", "write_key"}
    assert readme | {"write_questionnaire"} <= set(ism_advisor.__all__)
    for name in ism_advisor.__all__:
        value = getattr(ism_advisor, name)
        module = getattr(value, "__module__", "ism_advisor")
        assert module.startswith("ism_advisor"), (name, module)


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_is_over_the_limit(name):
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name}: {lines} lines"


def commands() -> Iterator[tuple[str, ast.FunctionDef]]:
    """Every function of the command line that click makes a command or a group of."""
    for name, path in modules().items():
        if not _inside(name, "ism_advisor.cli"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                _makes_command(d) for d in node.decorator_list
            ):
                yield name, node


def _makes_command(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    word = call.attr if isinstance(call, ast.Attribute) else getattr(call, "id", "")
    return word in ("command", "group")


def body_lines(function: ast.FunctionDef) -> int:
    """The lines of a function's body after its docstring."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return 0 if not body else function.end_lineno - body[0].lineno + 1


def test_the_command_line_has_commands():
    assert len(list(commands())) >= 10


def test_every_command_body_is_short():
    """A command reads its options and calls the library: under 40 lines."""
    long = [
        f"{name}.{function.name}: {lines} lines"
        for name, function in commands()
        if (lines := body_lines(function)) >= MAX_COMMAND_LINES
    ]
    assert long == []
