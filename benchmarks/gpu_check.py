#!/usr/bin/env python
"""Prove the GPU paths on a CUDA machine in a few minutes; exit 1 when one is broken.

    python benchmarks/gpu_check.py              # on a CUDA GPU: the `colab` preset, 300 steps per precision
    python benchmarks/gpu_check.py --dry-run    # on the CPU (automatic without CUDA): a micro model, CUDA-only parts skipped

Checks, each printed as PASS / FAIL / SKIP with its figures:
1. fp32, bf16 and fp16 (with GradScaler) training of the `colab` model on offline synthetic sequences (a learnable
   pattern: each token follows from the previous one, 10% noise); bf16 and fp16 must end within LOSS_TOL nats of fp32
   (mean loss over the last 10% of steps).
2. AdamW with `fused=True` (what `build_optimizer` uses on CUDA) and Muon+AdamW both train (loss falls, stays finite).
3. eager vs `torch.compile`d tokens/s and MFU (the model chapter's `PEAK_FLOPS`), after warm-up; the compiled
   step must not recompile after warm-up.
4. a 1-GPU `torchrun` run of `python -m minigpt.train` (synthetic data, a few steps).
5. peak GPU memory, and the time per optimizer step that the `colab` and `small` presets imply on a T4, an A100
   and an H100: measured on the GPU at hand, the others extrapolated by the ratio of peak FLOP/s (and labelled so).
"""

import argparse, math, os, subprocess, sys, tempfile, time, traceback
from pathlib import Path
import torch
import minigpt
from minigpt.config import Config, Precision, resolve_precision
from minigpt.model import GPT, PEAK_FLOPS, peak_flops
from minigpt.train import build_optimizer

LOSS_TOL = 0.05  # nats, mean of the last 10% of steps, bf16/fp16 vs fp32
RESULTS: list[tuple[str, str, str]] = []


def report(name: str, status: str, detail: str = ''):
    RESULTS.append((name, status, detail))
    print(f'[{status}] {name}' + (f': {detail}' if detail else ''), flush=True)


def check(name: str):
    "Run the decorated check now; an exception is a FAIL with its message (the traceback goes to stderr)."

    def run(fn):
        try:
            fn()
        except Exception as e:
            traceback.print_exc()
            report(name, 'FAIL', f'{type(e).__name__}: {str(e).strip()[:300]}')
        return fn

    return run


def batches(vocab: int, batch: int, seq: int, device, seed: int = 0):
    "Offline synthetic sequences: x[t] = (5 x[t-1] + 3) mod V, but a random token 10% of the time; learnable, with a loss floor."
    g = torch.Generator().manual_seed(seed)
    while True:
        cols = [torch.randint(0, vocab, (batch,), generator=g)]
        noise, rand = (
            torch.rand(batch, seq, generator=g) < 0.1,
            torch.randint(0, vocab, (batch, seq), generator=g),
        )
        for i in range(seq):
            cols.append(torch.where(noise[:, i], rand[:, i], (cols[-1] * 5 + 3) % vocab))
        x = torch.stack(cols, 1)
        yield x[:, :-1].to(device), x[:, 1:].to(device)


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()


def train_run(
    cfg: Config,
    device,
    precision: str,
    steps: int,
    compile: bool = False,
    optimizer: str | None = None,
    micro: int | None = None,
):
    "Train a fresh model for `steps` micro-steps; returns (losses, tokens/s after warm-up, model, recompiles after warm-up)."
    torch.manual_seed(0)
    t = cfg.training if optimizer is None else cfg.override({'training.optimizer': optimizer}).training
    model = GPT(cfg.model).to(device)
    opt = build_optimizer(model, t, device)
    prec: Precision = resolve_precision(precision, device)
    scaler = torch.amp.GradScaler(device.type, enabled=prec.use_scaler)
    fwd = torch.compile(model) if compile else model
    bs = micro or t.batch_size
    data = batches(cfg.model.vocab_size, bs, cfg.model.seq_len, device)
    import torch._dynamo.utils as du

    losses, warm, t0, graphs = [], min(5, steps // 2), None, None
    for i in range(steps):
        if i == warm:
            sync(device)
            t0 = time.perf_counter()
            graphs = du.counters['stats']['unique_graphs']
        x, y = next(data)
        with prec.autocast(device):
            _, loss = fwd(x, y)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip)
        scaler.step(opt)
        scaler.update()
        opt.zero_grad(set_to_none=True)
        for g in opt.param_groups:
            g['lr'] = t.lr * min(1.0, (i + 1) / max(1, steps // 10))
        losses.append(loss.item())
    sync(device)
    tps = (steps - warm) * bs * cfg.model.seq_len / (time.perf_counter() - t0)
    recompiles = du.counters['stats']['unique_graphs'] - graphs
    return losses, tps, model, recompiles


def tail_mean(xs):
    k = max(1, len(xs) // 10)
    return sum(xs[-k:]) / k


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        '--dry-run',
        action='store_true',
        help='CPU, micro model, CUDA-only parts skipped (automatic without CUDA)',
    )
    p.add_argument(
        '--steps', type=int, default=None, help='steps per precision (default 300; 60 in a dry run)'
    )
    args = p.parse_args(argv)
    dry = args.dry_run or not torch.cuda.is_available()
    if dry and not args.dry_run:
        print('no CUDA device here: dry run on the CPU')
    device = torch.device('cpu' if dry else 'cuda')
    cfg = Config.from_preset('colab')
    if dry:
        cfg = cfg.override(
            {
                'model.vocab_size': 320,
                'model.n_layers': 1,
                'model.d_model': 32,
                'model.n_heads': 2,
                'model.seq_len': 32,
                'training.batch_size': 4,
                'training.lr': 3e-3,
            }
        )
        torch.set_num_threads(min(2, torch.get_num_threads()))
    steps = args.steps or (60 if dry else 300)
    name = torch.cuda.get_device_name() if not dry else 'CPU'
    print(
        f'torch {torch.__version__} | device {name} | model {cfg.model.n_layers}x{cfg.model.d_model}, seq {cfg.model.seq_len}, '
        f'vocab {cfg.model.vocab_size} | {steps} steps of batch {cfg.training.batch_size} per run | tolerance {LOSS_TOL} nats',
        flush=True,
    )
    start = time.time()

    curves = {}

    @check('precision: fp32, bf16, fp16 agree')
    def _():
        for mp in ('fp32', 'bf16', 'fp16'):
            if mp == 'bf16' and device.type == 'cuda' and not torch.cuda.is_bf16_supported():
                report(f'precision {mp}', 'SKIP', f'{name} has no bf16')
                continue
            losses, tps, _, _ = train_run(cfg, device, mp, steps, optimizer='adamw')
            curves[mp] = losses
            if not all(math.isfinite(l) for l in losses):
                raise RuntimeError(f'{mp}: a loss was not finite')
            gap = abs(tail_mean(losses) - tail_mean(curves['fp32']))
            line = f'loss {losses[0]:.3f} -> {tail_mean(losses):.3f}, gap to fp32 {gap:.4f}, {tps:,.0f} tok/s'
            if gap > LOSS_TOL:
                report(f'precision {mp}', 'FAIL', line + f' > {LOSS_TOL}')
            else:
                report(f'precision {mp}', 'PASS', line)
        if tail_mean(curves['fp32']) > curves['fp32'][0] - (0.0 if dry else 0.5):
            report(
                'precision: fp32 learns',
                'FAIL',
                f"loss {curves['fp32'][0]:.3f} -> {tail_mean(curves['fp32']):.3f}",
            )

    amp = 'fp32' if dry else ('bf16' if torch.cuda.is_bf16_supported() else 'fp16')

    @check('optimizers')
    def _():
        for opt in ('adamw', 'muon'):
            losses, tps, model, _ = train_run(cfg, device, amp, max(10, steps // 3), optimizer=opt)
            fused = opt == 'adamw' and device.type == 'cuda'
            ok = all(math.isfinite(l) for l in losses) and tail_mean(losses) < losses[0]
            report(
                f'optimizer {opt}' + (' (fused AdamW)' if fused else ''),
                'PASS' if ok else 'FAIL',
                f'loss {losses[0]:.3f} -> {tail_mean(losses):.3f}, {tps:,.0f} tok/s',
            )
        if device.type != 'cuda':
            report('fused AdamW', 'SKIP', 'CUDA only (build_optimizer passes fused=True on CUDA)')

    @check('torch.compile')
    def _():
        n = max(10, steps // 5)
        _, eager, model, _ = train_run(cfg, device, amp, n)
        _, comp, _, recompiles = train_run(cfg, device, amp, n, compile=True)
        fpt = model.flops_per_token()
        peak = peak_flops(device)
        mfus = (
            f', MFU eager {eager * fpt / peak:.1%} / compiled {comp * fpt / peak:.1%}'
            if peak
            else ', MFU: peak unknown for this device'
        )
        report(
            'compile vs eager',
            'PASS' if recompiles == 0 else 'FAIL',
            f'{eager:,.0f} vs {comp:,.0f} tok/s ({comp / eager:.2f}x){mfus}, {recompiles} recompile(s) after warm-up',
        )

    @check('torchrun, 1 GPU')
    def _():
        if dry:
            report(
                'torchrun, 1 GPU',
                'SKIP',
                'CUDA only (the CPU torchrun path is tested in chapter 04 with gloo)',
            )
            return
        with tempfile.TemporaryDirectory() as d:
            sets = [
                'model.n_layers=2',
                'model.d_model=128',
                'model.n_heads=4',
                'model.seq_len=128',
                'model.vocab_size=512',
                'training.total_steps=20',
                'training.warmup_steps=2',
                'training.eval_interval=10',
                'training.checkpoint_interval=20',
                'training.sample_interval=0',
                'training.log_interval=5',
                'data.sources=["synthetic"]',
                'data.synthetic_samples=2000',
                f'runtime.output_dir={d}/run',
            ]
            cmd = [
                sys.executable,
                '-m',
                'torch.distributed.run',
                '--standalone',
                '--nproc_per_node=1',
                '-m',
                'minigpt.train',
                '--output-dir',
                f'{d}/run',
            ]
            for s in sets:
                cmd += ['--set', s]
            root = str(Path(minigpt.__file__).resolve().parent.parent)  # the same minigpt as this process
            env = {**os.environ, 'PYTHONPATH': root + os.pathsep + os.environ.get('PYTHONPATH', '')}
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
            ok = r.returncode == 0 and (Path(d) / 'run/checkpoints/step_000020').is_dir()
            report(
                'torchrun, 1 GPU',
                'PASS' if ok else 'FAIL',
                f'exit {r.returncode}' + ('' if ok else ': ' + (r.stderr or r.stdout)[-600:]),
            )

    @check('memory and time per step')
    def _():
        if dry:
            report('peak memory', 'SKIP', 'CUDA only')
            report('time per step (colab, small on T4/A100/H100)', 'SKIP', 'CUDA only')
            return
        here = peak_flops(device)
        for preset in ('colab', 'small'):
            c = Config.from_preset(preset)
            torch.cuda.reset_peak_memory_stats()
            n = 15
            _, tps, _, _ = train_run(c, device, amp, n, compile=c.runtime.use_compile)
            mem = torch.cuda.max_memory_allocated() / 2**30
            tokens = c.training.batch_size * c.training.grad_accum_steps * c.model.seq_len
            step = tokens / tps
            rows = [f'{name}: {step:.3f} s (measured)']
            for gpu in ('T4', 'A100', 'H100'):
                if here and gpu.lower() not in name.lower():
                    rows.append(f'{gpu}: {step * here / PEAK_FLOPS[gpu]:.3f} s (extrapolated by peak FLOP/s)')
            total_h = step * c.training.total_steps / 3600
            report(
                f'{preset}: time per optimizer step',
                'PASS',
                f"{'; '.join(rows)}; peak memory {mem:.1f} GiB; {c.training.total_steps} steps = {total_h:.2f} h here",
            )

    fails = [r for r in RESULTS if r[1] == 'FAIL']
    print(
        f'\n{len(RESULTS)} checks: {sum(r[1] == "PASS" for r in RESULTS)} passed, {len(fails)} failed, '
        f'{sum(r[1] == "SKIP" for r in RESULTS)} skipped, {time.time() - start:.0f} s'
    )
    for n, _, d in fails:
        print(f'FAILED: {n}: {d}', file=sys.stderr)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
