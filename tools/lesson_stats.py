"""Per-chapter reading statistics for the course notebooks: how much code a learner reads as lesson
versus the exported package, the longest exported cell (and whether prose sits right above it),
the figures drawn, the exercises, and the markdown share.

    python tools/lesson_stats.py            # a table for every notebook in nbs/
    python tools/lesson_stats.py nbs/04_training.ipynb
"""

import json, re, sys
from pathlib import Path

DIRECTIVE = re.compile(r'^\s*#\|\s*(.*)$')
FIGURE = re.compile(r'\bplt\.(subplots|figure|plot|imshow|bar)\b|\bdraw_\w+\(|\bplot_\w+\(')


def directives(src):
    return {
        d.split()[0]
        for line in src.splitlines()
        if (m := DIRECTIVE.match(line)) and (d := m.group(1).strip())
    }


def code_lines(src):
    return sum(
        1 for l in src.splitlines() if l.strip() and not DIRECTIVE.match(l) and not l.strip().startswith('#')
    )


def stats(path):
    cells = json.loads(Path(path).read_text())['cells']
    s = dict(
        exported=0, lesson=0, hidden=0, longest=0, longest_prose=True, figures=0, exercises=0, md_words=0
    )
    prev = None
    for c in cells:
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            s['md_words'] += len(src.split())
            s['exercises'] += len(re.findall(r'<summary>', src))
        elif c['cell_type'] == 'code':
            d, n = directives(src), code_lines(src)
            if d & {'export', 'exports', 'exporti'}:
                s['exported'] += n
                if n > s['longest']:
                    s['longest'], s['longest_prose'] = n, prev == 'markdown'
            elif 'hide' in d or 'show_doc(' in src:
                s['hidden'] += n
            else:
                s['lesson'] += n
                if FIGURE.search(src):
                    s['figures'] += 1
        prev = c['cell_type']
    return s


if __name__ == '__main__':
    paths = sys.argv[1:] or sorted(str(p) for p in Path('nbs').glob('[0-9A-Z]*_*.ipynb'))
    print(
        f"{'notebook':28s} {'lesson':>6s} {'export':>6s} {'hidden':>6s} {'longest':>8s} {'figs':>4s} {'exerc':>5s} {'words':>6s}"
    )
    for p in paths:
        s = stats(p)
        longest = f"{s['longest']}{'' if s['longest_prose'] else '*'}"
        print(
            f"{Path(p).stem:28s} {s['lesson']:6d} {s['exported']:6d} {s['hidden']:6d} {longest:>8s} {s['figures']:4d} {s['exercises']:5d} {s['md_words']:6d}"
        )
    print(
        "lesson: visible code that is not exported (examples, visible tests); longest: lines of the longest exported cell, * = no prose right above it"
    )
