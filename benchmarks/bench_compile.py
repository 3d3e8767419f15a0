#!/usr/bin/env python
"""Training tokens/s of the `tiny` preset on the CPU, eager vs `torch.compile`, in the same process.

    python benchmarks/bench_compile.py                  # 2 threads, 30 steps each, median of the last 20
    python benchmarks/bench_compile.py --steps 40 --threads 1

A training step is what the trainer does (fp32 forward, backward, clip, the preset's optimizer) on random
tokens of the preset's batch shape. Each variant runs `--steps` steps; the first ones (compilation for the
compiled variant) are left out and the median step time of the rest is reported, with the machine's load
average before and after (the figures mean little on a busy machine). Also printed: the compilation time
(the compiled variant's first step) and how many graphs were compiled after warm-up (should be 0).
A benchmark, not a test: it prints figures and does not fail.
"""

import argparse, os, statistics, time

import torch
from torch._dynamo.utils import counters

from minigpt.config import Config
from minigpt.model import GPT
from minigpt.train import build_optimizer


def run(cfg: Config, steps: int, compile: bool) -> tuple[list[float], int]:
    torch.manual_seed(0)
    model, t = GPT(cfg.model), cfg.training
    opt = build_optimizer(model, t, torch.device('cpu'))
    fwd = torch.compile(model) if compile else model
    g = torch.Generator().manual_seed(0)
    times, graphs = [], 0
    for i in range(steps):
        x = torch.randint(0, cfg.model.vocab_size, (t.batch_size, cfg.model.seq_len + 1), generator=g)
        t0 = time.perf_counter()
        _, loss = fwd(x[:, :-1], x[:, 1:])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        times.append(time.perf_counter() - t0)
        if i == 2:
            graphs = counters['stats']['unique_graphs']
    return times, counters['stats']['unique_graphs'] - graphs


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--steps', type=int, default=30, help='steps per variant (default %(default)s)')
    p.add_argument('--skip', type=int, default=10, help='steps left out of the median (default %(default)s)')
    p.add_argument('--threads', type=int, default=2, help='torch CPU threads (default %(default)s)')
    p.add_argument('--preset', default='tiny', help='the preset (default %(default)s)')
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    cfg = Config.from_preset(args.preset)
    m, t = cfg.model, cfg.training
    tokens = t.batch_size * m.seq_len
    print(
        f'torch {torch.__version__}, {args.threads} threads, preset {args.preset}: {m.n_layers}x{m.d_model}, '
        f'batch {t.batch_size}x{m.seq_len}, optimizer {t.optimizer}; load before {os.getloadavg()[0]:.2f}'
    )
    res = {}
    for name, comp in (('eager', False), ('compiled', True)):
        times, recompiles = run(cfg, args.steps, comp)
        med = statistics.median(times[args.skip :])
        res[name] = tokens / med
        extra = f', first step {times[0]:.1f} s, {recompiles} graph(s) compiled after step 3' if comp else ''
        span = f'median step {med * 1e3:.0f} ms over steps {args.skip + 1}-{args.steps}'
        print(f'{name:9s} {res[name]:8,.0f} tokens/s ({span}){extra}')
    print(f'speed-up {res["compiled"] / res["eager"]:.2f}x; load after {os.getloadavg()[0]:.2f}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
