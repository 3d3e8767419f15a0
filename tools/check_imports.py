#!/usr/bin/env python
"""Check the package's import graph: no cycles, and no trained-model consumer importing the trainer.

Every import in every `minigpt/*.py` module counts, at module level or inside a function. Exit 1
naming the cycle (or the forbidden import) when the graph breaks the rule that dependencies run one
way, in reading order (DESIGN.md).

    python tools/check_imports.py                 # the package next to this script
    python tools/check_imports.py --package DIR   # another copy of it
"""

import argparse, ast, sys
from pathlib import Path

# modules that load trained models must get them from minigpt.checkpoint, never from the trainer
FORBIDDEN = {('sample', 'train'), ('evaluate', 'train'), ('export', 'train')}


def imports_of(path: Path, pkg: str, modules: set[str]) -> set[str]:
    "The package modules `path` imports, in any form (`from . import x`, `from .x import y`, `import pkg.x`)."
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'), str(path))):
        if isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split('.')
                if parts[0] == pkg and len(parts) > 1:
                    found.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ''
            if node.level == 0 and mod.split('.')[0] != pkg:
                continue
            parts = mod.split('.')[1:] if node.level == 0 else (mod.split('.') if mod else [])
            if parts:
                found.add(parts[0])
            else:
                found.update(a.name for a in node.names)  # from . import data / from minigpt import data
    return found & modules


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    "One cycle of `graph` as a list of nodes (first == last), or None."
    state, stack = {}, []

    def visit(n):
        state[n] = 'open'
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 'open':
                return stack[stack.index(m) :] + [m]
            if m not in state and (c := visit(m)):
                return c
        state[n] = 'done'
        stack.pop()
        return None

    for n in sorted(graph):
        if n not in state and (c := visit(n)):
            return c
    return None


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        '--package',
        type=Path,
        default=Path(__file__).resolve().parent.parent / 'minigpt',
        help='the package directory',
    )
    args = p.parse_args(argv)
    pkg_dir = args.package
    files = {f.stem: f for f in sorted(pkg_dir.glob('*.py')) if f.stem not in ('__init__', '_modidx')}
    graph = {m: imports_of(f, 'minigpt', set(files)) - {m} for m, f in files.items()}
    errors = [
        f"minigpt.{a} imports minigpt.{b}: load checkpoints from minigpt.checkpoint, not the trainer"
        for a, b in sorted(FORBIDDEN)
        if a in graph and b in graph[a]
    ]
    cycle = find_cycle(graph)
    if cycle:
        errors.append('import cycle: ' + ' -> '.join(f'minigpt.{m}' for m in cycle))
    for e in errors:
        print(f'error: {e}', file=sys.stderr)
    if not errors:
        print(f'import graph ok: {len(graph)} modules, {sum(map(len, graph.values()))} edges, no cycles')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
