#!/usr/bin/env python
"""Run the notebooks and store their outputs (printed results, tables, figures) in them, so that the
docs site and GitHub show what a learner sees in Colab or Jupyter.

    python tools/render_outputs.py                          # every notebook in nbs/, heavy cells skipped
    python tools/render_outputs.py --path nbs/04_training.ipynb

Cells are skipped by the same rules as `nbdev_test` (`#| eval: false`, the test flags of settings.ini
such as `slow`, the closing export cell); a skipped cell keeps no output. Outputs of `#| hide` cells
are dropped after they run (the docs never show them), and so are library warnings that name
this machine's install paths. A notebook whose cell raises is left
unchanged and named. Run `nbdev_clean` afterwards (`make outputs` does both).
"""

import argparse, os, re, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from fastcore.xtras import working_directory
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

DIRECTIVE = re.compile(r'^\s*#\|\s*(\S+)\s*(.*)$')


def directives(src):
    return {m.group(1): m.group(2).strip() for l in src.splitlines() if (m := DIRECTIVE.match(l))}


def install_warning(output) -> bool:
    "A library's warning that names this machine's install paths: not part of the lesson."
    return output.get('name') == 'stderr' and 'site-packages' in ''.join(output.get('text', ''))


def render(path, skip):
    path = Path(path).absolute()
    nb, t0 = read_nb(path), time.time()
    shell = CaptureShell(path)
    with working_directory(path.parent):
        for cell in nb.cells:
            if cell.cell_type != 'code':
                continue
            cell.outputs, cell.execution_count = [], None
            d = directives(cell.source)
            if d.get('eval:', '').lower() == 'false' or skip & d.keys() or 'nbdev_export(' in cell.source:
                continue
            shell.cell(cell)
            if shell.exc:
                err = f'cell {cell.idx_}: {type(shell.exc).__name__}: {shell.exc}'
                return path.name, err, time.time() - t0
            if 'hide' in d:
                cell.outputs = []
            cell.outputs = [o for o in cell.outputs if not install_warning(o)]
    write_nb(nb, path)
    return path.name, None, time.time() - t0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--path', nargs='*', help='notebooks (default: every notebook in nbs/)')
    p.add_argument('--skip', default='slow', help='cell flags to skip (default: %(default)s)')
    p.add_argument('--n_workers', type=int, default=2)
    p.add_argument('--one', help=argparse.SUPPRESS)  # a worker: one notebook in its own process
    args = p.parse_args(argv)
    if args.one:
        name, err, dt = render(args.one, set(args.skip.split()))
        status = 'ok  ' if err is None else 'FAIL'
        print(f'{status}  {name:30s} {dt:6.1f}s' + (f'  {err}' if err else ''), flush=True)
        return 1 if err else 0
    root = Path(__file__).resolve().parent.parent
    paths = args.path or sorted(str(f) for f in (root / 'nbs').glob('*.ipynb'))
    env = {**os.environ, 'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '1')}

    # each notebook in a process of its own: a lesson that sends itself a signal or leaves threads behind
    # cannot take the others down with it
    def one(path):
        cmd = [sys.executable, __file__, '--one', str(path), '--skip', args.skip]
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        failed = f'FAIL  {Path(path).name}: exit {r.returncode}\n{r.stderr[-2000:]}'
        print(r.stdout.strip() or failed, flush=True)
        return r.returncode

    with ThreadPoolExecutor(max(1, args.n_workers)) as ex:
        codes = list(ex.map(one, paths))
    return 1 if any(codes) else 0


if __name__ == '__main__':
    sys.exit(main())
