#!/usr/bin/env python
"""Run nbdev's documentation processing on every notebook, without Quarto, and fail naming the cell.

`nbdev_docs` first processes each notebook into `_proc/` (front matter, `#| hide`, `show_doc`
cells executed together with the exported cells and the cells that import), then hands `_proc/` to
Quarto. This script runs that first step with nbdev's own functions (what `nbdev_proc_nbs` runs per
file) but never calls nbdev's Quarto installer, which `nbdev_proc_nbs` does when Quarto is missing
(it runs `sudo` and reinstalls the package).

    python tools/check_docs.py                        # every notebook; _proc/ is rebuilt
    python tools/check_docs.py --path nbs/02_model.ipynb

Exit status 1 when a notebook fails; each failure names the notebook, the cell and the error.
"""

import argparse, multiprocessing as mp, os, shutil, sys, time, traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _proc_one(args):
    "Process one notebook as `proc_nbs` does (in a fresh process: the cells run in its own shell)."
    src, dst = args
    os.environ.setdefault('MPLBACKEND', 'Agg')
    import warnings

    warnings.filterwarnings(
        'ignore', message='Found cells containing imports'
    )  # nbdev's FAQ hint: noise here
    from nbdev.processors import FilterDefaults
    import nbdev.serve_drv

    t0 = time.time()
    try:
        nbdev.serve_drv.main((Path(src), Path(dst), FilterDefaults))
        return src, None, time.time() - t0
    except BaseException as e:
        # exec_show_docs raises "Error in notebook: T in cell N :\n<source>" from the cell's own exception
        cause = e.__cause__
        head = str(e).splitlines()
        where = head[0] if head else type(e).__name__
        src_lines = [l for l in head[1:] if l.strip()][:4]
        if cause is not None:
            err = ''.join(traceback.format_exception_only(type(cause), cause)).strip()
        else:
            err = ''.join(traceback.format_exception_only(type(e), e)).strip().splitlines()[-1]
        msg = where + '\n' + '\n'.join('    | ' + l for l in src_lines) + '\n    ' + err
        return src, msg, time.time() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--path', default=None, help='a notebook (default: every notebook under nbs/)')
    p.add_argument('--n_workers', type=int, default=min(os.cpu_count() or 1, 2))
    args = p.parse_args()
    os.chdir(ROOT)
    from nbdev.config import get_config
    from nbdev.doclinks import nbglob, _build_modidx
    from nbdev.quarto import nbdev_sidebar, refresh_quarto_yml
    from nbdev.serve import _proc_file

    cfg = get_config()
    nbs = cfg.nbs_path
    cache = cfg.config_path / '_proc'
    # the steps of nbdev's _pre_docs, less _ensure_quarto
    refresh_quarto_yml()
    _build_modidx()
    nbdev_sidebar.__wrapped__(path=nbs)
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    files = nbglob(nbs, func=Path, file_glob='', file_re='')
    for extra in ('_quarto.yml', '_brand.yml'):
        if (nbs / extra).exists():
            files.append(nbs / extra)
    jobs = []
    for f in files:  # copies every non-notebook file into _proc/, returns (src, dst, procs) for notebooks
        r = _proc_file(f, cache=cache, path=nbs)
        if r and f.suffix == '.ipynb':
            jobs.append((str(r[0]), str(r[1])))
    if args.path:
        want = Path(args.path).resolve()
        jobs = [j for j in jobs if Path(j[0]).resolve() == want]
        if not jobs:
            sys.exit(f'no notebook found at {args.path}')
    jobs.sort()
    start = time.time()
    # one fresh process per notebook: its cells run in their own shell, which also takes over the
    # process's __main__, so a worker is never reused
    with ProcessPoolExecutor(
        max(1, min(args.n_workers, len(jobs))), mp_context=mp.get_context('spawn'), max_tasks_per_child=1
    ) as pool:
        results = list(pool.map(_proc_one, jobs))
    results.sort()
    failed = [(s, m) for s, m, _ in results if m]
    for s, m, secs in results:
        print(f"{'FAIL' if m else 'ok  '}  {Path(s).name:32s} {secs:6.1f}s")
    for s, m in failed:
        print(f"\nerror: docs processing failed in {Path(s).relative_to(ROOT)}: {m}", file=sys.stderr)
    print(
        f"docs processing: {len(results) - len(failed)} passed, {len(failed)} failed "
        f"({time.time() - start:.0f}s); output in {cache.relative_to(ROOT)}/"
    )
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
