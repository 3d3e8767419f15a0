#!/usr/bin/env python
"""Build a Colab-like virtual environment, run the notebooks' install cell in it, report what it changed.

    python tools/colab_env.py                       # .venv-colab from constraints/colab-2026-11.txt
    python tools/colab_env.py --venv /tmp/colab --constraints constraints/colab-2026-11.txt

1. "What Colab has": a fresh venv with the packages of the constraints file at Colab's versions, plus
   what a Colab runtime preinstalls around them that the course could disturb (IPython, pandas, the
   notebook server, and fastcore's other users fastprogress, fastdownload and fasthtml). torch is the
   local CPU wheel (`--torch`), as Colab's CUDA build is not installable here.
2. `pip freeze`, then the install cell's own `%pip install` line, taken from a notebook (the same
   text in every chapter, written by tools/sync_docs.py), run with pip against this checkout instead of
   the GitHub URL, then `pip freeze` again.
3. Prints every package the cell added, upgraded, downgraded or removed, and checks that fastcore's
   other users still import. Exits 1 if a package Colab had changed version or disappeared, or an
   import broke.

Then `python tools/colab_check.py --python <venv>/bin/python` runs every notebook alone in that
environment (`make test-colab` does both).
"""

import argparse, json, os, re, shlex, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AROUND = ['ipython', 'pandas', 'notebook==6.5.7', 'fastprogress', 'fastdownload', 'python-fasthtml']
IMPORTS = ['fastprogress', 'fastdownload', 'fasthtml', 'ipywidgets', 'transformers', 'minigpt', 'nbdev']


def sh(*cmd, **kw):
    print('+', ' '.join(map(str, cmd)), flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def freeze(py) -> dict:
    out = subprocess.run([str(py), '-m', 'pip', 'freeze'], check=True, capture_output=True, text=True).stdout
    pkgs = {}
    for line in out.splitlines():
        name, sep, ver = line.partition('==')
        if not sep:
            name, _, ver = line.partition(' @ ')
        pkgs[re.sub(r'[-_.]+', '-', name).lower()] = ver
    return pkgs


def install_line(nb: Path) -> str:
    "The `%pip install` arguments of the notebook's Colab install cell."
    for cell in json.loads(nb.read_text())['cells']:
        src = ''.join(cell['source'])
        if cell['cell_type'] == 'code' and '# Colab install cell' in src:
            return next(l.split('%pip install', 1)[1] for l in src.splitlines() if '%pip install' in l)
    raise SystemExit(f'{nb}: no Colab install cell (run tools/sync_docs.py)')


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--venv', default=str(ROOT / '.venv-colab'), help='where (default: %(default)s)')
    p.add_argument(
        '--constraints',
        default=str(ROOT / 'constraints' / 'colab-2026-11.txt'),
        help="Colab's versions (default: %(default)s)",
    )
    p.add_argument(
        '--torch',
        default=os.environ.get('TORCH_REQ') or 'torch==2.13.0',
        help='the torch requirement (default: $TORCH_REQ, else %(default)s, the local CPU wheel)',
    )
    p.add_argument(
        '--torch-pip-args',
        default=os.environ.get('TORCH_PIP_ARGS', ''),
        help="pip's arguments for torch, e.g. a CPU wheel index (default: $TORCH_PIP_ARGS)",
    )
    p.add_argument(
        '--notebook',
        default=str(ROOT / 'nbs' / '02_model.ipynb'),
        help='the notebook whose install cell runs (default: %(default)s)',
    )
    args = p.parse_args(argv)
    venv = Path(args.venv)
    py = venv / 'bin' / 'python'
    if not py.exists():
        sh(sys.executable, '-m', 'venv', venv)
    lines = Path(args.constraints).read_text().splitlines()
    cons = [line for line in lines if line.strip() and not line.startswith(('#', 'torch'))]
    pinned = [line.split('=')[0].rstrip('<>!~') for line in cons]
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        f.write('\n'.join(cons) + '\n')
    sh(py, '-m', 'pip', 'install', '-q', *shlex.split(args.torch_pip_args), args.torch)
    sh(py, '-m', 'pip', 'install', '-q', '-c', f.name, *pinned, *AROUND)
    before = freeze(py)
    # the cell's line, with this checkout in place of the GitHub URL and fastcore's installed version
    line = install_line(Path(args.notebook))
    fc = before['fastcore']
    words = [w.replace('{fastcore_version}', fc) for w in shlex.split(line)]
    words = [str(ROOT) if ' @ git+' in w or w == '{package}' else w for w in words]
    sh(py, '-m', 'pip', 'install', *words)
    after = freeze(py)
    bad = []
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name), after.get(name)
        if b == a:
            continue
        if b is None:
            print(f'  added      {name} {a}')
        elif a is None:
            print(f'  REMOVED    {name} {b}')
            bad.append(name)
        else:
            print(f'  CHANGED    {name} {b} -> {a}')
            bad.append(name)
    for mod in IMPORTS:
        r = subprocess.run([str(py), '-c', f'import {mod}'], capture_output=True, text=True)
        if r.returncode:
            print(f'  import {mod} FAILS: {r.stderr.strip().splitlines()[-1]}')
            bad.append(mod)
    watch = ['fastcore', 'ipywidgets', 'transformers', 'datasets', 'tokenizers', 'huggingface-hub', 'numpy']
    kept = {k: after.get(k) for k in watch}
    print('after the install cell:', ', '.join(f'{k} {v}' for k, v in kept.items()))
    if bad:
        print(f'the install cell disturbed what Colab had: {", ".join(bad)}')
        return 1
    added = len(set(after) - set(before))
    print(f'the install cell only added packages ({added}); nothing Colab had changed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
