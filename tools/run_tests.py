#!/usr/bin/env python
"""Run the tests that live in the notebooks, like `nbdev_test`, and end with a one-line summary.

    python tools/run_tests.py                 # every notebook, default flags (slow cells skipped)
    python tools/run_tests.py --flags slow    # the full lessons, heavy cells included
    python tools/run_tests.py --path nbs/02_model.ipynb

It uses nbdev's own `test_nb` (same flags, same skipping rules as `nbdev_test`), runs the notebooks
in parallel, prints each one's result and time, and finishes with `notebooks: N passed, M failed`.
"""

import argparse, os, sys, time
from pathlib import Path
from fastcore.parallel import parallel
from fastcore.xtras import working_directory
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.test import test_nb


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--path', default=None, help='a notebook or glob (default: every notebook under nbs/)')
    p.add_argument('--flags', default='', help='space-separated test flags to run anyway, e.g. "slow"')
    p.add_argument('--n_workers', type=int, default=min(os.cpu_count() or 1, 4))
    args = p.parse_args()
    cfg = get_config()
    files = sorted(Path(f).absolute() for f in nbglob(args.path, as_path=True))
    if not files:
        sys.exit('no notebooks found to test')
    skip, force = cfg.tst_flags.split(), args.flags.split()
    n_workers = args.n_workers if len(files) > 1 else 0
    if n_workers > 1 and 'OMP_NUM_THREADS' not in os.environ:
        # share the cores: two notebooks each running torch on every core slow each other down many times over
        os.environ['OMP_NUM_THREADS'] = str(max(1, (os.cpu_count() or 1) // n_workers))
    start = time.time()
    with working_directory(cfg.nbs_path):
        # test_nb itself goes to the workers: a worker's __main__ is replaced by the notebook it ran,
        # so a function defined in this script could not be found for its next notebook.
        results = parallel(
            test_nb,
            files,
            skip_flags=skip,
            force_flags=force,
            basepath=cfg.config_path,
            n_workers=n_workers,
            pause=0.01,
        )
    failed = 0
    for f, (ok, secs) in zip(files, results):
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {f.name:32s} {secs:6.1f}s")
    print(f"total time {time.time() - start:.1f}s")
    print(f"notebooks: {len(files) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
