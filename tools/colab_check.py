#!/usr/bin/env python
"""Run each notebook the way a learner does in a fresh Colab runtime, and fail naming the cell.

Each notebook is copied ALONE into an empty temporary directory, with a fresh HOME, and executed top
to bottom in its own Python process: no `nbs/fixtures`, no settings.ini, no other notebook, only the
installed package. Cells are skipped by the same rules as `nbdev_test` (test flags from settings.ini,
`#| eval: false`), except that the closing `nbdev_export` cell runs too: in Colab it must do nothing.

    python tools/colab_check.py                              # every numbered notebook, heavy cells skipped
    python tools/colab_check.py --flags slow                 # the full lessons, as "Run all" does
    python tools/colab_check.py --path nbs/02_model.ipynb
    python tools/colab_check.py --python .venv-colab/bin/python   # in another environment
"""

import argparse, glob, json, os, shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs inside the child process, in the temporary directory. It needs only execnb (which nbdev's
# show_doc needs anyway) and prints one JSON line: ok, or the failing cell and its error.
RUNNER = r'''
import json, sys, time, traceback

try:
    from execnb.nbio import read_nb  # execnb 0.1 (with fastcore 1.x)
except ImportError:
    from fastcore.nbio import read_nb  # execnb 0.3 moved it into fastcore 2.x
from execnb.shell import CaptureShell

fn, skip = sys.argv[1], set(sys.argv[2].split())


def directives(src):
    "The cell's `#| name args` lines at its top, as nbdev reads them (read_nb alone does not parse them)."
    d = {}
    for line in src.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith('#|'):
            break
        words = line[2:].split()
        if words:
            d[words[0]] = words[1:]
    return d


nb = read_nb(fn)
k = CaptureShell(fn)
t0 = time.time()
for i, cell in enumerate(nb.cells):
    if cell.cell_type != 'code' or not cell.source.strip():
        continue
    d = directives(cell.source)
    if d.get('eval:', [''])[0].lower() == 'false' or skip & d.keys():
        continue
    print(f'@@CELL@@{i}', flush=True)
    k.cell(cell)
    if k.exc:
        err = traceback.format_exception(type(k.exc), k.exc, k.exc.__traceback__)
        err = ''.join(err).strip().splitlines()[-6:]
        res = {'ok': False, 'cell': i, 'source': cell.source, 'error': err, 'secs': time.time() - t0}
        print('@@RESULT@@' + json.dumps(res))
        sys.exit(1)
print('@@RESULT@@' + json.dumps({'ok': True, 'secs': time.time() - t0}))
'''


def tst_flags():
    cp = ConfigParser(delimiters=['='])
    cp.read(ROOT / 'settings.ini', encoding='utf-8')
    return cp['DEFAULT'].get('tst_flags', 'notest slow').split()


def check(nb_path, python, skip, timeout, threads):
    with tempfile.TemporaryDirectory(prefix='colab-check-') as tmp:
        tmp = Path(tmp)
        home, work = tmp / 'home', tmp / 'content'
        home.mkdir()
        work.mkdir()
        shutil.copy(nb_path, work / nb_path.name)
        (tmp / 'runner.py').write_text(RUNNER)
        env = {k: v for k, v in os.environ.items() if not k.startswith(('JUPYTER', 'IPYTHON', 'XDG_'))}
        env.update(HOME=str(home), MPLBACKEND='Agg', PYTHONDONTWRITEBYTECODE='1', HF_HUB_OFFLINE='1')
        env.pop('IN_TEST', None)
        if threads:
            env.setdefault('OMP_NUM_THREADS', str(threads))
        t0 = time.time()
        try:
            p = subprocess.run(
                [python, str(tmp / 'runner.py'), nb_path.name, ' '.join(sorted(skip))],
                cwd=work,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as e:  # name the cell that was running
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or '')
            started = [int(l[8:]) for l in out.splitlines() if l.startswith('@@CELL@@')]
            cell = started[-1] if started else None
            src = json.loads(nb_path.read_text())['cells'][cell]['source'] if cell is not None else ''
            return {
                'ok': False,
                'cell': cell,
                'source': ''.join(src),
                'error': [f'timed out after {timeout}s in this cell'],
                'secs': timeout,
            }
        line = next((l for l in p.stdout.splitlines()[::-1] if l.startswith('@@RESULT@@')), None)
        if line is None:
            return {
                'ok': False,
                'cell': None,
                'source': '',
                'secs': time.time() - t0,
                'error': (p.stderr or p.stdout).strip().splitlines()[-8:] or [f'exit status {p.returncode}'],
            }
        res = json.loads(line[len('@@RESULT@@') :])
        if p.returncode == 0 and res['ok']:
            leftovers = [f.name for f in work.iterdir() if f.name != nb_path.name]
            res['wrote'] = leftovers  # what the notebook left in its working directory (informational)
        return res


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--path', default='nbs/[0-9A-Z]*_*.ipynb', help='notebook(s), a glob (default: all)')
    p.add_argument('--flags', default='', help='test flags to run anyway, e.g. "slow" (as Colab\'s Run all)')
    p.add_argument('--python', default=sys.executable, help='the interpreter whose packages are used')
    p.add_argument('--n_workers', type=int, default=min(os.cpu_count() or 1, 2))
    p.add_argument('--timeout', type=int, default=1800, help='seconds per notebook')
    args = p.parse_args()
    pattern = args.path
    if not os.path.isabs(pattern) and not Path(pattern).exists():
        pattern = str(ROOT / pattern)
    files = sorted(Path(f).resolve() for f in glob.glob(pattern))
    if not files:
        sys.exit(f'no notebooks found at {args.path}')
    # absolute but not resolved: a venv's python is a link
    python = str(Path(args.python).absolute()) if os.sep in args.python else args.python
    skip = set(tst_flags()) - set(args.flags.split())
    threads = None
    if args.n_workers > 1 and len(files) > 1:
        threads = max(1, (os.cpu_count() or 1) // args.n_workers)
    start = time.time()
    with ThreadPoolExecutor(max(1, args.n_workers)) as ex:
        results = list(ex.map(lambda f: check(f, python, skip, args.timeout, threads), files))
    failed = 0
    for f, r in zip(files, results):
        failed += not r['ok']
        print(f"{'PASS' if r['ok'] else 'FAIL'}  {f.name:32s} {r['secs']:6.1f}s")
    for f, r in zip(files, results):
        if r['ok']:
            continue
        where = f"cell {r['cell']}" if r['cell'] is not None else 'before any cell'
        src = [l for l in r['source'].splitlines() if l.strip()][:4]
        print(f"\nerror: {f.name} fails alone in a fresh directory, {where}:", file=sys.stderr)
        for l in src:
            print('    | ' + l, file=sys.stderr)
        for l in r['error']:
            print('    ' + l, file=sys.stderr)
    print(f"total time {time.time() - start:.1f}s")
    print(f"colab check: {len(files) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
