#!/usr/bin/env python
"""Milliseconds per generated token of the decode loop, streaming (`generate_tokens`) and `GPT.generate`.

    python benchmarks/bench_decode.py                     # this checkout
    python benchmarks/bench_decode.py --baseline HEAD~3   # and another revision's package, same process

Two random-weight models, batch 1: the sampling chapter's micro model (1 layer, d_model 32, seq_len 64,
vocab 320), where the per-step overhead of the loop dominates, and a small one (4 layers, d_model 256,
seq_len 512, vocab 4096). Each stream fills the context from a 4-token prompt (no stop ids), greedily and
with the chat defaults (temperature 0.7, top-k 50, top-p 0.95). Times are CPU seconds of the calling thread
(`time.thread_time`, with torch on one thread by default), so that other jobs on a shared machine count
less than in wall time. With `--baseline` the two packages run interleaved within each repeat, in a random
order, after a warm-up round; the table reports the median and the minimum of the repeats. A benchmark,
not a test: it never fails.
"""

import argparse, importlib, io, platform, random, statistics, subprocess, sys, tarfile, tempfile, time
from pathlib import Path

import torch

from minigpt.config import ModelConfig

ROOT = Path(__file__).resolve().parents[1]


def load_package(rev: str | None):
    "The `minigpt` package of this checkout (rev None) or of git revision `rev`, imported under another name."
    if rev is None:
        return importlib.import_module('minigpt.model'), importlib.import_module('minigpt.sample')
    tar = subprocess.run(
        ['git', '-C', str(ROOT), 'archive', rev, 'minigpt'], capture_output=True, check=True
    ).stdout
    dest = Path(tempfile.mkdtemp()) / 'pkg'
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(dest, filter='data')
    (dest / 'minigpt').rename(dest / 'minigpt_baseline')
    sys.path.insert(0, str(dest))
    return importlib.import_module('minigpt_baseline.model'), importlib.import_module(
        'minigpt_baseline.sample'
    )


def cases(model_mod, sample_mod, cfg, state):
    torch.manual_seed(0)
    m = model_mod.GPT(cfg).eval()
    m.load_state_dict(state)
    prompt, n = [1, 2, 3, 4], cfg.seq_len - 4
    chat = dict(temperature=0.7, top_k=50, top_p=0.95)

    def stream(**kw):
        return lambda: sum(1 for _ in sample_mod.generate_tokens(m, prompt, n, generator=0, **kw))

    def gen(**kw):
        return lambda: m.generate(torch.tensor([prompt]), n, generator=0, **kw).size(1) - len(prompt)

    return {
        'stream greedy': stream(temperature=0),
        'stream sampled': stream(**chat),
        'generate greedy': gen(temperature=0),
        'generate sampled': gen(**chat),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--baseline', metavar='REV', help="also time this git revision's package, interleaved")
    p.add_argument('--repeats', type=int, default=15, help='timed rounds (default %(default)s)')
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads (default %(default)s)')
    p.add_argument(
        '--models',
        nargs='+',
        choices=['micro', 'small'],
        default=['micro', 'small'],
        help='which models (default: both)',
    )
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    random.seed(0)
    configs = {
        'micro': ModelConfig(vocab_size=320, n_layers=1, d_model=32, n_heads=2, seq_len=64),
        'small': ModelConfig(vocab_size=4096, n_layers=4, d_model=256, n_heads=4, seq_len=512),
    }
    pkgs = {'this checkout': load_package(None)}
    if args.baseline:
        pkgs[f'baseline {args.baseline}'] = load_package(args.baseline)
    cpu = platform.processor() or platform.machine()
    print(
        f'torch {torch.__version__}, {cpu}, {torch.get_num_threads()} thread(s), fp32, '
        f'{args.repeats} repeats, CPU ms per generated token: median (min)'
    )
    print(f"{'model':6} {'loop':17} " + ' '.join(f'{k:>24}' for k in pkgs))
    for name in args.models:
        cfg = configs[name]
        torch.manual_seed(0)
        state = importlib.import_module('minigpt.model').GPT(cfg).state_dict()
        runs = {k: cases(*mods, cfg, state) for k, mods in pkgs.items()}
        for case in runs['this checkout']:
            times = {k: [] for k in pkgs}
            for k in pkgs:
                runs[k][case]()  # warm-up
            for _ in range(args.repeats):
                for k in random.sample(list(pkgs), len(pkgs)):
                    t = time.thread_time()
                    n = runs[k][case]()
                    times[k].append((time.thread_time() - t) * 1e3 / n)
            print(
                f"{name:6} {case:17} "
                + ' '.join(f'{statistics.median(v):15.3f} ({min(v):6.3f})' for v in times.values())
            )
    return 0


if __name__ == '__main__':
    sys.exit(main())
