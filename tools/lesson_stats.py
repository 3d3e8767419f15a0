"""Per-chapter reading statistics for the course notebooks: how much code a learner reads as lesson
versus the exported package, the longest exported cell (and whether prose sits right above it),
the figures drawn, the exercises, the markdown share; and how soon a chapter gets to the point, how
long its longest cell in view is, and how many pictures a reader sees.

    python tools/lesson_stats.py                    # a table for every notebook in nbs/
    python tools/lesson_stats.py nbs/04_training.ipynb
    python tools/lesson_stats.py --where            # also name the cells behind `to_model` and `in_view`

Columns:
  lesson   lines of visible code that is not exported (examples, visible tests)
  export   lines of exported code;  hidden: lines of `#| hide` and show_doc cells
  longest  lines of the longest exported cell, * = no prose right above it
  figs     lesson cells that draw a figure (matplotlib, draw_*/plot_* helpers)
  exerc    exercises (`<details><summary>` blocks);  words: words of markdown
  to_model cells before the first model-related cell: the first lesson code cell that builds or runs a
           tensor, a torch module or model, a trainer, or a tokenizer (token ids); the same rule in
           every chapter, 00 included (`-` = none)
  in_view  lines (comments included) of the longest code cell a reader of the docs sees open on the main
           path: not exported, hidden, output-only (`echo: false`), folded (`code-fold: true`) or
           show_doc, and above an "Under the hood" heading if the chapter has one
  pics     pictures a reader sees: figures stored in the outputs, plus images in the markdown
"""

import argparse, json, re
from pathlib import Path

DIRECTIVE = re.compile(r'^\s*#\|\s*(.*)$')
FIGURE = re.compile(r'\bplt\.(subplots|figure|plot|imshow|bar)\b|\bdraw_\w+\(|\bplot_\w+\(')
MODEL = re.compile(
    r'\btorch\.(tensor|as_tensor|from_numpy|randn|rand|randint|zeros|ones|full|empty|arange|stack|cat)\('
    r'|\bnn\.[A-Z]\w*\(|\bF\.\w+\(|\bGPT\(|\bTrainer\(|\bload_trained\(|\bload_model\(|\.from_pretrained\('
    r'|\bTokenizer\.(train|load)\(|\.encode\('
)
UNDER_THE_HOOD = re.compile(r'^#+\s.*under the hood', re.I | re.M)
# images in markdown, badges (Colab's, shields.io's) aside
PICTURE_MD = re.compile(r'!\[[^\]]*\]\((?![^)]*(?:colab-badge|shields\.io))|<img\b|<svg\b')
PICTURE_OUT = ('image/png', 'image/jpeg', 'image/svg+xml')


def directives(src):
    "The names of the cell's `#| name ...` lines."
    words = [m.group(1).split() for m in map(DIRECTIVE.match, src.splitlines()) if m]
    return {w[0] for w in words if w}


def options(src):
    "Quarto's `key: value` cell options (`echo: false`, `code-fold: true`, ...)."
    out = {}
    for line in src.splitlines():
        if (m := DIRECTIVE.match(line)) and ':' in m.group(1):
            k, _, v = m.group(1).partition(':')
            out[k.strip()] = v.strip().strip('"\'').lower()
    return out


def code_lines(src):
    "The lines of code: blank lines, comments and cell directives not."
    return sum(1 for l in src.splitlines() if l.strip() and not l.strip().startswith('#'))


def shown_lines(src):
    "The lines a reader sees: comments included, blank lines and cell directives not."
    return sum(1 for l in src.splitlines() if l.strip() and not DIRECTIVE.match(l))


def in_view(src, d):
    "A code cell the docs show open: not exported, hidden, output-only, folded or show_doc."
    o = options(src)
    return not (
        d & {'export', 'exports', 'exporti', 'hide', 'default_exp'}
        or o.get('include') == 'false'
        or o.get('echo') == 'false'
        or o.get('code-fold') == 'true'
        or 'show_doc(' in src
    )


def stats(path):
    cells = json.loads(Path(path).read_text())['cells']
    s = dict.fromkeys(['exported', 'lesson', 'hidden', 'longest', 'figures', 'exercises', 'md_words'], 0)
    s.update(longest_prose=True, to_model=None, in_view=0, in_view_cell=None, pictures=0)
    prev, main_path = None, True
    for i, c in enumerate(cells):
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            s['md_words'] += len(src.split())
            s['exercises'] += len(re.findall(r'<summary>', src))
            s['pictures'] += len(PICTURE_MD.findall(src))
            if UNDER_THE_HOOD.search(src):
                main_path = False
        elif c['cell_type'] == 'code':
            d, n = directives(src), code_lines(src)
            images = [o for o in c.get('outputs', []) if any(k in o.get('data', {}) for k in PICTURE_OUT)]
            s['pictures'] += len(images)
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
                if s['to_model'] is None and MODEL.search(src):
                    s['to_model'] = i
            if main_path and in_view(src, d) and shown_lines(src) > s['in_view']:
                s['in_view'], s['in_view_cell'] = shown_lines(src), i
        prev = c['cell_type']
    return s


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('paths', nargs='*', help='notebooks (default: every notebook in nbs/)')
    p.add_argument('--where', action='store_true', help='name the cells behind to_model and in_view')
    args = p.parse_args()
    paths = args.paths or sorted(str(p) for p in Path('nbs').glob('[0-9A-Z]*_*.ipynb'))
    cols = ['lesson', 'export', 'hidden', 'longest', 'figs', 'exerc', 'words', 'to_model', 'in_view', 'pics']
    print(f"{'notebook':28s} " + ' '.join(f'{c:>{max(len(c), 6)}s}' for c in cols))
    for path in paths:
        s = stats(path)
        longest = f"{s['longest']}{'' if s['longest_prose'] else '*'}"
        to_model = '-' if s['to_model'] is None else str(s['to_model'])
        vals = [s['lesson'], s['exported'], s['hidden'], longest, s['figures'], s['exercises']]
        vals += [s['md_words'], to_model, s['in_view'], s['pictures']]
        row = ' '.join(f'{str(v):>{max(len(c), 6)}s}' for c, v in zip(cols, vals))
        print(f'{Path(path).stem:28s} {row}')
        if args.where:
            print(f"{'':28s} to_model: cell {to_model}; in_view: cell {s['in_view_cell']}")
    print('columns: see the docstring (python tools/lesson_stats.py --help shows it)')


if __name__ == '__main__':
    main()
