#!/usr/bin/env python
"""An offline HTML preview of the docs site, for machines without Quarto (`make docs` picks it then).

It renders nbdev's processed notebooks (`_proc/`, written by tools/check_docs.py) into `_docs/`, one
page per notebook under the name the Quarto site uses (`tokenizer.html`, ...), and reads like that
site: the cell options Quarto honours are honoured (`#| echo: false` shows the output alone,
`#| output: false` the code alone, `#| include: false` and `#| hide` nothing, `#| code-fold: true`
or `show` puts the code in a folded or open box), there are no `In [ ]` prompts, a left sidebar has
the sections of `sidebar.yml` (the site's own: "Course", "Appendices") with the current page marked,
an on-page table of contents lists the page's headings, a search box searches every page offline (an
index of titles, headings and text built here), long code lines wrap, and nbdev's links to the
published site become links between these pages. Open `_docs/index.html`.

    python tools/check_docs.py && python tools/preview_docs.py

Links between pages that point at a page or a heading that does not exist are listed at the end.
"""

import html, json, re, shutil, sys, unicodedata
from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r'^\s*#\|\s?(.*)$')
ANSI = re.compile(r'\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])')
HEADING = re.compile(r'<h([1-6])(?: id="[^"]*")?>(.*?)(?:<a class="anchor-link"[^>]*>[^<]*</a>)?</h\1>', re.S)
QUARTO_ATTRS = re.compile(r'(<a href="[^"]*")>((?:(?!</a>).)*)</a>\{([^}]*)\}', re.S)
TAG = re.compile(r'<[^>]+>')


def settings():
    cp = ConfigParser(delimiters=['='])
    cp.read(ROOT / 'settings.ini', encoding='utf-8')
    c = cp['DEFAULT']
    site = (c['doc_host'] + c['doc_baseurl']).replace('%(user)s', c['user']).replace('%(repo)s', c['repo'])
    return site.rstrip('/') + '/', c.get('doc_path', '_docs'), c.get('title', c['lib_name'])


def frontmatter(nb):
    "The front matter nbdev wrote into the notebook's first raw cell (title, description, output-file)."
    import yaml

    for c in nb.cells:
        if c.cell_type == 'raw' and c.source.lstrip().startswith('---'):
            return yaml.safe_load(c.source.strip().strip('-')) or {}
    return {}


def sidebar_sections(proc, names):
    "[(section title or None, [notebook names])] from `sidebar.yml` (nbdev's format), else one flat list."
    import yaml

    for f in (proc / 'sidebar.yml', ROOT / 'nbs' / 'sidebar.yml'):
        if f.exists():
            contents = (yaml.safe_load(f.read_text(encoding='utf-8')) or {})['website']['sidebar']['contents']
            break
    else:
        contents = sorted(names, key=lambda n: (n != 'index.ipynb', n))
    sections, loose = [], []

    def entry(e):
        return e if isinstance(e, str) else e.get('href')

    for e in contents:
        if isinstance(e, dict) and 'section' in e:
            sections.append((e['section'], [n for n in map(entry, e.get('contents', [])) if n in names]))
        elif entry(e) in names:
            loose.append(entry(e))
    if loose:
        sections.insert(0, (None, loose))
    listed = {n for _, ns in sections for n in ns}
    missing = sorted(n for n in names if n not in listed)
    if missing:  # Quarto would leave them out of the sidebar; the preview lists them apart
        sections.append(('Not in sidebar.yml', missing))
    return sections


def pandoc_id(text, seen):
    "The id pandoc (so Quarto) gives a heading: lower case, punctuation but `_-.` dropped, spaces to `-`."
    text = html.unescape(TAG.sub('', text)).strip()
    s = ''.join(ch for ch in text if ch.isalnum() or ch in '_-. \n' or unicodedata.category(ch) == 'Mn')
    s = re.sub(r'\s+', '-', s.lower())
    s = re.sub(r'^[^a-z\u00c0-\uffff]+', '', s) or 'section'
    base, n = s, 0
    while s in seen:
        n += 1
        s = f'{base}-{n}'
    seen.add(s)
    return s


def directives(src):
    "Quarto/nbdev cell options at the top of a code cell, and the source without them."
    opts, lines = {}, src.splitlines()
    i = 0
    while i < len(lines) and (m := DIRECTIVE.match(lines[i])):
        key, _, val = m.group(1).strip().partition(':')
        if key:
            opts[key.strip()] = val.strip().strip('"\'') if val.strip() else True
        i += 1
    return opts, '\n'.join(lines[i:]).strip('\n')


def falsy(v):
    return str(v).lower() == 'false'


def stream_text(text):
    "What a terminal shows of a stream: ANSI colours dropped, each line as its last carriage return left it."
    text = ANSI.sub('', text)
    return '\n'.join(line.rstrip('\r').split('\r')[-1] for line in text.split('\n'))


class Renderer:
    def __init__(self):
        from nbconvert.filters.markdown_mistune import markdown2html_mistune
        from pygments.formatters import HtmlFormatter

        self.md = markdown2html_mistune
        self.fmt = HtmlFormatter(cssclass='highlight', linespans='ln')  # one span a line: wraps indent

    def code(self, src, lang='python'):
        from pygments import highlight
        from pygments.lexers import TextLexer, get_lexer_by_name

        try:
            lexer = get_lexer_by_name(lang or 'python', stripnl=False)
        except Exception:
            lexer = TextLexer(stripnl=False)
        lines = src.split('\n')

        def line(m):  # a wrapped line continues 4 columns right of where the line itself starts
            k = int(m.group(1)) - 1
            text = lines[k] if k < len(lines) else ''
            indent = len(text) - len(text.lstrip(' ')) + 4
            return f'<span class="ln" style="padding-left:{indent}ch;text-indent:-{indent}ch">'

        code = re.sub(r'<span id="ln-(\d+)">', line, highlight(src, lexer, self.fmt))
        return f'<div class="sourceCode">{code}</div>'

    def output(self, o, asis):
        kind = o.get('output_type')
        if kind == 'stream':
            name = 'stderr' if o.get('name') == 'stderr' else 'stdout'
            text = stream_text(''.join(o.get('text', '')))
            if not text.strip():
                return ''
            body = f'<pre><code>{html.escape(text)}</code></pre>'
            return f'<div class="cell-output cell-output-{name}">{body}</div>'
        if kind == 'error':
            tb = ANSI.sub('', '\n'.join(o.get('traceback', [])))
            return (
                f'<div class="cell-output cell-output-error"><pre><code>{html.escape(tb)}</code></pre></div>'
            )
        data = o.get('data', {})

        def text(k):
            v = data[k]
            return ''.join(v) if isinstance(v, list) else v

        if 'text/markdown' in data and asis:  # show_doc: the markdown goes into the page as it is
            return f'<div class="doc-entry">{self.md(text("text/markdown"))}</div>'
        if 'application/vnd.jupyter.widget-view+json' in data:
            return (
                '<div class="cell-output cell-output-display widget-note">An interactive widget: '
                'run the notebook to use it.</div>'
            )
        if 'text/html' in data:
            body = text('text/html')
        elif 'image/svg+xml' in data:
            body = text('image/svg+xml')
        elif 'image/png' in data or 'image/jpeg' in data:
            mime = 'image/png' if 'image/png' in data else 'image/jpeg'
            body = f'<img src="data:{mime};base64,{text(mime).strip()}" alt="figure">'
        elif 'text/markdown' in data:
            body = self.md(text('text/markdown'))
        elif 'text/plain' in data:
            body = f'<pre><code>{html.escape(ANSI.sub("", text("text/plain")))}</code></pre>'
        else:
            return ''
        return f'<div class="cell-output cell-output-display">{body}</div>'

    def cell(self, c, defaults=None):
        if c.cell_type == 'markdown':
            return self.md(c.source) if c.source.strip() else ''
        if c.cell_type == 'raw':  # front matter is read elsewhere; other raw cells are not shown
            fmt = c.metadata.get('format', c.metadata.get('raw_mimetype', ''))
            return c.source if 'html' in fmt else ''
        if c.cell_type != 'code':
            return ''
        opts, src = directives(c.source)
        opts = {**(defaults or {}), **opts}
        if opts.get('hide') is True or falsy(opts.get('include', True)):
            return ''
        if {'export', 'exporti', 'default_exp'} & set(opts):  # nbdev already removed these from _proc/
            return ''
        parts = []
        if src.strip() and not falsy(opts.get('echo', True)):
            code = self.code(src, c.metadata.get('language', 'python'))
            fold = str(opts.get('code-fold', 'false')).lower()
            if fold in ('true', 'show'):
                summary = html.escape(str(opts.get('code-summary', 'Code')))
                code = (
                    f'<details class="code-fold"{" open" if fold == "show" else ""}>'
                    f'<summary>{summary}</summary>{code}</details>'
                )
            parts.append(code)
        if not falsy(opts.get('output', True)):
            asis = str(opts.get('output', '')).lower() == 'asis'
            parts += [self.output(o, asis) for o in c.get('outputs', [])]
        parts = [p for p in parts if p]
        return f'<div class="cell">{"".join(parts)}</div>' if parts else ''


def fix_links(body, site, pages):
    "Links to the published site or to notebooks become links between the preview's pages."
    body = body.replace(f'href="{site}', 'href="')

    def nb_link(m):
        return f'href="{pages.get(m.group(1) + ".ipynb", m.group(1) + ".html")}{m.group(2) or ""}"'

    body = re.sub(r'href="(?:\./)?([\w-]+)\.ipynb(#[^"]*)?"', nb_link, body)

    def attrs(m):  # Quarto's `[text](url){target="_blank" style="..."}`: attributes of the link
        a = html.unescape(m.group(3))
        keep = ''.join(f' {k}="{html.escape(v)}"' for k, v in re.findall(r'([\w-]+)="([^"]*)"', a))
        return f'{m.group(1)}{keep}>{m.group(2)}</a>'

    return QUARTO_ATTRS.sub(attrs, body)


def headings(body):
    "Pandoc's ids on every heading (what Quarto's anchors and nbdev's links use); the h2/h3 for the TOC."
    seen, toc = set(), []

    def sub(m):
        level, inner = m.group(1), m.group(2)
        hid = pandoc_id(inner, seen)
        if level in '23':
            toc.append((int(level), hid, html.unescape(TAG.sub('', inner)).strip()))
        link = f'<a class="anchor-link" href="#{hid}">#</a>'
        return f'<h{level} id="{hid}" class="anchored">{inner}{link}</h{level}>'

    return HEADING.sub(sub, body), seen, toc


def search_entries(body, title, href):
    "One search entry per section of the page (split at h2/h3): the page title, the heading, its text."
    parts = re.split(r'(<h[23] id="[^"]*"[^>]*>.*?</h[23]>)', body, flags=re.S)
    entries, head, hid = [], '', ''
    for part in parts:
        m = re.match(r'<h[23] id="([^"]*)"[^>]*>(.*?)</h[23]>', part, re.S)
        if m:
            hid, head = m.group(1), html.unescape(TAG.sub('', m.group(2))).rstrip('#').strip()
            continue
        part = re.sub(r'<(script|style)\b.*?</\1>|<img[^>]*>', ' ', part, flags=re.S)
        part = re.sub(r'</?(?:p|div|li|ul|ol|h\d|pre|br|tr|td|th|table|details|summary)\b[^>]*>', ' ', part)
        text = re.sub(r'\s+', ' ', html.unescape(TAG.sub('', part))).strip()
        if text or head:
            entries.append({'t': title, 'h': head, 'u': href + (f'#{hid}' if hid else ''), 'x': text[:3000]})
    return entries


def page(title, desc_html, body, toc, nav, prevnext, site_title, site, here):
    toc_html = ''.join(
        f'<li class="toc-h{lvl}"><a href="#{hid}">{html.escape(text)}</a></li>' for lvl, hid, text in toc
    )
    toc_block = f'<nav class="toc"><h2>On this page</h2><ul>{toc_html}</ul></nav>' if toc else '<nav></nav>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} – {html.escape(site_title)}</title>
<link rel="stylesheet" href="preview.css"><link rel="stylesheet" href="styles.css">
</head><body>
<header class="topbar"><a class="site-title" href="index.html">{html.escape(site_title)}</a>
<div class="search"><input id="search" type="search" placeholder="Search (press /)" autocomplete="off"
 aria-label="Search the course"><ol id="search-results" hidden></ol></div></header>
<div class="layout">
<nav class="sidebar">{nav}</nav>
<main class="content" data-page="{here}">
<header id="title-block-header"><h1 class="title">{html.escape(title)}</h1>{desc_html}</header>
{body}
<nav class="prevnext">{prevnext}</nav>
<footer class="preview-note">Offline preview rendered by tools/preview_docs.py (no Quarto here); the published
site: <a href="{site}">{site}</a></footer>
</main>
{toc_block}
</div>
<script src="search-index.js"></script><script src="preview.js"></script>
</body></html>
"""


CSS = """
:root { --side: 220px; --toc: 210px; --bar: 52px; --line: #dee2e6; --link: #2780e3; --muted: #6c757d; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #212529; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
.topbar { position: sticky; top: 0; z-index: 20; height: var(--bar); display: flex; align-items: center;
  justify-content: space-between; gap: 16px; padding: 0 20px; background: #2780e3; color: #fff; }
.topbar .site-title { color: #fff; font-weight: 600; font-size: 18px; }
.search { position: relative; }
.search input { width: 300px; padding: 6px 10px; border-radius: 4px; border: 1px solid #b9d5f5;
  font-size: 14px; }
#search-results { position: absolute; right: 0; top: 38px; width: 460px; max-height: 70vh; overflow-y: auto;
  margin: 0; padding: 4px 0; list-style: none; background: #fff; color: #212529;
  border: 1px solid var(--line); border-radius: 6px; box-shadow: 0 6px 24px rgba(0,0,0,.15); }
#search-results li a { display: block; padding: 6px 12px; color: inherit; }
#search-results li a:hover, #search-results li.sel a { background: #e9f2fc; text-decoration: none; }
#search-results .where { font-size: 13px; color: var(--link); }
#search-results .snip { font-size: 13px; color: var(--muted); }
#search-results .none { padding: 6px 12px; color: var(--muted); font-size: 14px; }
#search-results mark { background: #fff3b0; padding: 0; }
.layout { display: grid; grid-template-columns: var(--side) minmax(0, 1fr) var(--toc); }
.sidebar, .toc { position: sticky; top: var(--bar); align-self: start; max-height: calc(100vh - var(--bar));
  overflow-y: auto; padding: 20px 16px; font-size: 14px; }
.sidebar { height: calc(100vh - var(--bar)); border-right: 1px solid var(--line); background: #fafbfc; }
.sidebar h2, .toc h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  margin: 18px 0 6px; }
.sidebar h2:first-child, .toc h2 { margin-top: 0; }
.sidebar ul, .toc ul { list-style: none; margin: 0; padding: 0; }
.sidebar li a { display: block; padding: 3px 8px; border-radius: 4px; color: #343a40; }
.sidebar li a.active { background: #e9f2fc; color: #1a5fb4; font-weight: 600; }
.toc li a { display: block; padding: 2px 0 2px 10px; border-left: 2px solid var(--line);
  color: var(--muted); }
.toc li.toc-h3 a { padding-left: 22px; font-size: 13px; }
.toc li a.active { border-left-color: var(--link); color: #212529; }
main.content { padding: 8px 28px 40px; min-width: 0; }
main h1.title { margin: 24px 0 4px; font-size: 2.2em; line-height: 1.2; }
main h2 { margin-top: 2em; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
main h2, main h3, main h4 { scroll-margin-top: calc(var(--bar) + 12px); }
main .anchor-link { visibility: hidden; margin-left: 6px; font-size: .8em; color: var(--muted); }
main h2:hover .anchor-link, main h3:hover .anchor-link, main h4:hover .anchor-link { visibility: visible; }
main img { max-width: 100%; height: auto; }
main table { border-collapse: collapse; margin: 1em 0; font-size: 14px; display: block; overflow-x: auto; }
main th, main td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
main th { background: #f8f9fa; }
main code { font-size: 0.875em; color: #9753b8; }
main a code { color: var(--link); }
main pre code, main .highlight code { color: inherit; }
main pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font-size: 12.5px; line-height: 1.45; }
/* a code line too long for the box wraps, its continuation indented under it */
.sourceCode span.ln { display: block; }
.sourceCode .highlight, main > .highlight, main details .highlight, .doc-entry .highlight {
  background: #f7f7f9; border-radius: 4px; padding: 10px 14px; margin: 0 0 10px; }
.cell { margin-bottom: 1rem; }
.cell-output { margin: 0 0 6px; overflow-x: auto; }
.cell-output-stderr pre { border-left-color: #e0a800 !important; }
.cell-output-error pre { border-left-color: #dc3545 !important; }
.widget-note { color: var(--muted); font-style: italic; font-size: 14px; }
details.code-fold > summary { cursor: pointer; color: var(--muted); font-size: 14px; margin-bottom: 4px; }
.doc-entry h3 { margin-top: .4em; }
nav.prevnext { display: flex; justify-content: space-between; gap: 16px; padding: 32px 0 8px;
  border-top: 1px solid var(--line); margin-top: 48px; }
.preview-note { color: var(--muted); font-size: 13px; padding-top: 16px; }
@media (max-width: 1200px) {
  .layout { grid-template-columns: var(--side) minmax(0, 1fr); }
  nav.toc { display: none; } }
@media (max-width: 800px) {
  .layout { display: block; } .sidebar { display: none; } main.content { padding: 8px 16px; }
  .search input { width: 180px; } #search-results { width: 92vw; } }
"""

JS = r"""
(function () {
  var index = window.MINIGPT_SEARCH || [];
  var box = document.getElementById('search'), list = document.getElementById('search-results');
  var sel = -1;
  var ENT = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'};
  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return ENT[c]; }); }
  function mark(s, terms) {
    var out = esc(s);
    terms.forEach(function (t) {
      var re = new RegExp('(' + esc(t).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ')', 'gi');
      out = out.replace(re, '<mark>$1</mark>');
    });
    return out;
  }
  function snippet(x, terms) {
    var low = x.toLowerCase(), at = -1;
    terms.forEach(function (t) { var i = low.indexOf(t); if (i >= 0 && (at < 0 || i < at)) at = i; });
    if (at < 0) return x.slice(0, 140);
    var start = Math.max(0, at - 60);
    return (start ? '… ' : '') + x.slice(start, start + 160) + '…';
  }
  function search(q) {
    var terms = q.toLowerCase().split(/\s+/).filter(Boolean), hits = [];
    if (!terms.length) return [terms, hits];
    index.forEach(function (e) {
      var t = e.t.toLowerCase(), h = e.h.toLowerCase(), x = e.x.toLowerCase(), score = 0;
      for (var i = 0; i < terms.length; i++) {
        var w = terms[i];
        if (h.indexOf(w) >= 0) score += h === w ? 12 : 6;
        else if (t.indexOf(w) >= 0) score += 4;
        else if (x.indexOf(w) >= 0) score += 1;
        else return;
      }
      hits.push([score, e]);
    });
    hits.sort(function (a, b) { return b[0] - a[0]; });
    return [terms, hits.slice(0, 20).map(function (h) { return h[1]; })];
  }
  function show() {
    var r = search(box.value), terms = r[0], hits = r[1];
    sel = -1;
    if (!terms.length) { list.hidden = true; list.innerHTML = ''; return; }
    list.innerHTML = hits.length ? hits.map(function (e) {
      var where = esc(e.t) + (e.h ? ' › ' + mark(e.h, terms) : '');
      return '<li><a href="' + e.u + '"><div class="where">' + where + '</div><div class="snip">' +
        mark(snippet(e.x, terms), terms) + '</div></a></li>';
    }).join('') : '<li class="none">No results</li>';
    list.hidden = false;
  }
  function move(d) {
    var items = list.querySelectorAll('li a');
    if (!items.length) return;
    if (sel >= 0) items[sel].parentNode.classList.remove('sel');
    sel = (sel + d + items.length) % items.length;
    items[sel].parentNode.classList.add('sel');
    items[sel].scrollIntoView({block: 'nearest'});
  }
  if (box) {
    box.addEventListener('input', show);
    box.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown') { move(1); ev.preventDefault(); }
      else if (ev.key === 'ArrowUp') { move(-1); ev.preventDefault(); }
      else if (ev.key === 'Enter') {
        var items = list.querySelectorAll('li a');
        if (items.length) window.location.href = items[Math.max(sel, 0)].getAttribute('href');
      } else if (ev.key === 'Escape') { list.hidden = true; box.blur(); }
    });
    document.addEventListener('keydown', function (ev) {
      if (ev.key === '/' && document.activeElement !== box) { box.focus(); ev.preventDefault(); }
    });
    document.addEventListener('click', function (ev) {
      if (!ev.target.closest('.search')) list.hidden = true;
    });
    var q = new URLSearchParams(window.location.search).get('q');
    if (q) { box.value = q; show(); }
  }
  // the table of contents follows the reader: the last heading above the top of the window is marked
  var links = Array.prototype.slice.call(document.querySelectorAll('nav.toc a'));
  var heads = links.map(function (a) { return document.getElementById(a.getAttribute('href').slice(1)); });
  function follow() {
    var at = 0;
    heads.forEach(function (h, i) { if (h && h.getBoundingClientRect().top < 90) at = i; });
    links.forEach(function (a, i) { a.classList.toggle('active', i === at); });
    var toc = document.querySelector('nav.toc'), a = links[at];
    if (a.offsetTop < toc.scrollTop || a.offsetTop > toc.scrollTop + toc.clientHeight - 40)
      toc.scrollTop = a.offsetTop - toc.clientHeight / 3;
  }
  if (links.length) { window.addEventListener('scroll', follow, {passive: true}); follow(); }
  var here = document.querySelector('.sidebar a.active');
  if (here) here.scrollIntoView({block: 'nearest'});
})();
"""


def main():
    import nbformat
    from pygments.formatters import HtmlFormatter

    site, doc_path, site_title = settings()
    proc, out = ROOT / '_proc', ROOT / doc_path
    files = {p.name: p for p in proc.glob('*.ipynb')}
    if not files:
        sys.exit('error: no processed notebooks in _proc/: run python tools/check_docs.py first')
    sections = sidebar_sections(proc, set(files))
    order = [n for _, ns in sections for n in ns]
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    r = Renderer()
    info = {}  # notebook name -> (title, description, output file, notebook, front matter)
    for name in order:
        nb = nbformat.read(files[name], as_version=4)
        fm = frontmatter(nb)
        nb.cells = [c for c in nb.cells if not (c.cell_type == 'raw' and c.source.lstrip().startswith('---'))]
        ofile = str(fm.get('output-file') or Path(name).with_suffix('.html').name)
        info[name] = (
            str(fm.get('title') or Path(name).stem),
            str(fm.get('description') or ''),
            ofile,
            nb,
            fm,
        )
    by_nb = {n: v[2] for n, v in info.items()}
    anchors, links, index = {}, [], []
    for i, name in enumerate(order):
        title, desc, ofile, nb, fm = info[name]
        page_opts = {k: fm[k] for k in ('code-fold', 'code-summary') if k in fm}  # a page-wide default
        body = fix_links('\n'.join(r.cell(c, page_opts) for c in nb.cells), site, by_nb)
        body, ids, toc = headings(body)
        anchors[ofile] = ids
        links += [
            (ofile, m.group(1), m.group(2)) for m in re.finditer(r'href="([\w.-]+\.html)(?:#([^"]*))?"', body)
        ]
        desc_html = ''
        if desc:
            inner = re.sub(r'^<p>|</p>\s*$', '', r.md(desc).strip())
            desc_html = f'<div class="description">{fix_links(inner, site, by_nb)}</div>'
        nav = ''
        for sec, names in sections:
            items = ''.join(
                f'<li><a href="{by_nb[n]}"{mark}>{html.escape(info[n][0])}</a></li>'
                for n in names
                for mark in [' class="active"' if n == name else '']
            )
            nav += (f'<h2>{html.escape(sec)}</h2>' if sec else '') + f'<ul>{items}</ul>'
        prev = info[order[i - 1]] if i else None
        nxt = info[order[i + 1]] if i + 1 < len(order) else None
        prevnext = (f'<a href="{prev[2]}">&larr; {html.escape(prev[0])}</a>' if prev else '<span></span>') + (
            f'<a href="{nxt[2]}">{html.escape(nxt[0])} &rarr;</a>' if nxt else '<span></span>'
        )
        text = page(title, desc_html, body, toc, nav, prevnext, site_title, site, ofile)
        (out / ofile).write_text(text, encoding='utf-8')
        index += search_entries(desc_html + body, title, ofile)
    css = CSS + HtmlFormatter(cssclass='highlight').get_style_defs('.highlight')
    (out / 'preview.css').write_text(css, encoding='utf-8')
    (out / 'preview.js').write_text(JS, encoding='utf-8')
    # a script, not a .json file: pages opened from the disk (file://) may load scripts but not fetch files
    index_json = json.dumps(index, ensure_ascii=False, separators=(',', ':'))
    (out / 'search-index.js').write_text(f'window.MINIGPT_SEARCH = {index_json};\n', encoding='utf-8')
    for extra in ('styles.css',):
        if (proc / extra).exists():
            shutil.copy(proc / extra, out / extra)
    broken = sorted(
        {
            (src, f'{dst}#{a}' if a else dst)
            for src, dst, a in links
            if dst not in anchors or (a and a not in anchors[dst])
        }
    )
    print(
        f"docs preview: {len(order)} pages, {len(index)} search entries "
        f"({len(index_json) // 1024} KiB) in {doc_path}/ (open {doc_path}/index.html)"
    )
    if broken:
        print(f'{len(broken)} links to a page or heading that does not exist:')
        for src, dst in broken:
            print(f'  {src}: {dst}')


if __name__ == '__main__':
    main()
