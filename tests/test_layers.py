"""The package's layers: imports go downward only, no cycle, no import hidden in a function,
no private name used across modules, no module much over 600 lines.

Layers, bottom to top (docs/ARCHITECTURE.md):
core → reference → intake → build → analysis → evidence → reports → render → top (runner, batch, kernels, reports_folder, cli, api).
``demo`` stands apart: it may use core and reference only, and nothing imports it but the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "me_utils"
ORDER = ["core", "reference", "intake", "build", "analysis", "evidence", "reports", "render", "top"]
MAX_LINES = 650


def _layer(mod: str) -> str:
    parts = mod.split(".")
    if len(parts) < 2 or parts[1] in ("runner", "batch", "kernels", "reports_folder", "cli", "api", "__init__"):
        return "top"
    return parts[1]


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        rel = p.relative_to(PKG.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        out[name] = p
    return out


def _resolve(mod: str, node: ast.ImportFrom, is_pkg: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(mods):
    """(importer, imported module, lineno, in_function, names) for every me_utils import."""
    found = []
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        funcs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        inner = {id(x) for f in funcs for x in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("me_utils"):
                        found.append((mod, a.name, node.lineno, id(node) in inner, []))
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(mod, node, path.name == "__init__.py")
                if not target.startswith("me_utils"):
                    continue
                names = [a.name for a in node.names]
                for n in names:
                    sub = f"{target}.{n}"
                    found.append((mod, sub if sub in mods else target, node.lineno, id(node) in inner, [n]))
    return found


MODS = _modules()
IMPORTS = _imports(MODS)


def test_every_module_sits_in_a_known_layer():
    assert {_layer(m) for m in MODS} - {"demo"} <= set(ORDER)


def test_imports_go_downward_only():
    bad = []
    for src, dst, line, _, _ in IMPORTS:
        if dst == "me_utils" or dst not in MODS and dst.rsplit(".", 1)[0] not in MODS:
            continue
        ls, ld = _layer(src), _layer(dst)
        if ls == "demo":
            if ld not in ("core", "reference", "demo"):
                bad.append(f"{src}:{line} (demo) imports {dst} ({ld})")
            continue
        if ld == "demo":
            if ls != "top":
                bad.append(f"{src}:{line} imports the demo generator {dst}")
            continue
        if ORDER.index(ld) > ORDER.index(ls):
            bad.append(f"{src}:{line} ({ls}) imports {dst} ({ld})")
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_no_package_import_inside_a_function():
    bad = [f"{s}:{line} imports {d}" for s, d, line, inner, _ in IMPORTS if inner]
    assert not bad, "imports inside functions:\n" + "\n".join(bad)


def test_import_graph_has_no_cycle():
    graph: dict[str, set[str]] = {m: set() for m in MODS}
    for s, d, _, _, _ in IMPORTS:
        if d in MODS and d != s and not (s.startswith(d + ".")):
            graph[s].add(d)
    colour, cycles = {}, []

    def visit(n, stack):
        colour[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if colour.get(m) == 1:
                cycles.append(stack[stack.index(m) :] + [m])
            elif not colour.get(m):
                visit(m, stack)
        stack.pop()
        colour[n] = 2

    for n in sorted(graph):
        if not colour.get(n):
            visit(n, [])
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_no_private_name_used_from_another_module():
    bad = [
        f"{s}:{line} uses {d}.{n[0]}"
        for s, d, line, _, n in IMPORTS
        if n and n[0].startswith("_") and not n[0].startswith("__") and d != s
    ]
    assert not bad, "\n".join(bad)


def test_no_private_attribute_of_another_module():
    """``other._helper(...)``: a private helper called across modules (say which public
    function to add instead)."""
    bad = []
    for mod, path in MODS.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(mod, node, path.name == "__init__.py")
                for a in node.names:
                    if f"{target}.{a.name}" in MODS:
                        aliases[a.asname or a.name] = f"{target}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name in MODS and a.asname:
                        aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and aliases[node.value.id] != mod
            ):
                bad.append(f"{mod}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("mod", sorted(MODS))
def test_module_size(mod):
    n = len(MODS[mod].read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{mod} has {n} lines (> {MAX_LINES}): split it by what changes together"
