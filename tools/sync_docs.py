#!/usr/bin/env python
"""Keep the docs in sync with their sources, without Quarto.

1. Every notebook's "Open in Colab" badge, Colab install cell and repository links are rebuilt from
   settings.ini's `user`, `repo` and `branch`: a fork edits settings.ini and runs this once.
2. README.md is generated from nbs/index.ipynb (what `nbdev_readme` does, which needs Quarto):
   markdown cells as they are, code cells as code blocks, `#| hide` cells left out.

    python tools/sync_docs.py           # rewrite what is out of date
    python tools/sync_docs.py --check   # exit 1 (and list the files) if anything is out of date
"""
import argparse, re, sys
from configparser import ConfigParser
from pathlib import Path
from execnb.nbio import read_nb, write_nb

ROOT = Path(__file__).resolve().parent.parent


def settings():
    cp = ConfigParser(delimiters=['='])
    cp.read(ROOT / 'settings.ini', encoding='utf-8')
    c = cp['DEFAULT']
    return {k: c[k] for k in ('user', 'repo', 'branch', 'lib_name', 'doc_host', 'doc_baseurl', 'git_url', 'nbs_path')}


def rewrites(s):
    "(pattern, replacement) pairs that point the Colab badges, the install URL and this repo's links at settings.ini."
    gh = f"https://github.com/{s['user']}/{s['repo']}"
    docs = s['doc_host'].rstrip('/') + s['doc_baseurl'].rstrip('/') + '/'
    return [
        (r'https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[\w.-]+/',
         f"https://colab.research.google.com/github/{s['user']}/{s['repo']}/blob/{s['branch']}/"),
        (r'git\+https://github\.com/[\w.-]+/[\w.-]+\.git', f'git+{gh}.git'),
        (rf'https://github\.com/[\w.-]+/{re.escape(s["repo"])}(?=[/)\s"\]]|$)', gh),
        (rf'https://[\w-]+\.github\.io/{re.escape(s["repo"])}/', docs),
    ]


def fix_text(text, subs):
    for pat, rep in subs: text = re.sub(pat, rep, text)
    return text


def strip_directives(src):
    return '\n'.join(l for l in src.splitlines() if not l.lstrip().startswith('#|')).strip('\n')


def readme_from(nb):
    parts = ['<!-- Generated from nbs/index.ipynb by tools/sync_docs.py: edit the notebook, not this file. -->']
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == 'markdown':  # links between notebooks point into nbs/ from the repo root
            parts.append(re.sub(r'\]\((\d\d[a-z]?_[\w-]+\.ipynb)\)', r'](nbs/\1)', src.strip('\n')))
        elif cell.cell_type == 'code' and not re.search(r'^\s*#\|\s*hide\b', src, re.M):
            code = strip_directives(src)
            if code: parts.append(f'```python\n{code}\n```')
            for o in cell.get('outputs', []):
                text = o.get('text') or o.get('data', {}).get('text/plain')
                if text: parts.append('```\n' + (''.join(text) if isinstance(text, list) else text).rstrip('\n') + '\n```')
    return '\n\n'.join(parts) + '\n'


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--check', action='store_true', help='change nothing; exit 1 if anything is out of date')
    args = p.parse_args()
    s = settings()
    subs = rewrites(s)
    stale = []
    for fn in sorted((ROOT / s['nbs_path']).glob('*.ipynb')):
        nb = read_nb(fn)
        changed = False
        for cell in nb.cells:
            new = fix_text(cell.source, subs)
            if new != cell.source: cell.source, changed = new, True
        if changed:
            stale.append(fn)
            if not args.check: write_nb(nb, fn)
        if fn.name == 'index.ipynb':
            readme = ROOT / 'README.md'
            text = readme_from(nb)
            if not readme.exists() or readme.read_text(encoding='utf-8') != text:
                stale.append(readme)
                if not args.check: readme.write_text(text, encoding='utf-8')
    for f in stale: print(f"{'out of date' if args.check else 'updated'}: {f.relative_to(ROOT)}")
    if args.check and stale: sys.exit(1)


if __name__ == '__main__':
    main()
