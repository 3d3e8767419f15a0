#!/usr/bin/env python
"""A plain HTML preview of the docs site, for machines without Quarto (`make docs` picks it then).

It renders nbdev's processed notebooks (`_proc/`, written by tools/check_docs.py) with nbconvert into
`_docs/`, one page per chapter under the same name the Quarto site uses (`tokenizer.html`, ...),
with a chapter bar on every page, previous/next links, and nbdev's links to the published site
turned into links between these pages. Works offline; open `_docs/index.html`.

    python tools/check_docs.py && python tools/preview_docs.py
"""

import html, re, shutil, sys
from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CSS = """
body { max-width: 1100px; margin: 0 auto; }
nav.chapters { position: sticky; top: 0; z-index: 10; background: #f6f8fa; border-bottom: 1px solid #d0d7de;
  padding: 8px 16px; font: 14px/1.6 system-ui, sans-serif; }
nav.chapters a { margin-right: 14px; text-decoration: none; color: #0969da; }
nav.chapters a.here { font-weight: bold; color: #1f2328; }
nav.prevnext { display: flex; justify-content: space-between; padding: 24px 16px; font: 15px system-ui, sans-serif; }
.jp-RenderedMarkdown h2, .jp-RenderedMarkdown h3, .jp-RenderedMarkdown h4 { scroll-margin-top: 48px; }
p.preview-note { color: #57606a; font: 13px system-ui, sans-serif; padding: 0 16px; }
"""


def settings():
    cp = ConfigParser(delimiters=['='])
    cp.read(ROOT / 'settings.ini', encoding='utf-8')
    c = cp['DEFAULT']
    site = (c['doc_host'] + c['doc_baseurl']).replace('%(user)s', c['user']).replace('%(repo)s', c['repo'])
    return site.rstrip('/') + '/', c.get('doc_path', '_docs')


def frontmatter(nb):
    "The title and output file nbdev wrote into the notebook's front-matter cell."
    for c in nb.cells:
        if c.cell_type == 'raw' and c.source.lstrip().startswith('---'):
            import yaml

            fm = yaml.safe_load(c.source.strip().strip('-')) or {}
            return str(fm.get('title', '')), str(fm.get('output-file', '')), str(fm.get('description', ''))
    return '', '', ''


def main():
    import nbformat
    from nbconvert import HTMLExporter

    site, doc_path = settings()
    proc, out = ROOT / '_proc', ROOT / doc_path
    nbs = sorted(proc.glob('*.ipynb'), key=lambda p: (p.name != 'index.ipynb', p.name))
    if not nbs:
        sys.exit('no processed notebooks in _proc/: run python tools/check_docs.py first')
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    pages = []  # (notebook name, title, html name)
    books = {}
    for p in nbs:
        nb = nbformat.read(p, as_version=4)
        title, ofile, desc = frontmatter(nb)
        ofile = ofile or p.with_suffix('.html').name
        pages.append((p.name, title or p.stem, ofile))
        nb.cells = [c for c in nb.cells if not (c.cell_type == 'raw' and c.source.lstrip().startswith('---'))]
        if title:  # Quarto shows the front matter's title and description as the page header
            head = f'# {title}' + (f'\n\n> {desc}' if desc else '')
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(head))
        books[p.name] = (nb, title)
    by_nb = {n: f for n, _, f in pages}
    exporter = HTMLExporter(template_name='lab')
    for i, (name, title, ofile) in enumerate(pages):
        nb, _ = books[name]
        body, _ = exporter.from_notebook_node(nb, resources={'metadata': {'name': title}})
        # nbdev's links point at the published site; here they point at the neighbouring pages
        body = body.replace(f'href="{site}', 'href="')
        body = re.sub(
            r'href="(?:\./)?(\d\d\w*|index)\.ipynb(#[^"]*)?"',
            lambda m: f'href="{by_nb.get(m.group(1) + ".ipynb", m.group(1) + ".html")}{m.group(2) or ""}"',
            body,
        )
        body = re.sub(
            r'\{target="_blank"[^}]*\}', '', body
        )  # Quarto's link attributes, which nbconvert shows as text
        # Quarto's anchors are lower case (`model.html#gpt`); nbconvert keeps the heading's case
        body = re.sub(
            r'(<h[1-6] id="([^"]+)"[^>]*>)',
            lambda m: (
                m.group(1)
                + (f'<span id="{m.group(2).lower()}"></span>' if m.group(2).lower() != m.group(2) else '')
            ),
            body,
        )
        bar = (
            '<nav class="chapters">'
            + ''.join(
                f'<a href="{f}"{" class=here" if f == ofile else ""}>{html.escape(t)}</a>'
                for _, t, f in pages
            )
            + '</nav>'
        )
        note = (
            '<p class="preview-note">Plain preview rendered by tools/preview_docs.py (no Quarto here); '
            f'the published site: <a href="{site}">{site}</a></p>'
        )
        prev = (
            f'<a href="{pages[i - 1][2]}">&larr; {html.escape(pages[i - 1][1])}</a>' if i else '<span></span>'
        )
        nxt = (
            f'<a href="{pages[i + 1][2]}">{html.escape(pages[i + 1][1])} &rarr;</a>'
            if i + 1 < len(pages)
            else '<span></span>'
        )
        body = body.replace('</head>', f'<style>{CSS}</style></head>', 1)
        body = re.sub(r'(<body[^>]*>)', lambda m: m.group(1) + bar + note, body, count=1)
        body = body.replace('</body>', f'<nav class="prevnext">{prev}{nxt}</nav></body>', 1)
        (out / ofile).write_text(body, encoding='utf-8')
    for extra in ('styles.css',):
        if (proc / extra).exists():
            shutil.copy(proc / extra, out / extra)
    print(
        f"docs preview: {len(pages)} pages in {out.relative_to(ROOT)}/ (open {out.relative_to(ROOT)}/index.html)"
    )


if __name__ == '__main__':
    main()
