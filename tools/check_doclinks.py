#!/usr/bin/env python
"""Check the API entries and doc links the docs site will show, from the notebooks alone (no Quarto).

nbdev adds an API entry after every export cell for each function and class it defines, `@patch`ed
methods included, and turns every backticked name in markdown (and in the entries' docstrings) into
a link to that name's entry. This script runs nbdev's own step that adds the entries
(`add_show_docs`) on each notebook, imports the package, and reports:

  (a) entries shown twice: a `show_doc(X)` of something nbdev documents itself (an exported
      `@patch`ed method) or of something already shown, on the same page or on its home page;
  (b) links to the wrong place: a backticked name (or a `show_doc` of a name) that more than one
      module defines, which nbdev links to one of them; a name that links to another module while
      this notebook's module has a method of that name; a name linked to an entry that no page has
      (a private helper, an exported name never documented);
  (c) borrowed docstrings: a documented class or method with no docstring of its own, whose entry
      shows its parent's (`nn.Module.forward`'s) or Python's ("Call self as a function.");
  (d) entries that lose their name: a decorated `@patch`ed method whose entry shows the bare function
      name, with nbdev's source link going to another module's function of that name.

    python tools/check_doclinks.py                       # every notebook
    python tools/check_doclinks.py nbs/04_training.ipynb

Exit status 1 when anything is found; each finding names the notebook, the cell and what to change.
"""

import argparse, html, importlib, inspect, re, sys, unicodedata, warnings
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRECTIVE = re.compile(r'^\s*#\|\s*([\w-]+)\s*:?\s*(.*)$')
DEFAULT_EXP = re.compile(r'^\s*#\|\s*default_exp\s+(\S+)', re.M)
LINK = re.compile(r'\]\((?:\./)?([\w-]+\.ipynb)?(?:#([^)\s]+))?\)')
BADGE = re.compile(r'colab\.research\.google\.com/github/[^)\s]*?/([\w-]+\.ipynb)')
KINDS = {
    'a': 'API entries shown twice',
    'b': 'doc links that go to the wrong place or nowhere',
    'c': 'entries showing a docstring that is not their own',
    'd': 'entries that lose their name',
}


def directives(src):
    out = {}
    for line in src.splitlines():
        m = DIRECTIVE.match(line)
        if not m:
            break
        out[m.group(1)] = m.group(2).strip()
    return out


def hidden(cell):
    d = directives(cell.source)
    return 'hide' in d or d.get('include') == 'false'


def anchor(text):
    """The id pandoc (so Quarto) gives a heading, which nbdev's links and the notebooks' `#...` links use:
    lower case, punctuation but `_-.` dropped, spaces to `-`, leading non-letters dropped."""
    s = ''.join(ch for ch in text if ch.isalnum() or ch in '_-. \n' or unicodedata.category(ch) == 'Mn')
    s = re.sub(r'\s+', '-', s.strip().lower())
    return re.sub(r'^[^a-z\u00c0-\uffff]+', '', s) or 'section'


def heading_text(md):
    "A markdown heading's text as pandoc reads it: links and code marks reduced to their text."
    md = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', md)
    return re.sub(r'[`*]|<[^>]+>', '', md).strip()


class Package:
    "The package's exported names (nbdev's `_modidx.py`) and the modules that define them."

    def __init__(self, lib):
        self.lib = lib
        idx = importlib.import_module(f'{lib}._modidx').d
        self.homes = defaultdict(list)  # 'Tokenizer.train' -> ['minigpt.tokenizer']
        self.pages = {}  # module -> its page ('tokenizer.html')
        for mod, syms in idx['syms'].items():
            for qual, (url, _) in syms.items():
                self.homes[qual[len(mod) + 1 :]].append(mod)
                self.pages.setdefault(mod, url.split('#')[0])

    def module(self, mod):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            return importlib.import_module(mod)

    def resolve(self, name, mod):
        "The object `name` (`f`, `Cls.meth`) is in `mod`, else in the module exporting it; None if neither."
        first, *rest = name.split('.')
        mods = ([mod] if mod else []) + self.homes.get(name, []) + self.homes.get(first, [])
        for m in dict.fromkeys(mods):
            try:
                obj = self.module(m)
                for part in [first, *rest]:
                    obj = getattr(obj, part)
                return obj
            except (AttributeError, ImportError):
                continue
        return None


class Entry:
    "One API entry on a page: the `show_doc` cell that makes it, written in the notebook or added by nbdev."

    def __init__(self, nb, cell, name, rename, auto, obj):
        self.nb, self.cell, self.name, self.rename, self.auto, self.obj = nb, cell, name, rename, auto, obj

    @property
    def key(self):
        from fastcore.docments import _unwrap_sym

        if self.obj is None:
            return self.name
        return id(_unwrap_sym(getattr(self.obj, '__func__', self.obj)))  # a classmethod: its function

    @property
    def heading(self):
        "What nbdev writes as the entry's heading (`show_doc`'s `name`, else the object's qualified name)."
        from fastcore.docments import _unwrap_sym, qual_name

        if self.rename:
            return self.rename
        return qual_name(_unwrap_sym(self.obj)) if self.obj is not None else self.name

    def where(self):
        return f'{self.nb.rel} cell {self.cell}' if self.cell is not None else f'{self.nb.rel}'


class Notebook:
    def __init__(self, path, pkg):
        from fastcore.all import L
        from nbdev.process import NBProcessor, NbCell
        from nbdev.processors import _get_nm, _show_docs, add_show_docs

        self.path, self.rel = path, path.relative_to(ROOT)
        proc = NBProcessor(path, procs=[add_show_docs])
        for i, c in enumerate(proc.nb.cells):
            c.orig = i
        self.cells = list(proc.nb.cells)  # the notebook's cells, before nbdev adds its entries
        srcs = '\n'.join(c.source for c in self.cells if c.cell_type == 'code')
        m = DEFAULT_EXP.search(srcs)
        self.module = f'{pkg.lib}.{m.group(1)}' if m else None
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            proc.process()
        self.entries = []
        for pos, c in enumerate(proc.nb.cells):
            if c.cell_type != 'code' or hidden(c):
                continue
            for tree in _show_docs(L([c]).map(NbCell.parsed_).concat()):
                name = _get_nm(tree)
                rename = next((k.value.value for k in tree.value.keywords if k.arg == 'name'), None)
                auto = getattr(c, 'has_sd', False)
                # an added entry follows its export cell: name that cell
                cell = (
                    c.orig
                    if not auto
                    else next(x.orig for x in reversed(proc.nb.cells[:pos]) if hasattr(x, 'orig'))
                )
                self.entries.append(Entry(self, cell, name, rename, auto, pkg.resolve(name, self.module)))

    def markdown(self):
        "(cell, text) of every markdown cell the page shows."
        return [
            (i, c.source) for i, c in enumerate(self.cells) if c.cell_type == 'markdown' and not hidden(c)
        ]

    def anchors(self):
        "The ids of the page's headings (markdown's and the API entries'), which links may point at."
        ids = {anchor(e.heading) for e in self.entries}
        for _, md in self.markdown():
            in_fence = False
            for line in md.splitlines():
                if line.startswith('```'):
                    in_fence = not in_fence
                elif not in_fence and (m := re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)):
                    ids.add(anchor(heading_text(m.group(1))))
        return ids


def short(mods):
    return ', '.join(m.split('.', 1)[-1] for m in mods)


def backticked(md):
    "The names nbdev's linkify would look up in `md` (outside code fences and indented code)."
    from nbdev.doclinks import _re_backticks

    in_fence = False
    for line in md.splitlines():
        if line.startswith('```'):
            in_fence = not in_fence
        elif not in_fence and not line.startswith('    '):
            yield from _re_backticks.findall(line)


def own_doc(obj, owner):
    """(shown, source): the docstring nbdev's entry shows for `obj`, and where it comes from when it is not
    `obj`'s own: 'Class.attr' in a parent class, or None when it is written on `obj` itself."""
    from fastcore.docments import _unwrap_sym, docstring

    sym = _unwrap_sym(obj)
    shown = docstring(sym)
    if not shown:
        return '', None
    if inspect.isclass(sym):
        if sym.__dict__.get('__doc__'):
            return shown, None
        for base in sym.__mro__[1:]:
            if inspect.getdoc(base) == shown:
                return shown, f'{base.__module__}.{base.__qualname__}'
        return shown, f'{sym.__qualname__}.__init__'
    if getattr(sym, '__doc__', None):
        return shown, None
    name = getattr(sym, '__name__', '')
    for base in inspect.getmro(owner)[1:] if inspect.isclass(owner) else ():
        attr = base.__dict__.get(name)
        if attr is not None and inspect.getdoc(attr) == shown:
            return shown, f'{base.__module__}.{base.__qualname__}.{name}'
    return shown, 'builtins.function.__call__'


def check(paths, pkg, nbs):
    from nbdev.doclinks import NbdevLookup

    findings = defaultdict(list)  # kind -> [(where, message)]
    by_module = {nb.module: nb for nb in nbs if nb.module}
    pages = {nb.module: pkg.pages.get(nb.module) for nb in nbs if nb.module}
    anchors = defaultdict(set)  # page -> ids of its API entries (what nbdev's links point at)
    for nb in nbs:
        page = pages.get(nb.module)
        for e in nb.entries:
            anchors[page].add(anchor(e.heading))
    by_name = {nb.path.name: nb for nb in nbs}
    anchor_sets = {nb.path: nb.anchors() for nb in nbs}
    lookup = NbdevLookup()
    methods = defaultdict(list)  # 'validate' -> ['Trainer.validate']
    for q in pkg.homes:
        if '.' in q:
            methods[q.rsplit('.', 1)[1]].append(q)

    for nb in nbs:
        if nb.path not in paths:
            continue
        own_page = pages.get(nb.module)
        # (a) the same entry twice on a page, or again away from its home page
        seen = {}
        for e in nb.entries:
            first = seen.setdefault(e.key, e)
            if first is not e:
                dup = e if not e.auto else first
                other = first if dup is e else e
                why = (
                    f'nbdev adds it itself after the export cell {other.cell} (an exported @patch-ed method)'
                    if other.auto
                    else f'already shown in cell {other.cell}'
                )
                findings['a'].append(
                    (dup.where(), f'show_doc({dup.name}) repeats an entry: {why}; delete this cell')
                )
        for e in nb.entries:
            if e.auto or e.obj is None:
                continue
            home = getattr(inspect.unwrap(e.obj), '__module__', None)
            home_nb = by_module.get(home)
            if home_nb is not None and home_nb is not nb and any(x.key == e.key for x in home_nb.entries):
                findings['a'].append(
                    (
                        e.where(),
                        f'show_doc({e.name}) repeats the entry on its home page {home_nb.rel.name}; '
                        f'link to it with `{e.name}` in the prose instead',
                    )
                )
        # (b) names nbdev links to the wrong entry, or to none
        texts = [(f'{nb.rel} cell {i}', md) for i, md in nb.markdown()]
        texts += [
            (f'{e.where()} (docstring of {e.heading})', own_doc(e.obj, None)[0])
            for e in nb.entries
            if e.obj is not None
        ]
        reported = set()
        for where, md in texts:
            for name in backticked(md):
                homes = pkg.homes.get(name, [])
                target = lookup.doc(name)
                if not homes or not target:
                    continue
                page, _, frag = target.rsplit('/', 1)[-1].partition('#')
                here = where.split(' (')[0]
                if (here, name) in reported:
                    continue
                if len(homes) > 1:
                    mine = ', this page\'s own' if homes[0] == nb.module else ''
                    msg = (
                        f'`{name}` is defined in {len(homes)} modules ({short(homes)}); nbdev links every '
                        f'`{name}` to {page}#{frag}{mine}. Give them different names, or write the qualified '
                        f'name (`{(nb.module if nb.module in homes else homes[0])}.{name}`)'
                    )
                elif meths := [
                    q for q in methods.get(name, []) if homes[0] != nb.module and nb.module in pkg.homes[q]
                ]:
                    msg = f'`{name}` links to {homes[0]}.{name} ({page}), but this page means `{meths[0]}`'
                elif frag not in anchors.get(page, set()):
                    what = 'a private helper' if name.startswith('_') else 'never documented'
                    msg = (
                        f'`{name}` links to {page}#{frag}, an entry no page has ({what}): document it, or '
                        f'write <code>{name}</code>, which nbdev does not link'
                    )
                else:
                    continue
                reported.add((here, name))
                findings['b'].append((where, msg))
        for e in nb.entries:
            if not e.auto and len(pkg.homes.get(e.name, [])) > 1:
                findings['b'].append(
                    (
                        e.where(),
                        f'show_doc({e.name}): {len(pkg.homes[e.name])} modules define `{e.name}` '
                        f'({short(pkg.homes[e.name])}); every `{e.name}` in the docs links to '
                        f'{lookup.doc(e.name).rsplit("/", 1)[-1]}',
                    )
                )
        # links between the notebooks, to a notebook or a heading that does not exist, and Colab badges
        # that open another notebook
        for i, md in nb.markdown():
            for target, frag in LINK.findall(md):
                dest = nb if not target else by_name.get(target)
                if dest is None:
                    findings['b'].append((f'{nb.rel} cell {i}', f'a link to {target}, which does not exist'))
                elif frag and frag not in anchor_sets[dest.path]:
                    findings['b'].append(
                        (
                            f'{nb.rel} cell {i}',
                            f'a link to {target}#{frag}: {dest.rel.name} has no such heading',
                        )
                    )
            for target in BADGE.findall(md):
                where = f'{nb.rel} cell {i}'
                if target not in by_name:
                    findings['b'].append((where, f'a Colab badge opens {target}, which does not exist'))
                elif i < 3 and target != nb.path.name and nb.path.name != 'index.ipynb':
                    findings['b'].append((where, f'the Colab badge opens {target}, not this notebook'))
        # (c) docstrings that are not the entry's own
        for e in nb.entries:
            if e.obj is None:
                continue
            owner = pkg.resolve(e.name.rsplit('.', 1)[0], nb.module) if '.' in e.name else None
            shown, source = own_doc(e.obj, owner)
            if source is None or source.startswith(pkg.lib + '.'):
                continue
            first_line = shown.splitlines()[0][:70]
            findings['c'].append(
                (
                    e.where(),
                    f'{e.heading} has no docstring; its entry shows {source}\'s: "{first_line}". Write one',
                )
            )
        # (d) entries whose heading is not the name they document
        named = set()
        for e in sorted(nb.entries, key=lambda e: e.auto):  # the notebook's own show_doc first
            if e.obj is None or e.rename or '.' not in e.name or e.heading == e.name or e.name in named:
                continue
            named.add(e.name)
            findings['d'].append(
                (
                    e.where(),
                    f'{e.name}\'s entry is headed `{e.heading}`, with the anchor #{anchor(e.heading)} and a '
                    f'source link to whichever module exports `{e.heading}`: nbdev documents the function '
                    'that a decorator under @patch wraps. Do the decorator\'s work inside the method (e.g. '
                    '`with torch.no_grad():`)',
                )
            )
    return findings


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('paths', nargs='*', help='notebooks to check (default: every notebook in nbs/)')
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    from nbdev.config import get_config

    cfg = get_config(path=ROOT)
    every = sorted(p for p in cfg.nbs_path.glob('*.ipynb') if not p.name.startswith(('_', '.')))
    paths = {Path(x).resolve() for x in args.paths} or set(every)
    missing = [str(x) for x in paths if x not in every]
    if missing:
        print(
            f'error: not a notebook of {cfg.nbs_path.relative_to(ROOT)}/: {", ".join(missing)}',
            file=sys.stderr,
        )
        sys.exit(2)
    pkg = Package(cfg.lib_name)
    nbs = [Notebook(x, pkg) for x in every]  # every page: an entry may repeat one on another page
    findings = check(paths, pkg, nbs)
    n = sum(len(v) for v in findings.values())
    for kind, title in KINDS.items():
        if findings.get(kind):
            print(f'\n({kind}) {title}: {len(findings[kind])}')
            for where, msg in findings[kind]:
                print(f'  {where}: {html.unescape(msg)}')
    entries = sum(len(nb.entries) for nb in nbs if nb.path in paths)
    print(f'\ncheck_doclinks: {len(paths)} notebooks, {entries} API entries, {n} problems')
    sys.exit(1 if n else 0)


if __name__ == '__main__':
    main()
