"""The architecture of ``src/chronology`` drawn from the code, against the layers it should keep.

Reports (and exits 1 on any):

* loops between packages (each module of the top level and each subpackage is a node; an import,
  also inside a function or under ``TYPE_CHECKING``, is an edge);
* imports of ``chronology.chronology`` (the facade's class) from a layer below it;
* private names (``_x``) imported from another package;
* functions over 80 lines or of cyclomatic complexity over 15 (the larger of radon's count, when
  radon is installed, and this script's own: branches, loops, handlers, ``with``, ``assert``,
  comprehensions and each extra operand of ``and``/``or``; nested functions count on their own).

Usage: ``python scripts/architecture.py [repo root] [--json]``.
"""

from __future__ import annotations

import ast
import json
import sys
from collections import defaultdict
from pathlib import Path

#: modules allowed to import chronology.chronology: the facade itself and what sits above it
ABOVE_FACADE = {"chronology", "chronology.cli", "chronology.samples", "chronology.scale", "chronology.demo"}
MAX_LINES = 80
MAX_COMPLEXITY = 15


def _modname(root: Path, p: Path) -> str:
    parts = list(p.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _package(mod: str) -> str:
    return ".".join(mod.split(".")[:2])


def _resolve(mod: str, is_pkg: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.split(".")
    if not is_pkg:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


_BRANCHES = (ast.If, ast.For, ast.While, ast.IfExp, ast.ExceptHandler, ast.With, ast.AsyncFor,
             ast.AsyncWith, ast.comprehension, ast.Assert, ast.match_case)


def _complexity(func: ast.AST) -> int:
    n = 1
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue  # counted on its own
        if isinstance(node, _BRANCHES):
            n += 1
        elif isinstance(node, ast.BoolOp):
            n += len(node.values) - 1
        stack.extend(ast.iter_child_nodes(node))
    return n


def _radon(path: Path) -> dict[int, int]:
    try:
        from radon.complexity import cc_visit
    except ImportError:  # pragma: no cover - radon is a dev dependency
        return {}
    out: dict[int, int] = {}
    for block in cc_visit(path.read_text(encoding="utf-8")):
        for b in [block, *getattr(block, "methods", []), *getattr(block, "closures", [])]:
            if type(b).__name__ == "Function":
                out[b.lineno] = max(out.get(b.lineno, 0), b.complexity)
    return out


def _sccs(edges: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w == v:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(set(edges) | {t for ts in edges.values() for t in ts}):
        if v not in index:
            strong(v)
    return out


def report(repo: Path) -> dict[str, list[str]]:
    """The findings, by kind: ``loops``, ``facade_from_below``, ``private``, ``big``."""
    root = repo / "src" / "chronology"
    edges: dict[str, set[str]] = defaultdict(set)
    private: list[str] = []
    up: list[str] = []
    big: list[str] = []
    for p in sorted(root.rglob("*.py")):
        mod = _modname(root, p)
        is_pkg = p.name == "__init__.py"
        tree = ast.parse(p.read_text(encoding="utf-8"))
        radon = _radon(p)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(mod, is_pkg, node)
                if not target.startswith("chronology"):
                    continue
                names = [a.name for a in node.names]
                targets = [f"chronology.{n}" for n in names] if target == "chronology" else [target]
                for t in targets:
                    edges[_package(mod)].add(_package(t))
                if (target == "chronology.chronology" or "chronology.chronology" in targets) \
                        and mod not in ABOVE_FACADE:
                    up.append(f"{mod} imports chronology.chronology ({', '.join(names)})")
                for n in names:
                    if n.startswith("_") and not n.startswith("__") and _package(target) != _package(mod):
                        private.append(f"{mod} imports {target}.{n}")
                if any(part.startswith("_") and not part.startswith("__") for part in target.split(".")) \
                        and _package(target) != _package(mod):
                    private.append(f"{mod} imports from private module {target}")
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if not a.name.startswith("chronology"):
                        continue
                    edges[_package(mod)].add(_package(a.name))
                    if a.name == "chronology.chronology" and mod not in ABOVE_FACADE:
                        up.append(f"{mod} imports chronology.chronology")
                    if any(part.startswith("_") and not part.startswith("__") for part in a.name.split(".")) \
                            and _package(a.name) != _package(mod):
                        private.append(f"{mod} imports private module {a.name}")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                cc = max(_complexity(node), radon.get(node.lineno, 0))
                if lines > MAX_LINES or cc > MAX_COMPLEXITY:
                    big.append(f"{p.relative_to(repo)}:{node.lineno} {node.name}: {lines} lines, complexity {cc}")
    loops = [" -> ".join(s) for s in _sccs(edges)]
    return {"loops": loops, "facade_from_below": up, "private": private, "big": big}


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    found = report(Path(args[0]) if args else Path(__file__).resolve().parent.parent)
    if "--json" in argv:
        print(json.dumps(found, indent=1))
    else:
        for kind, items in found.items():
            print(f"## {kind} ({len(items)})")
            for item in items:
                print(f"  {item}")
    return 1 if any(found.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
