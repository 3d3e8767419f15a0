#!/usr/bin/env python
"""Held-out bits per byte a recipe reaches on tinyshakespeare within a fixed CPU-time budget (one thread).

    python benchmarks/bench_cpu_budget.py                             # the tiny preset, 150 CPU-seconds
    python benchmarks/bench_cpu_budget.py --set training.lr=2e-3 --budget 100
    python benchmarks/bench_cpu_budget.py --compare                   # also the reference recipe, same run

Data: the first 90% of `input.txt` is the training text (the `text` source reads it from a local file), the
last 10% is held out. The budget is the process's CPU time (user + sys, `resource.getrusage`): imports,
tokenizer training, data preparation, model set-up and the training steps all count; measuring the matmul
ceiling and the final held-out evaluation do not. (With `runtime.use_compile=true` the compiler works in
this process, so its time counts too.)

Schedule: the LR schedule needs `training.total_steps` up front. Unless `--steps` gives it, the benchmark
runs the first steps (inside the warmup, where the schedule does not depend on the total), measures their
CPU time per step and sets total_steps to the steps the remaining budget allows (less a small margin); the
run still stops cleanly when the budget is spent, whichever comes first. So each recipe gets a whole
schedule that ends at the budget, as a user who knows their step time would set it.

Held-out bits per byte: the summed next-token loss (nats) over non-overlapping `seq_len` windows of the
held-out text, divided by ln 2 and by the text's UTF-8 bytes. Also printed: tokens/s of the training steps
and their share of this machine's matmul ceiling (fp32 and bf16 GFLOP/s on one thread, measured in the
same run). This is a benchmark, not a test: it prints figures and does not fail.
"""

import argparse, math, os, resource, shutil, sys, tempfile, time
from pathlib import Path

# torch.compile's C++ builds run in this process, so they count; set before torch is imported
os.environ.setdefault('TORCHINDUCTOR_COMPILE_THREADS', '1')

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from minigpt.config import Config, add_config_args, parse_set, load_overrides  # noqa: E402
from minigpt.train import Trainer  # noqa: E402

# the reference recipe: the tiny preset before it was tuned (240 steps, warmup 24)
REFERENCE = {
    'model.vocab_size': 2048,
    'model.n_layers': 4,
    'model.d_model': 128,
    'model.n_heads': 4,
    'model.seq_len': 256,
    'training.batch_size': 16,
    'training.lr': 3e-3,
    'training.min_lr_ratio': 0.1,
    'training.warmup_steps': 24,
    'training.weight_decay': 0.1,
    'training.mixed_precision': 'fp32',
}
# estimated to fill the budget, like the recipe's (its 240 steps took about 150 CPU-seconds when it was set)
REFERENCE_STEPS = None
# the reference predates these keys; keep them at their old values if this version of minigpt has them
REFERENCE_IF_PRESENT = {'training.optimizer': 'adamw', 'training.schedule': 'cosine'}


def cpu_s() -> float:
    "CPU-seconds (user + sys) of this process and of the child processes it has waited for."
    usage = (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    return sum(r.ru_utime + r.ru_stime for r in usage)


def matmul_gflops(dtype, n: int = 512, reps: int = 5) -> float:
    "GFLOP/s of an n x n matmul in `dtype` on the current thread count (best of `reps`)."
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    for _ in range(2):
        a @ b
    best = float('inf')
    for _ in range(reps):  # thread CPU time, not wall time: other processes do not lower the figure
        t = time.thread_time()
        a @ b
        best = min(best, time.thread_time() - t)
    return 2 * n**3 / best / 1e9


def heldout_bpb(model, tok, text: str, seq_len: int, batch: int = 32) -> float:
    "Summed next-token loss over non-overlapping windows of `text` / ln 2 / its UTF-8 bytes (fp32)."
    ids = torch.tensor(tok.encode(text), dtype=torch.long)
    starts = list(range(0, len(ids) - 1, seq_len))
    nats = 0.0
    model.eval()
    with torch.no_grad():
        for b in range(0, len(starts), batch):
            xs, ys = [], []
            for s in starts[b : b + batch]:
                x, y = ids[s : s + seq_len], ids[s + 1 : s + seq_len + 1]
                pad = seq_len - len(y)
                xs.append(F.pad(x[: len(y)], (0, pad)))
                ys.append(F.pad(y, (0, pad), value=-100))
            logits = model(torch.stack(xs))[0].float().flatten(0, 1)
            targets = torch.stack(ys).flatten()
            nats += F.cross_entropy(logits, targets, ignore_index=-100, reduction='sum').item()
    return nats / math.log(2) / len(text.encode('utf-8'))


def run_recipe(
    name: str, overrides: dict, args, train_file: Path, heldout: str, extra_cpu: float, steps: int | None
) -> dict:
    "Train one recipe until its CPU budget is spent; returns its figures."
    c0 = cpu_s()

    def used():
        return cpu_s() - c0 + extra_cpu

    out = Path(tempfile.mkdtemp(prefix=f'bench-{name}-', dir=args.work_dir))
    base = {
        'data.sources': ['text'],
        'data.local_files': {'text': str(train_file)},
        'data.offline': True,
        'data.val_fraction': 1e-9,  # the training text is one document: keep it out of the validation split
        'runtime.output_dir': str(out),
        'runtime.num_threads': args.threads,
        'runtime.device': 'cpu',
        'training.total_steps': steps or 100_000,
        'training.sample_interval': 0,
        'training.eval_interval': 10**9,
        'training.checkpoint_interval': 10**9,
        'training.log_interval': 10**9,
    }
    cfg = Config.from_preset(args.preset).override({**base, **overrides})
    tr = Trainer(cfg, verbose=args.verbose, live_plot=False)
    t, m = cfg.training, cfg.model
    setup = used()
    tokens_per_step = t.batch_size * t.grad_accum_steps * m.seq_len
    losses, step_cpu, train_wall = [], 0.0, 0.0
    first = 0.0  # CPU time of the first step (set-up work the later steps do not repeat)
    probe = min(6, max(2, t.warmup_steps - 1)) if steps is None else 0
    while tr.step < t.total_steps:
        s0, w0 = cpu_s(), time.perf_counter()
        row = tr.train_step()
        step_cpu += cpu_s() - s0
        train_wall += time.perf_counter() - w0
        losses.append(row['loss'].item())  # a tensor until read
        if probe and tr.step >= probe and (tr.step == probe or tr.step % 10 == 0):
            # the schedule's length from the CPU time per step so far (the first step excluded), estimated
            # again every 10 steps because other processes on the machine make steps slower or faster
            per = (step_cpu - first) / (tr.step - 1)
            total = max(tr.step + 1, int(tr.step + (args.budget - used()) / per * 0.99))
            t.total_steps = total
            tr.sched.total_steps = total
            if t.warmup_steps > total:
                t.warmup_steps = tr.sched.warmup_steps = total
        if tr.step == 1:
            first = step_cpu
        if used() >= args.budget:
            break
    cpu_total = used()
    tok_s = tr.step * tokens_per_step / step_cpu
    bpb = heldout_bpb(tr.model, tr.tokenizer, heldout, m.seq_len)
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    return {
        'name': name,
        'cpu': cpu_total,
        'setup': setup,
        'steps': tr.step,
        'planned': t.total_steps,
        'tok_s': tok_s,
        'flops_per_token': tr.flops_per_token,
        'precision': tr.precision.name,
        'bpb': bpb,
        'loss_first': sum(losses[:10]) / len(losses[:10]),
        'loss_last': sum(losses[-10:]) / len(losses[-10:]),
        'changed': {k: v for k, v in cfg.flat().items() if k not in base and Config().flat().get(k) != v},
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_config_args(p)
    root = Path(__file__).resolve().parent.parent
    # ../shared/... from the repository root, or from a folder above it (a git worktree)
    rel = 'shared/data/tinyshakespeare/input.txt'
    default = next((str(d / rel) for d in root.parents if (d / rel).exists()), str(root.parent / rel))
    p.add_argument('--data', default=default, help='the corpus (default: %(default)s)')
    p.add_argument('--budget', type=float, default=150.0, help='CPU-seconds per recipe (default %(default)s)')
    p.add_argument(
        '--steps',
        type=int,
        help='total_steps of the schedule (default: estimated from the first steps to fill the budget)',
    )
    p.add_argument('--threads', type=int, default=1, help='torch threads (default %(default)s)')
    p.add_argument(
        '--compare',
        action='store_true',
        help='also run the reference recipe (the tiny preset before tuning, warmup 24)',
    )
    p.add_argument(
        '--work-dir',
        default=None,
        help='where the temporary run directories go (default: the system temp dir)',
    )
    p.add_argument('--verbose', action='store_true', help="show the trainer's set-up output")
    p.add_argument(
        '--keep',
        action='store_true',
        help='keep the run directories (tokenizer, shards, config) instead of deleting them',
    )
    args = p.parse_args(argv)
    import_cpu = cpu_s()  # python + torch + minigpt imports: counted in every recipe's budget
    torch.set_num_threads(args.threads)
    text = Path(args.data).read_text(encoding='utf-8')
    cut = int(len(text) * 0.9)
    work = Path(tempfile.mkdtemp(prefix='bench-cpu-', dir=args.work_dir))
    train_file = work / 'train.txt'
    train_file.write_text(text[:cut], encoding='utf-8')
    heldout = text[cut:]
    fp32, bf16 = matmul_gflops(torch.float32), matmul_gflops(torch.bfloat16)
    print(f'matmul ceiling, {args.threads} thread(s): fp32 {fp32:.1f} GFLOP/s, bf16 {bf16:.1f} GFLOP/s')
    overrides = load_overrides(args.config_json) if args.config_json else {}
    overrides.update(parse_set(args.set_items))
    runs = [('recipe', overrides, args.steps)]
    if args.compare:
        cfg_keys = Config().flat()
        runs.insert(
            0,
            (
                'reference',
                {**REFERENCE, **{k: v for k, v in REFERENCE_IF_PRESENT.items() if k in cfg_keys}},
                REFERENCE_STEPS,
            ),
        )
    results = []
    for name, ov, steps in runs:
        r = run_recipe(name, ov, args, train_file, heldout, import_cpu, steps)
        peak = bf16 if r['precision'] == 'bf16' else fp32
        r['ceiling'] = r['tok_s'] * r['flops_per_token'] / (peak * 1e9)
        results.append(r)
        print(f"{name}: changed {r['changed'] or 'nothing'} (preset {args.preset})")
        ceiling = 'bf16' if r['precision'] == 'bf16' else 'fp32'
        print(
            f"{name}: held-out bits/byte {r['bpb']:.3f} | CPU {r['cpu']:.1f} s (set-up {r['setup']:.1f} s) | "
            f"steps {r['steps']} of {r['planned']} | {r['tok_s']:,.0f} tokens/s | "
            f"{r['precision']}: {100 * r['ceiling']:.1f}% of the {ceiling} matmul ceiling | "
            f"train loss {r['loss_first']:.2f} -> {r['loss_last']:.2f}",
            flush=True,
        )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if len(results) > 1:
        print(f"held-out bits/byte: reference {results[0]['bpb']:.3f} -> recipe {results[1]['bpb']:.3f}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
