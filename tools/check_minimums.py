#!/usr/bin/env python
"""Check that settings.ini's requirement floors and constraints/minimums.txt say the same thing.

    python tools/check_minimums.py               # each `pkg>=X` in settings.ini is `pkg==X` in constraints
    python tools/check_minimums.py --installed   # and this Python has exactly those versions installed

`make test-minimums` runs it with `--installed` in its venv before the tests, so the versions tested are
the declared floors.
"""

import argparse, re, shlex, sys
from configparser import ConfigParser
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def norm(name: str) -> str:
    return re.sub(r'[-_.]+', '-', name).lower()


def floors() -> dict:
    "settings.ini's runtime requirements as {name: floor}; each must be exactly `name>=floor`."
    cfg = ConfigParser(delimiters=['='])
    cfg.read(ROOT / 'settings.ini', encoding='utf-8')
    out = {}
    for req in shlex.split(cfg['DEFAULT'].get('requirements', '')):
        m = re.fullmatch(r'([A-Za-z0-9_.-]+)>=([0-9][0-9A-Za-z.]*)', req)
        if not m:
            sys.exit(f"error: settings.ini requirement {req!r} is not of the form name>=floor")
        out[norm(m[1])] = m[2]
    return out


def pins(path: Path) -> dict:
    "The constraints file's `name==version` lines as {name: version}."
    out = {}
    for line in path.read_text(encoding='utf-8').splitlines():
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r'([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.]*)', line)
        if not m:
            sys.exit(f"error: {path.name}: {line!r} is not of the form name==version")
        out[norm(m[1])] = m[2]
    return out


def same(floor: str, pinned: str) -> bool:
    "`2.7` and `2.7.0` are the same floor."
    a, b = [[int(p) if p.isdigit() else p for p in v.split('.')] for v in (floor, pinned)]
    n = max(len(a), len(b))
    return a + [0] * (n - len(a)) == b + [0] * (n - len(b))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--constraints', default=str(ROOT / 'constraints' / 'minimums.txt'))
    p.add_argument('--installed', action='store_true', help="also check this Python's installed versions")
    args = p.parse_args(argv)
    want, pinned = floors(), pins(Path(args.constraints))
    name, errors = Path(args.constraints).name, []
    for n, f in want.items():
        if n not in pinned:
            errors.append(f"settings.ini requires {n}>={f} but {name} does not pin it")
        elif not same(f, pinned[n]):
            errors.append(f"settings.ini requires {n}>={f} but {name} pins {n}=={pinned[n]}")
    if args.installed:
        for n, v in pinned.items():
            try:
                got = version(n).split('+')[0]  # a local label (torch's +cpu) is the same release
            except PackageNotFoundError:
                got = None
            if got != v:
                errors.append(f"{n} {got or 'is not installed'}, but the constraints pin {n}=={v}")
    for e in errors:
        print(f'error: {e}', file=sys.stderr)
    if errors:
        return 1
    done = ', all installed at those versions' if args.installed else ''
    print(f'minimums: {len(want)} requirement floors pinned{done}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
