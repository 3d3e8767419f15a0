#!/usr/bin/env python
"""Keep the docs in sync with their sources, without Quarto.

1. Every notebook's "Open in Colab" badge, Colab install cell and repository links are rebuilt from
   settings.ini's `user`, `repo` and `branch`: a fork edits settings.ini and runs this once.
2. Every numbered notebook (new ones too) gets the same first and last code cells, matched by their
   marker comments and rewritten here, never by hand:
   - the install cell (after the badge): acts only in Colab, installs the package's runtime
     requirements and, for `show_doc`, an nbdev that fits the fastcore Colab already has (pinned to
     it, so nothing is downgraded); a notebook that shows ipywidgets enables Colab's widget manager;
   - the export cell (last): `nbdev_export()` inside an nbdev project, nothing anywhere else.
3. README.md is generated from nbs/index.ipynb (what `nbdev_readme` does, which needs Quarto):
   markdown cells as they are, code cells as code blocks, `#| hide` cells left out.
4. nbs/sidebar.yml, the docs site's sidebar (settings.ini has `custom_sidebar = True`, so nbdev leaves it
   alone), is generated from the notebooks' names: "Course" holds index.ipynb and the numbered chapters
   in order, "Appendices" the lettered notebooks. A new chapter or appendix is listed by running this.
5. Every figure about the trained model is copied from the reference model's card
   (minigpt/reference/card.json, and spread.json beside it as `spread.*`): in a markdown cell,
   `<!--card:KEY|SPEC-->value<!--/card-->` (invisible once rendered) has its value rewritten from the
   card. KEY is a dotted path (`eval.figures.bpb`); SPEC is optional: a Python format spec (`.3f`,
   `,`), a percentage (`.0%` writes 81 %), `min` (seconds as whole minutes), `code` (inline code) or
   `block` (a fenced block, for a multi-line answer). A key the card lacks is an error naming it.

    python tools/sync_docs.py           # rewrite what is out of date
    python tools/sync_docs.py --check   # exit 1 (and list the files) if anything is out of date
"""

import argparse, json, re, sys
from execnb.nbio import mk_cell
from configparser import ConfigParser
from pathlib import Path
from execnb.nbio import read_nb, write_nb

ROOT = Path(__file__).resolve().parent.parent


def settings():
    cp = ConfigParser(delimiters=['='])
    cp.read(ROOT / 'settings.ini', encoding='utf-8')
    c = cp['DEFAULT']
    return {
        k: c[k]
        for k in ('user', 'repo', 'branch', 'lib_name', 'doc_host', 'doc_baseurl', 'git_url', 'nbs_path')
    }


def rewrites(s):
    "(pattern, replacement) pairs: Colab badges, the install URL and this repo's links, from settings.ini."
    gh = f"https://github.com/{s['user']}/{s['repo']}"
    docs = s['doc_host'].rstrip('/') + s['doc_baseurl'].rstrip('/') + '/'
    return [
        (
            r'https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[\w.-]+/',
            f"https://colab.research.google.com/github/{s['user']}/{s['repo']}/blob/{s['branch']}/",
        ),
        (r'git\+https://github\.com/[\w.-]+/[\w.-]+\.git', f'git+{gh}.git'),
        (rf'https://github\.com/[\w.-]+/{re.escape(s["repo"])}(?=[/)\s"\]]|$)', gh),
        (rf'https://[\w-]+\.github\.io/{re.escape(s["repo"])}/', docs),
    ]


INSTALL_MARK = '# Colab install cell'
EXPORT_MARK = '# Export cell'


def install_cell_source(s, widgets=False):
    "The first code cell of every notebook: installs in Colab, does nothing elsewhere."
    src = f"""#| hide
{INSTALL_MARK} (written by tools/sync_docs.py): does nothing outside Colab.
# It installs the course package with its runtime requirements, and nbdev for `show_doc` in the
# version that fits Colab's own fastcore (pinned to it: nothing Colab ships is downgraded).
import sys

if 'google.colab' in sys.modules:
    from importlib.metadata import version

    fastcore_version = version('fastcore')
    package = '{s['lib_name']} @ git+https://github.com/{s['user']}/{s['repo']}.git'
    %pip install -q "{{package}}" nbdev "fastcore=={{fastcore_version}}"
"""
    src = src.rstrip('\n')
    if widgets:
        src += """
    from google.colab import output

    output.enable_custom_widget_manager()  # the chat widget is an ipywidgets one"""
    return src


EXPORT_SOURCE = f"""#| hide
{EXPORT_MARK} (written by tools/sync_docs.py): regenerates the package inside the repository
# (an nbdev project has a settings.ini above the notebook); does nothing anywhere else, e.g. in Colab.
from pathlib import Path

if any((d / 'settings.ini').exists() for d in (Path.cwd(), *Path.cwd().parents)):
    import nbdev

    nbdev.nbdev_export()"""


def _is_install(cell):
    return cell.cell_type == 'code' and (
        INSTALL_MARK in cell.source
        or ("'google.colab' in sys.modules" in cell.source and '%pip install' in cell.source)
    )


def _is_export(cell):
    return cell.cell_type == 'code' and (EXPORT_MARK in cell.source or 'nbdev.nbdev_export()' in cell.source)


def uniform_cells(nb, s):
    "Put the install cell after the badge (or the title) and the export cell last; True if anything changed."
    cells = nb.cells
    before = [(c.cell_type, c.source) for c in cells]
    widgets = any(
        c.cell_type == 'code' and re.search(r'^\s*(import|from) ipywidgets', c.source, re.M) for c in cells
    )
    inst = install_cell_source(s, widgets)
    idx = [i for i, c in enumerate(cells) if _is_install(c)]
    if idx:
        cells[idx[0]].source = inst
        for i in reversed(idx[1:]):
            del cells[i]
    else:
        badge = [
            i for i, c in enumerate(cells[:4]) if c.cell_type == 'markdown' and 'colab-badge' in c.source
        ]
        at = (
            badge[0] + 1
            if badge
            else next((i + 1 for i, c in enumerate(cells) if c.cell_type == 'markdown'), 0)
        )
        cells.insert(at, mk_cell(inst, 'code'))
    idx = [i for i, c in enumerate(cells) if _is_export(c)]
    keep = cells[idx[-1]] if idx and idx[-1] == len(cells) - 1 else mk_cell(EXPORT_SOURCE, 'code')
    for i in reversed(idx):
        del cells[i]
    keep.source = EXPORT_SOURCE
    cells.append(keep)
    return [(c.cell_type, c.source) for c in cells] != before


def fix_text(text, subs):
    for pat, rep in subs:
        text = re.sub(pat, rep, text)
    return text


def strip_directives(src):
    return '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith('#|')).strip('\n')


def readme_from(nb):
    parts = [
        '<!-- Generated from nbs/index.ipynb by tools/sync_docs.py: edit the notebook, not this file. -->'
    ]
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == 'markdown':  # links between notebooks point into nbs/ from the repo root
            parts.append(re.sub(r'\]\(((?:\d\d|[A-Z])_[\w-]+\.ipynb)\)', r'](nbs/\1)', src.strip('\n')))
        elif cell.cell_type == 'code' and not re.search(r'^\s*#\|\s*hide\b', src, re.M):
            code = strip_directives(src)
            if code:
                parts.append(f'```python\n{code}\n```')
            for o in cell.get('outputs', []):
                text = o.get('text') or o.get('data', {}).get('text/plain')
                if text:
                    parts.append(
                        '```\n' + (''.join(text) if isinstance(text, list) else text).rstrip('\n') + '\n```'
                    )
    return '\n\n'.join(parts) + '\n'


SIDEBAR_HEAD = """\
# The docs site's sidebar, in nbdev's format (settings.ini: custom_sidebar = True).
# Generated from the notebooks' names by tools/sync_docs.py: run it, do not edit this file.
"""


def sidebar_yml(nbs):
    """The text of nbs/sidebar.yml: the section Course (index, then the numbered chapters in order), the
    section Appendices (the lettered notebooks), then any other notebook nbdev renders, unsectioned."""
    names = sorted(p.name for p in Path(nbs).glob('*.ipynb') if not p.name.startswith(('_', '.')))
    course = ['index.ipynb'] * ('index.ipynb' in names) + [n for n in names if re.match(r'\d+_', n)]
    appendices = [n for n in names if re.match(r'[A-Z]_', n)]
    others = [n for n in names if n not in course and n not in appendices]
    lines = ['website:', '  sidebar:', '    contents:']
    for title, section in (('Course', course), ('Appendices', appendices)):
        if section:
            lines += [f'      - section: {title}', '        contents:']
            lines += [f'          - {n}' for n in section]
    lines += [f'      - {n}' for n in others]
    return SIDEBAR_HEAD + '\n'.join(lines) + '\n'


CARD = ROOT / 'minigpt' / 'reference' / 'card.json'
SPREAD = CARD.with_name('spread.json')
CARD_MARK = re.compile(r'<!--card:([\w.-]+)(?:\|([^>]*?))?-->(.*?)<!--/card-->', re.S)


def load_card(card=CARD, spread=SPREAD) -> dict | None:
    "The reference's card (its seed spread under `spread`, if there is one); None before one is built."
    if not Path(card).is_file():
        return None
    out = json.loads(Path(card).read_text(encoding='utf-8'))
    if Path(spread).is_file():
        out['spread'] = json.loads(Path(spread).read_text(encoding='utf-8'))
    return out


def card_value(card: dict, key: str):
    "The value at the dotted `key` of `card`; a KeyError that names the key and what is there instead."
    v = card
    for i, part in enumerate(key.split('.')):
        if not isinstance(v, dict) or part not in v:
            at = '.'.join(key.split('.')[:i]) or 'the top'
            have = ', '.join(sorted(v)) if isinstance(v, dict) else f'a {type(v).__name__}'
            raise KeyError(f'the card has no {key!r} (at {at}: {have})')
        v = v[part]
    return v


def card_format(value, spec: str = '') -> str:
    "`value` written as `spec` asks (see the module's docstring, item 5)."
    if spec == 'block':
        return f'\n```\n{value}\n```\n'
    if spec == 'code':
        return f'`{value}`'
    if spec == 'min':
        return f'{value / 60:.0f}'
    if spec.endswith('%'):
        return format(value * 100, spec[:-1] + 'f') + ' %'
    return format(value, spec)


def misplaced_marks(text: str) -> list[str]:
    """Lines whose card marker would break the rendered Markdown: one that starts a line (an HTML comment
    there opens an HTML block and ends the paragraph; `block` markers excepted) or sits in a table row
    (the `|` of its spec splits the cell)."""
    bad = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith('<!--card:') and not re.match(r'<!--card:[^>]*\|block-->', s):
            bad.append(f'a card marker starts a line (move a word before it): {s[:60]}')
        elif s.startswith('|') and '<!--card:' in s:
            bad.append(f'a card marker in a table row (its | splits the cell): {s[:60]}')
    return bad


def fill_card(text: str, card: dict) -> str:
    "`text` with the value of every `<!--card:KEY|SPEC-->value<!--/card-->` rewritten from `card`."

    def value(m):
        head = m.group(0)[: m.group(0).index('-->') + 3]
        return f'{head}{card_format(card_value(card, m.group(1)), m.group(2) or "")}<!--/card-->'

    return CARD_MARK.sub(value, text)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help='change nothing; exit 1 if anything is out of date')
    args = p.parse_args()
    s = settings()
    subs = rewrites(s)
    stale, card = [], load_card()
    if card is None:
        print(f'note: {CARD.relative_to(ROOT)} is missing: figures about the trained model left as they are')
    for fn in sorted((ROOT / s['nbs_path']).glob('*.ipynb')):
        nb = read_nb(fn)
        changed = False
        for cell in nb.cells:
            new = fix_text(cell.source, subs)
            if card is not None and cell.cell_type == 'markdown' and '<!--card:' in new:
                for problem in misplaced_marks(new):
                    sys.exit(f'error: {fn.relative_to(ROOT)}: {problem}')
                try:
                    new = fill_card(new, card)
                except (KeyError, ValueError, TypeError) as e:
                    sys.exit(f'error: {fn.relative_to(ROOT)}: {e.args[0] if e.args else e}')
            if new != cell.source:
                cell.source, changed = new, True
        if re.match(r'(\d\d|[A-Z])_', fn.name) and uniform_cells(nb, s):
            changed = True
        if changed:
            stale.append(fn)
            if not args.check:
                write_nb(nb, fn)
        if fn.name == 'index.ipynb':
            readme = ROOT / 'README.md'
            text = readme_from(nb)
            if not readme.exists() or readme.read_text(encoding='utf-8') != text:
                stale.append(readme)
                if not args.check:
                    readme.write_text(text, encoding='utf-8')
    sidebar = ROOT / s['nbs_path'] / 'sidebar.yml'
    text = sidebar_yml(ROOT / s['nbs_path'])
    if not sidebar.exists() or sidebar.read_text(encoding='utf-8') != text:
        stale.append(sidebar)
        if not args.check:
            sidebar.write_text(text, encoding='utf-8')
    for f in stale:
        print(f"{'out of date' if args.check else 'updated'}: {f.relative_to(ROOT)}")
    if args.check and stale:
        sys.exit(1)


if __name__ == '__main__':
    main()
